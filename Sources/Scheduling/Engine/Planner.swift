import MarketCalendar

/// `v6-scheduler plan`: the daemon's own state machine driven over a virtual clock, with
/// every run succeeding at once. Runtime toggles and retries are not part of a plan.
public enum Planner {
    public struct Entry: Sendable, Equatable {
        public let time: Instant
        public let task: String
    }

    /// Every fire instant of every enabled task whose ET date lies in `from...to`, handed to `emit`
    /// as the virtual clock reaches it, in order of time, then task name. Nothing is collected:
    /// memory stays the same whatever the range (a `frequency: 1s` task over a year is 31 million
    /// entries).
    public static func plan(_ config: SchedulerConfig, from: LocalDate, through to: LocalDate, emit: (Entry) -> Void) {
        var enabledOnly = config
        enabledOnly.tasks = config.tasks.filter(\.enabled)
        enabledOnly.maxConcurrentTasks = Int.max  // a plan is about when, not how many at once
        let zone = config.makeCalendar().zone
        // Start a day early and stop a day late: session-relative times may cross midnight.
        let start = zone.startOfDay(from.adding(days: -1))
        let stop = zone.startOfDay(to.adding(days: 2))
        var core = SchedulerCore(config: enabledOnly, now: start)
        var due: [Entry] = []
        while let wake = core.nextWakeUp, wake < stop {
            due.removeAll(keepingCapacity: true)
            for action in core.advance(to: wake) {
                guard case .start(let run) = action, let at = run.scheduledAt else { continue }
                let date = zone.local(at).date
                if date >= from && date <= to { due.append(Entry(time: at, task: run.task)) }
                _ = core.runFinished(run.runID, result: .exited(0), at: wake)
            }
            // One wake-up's starts come in task order already; sorting the few keeps that a promise.
            due.sort { ($0.time, $0.task) < ($1.time, $1.task) }
            due.forEach(emit)
        }
    }

    /// `plan(_:from:through:emit:)` collected into an array (for tests and small ranges).
    public static func plan(_ config: SchedulerConfig, from: LocalDate, through to: LocalDate) -> [Entry] {
        var entries: [Entry] = []
        plan(config, from: from, through: to) { entries.append($0) }
        return entries
    }
}
