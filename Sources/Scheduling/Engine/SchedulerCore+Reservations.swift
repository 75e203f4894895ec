import MarketCalendar

/// An occurrence the daemon may claim ahead of its instant: the task, the instant, and the run id
/// its start will carry when `advance(to:)` reaches it.
public struct PlannedStart: Sendable, Hashable {
    public let task: String
    public let scheduledAt: Instant
    public let runID: String

    public init(task: String, scheduledAt: Instant, runID: String) {
        self.task = task
        self.scheduledAt = scheduledAt
        self.runID = runID
    }
}

/// Reservations: the daemon claims the slots of the next due instant before it comes (one
/// durable write for all of them, off the path from the instant to `exec`). To make the claim
/// name the run that will use it, the core hands out the run ids ahead too, and uses them when
/// the occurrences come due.
extension SchedulerCore {
    /// The earliest instant at which occurrences are due, if any (retries and deadlines aside).
    public var nextOccurrenceInstant: Instant? { due.min?.instant }

    /// The occurrences due at `instant` of tasks enabled then (those `advance(to: instant)` will
    /// offer, unless a toggle, a reload or a dependency gate intervenes), each with its run id,
    /// remembered so that their starts (or skips) carry it. Asking again for the same instant gives
    /// the same ids. Empty while shutting down.
    public mutating func planStarts(dueAt instant: Instant) -> [PlannedStart] {
        guard !isShuttingDown, instant > processedUntil else { return [] }
        var planned: [PlannedStart] = []
        for entry in due.unordered where entry.instant == instant {
            let name = states[entry.index].config.name
            guard states[entry.index].nextDue == instant, isEnabled(name, at: instant) else { continue }
            let key = PlanKey(task: name, at: instant)
            let runID = plannedRunIDs[key] ?? makeRunID()
            plannedRunIDs[key] = runID
            planned.append(PlannedStart(task: name, scheduledAt: instant, runID: runID))
        }
        return planned.sorted { $0.task < $1.task }
    }

    /// The run id planned for this occurrence, consumed; a fresh one when none was planned.
    mutating func runID(for task: String, at instant: Instant) -> String {
        guard !plannedRunIDs.isEmpty, let id = plannedRunIDs.removeValue(forKey: PlanKey(task: task, at: instant)) else {
            return makeRunID()
        }
        return id
    }

    /// Plans for instants that have been handled are gone (their occurrences were taken or stepped over).
    mutating func dropHandledPlans() {
        guard !plannedRunIDs.isEmpty else { return }
        plannedRunIDs = plannedRunIDs.filter { $0.key.at > processedUntil }
    }
}

/// A planned occurrence: task name (names survive reloads; indices do not) and instant.
struct PlanKey: Hashable, Sendable {
    let task: String
    let at: Instant
}
