import MarketCalendar

/// One task, validated, with defaults filled in and environment overrides applied.
public struct TaskConfig: Sendable, Equatable {
    public var name: String
    /// argv; a string in the YAML is split like a shell would (quotes, backslashes), no shell runs.
    public var command: [String]
    /// Enabled after YAML and environment (runtime toggles are the daemon's, on top).
    public var enabled: Bool
    public var enabledSource: EnabledSource
    public var schedule: ScheduleSpec
    public var days: DayRule
    /// `days:` was written explicitly (matters for cron, whose fields choose days otherwise).
    public var daysExplicit: Bool
    public var timeoutSeconds: Int
    public var killGraceSeconds: Int
    public var retries: Int
    public var retryBackoffSeconds: Int
    public var overlap: OverlapPolicy
    public var catchUp: Bool
    /// `force_run` of the task, or the global SCHEDULER_FORCE_RUN, or `enable_holiday_check: false`.
    public var ignoresHolidays: Bool
    public var environment: [String: String]
    public var onFailure: [String]?
    public var historyLimit: Int
    /// `after:`: the tasks whose run for the same run date must have succeeded first, in the
    /// order written (empty: no dependencies). See `DependencyGraph`.
    public var after: [String]
    /// `after_wait`: how long an occurrence waits for upstreams that have not finished before it
    /// is skipped (default an hour).
    public var afterWaitSeconds: Int64
    /// Line of the task's key in the YAML (for messages).
    public var line: Int
    /// Alert channels of this task: its `notify:` list, or `scheduler.notify_default`; `[]` is none.
    public var notify: [String] = []
    /// `hosts:`: the host ids (`scheduler.host_id`) whose daemons may run it; empty: any.
    public var hosts: [String] = []

    /// Whether the daemon named `hostID` may run it.
    public func runs(on hostID: String) -> Bool { hosts.isEmpty || hosts.contains(hostID) }

    public init(name: String, command: [String], enabled: Bool = true, enabledSource: EnabledSource = .default,
                schedule: ScheduleSpec, days: DayRule = .trading, daysExplicit: Bool = false,
                timeoutSeconds: Int = 3600, killGraceSeconds: Int = 10, retries: Int = 0,
                retryBackoffSeconds: Int = 30, overlap: OverlapPolicy = .skip, catchUp: Bool = false,
                ignoresHolidays: Bool = false, environment: [String: String] = [:], onFailure: [String]? = nil,
                historyLimit: Int = 1000, after: [String] = [], afterWaitSeconds: Int64 = TaskConfig.defaultAfterWait,
                line: Int = 0) {
        self.name = name
        self.command = command
        self.enabled = enabled
        self.enabledSource = enabledSource
        self.schedule = schedule
        self.days = days
        self.daysExplicit = daysExplicit
        self.timeoutSeconds = timeoutSeconds
        self.killGraceSeconds = killGraceSeconds
        self.retries = retries
        self.retryBackoffSeconds = retryBackoffSeconds
        self.overlap = overlap
        self.catchUp = catchUp
        self.ignoresHolidays = ignoresHolidays
        self.environment = environment
        self.onFailure = onFailure
        self.historyLimit = historyLimit
        self.after = after
        self.afterWaitSeconds = afterWaitSeconds
        self.line = line
    }

    /// `after_wait` when not written: an hour.
    public static let defaultAfterWait: Int64 = 3600

    /// `after:` without a schedule: it runs once per run date, when its upstreams have succeeded.
    public var isEventDriven: Bool { schedule.isEventDriven }
}

/// Where a task's enabled state comes from (shown by `check-config` and `v6ctl`).
public enum EnabledSource: Sendable, Equatable, CustomStringConvertible {
    /// Not written anywhere: tasks are enabled by default.
    case `default`
    /// `enabled:` in the YAML.
    case yaml
    /// An environment variable (name given), e.g. SCHEDULER_COLLECT_ENABLED or SCHEDULER_ENABLE_ALL.
    case environment(String)

    public var description: String {
        switch self {
        case .default: "default"
        case .yaml: "yaml"
        case .environment(let name): "env \(name)"
        }
    }
}

/// When a task fires.
public enum ScheduleSpec: Sendable, Equatable {
    /// Fixed ET wall times or session-relative times, once each on every qualifying day.
    case at([AtTime])
    /// Every `seconds` of elapsed time from the window's start, while before its end.
    case frequency(seconds: Int64, window: Window)
    /// A 5-field cron expression on ET wall time.
    case cron(CronExpression)
    /// No time of its own (`after:` alone): once per run date, as soon as every upstream's run
    /// for that date has succeeded. Has no occurrences.
    case afterUpstreams

    /// `.afterUpstreams`: no time of its own.
    public var isEventDriven: Bool {
        if case .afterUpstreams = self { return true }
        return false
    }
}

/// One `at:` entry.
public enum AtTime: Sendable, Hashable, CustomStringConvertible {
    case wall(TimeOfDay)
    /// `open`, `open+5m`, `open-10m` (seconds relative to the day's open).
    case open(offset: Int64)
    /// `close`, `close+15m`.
    case close(offset: Int64)

    public var description: String {
        switch self {
        case .wall(let t): t.description
        case .open(let o): "open" + AtTime.offsetText(o)
        case .close(let o): "close" + AtTime.offsetText(o)
        }
    }

    static func offsetText(_ seconds: Int64) -> String {
        guard seconds != 0 else { return "" }
        let sign = seconds < 0 ? "-" : "+"
        let s = abs(seconds)
        if s % 3600 == 0 { return "\(sign)\(s / 3600)h" }
        if s % 60 == 0 { return "\(sign)\(s / 60)m" }
        return "\(sign)\(s)s"
    }
}

/// The window a `frequency` task fires in (`market_phase:`).
public enum Window: String, Sendable, CaseIterable {
    /// [04:00, open)
    case preMarket = "pre_market"
    /// [open, close)
    case marketOpen = "market_open"
    /// [close, close + 4h)
    case afterHours = "after_hours"
    /// [04:00, close + 4h)
    case extended
    /// [local midnight, next local midnight)
    case any
}

/// What happens when an occurrence comes while the previous run still runs.
public enum OverlapPolicy: String, Sendable, CaseIterable {
    /// The new occurrence is recorded as skipped (default).
    case skip
    /// At most one occurrence waits for the running one.
    case queue
    /// The running one is stopped as on timeout, then the new one starts.
    case replace
}
