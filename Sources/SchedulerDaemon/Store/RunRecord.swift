import Foundation
import MarketCalendar
import Scheduling

// Triggers and outcomes are the state machine's own (`Scheduling.Trigger`, `Scheduling.Outcome`):
// stored by their raw values.
extension Trigger {
    /// Triggers that run a schedule slot, and so claim it (``RunStore/claimSlot(task:scheduledAt:runID:)``).
    /// An `upstream` run's slot is its run date's 00:00: once per run date, across restarts.
    public var claimsSlot: Bool { self == .schedule || self == .catchUp || self == .upstream }
}

extension Outcome {
    /// A run still in progress: one a daemon that stops leaves behind as ``abandoned``.
    /// (`retrying` is a finished attempt whose retry was planned.)
    public var isActive: Bool { self == .running || self == .queued }
}

/// One run of a task, as stored in `state.db`'s `runs` table.
///
/// Instants are whole seconds (UTC). The store keeps the last 64 KiB of `outputTail`.
public struct RunRecord: Sendable, Hashable {
    /// Unique across all tasks and all time; the primary key.
    public var runID: String
    public var task: String
    public var trigger: Trigger
    /// The slot's instant; nil for manual runs. Retries carry their slot's instant.
    public var scheduledAt: Instant?
    /// When the process was spawned; nil while queued, and for runs that never started.
    public var startedAt: Instant?
    public var finishedAt: Instant?
    public var exitCode: Int32?
    /// The signal that ended the process, when one did.
    public var signal: Int32?
    public var outcome: Outcome
    /// 1 for the first attempt of a slot, 2, 3... for its retries.
    public var attempt: Int
    public var durationMs: Int64?
    /// Time spent waiting for a concurrency slot.
    public var waitedMs: Int64?
    /// Why the run was skipped or abandoned, or why it could not be spawned.
    public var reason: String?
    /// The end of the combined output, at most ``RunRecord/maxOutputTail`` bytes.
    public var outputTail: Data?
    /// CPU time (user + system) of the run's processes, in milliseconds, as the kernel accounted it.
    public var cpuMs: Int64?
    /// Peak resident memory of the run's largest process, in bytes.
    public var maxRSSBytes: Int64?

    /// The most of a run's output the store keeps: its last 64 KiB.
    public static let maxOutputTail = 64 * 1024

    public init(runID: String, task: String, trigger: Trigger, scheduledAt: Instant? = nil,
                startedAt: Instant? = nil, finishedAt: Instant? = nil, exitCode: Int32? = nil,
                signal: Int32? = nil, outcome: Outcome, attempt: Int = 1, durationMs: Int64? = nil,
                waitedMs: Int64? = nil, reason: String? = nil, outputTail: Data? = nil, cpuMs: Int64? = nil,
                maxRSSBytes: Int64? = nil) {
        self.runID = runID
        self.task = task
        self.trigger = trigger
        self.scheduledAt = scheduledAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.exitCode = exitCode
        self.signal = signal
        self.outcome = outcome
        self.attempt = attempt
        self.durationMs = durationMs
        self.waitedMs = waitedMs
        self.reason = reason
        self.outputTail = outputTail
        self.cpuMs = cpuMs
        self.maxRSSBytes = maxRSSBytes
    }
}
