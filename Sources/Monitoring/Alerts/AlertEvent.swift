import MarketCalendar
import Scheduling

/// A finished run or attempt, as alerts describe it.
public struct RunReport: Sendable, Equatable {
    public var task: String
    public var runID: String
    public var trigger: Trigger
    /// `success`, `failed`, `fatal`, `timeout` or `retrying` (others raise no alert).
    public var outcome: Outcome
    public var exitCode: Int32?
    public var signal: Int32?
    public var attempt: Int
    public var durationMs: Int64?
    public var scheduledAt: Instant?
    public var reason: String?
    /// The last lines of the run's output (stdout and stderr as read).
    public var outputTail: [String]
    public var usage: RunUsage?

    public init(task: String, runID: String, trigger: Trigger, outcome: Outcome, exitCode: Int32? = nil, signal: Int32? = nil,
                attempt: Int = 1, durationMs: Int64? = nil, scheduledAt: Instant? = nil, reason: String? = nil,
                outputTail: [String] = [], usage: RunUsage? = nil) {
        self.task = task
        self.runID = runID
        self.trigger = trigger
        self.outcome = outcome
        self.exitCode = exitCode
        self.signal = signal
        self.attempt = attempt
        self.durationMs = durationMs
        self.scheduledAt = scheduledAt
        self.reason = reason
        self.outputTail = outputTail
        self.usage = usage
    }

    /// A final failure (`failed`, `fatal`, `timeout`): what opens or extends a streak.
    public var isFailure: Bool { [.failed, .fatal, .timeout].contains(outcome) }
}

/// Something about the daemon itself (`events: [daemon]`).
public enum DaemonNotice: Sendable, Equatable {
    case started(String)
    case stopping(String)
    case reloadRejected(String)

    public var detail: String {
        switch self {
        case .started(let d), .stopping(let d), .reloadRejected(let d): d
        }
    }
}

/// One input of `AlertDesk`.
public enum AlertEvent: Sendable, Equatable {
    /// A run or attempt ended (any outcome; successes close streaks).
    case run(RunReport)
    /// Occurrences that did not run because the daemon was down or the clock jumped.
    case missed(task: String, scheduledAt: Instant, count: Int, reason: String)
    /// An occurrence skipped because of a dependency.
    case skipped(task: String, runID: String, scheduledAt: Instant?, reason: String)
    case daemon(DaemonNotice)

    public var task: String? {
        switch self {
        case .run(let report): report.task
        case .missed(let task, _, _, _), .skipped(let task, _, _, _): task
        case .daemon: nil
        }
    }
}
