/// Why a run happened.
public enum RunTrigger: String, Sendable, Codable, CaseIterable {
    /// Its schedule came due.
    case schedule
    /// `run_now`.
    case manual
    /// A retry after a failed attempt (`retries:`).
    case retry
    /// A slot missed while the daemon was down, run at start-up (`catch_up: true`).
    case catchUp = "catch_up"
    /// A task with `after:` and no schedule: its upstreams succeeded for its run date.
    case upstream
}

/// Where a run is, or how it ended.
public enum RunOutcome: String, Sendable, Codable, CaseIterable {
    /// Exit status 0.
    case success
    /// A non-zero exit or a signal; retries, if any, are used up.
    case failed
    /// Could not be started at all (command not found, not executable, spawn failure): not retried.
    case fatal
    /// Killed after `timeout`.
    case timeout
    /// Not started: `reason` says why (overlap, not a trading day, disabled, ...).
    case skipped
    /// Was running when the daemon stopped or crashed; its end is unknown.
    case abandoned
    /// An attempt failed and another is scheduled (`retries:`).
    case retrying
    /// In progress.
    case running
    /// Accepted, waiting to start (e.g. behind a running instance with `overlap: queue`).
    case queued

    /// True once the run will not change any more.
    public var isFinal: Bool {
        switch self {
        case .success, .failed, .fatal, .timeout, .skipped, .abandoned: return true
        case .retrying, .running, .queued: return false
        }
    }
}

/// One run of a task (one attempt; retries are runs of their own with `trigger` retry and a higher
/// `attempt`). Instants are ET ISO-8601 strings with offset, such as `2026-11-27T09:30:00-05:00`;
/// absent fields are left out of the JSON.
public struct RunInfo: Codable, Sendable, Equatable {
    public var runID: Int64
    public var task: String
    public var trigger: RunTrigger
    /// The slot it was scheduled for (absent for manual runs; the run date's 00:00 for `upstream` runs).
    public var scheduledAt: String?
    public var startedAt: String?
    public var finishedAt: String?
    public var outcome: RunOutcome
    public var exitCode: Int?
    /// The signal number that ended the process, if a signal did.
    public var signal: Int?
    /// 1 for the first attempt.
    public var attempt: Int
    public var durationMS: Int64?
    /// Why it was skipped, why it could not start, why it was abandoned.
    public var reason: String?
    /// The last lines of output, only in `task` and `history` answers that asked for `output`.
    public var outputTail: [String]?
    /// CPU time (user + system) of the run's processes, milliseconds (finished runs that ran).
    public var cpuMS: Int64?
    /// Peak resident memory of the run's largest process, bytes (finished runs that ran).
    public var maxRSSBytes: Int64?
    /// The host (`scheduler.host_id`) that ran it; only with `scheduler.store: postgres`, where
    /// the history is every host's (run ids count per host: `host` and `run_id` name a run).
    public var host: String?

    public init(runID: Int64, task: String, trigger: RunTrigger, scheduledAt: String? = nil, startedAt: String? = nil,
                finishedAt: String? = nil, outcome: RunOutcome, exitCode: Int? = nil, signal: Int? = nil,
                attempt: Int = 1, durationMS: Int64? = nil, reason: String? = nil, outputTail: [String]? = nil,
                cpuMS: Int64? = nil, maxRSSBytes: Int64? = nil, host: String? = nil) {
        self.runID = runID
        self.task = task
        self.trigger = trigger
        self.scheduledAt = scheduledAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.outcome = outcome
        self.exitCode = exitCode
        self.signal = signal
        self.attempt = attempt
        self.durationMS = durationMS
        self.reason = reason
        self.outputTail = outputTail
        self.cpuMS = cpuMS
        self.maxRSSBytes = maxRSSBytes
        self.host = host
    }

    enum CodingKeys: String, CodingKey {
        case runID = "run_id", task, trigger, scheduledAt = "scheduled_at", startedAt = "started_at"
        case finishedAt = "finished_at", outcome, exitCode = "exit_code", signal, attempt
        case durationMS = "duration_ms", reason, outputTail = "output_tail", cpuMS = "cpu_ms", maxRSSBytes = "max_rss_bytes"
        case host
    }
}
