import MarketCalendar

/// `v6-scheduler plan`: the daemon's own state machine driven over a virtual clock, with
/// every run succeeding at once. Runtime toggles and retries are not part of a plan.
public enum Planner {
    public struct Entry: Sendable, Equatable {
        public let time: Instant
        public let task: String
    }

    /// Every fire instant of every enabled task whose ET date lies in `from...to`, sorted
    /// by time, then task name.
    public static func plan(_ config: SchedulerConfig, from: LocalDate, through to: LocalDate) -> [Entry] {
        var enabledOnly = config
        enabledOnly.tasks = config.tasks.filter(\.enabled)
        enabledOnly.maxConcurrentTasks = Int.max  // a plan is about when, not how many at once
        let zone = config.makeCalendar().zone
        // Start a day early and stop a day late: session-relative times may cross midnight.
        let start = zone.startOfDay(from.adding(days: -1))
        let stop = zone.startOfDay(to.adding(days: 2))
        var core = SchedulerCore(config: enabledOnly, now: start)
        var entries: [Entry] = []
        while let wake = core.nextWakeUp, wake < stop {
            for action in core.advance(to: wake) {
                guard case .start(let run) = action, let at = run.scheduledAt else { continue }
                let date = zone.local(at).date
                if date >= from && date <= to { entries.append(Entry(time: at, task: run.task)) }
                _ = core.runFinished(run.runID, result: .exited(0), at: wake)
            }
        }
        entries.sort { ($0.time, $0.task) < ($1.time, $1.task) }
        return entries
    }
}
