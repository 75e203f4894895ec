/// The answer to `status`: the daemon, the market right now, and every task in brief.
public struct StatusResult: Codable, Sendable, Equatable {
    /// The daemon's version.
    public var version: String
    public var pid: Int
    /// ET instant.
    public var startedAt: String
    public var uptimeSeconds: Int
    public var configPath: String
    /// The daemon's clock, ET instant.
    public var now: String
    /// The market phase now, e.g. `pre_market`, `open`, `closed`.
    public var marketPhase: String
    /// When the phase ends (ET instant).
    public var phaseUntil: String?
    /// Whether today (ET) is an NYSE trading day.
    public var tradingDay: Bool
    /// What is special about today, e.g. `an NYSE holiday (Thanksgiving Day)` or `an early close (13:00)`.
    public var dayNote: String?
    /// The open of the next session (ET instant).
    public var nextSession: String?
    /// How many runs are in progress.
    public var running: Int
    /// Set when the run database is unavailable, e.g. `database not writable: ...`; toggles and history
    /// are then not recorded.
    public var stateError: String?
    public var tasks: [TaskStatus]
    /// Whether the client that asked may send changes (`enable`, `run_now`, ...): its uid is 0 or the
    /// daemon's, or it is in `control_group`. Lets a client such as the dashboard say it is read-only.
    public var mayChange: Bool?
    /// The daemon's plain log file, when it writes one (`enable_logging` with a `log_directory`).
    public var logFile: String?

    public init(version: String, pid: Int, startedAt: String, uptimeSeconds: Int, configPath: String, now: String,
                marketPhase: String, phaseUntil: String? = nil, tradingDay: Bool, dayNote: String? = nil,
                nextSession: String? = nil, running: Int = 0, stateError: String? = nil, tasks: [TaskStatus] = [],
                mayChange: Bool? = nil, logFile: String? = nil) {
        self.version = version
        self.pid = pid
        self.startedAt = startedAt
        self.uptimeSeconds = uptimeSeconds
        self.configPath = configPath
        self.now = now
        self.marketPhase = marketPhase
        self.phaseUntil = phaseUntil
        self.tradingDay = tradingDay
        self.dayNote = dayNote
        self.nextSession = nextSession
        self.running = running
        self.stateError = stateError
        self.tasks = tasks
        self.mayChange = mayChange
        self.logFile = logFile
    }

    enum CodingKeys: String, CodingKey {
        case version, pid, startedAt = "started_at", uptimeSeconds = "uptime_seconds", configPath = "config_path"
        case now, marketPhase = "market_phase", phaseUntil = "phase_until", tradingDay = "trading_day"
        case dayNote = "day_note", nextSession = "next_session", running, stateError = "state_error", tasks
        case mayChange = "may_change", logFile = "log_file"
    }
}
