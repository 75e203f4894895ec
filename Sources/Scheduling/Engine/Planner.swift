import MarketCalendar

/// `v6-scheduler plan`: the daemon's own state machine driven over a virtual clock, with
/// every run succeeding at once. Runtime toggles and retries are not part of a plan.
public enum Planner {
    public struct Entry: Sendable, Equatable {
        public let time: Instant
        public let task: String
    }

    /// Every start of every enabled task whose ET date lies in `from...to`, handed to `emit` as the
    /// virtual clock reaches it: in order of time, then task name, except that a task that waited
    /// for an upstream (`after:`) comes right after it (a task with `after:` alone at its last
    /// upstream's instant, a scheduled one at its own instant, or its upstream's when that comes
    /// later within `after_wait`). Nothing is collected: memory stays the same whatever the range
    /// (a `frequency: 1s` task over a year is 31 million entries).
    public static func plan(_ config: SchedulerConfig, from: LocalDate, through to: LocalDate, emit: (Entry) -> Void) {
        var enabledOnly = config
        enabledOnly.tasks = config.tasks.filter(\.enabled)
        enabledOnly.maxConcurrentTasks = Int.max  // a plan is about when, not how many at once
        let zone = config.makeCalendar().zone
        // Start a day early and stop a day late: session-relative times may cross midnight.
        let start = zone.startOfDay(from.adding(days: -1))
        let stop = zone.startOfDay(to.adding(days: 2))
        var core = SchedulerCore(config: enabledOnly, now: start)
        while let wake = core.nextWakeUp, wake < stop {
            // A run that succeeds may start its dependents at once: they follow it in the list.
            // At one instant the heap gives task-name order.
            var actions = core.advance(to: wake)
            var next = 0
            while next < actions.count {
                if case .start(let run) = actions[next] {
                    let date = zone.local(wake).date
                    if date >= from && date <= to { emit(Entry(time: wake, task: run.task)) }
                    for case .start(let next) in core.runFinished(run.runID, result: .exited(0), at: wake) { actions.append(.start(next)) }
                }
                next += 1
            }
        }
    }

    /// `plan(_:from:through:emit:)` collected into an array (for tests and small ranges).
    public static func plan(_ config: SchedulerConfig, from: LocalDate, through to: LocalDate) -> [Entry] {
        var entries: [Entry] = []
        plan(config, from: from, through: to) { entries.append($0) }
        return entries
    }
}
