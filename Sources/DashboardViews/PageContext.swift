import MarketCalendar

/// What every page needs besides its own data: who is signed in, whether they may change
/// anything, the form token, the clock and the daemon's reachability.
public struct PageContext: Sendable {
    /// The signed-in user's name (`token` for a login with the printed URL's token).
    public var user: String
    /// True when neither the user's role nor the daemon's socket permission allows changes.
    public var readOnly: Bool
    /// Why the dashboard is read-only, shown on every page.
    public var readOnlyReason: String?
    /// The session's CSRF token, put in every form.
    public var csrf: String
    public var time: TimeText
    /// A one-line message from the last action (e.g. `heartbeat: disabled until ...`).
    public var flash: String?
    /// True when the flash reports a failure.
    public var flashIsError: Bool

    public init(user: String, readOnly: Bool, readOnlyReason: String? = nil, csrf: String, time: TimeText,
                flash: String? = nil, flashIsError: Bool = false) {
        self.user = user
        self.readOnly = readOnly
        self.readOnlyReason = readOnlyReason
        self.csrf = csrf
        self.time = time
        self.flash = flash
        self.flashIsError = flashIsError
    }

    /// The hidden CSRF field of a form.
    public var csrfField: HTML { "<input type=\"hidden\" name=\"csrf\" value=\"\(csrf)\">" }

    /// A one-button POST form; disabled in read-only mode.
    public func button(_ label: String, action: String, fields: [(String, String)] = [], confirm: String? = nil,
                       style: String = "") -> HTML {
        let hidden = HTML.join(fields.map { "<input type=\"hidden\" name=\"\($0.0)\" value=\"\($0.1)\">" })
        let confirmAttr: HTML = confirm.map { " data-confirm=\"\($0)\"" } ?? .empty
        let disabled: HTML = readOnly ? " disabled title=\"read-only\"" : .empty
        return "<form method=\"post\" action=\"\(action)\" class=\"inline\"\(confirmAttr)>\(csrfField)\(hidden)<button class=\"\(style)\"\(disabled)>\(label)</button></form>"
    }
}

/// The navigation's pages, in order.
public enum Section: String, CaseIterable, Sendable {
    case today, timeline, history, logs, calendar, metrics, addTask, settings

    var title: String {
        switch self {
        case .today: "Today"
        case .timeline: "Timeline"
        case .history: "History"
        case .logs: "Logs"
        case .calendar: "Calendar"
        case .metrics: "Metrics"
        case .addTask: "Add task"
        case .settings: "Settings"
        }
    }

    var path: String {
        switch self {
        case .today: "/"
        case .timeline: "/timeline"
        case .history: "/history"
        case .logs: "/logs"
        case .calendar: "/calendar"
        case .metrics: "/metrics"
        case .addTask: "/tasks/new"
        case .settings: "/settings"
        }
    }
}
