/// The command names of the protocol (`"cmd":"run_now"`), with the fields each takes.
public enum Command: String, Sendable, CaseIterable, CustomStringConvertible {
    case status
    case tasks
    case task
    case enable
    case disable
    case clear
    case runNow = "run_now"
    case history
    case next
    case reload
    case plan

    public var description: String { rawValue }

    /// Fields besides `v`, `id` and `cmd`, in the order the documentation lists them.
    public var fields: [String] {
        switch self {
        case .status, .tasks, .reload: return []
        case .task: return ["task", "output"]
        case .enable, .disable: return ["task", "until"]
        case .clear: return ["task"]
        case .runNow: return ["task", "force", "wait"]
        case .history: return ["task", "run_id", "limit", "output"]
        case .next: return ["limit"]
        case .plan: return ["from", "to"]
        }
    }

    /// Fields that must be present.
    public var requiredFields: [String] {
        switch self {
        case .task, .enable, .disable, .clear, .runNow: return ["task"]
        case .plan: return ["from"]
        default: return []
        }
    }

    /// Commands that change the daemon's state: only uid 0, the daemon's uid or a member of
    /// `control_group` may send them; anyone who can connect may send the others.
    public var isPrivileged: Bool {
        switch self {
        case .enable, .disable, .clear, .runNow, .reload: return true
        case .status, .tasks, .task, .history, .next, .plan: return false
        }
    }

    /// Words people reach for instead of the command's name, for "did you mean".
    static let aliases: [String: Command] = [
        "list": .tasks, "ls": .tasks, "show": .task, "info": .task, "describe": .task,
        "on": .enable, "off": .disable, "reset": .clear, "unset": .clear,
        "run": .runNow, "trigger": .runNow, "start": .runNow, "log": .history, "logs": .history,
        "runs": .history, "upcoming": .next, "schedule": .next, "reread": .reload, "restart": .reload,
    ]

    /// The command `name` was probably meant to be, if any.
    static func suggestion(for name: String) -> Command? {
        let normalized = String(name.lowercased().map { $0 == "-" ? "_" : $0 })
        if let exact = Command(rawValue: normalized) { return exact }
        if let alias = aliases[normalized] { return alias }
        return Suggestion.closest(to: normalized, among: allCases.map(\.rawValue)).flatMap(Command.init(rawValue:))
    }
}
