/// One run-time change of the configuration, as `v6ctl task ...`, `v6ctl settings set` or the
/// dashboard asks for it. Values are YAML text (`300`, `[mon, wed]`, `"python3 x.py"`), read
/// the way the same text would be read in a file.
public enum ConfigEdit: Sendable, Equatable, CustomStringConvertible {
    /// A new task; its name must not exist yet.
    case addTask(String, [ConfigSetting])
    /// Keys of an existing task, by their YAML names.
    case setTask(String, [ConfigSetting])
    /// Drops a task.
    case removeTask(String)
    /// `scheduler:` keys that take effect without a restart; `calendar.extra_closures` for
    /// the calendar's keys.
    case setSettings([ConfigSetting])

    /// The task the edit is about, if any.
    public var taskName: String? {
        switch self {
        case .addTask(let name, _), .setTask(let name, _), .removeTask(let name): name
        case .setSettings: nil
        }
    }

    public var settings: [ConfigSetting] {
        switch self {
        case .addTask(_, let settings), .setTask(_, let settings), .setSettings(let settings): settings
        case .removeTask: []
        }
    }

    /// The command for the audit and the journal, with secret values masked:
    /// `task set collect timeout_seconds=300 retries=3`.
    public var description: String {
        let head: String = switch self {
        case .addTask(let name, _): "task add \(name)"
        case .setTask(let name, _): "task set \(name)"
        case .removeTask(let name): "task rm \(name)"
        case .setSettings: "settings set"
        }
        return ([head] + settings.map(\.masked)).joined(separator: " ")
    }
}

/// `KEY=VALUE` of an edit: a YAML key name (`timeout_seconds`, `calendar.extra_closures`) and
/// a YAML text.
public struct ConfigSetting: Sendable, Equatable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// `key=value`, or `key=********` for a secret (a task's `environment`, a password, ...).
    public var masked: String {
        key == "environment" || ConfigSecrets.isSecretName(key) ? "\(key)=********" : "\(key)=\(value)"
    }
}

/// Why an edit was refused before the configuration was even checked.
public struct ConfigEditError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// No task of that name.
        case unknownTask
        /// `task add` of a name that exists.
        case exists
        /// A key or value the edit cannot take (a key that needs a restart, `tasks` through
        /// `settings set`, YAML that does not parse, ...).
        case invalidValue
        /// The change would be overridden by a later file, or the managed file cannot be rewritten.
        case invalidConfig
    }

    public let code: Code
    public let message: String
    public var description: String { message }

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}
