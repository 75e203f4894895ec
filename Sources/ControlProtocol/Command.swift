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
    /// The effective configuration, each value with its source (docs/control-protocol.md).
    case configShow = "config_show"
    /// Who changed the configuration, newest first.
    case audit
    case taskAdd = "task_add"
    case taskSet = "task_set"
    case taskRemove = "task_rm"
    case settingsSet = "settings_set"
    case metrics
    case notifyTest = "notify_test"
    /// Planned occurrences on ET dates, from the daemon's own engine (as `v6-scheduler plan`).
    case plan

    public var description: String { rawValue }

    /// Fields besides `v`, `id` and `cmd`, in the order the documentation lists them.
    public var fields: [String] {
        switch self {
        case .status, .reload, .metrics: return []
        case .notifyTest: return ["channel"]
        case .tasks: return ["limit", "offset", "filter"]
        case .task: return ["task", "output"]
        case .enable, .disable: return ["task", "until", "on_behalf_of"]
        case .clear: return ["task", "on_behalf_of"]
        case .runNow: return ["task", "force", "wait", "with_dependents", "on_behalf_of"]
        case .history: return ["task", "run_id", "limit", "output", "cursor"]
        case .next: return ["limit"]
        case .plan: return ["from", "to"]
        case .configShow: return ["sources"]
        case .audit: return ["limit"]
        case .taskAdd, .taskSet: return ["task", "settings", "revision", "on_behalf_of"]
        case .taskRemove: return ["task", "revision", "on_behalf_of"]
        case .settingsSet: return ["settings", "revision", "on_behalf_of"]
        }
    }

    /// Fields that must be present.
    public var requiredFields: [String] {
        switch self {
        case .task, .enable, .disable, .clear, .runNow: return ["task"]
        case .plan: return ["from"]
        case .taskAdd, .taskSet: return ["task", "settings", "revision"]
        case .taskRemove: return ["task", "revision"]
        case .settingsSet: return ["settings", "revision"]
        case .notifyTest: return ["channel"]
        default: return []
        }
    }

    /// Commands that change the daemon's state: only uid 0, the daemon's uid or a member of
    /// `control_group` may send them; anyone who can connect may send the others.
    public var isPrivileged: Bool {
        switch self {
        case .enable, .disable, .clear, .runNow, .reload, .taskAdd, .taskSet, .taskRemove, .settingsSet, .notifyTest: return true
        case .status, .tasks, .task, .history, .next, .plan, .configShow, .audit, .metrics: return false
        }
    }

    /// Commands whose top-level `on_behalf_of` names the person a client acts for (a dashboard's
    /// signed-in user), for the daemon's log and the toggle's `set_by`. The configuration edits
    /// carry theirs in `ConfigRequest`, for the audit.
    public var takesOnBehalfOf: Bool {
        switch self {
        case .enable, .disable, .clear, .runNow: return true
        default: return false
        }
    }

    /// Words people reach for instead of the command's name, for "did you mean".
    static let aliases: [String: Command] = [
        "list": .tasks, "ls": .tasks, "show": .task, "info": .task, "describe": .task,
        "on": .enable, "off": .disable, "reset": .clear, "unset": .clear,
        "run": .runNow, "trigger": .runNow, "start": .runNow, "log": .history, "logs": .history,
        "runs": .history, "upcoming": .next, "schedule": .next, "reread": .reload, "restart": .reload,
        "config": .configShow, "show_config": .configShow, "add": .taskAdd, "add_task": .taskAdd, "set": .taskSet,
        "set_task": .taskSet, "rm": .taskRemove, "remove": .taskRemove, "delete": .taskRemove, "task_remove": .taskRemove,
        "settings": .settingsSet, "set_settings": .settingsSet, "changes": .audit, "who": .audit,
        "prometheus": .metrics, "notify": .notifyTest, "alert": .notifyTest,
    ]

    /// The command `name` was probably meant to be, if any.
    static func suggestion(for name: String) -> Command? {
        let normalized = String(name.lowercased().map { $0 == "-" ? "_" : $0 })
        if let exact = Command(rawValue: normalized) { return exact }
        if let alias = aliases[normalized] { return alias }
        return Suggestion.closest(to: normalized, among: allCases.map(\.rawValue)).flatMap(Command.init(rawValue:))
    }
}
