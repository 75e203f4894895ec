/// The seam to the daemon's run-time configuration commands (task add/set, settings set; their
/// own issue): the Add task, Settings and task-edit forms call this, never the socket directly.
/// Wiring it is one type that sends those commands through the `DaemonGateway`.
public protocol ConfigEditor: Sendable {
    /// False while the daemon has no such commands: the forms say so instead of pretending.
    var isAvailable: Bool { get }
    /// Adds a task from the form's fields (`name`, `command`, `at`/`frequency`/`cron`, ...).
    func addTask(_ fields: [String: String], actingFor user: String) async -> EditOutcome
    /// Changes some of a task's keys (`timeout_seconds`, `retries`, the schedule).
    func setTask(_ name: String, _ fields: [String: String], actingFor user: String) async -> EditOutcome
    /// The global settings now (`enable_holiday_check`, `enable_logging`) with their sources.
    func settings() async -> [String: String]
    /// Changes global settings.
    func setSettings(_ fields: [String: String], actingFor user: String) async -> EditOutcome
}

/// What the daemon made of an edit.
public enum EditOutcome: Sendable, Equatable {
    /// Saved; the message says what changed.
    case saved(String)
    /// Refused by the validator: a message per form field (`""` for the form as a whole).
    case rejected([String: String])
    /// Could not be tried (daemon down, no such command, read-only).
    case failed(String)
}

/// The editor until the daemon speaks the run-time configuration commands.
public struct PendingConfigEditor: ConfigEditor {
    public init() {}
    public var isAvailable: Bool { false }
    static let message = "this daemon cannot change its configuration at run time yet; edit the YAML file and run: v6ctl reload"
    public func addTask(_ fields: [String: String], actingFor user: String) async -> EditOutcome { .failed(Self.message) }
    public func setTask(_ name: String, _ fields: [String: String], actingFor user: String) async -> EditOutcome { .failed(Self.message) }
    public func settings() async -> [String: String] { [:] }
    public func setSettings(_ fields: [String: String], actingFor user: String) async -> EditOutcome { .failed(Self.message) }
}
