/// The answer to `status`: the daemon, the market right now, how many tasks there are in each
/// state, and those that need attention in brief (running, failed last, waiting, disabled; at most
/// `ProtocolLimits.statusAttentionLimit`). Every task, paged: `tasks`.
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
    /// The tasks that need attention, failed first, then running, waiting, disabled (then by name),
    /// at most `ProtocolLimits.statusAttentionLimit` of them.
    public var tasks: [TaskStatus]
    /// Whether the client that asked may send changes (`enable`, `run_now`, ...): its uid is 0 or the
    /// daemon's, or it is in `control_group`. Lets a client such as the dashboard say it is read-only.
    public var mayChange: Bool?
    /// The daemon's plain log file, when it writes one (`enable_logging` with a `log_directory`).
    public var logFile: String?
    /// How many tasks there are, in each state, and how many `tasks` lists.
    public var taskCounts: TaskCounts?
    /// The time zone data in use.
    public var zoneData: ZoneDataInfo?
    /// The shared store and the hosts sharing it; absent with the SQLite store (the default).
    public var cluster: ClusterStatus?

    public init(version: String, pid: Int, startedAt: String, uptimeSeconds: Int, configPath: String, now: String,
                marketPhase: String, phaseUntil: String? = nil, tradingDay: Bool, dayNote: String? = nil,
                nextSession: String? = nil, running: Int = 0, stateError: String? = nil, tasks: [TaskStatus] = [],
                mayChange: Bool? = nil, logFile: String? = nil, taskCounts: TaskCounts? = nil, zoneData: ZoneDataInfo? = nil,
                cluster: ClusterStatus? = nil) {
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
        self.taskCounts = taskCounts
        self.zoneData = zoneData
        self.cluster = cluster
    }

    enum CodingKeys: String, CodingKey {
        case version, pid, startedAt = "started_at", uptimeSeconds = "uptime_seconds", configPath = "config_path"
        case now, marketPhase = "market_phase", phaseUntil = "phase_until", tradingDay = "trading_day"
        case dayNote = "day_note", nextSession = "next_session", running, stateError = "state_error", tasks
        case mayChange = "may_change", logFile = "log_file"
        case taskCounts = "task_counts", zoneData = "zone_data", cluster
    }
}

/// `status`'s count of tasks. A task can be in several states (running and disabled, say).
public struct TaskCounts: Codable, Sendable, Equatable {
    /// Tasks in the configuration.
    public var total: Int
    public var enabled: Int
    public var disabled: Int
    public var running: Int
    /// Whose last run failed, timed out, could not start or was abandoned.
    public var failed: Int
    /// With a run queued, waiting for a free slot, a retry or its upstreams.
    public var waiting: Int
    /// Running, failed, waiting or disabled.
    public var attention: Int
    /// How many of those `status` lists (the rest: `tasks` with the filter `attention`).
    public var listed: Int

    public init(total: Int = 0, enabled: Int = 0, disabled: Int = 0, running: Int = 0, failed: Int = 0, waiting: Int = 0,
                attention: Int = 0, listed: Int = 0) {
        self.total = total
        self.enabled = enabled
        self.disabled = disabled
        self.running = running
        self.failed = failed
        self.waiting = waiting
        self.attention = attention
        self.listed = listed
    }

    /// Counts one task.
    public mutating func add(_ task: TaskFacts) {
        total += 1
        if task.enabled { enabled += 1 } else { disabled += 1 }
        if task.running { running += 1 }
        if task.failed { failed += 1 }
        if task.waiting { waiting += 1 }
        if task.needsAttention { attention += 1 }
    }
}

/// Where the daemon's America/New_York rules come from.
public struct ZoneDataInfo: Codable, Sendable, Equatable {
    /// `system` (the TZif file, e.g. from Debian's tzdata) or `bundled` (the toolchain's ICU data).
    public var source: String
    /// The data's release, e.g. `2025b` (`unknown` when the system's files do not say).
    public var version: String
    /// The TZif file read (system data).
    public var file: String?
    /// Why the system's file was not used (bundled data).
    public var note: String?

    public init(source: String, version: String, file: String? = nil, note: String? = nil) {
        self.source = source
        self.version = version
        self.file = file
        self.note = note
    }
}
