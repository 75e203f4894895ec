import MarketCalendar

/// The validated configuration: `config/production.yaml` with environment overrides
/// applied. Paths are absolute (relative ones resolve against the config file's folder).
public struct SchedulerConfig: Sendable, Equatable {
    /// Absolute path of the YAML file this came from.
    public var sourcePath: String
    /// Always "America/New_York" today; validated.
    public var timezone: String
    public var logDirectory: String?
    public var enableHolidayCheck: Bool
    public var enableLogging: Bool
    public var workingDirectory: String
    public var stateDirectory: String
    public var controlSocket: String
    public var controlGroup: String?
    public var maxConcurrentTasks: Int
    /// Default for tasks' `kill_grace_seconds`.
    public var killGraceSeconds: Int
    /// Default for tasks' `history_limit`.
    public var historyLimit: Int
    /// Default `on_failure` hook (argv) for tasks without their own.
    public var onFailure: [String]?
    /// `calendar.extra_closures` and `calendar.extra_early_closes`.
    public var extraDays: SpecialDays
    /// `SCHEDULER_FORCE_RUN=true`: every task ignores the holiday check.
    public var forceAll: Bool
    /// Sorted by name.
    public var tasks: [TaskConfig]
    /// Alert channels and their defaults (`notify`, `notify_default`, `notify_repeat`, `dashboard_url`).
    public var notify = NotifySettings()
    /// The run store and this daemon's place among hosts sharing it (`store`, `postgres_url`,
    /// `host_id`, `host_lease`).
    public var cluster = ClusterSettings()

    public init(sourcePath: String, timezone: String = "America/New_York", logDirectory: String? = nil,
                enableHolidayCheck: Bool = true, enableLogging: Bool = true, workingDirectory: String,
                stateDirectory: String, controlSocket: String, controlGroup: String? = nil,
                maxConcurrentTasks: Int = 16, killGraceSeconds: Int = 10, historyLimit: Int = 1000,
                onFailure: [String]? = nil, extraDays: SpecialDays = SpecialDays(entries: []),
                forceAll: Bool = false, tasks: [TaskConfig]) {
        self.sourcePath = sourcePath
        self.timezone = timezone
        self.logDirectory = logDirectory
        self.enableHolidayCheck = enableHolidayCheck
        self.enableLogging = enableLogging
        self.workingDirectory = workingDirectory
        self.stateDirectory = stateDirectory
        self.controlSocket = controlSocket
        self.controlGroup = controlGroup
        self.maxConcurrentTasks = maxConcurrentTasks
        self.killGraceSeconds = killGraceSeconds
        self.historyLimit = historyLimit
        self.onFailure = onFailure
        self.extraDays = extraDays
        self.forceAll = forceAll
        self.tasks = tasks
    }

    public func task(named name: String) -> TaskConfig? { tasks.first { $0.name == name } }

    /// The NYSE calendar with this configuration's extra closures and early closes.
    public func makeCalendar() -> NYSECalendar { NYSECalendar(extra: extraDays) }
}

extension SpecialDays: Equatable {
    public static func == (a: SpecialDays, b: SpecialDays) -> Bool { a.entries == b.entries }
}
