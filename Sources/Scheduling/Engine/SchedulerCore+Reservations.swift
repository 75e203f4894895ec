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

    /// The first occurrence of any task after `instant` (nil when none within the cursors' reach).
    public func nextOccurrence(after instant: Instant) -> Instant? {
        var best: Instant? = nil
        for entry in due.unordered {
            var candidate: Instant? = entry.instant
            if entry.instant <= instant {
                // A copy of the task's own cursor (it stands at `nextDue`): a step or two, where a
                // new cursor would list a whole day first (17,280 instants for `frequency: 5s`).
                var cursor = states[entry.index].cursor
                repeat { candidate = cursor.next() } while candidate.map { $0 <= instant } ?? false
            }
            if let candidate, best.map({ candidate < $0 }) ?? true { best = candidate }
        }
        return best
    }

    /// The occurrences in (`after`, `through`] of tasks enabled at their instant and allowed on this
    /// host (those `advance(to:)` will offer, unless a toggle, a reload or a dependency gate
    /// intervenes), each with its run id, remembered so that their starts (or skips) carry it. Asking again gives
    /// the same ids. Empty while shutting down. Sorted by instant, then task.
    public mutating func planStarts(after: Instant, through: Instant) -> [PlannedStart] {
        let from = max(after, processedUntil)
        guard !isShuttingDown, through > from else { return [] }
        var planned: [PlannedStart] = []
        for entry in due.unordered where entry.instant <= through {
            let state = states[entry.index]
            guard let first = state.nextDue, runsHere(entry.index) else { continue }
            var cursor = state.cursor  // stands at `first` (see nextOccurrence(after:))
            var next: Instant? = first
            while let instant = next, instant <= through {
                if instant > from, isEnabled(state.config.name, at: instant) {
                    let key = PlanKey(task: state.config.name, at: instant)
                    let runID = plannedRunIDs[key] ?? makeRunID()
                    plannedRunIDs[key] = runID
                    planned.append(PlannedStart(task: state.config.name, scheduledAt: instant, runID: runID))
                }
                next = cursor.next()
            }
        }
        return planned.sorted { ($0.scheduledAt, $0.task) < ($1.scheduledAt, $1.task) }
    }

    /// `planStarts(after:through:)` for one instant.
    public mutating func planStarts(dueAt instant: Instant) -> [PlannedStart] {
        planStarts(after: instant - 1, through: instant)
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

extension SchedulerCore {
    /// Whether this daemon (`hostID`) may run the task at `index` (its `hosts:`).
    func runsHere(_ index: Int) -> Bool {
        guard let hostID else { return true }
        return states[index].config.runs(on: hostID)
    }
}

/// A planned occurrence: task name (names survive reloads; indices do not) and instant.
struct PlanKey: Hashable, Sendable {
    let task: String
    let at: Instant
}
