import ControlProtocol
import MarketCalendar
import Scheduling

/// `status` and `tasks` for big configurations: what every task needs for filtering and counting
/// is cheap (in-memory lookups and one index read); the full brief is built only for the tasks
/// that are answered with.
extension Daemon {
    /// The outcomes that make a task's last run count as failed.
    static let failedOutcomes: [Outcome] = [.failed, .fatal, .timeout, .abandoned]

    /// Facts for every task, in name order. `needsLastOutcome: false` skips the database read
    /// (every task then counts as not failed).
    func taskFacts(now: Instant, needsLastOutcome: Bool = true) -> [TaskFacts] {
        let failed = needsLastOutcome
            ? (sharedTasks(withLastOutcome: Self.failedOutcomes) ?? (try? store?.tasks(withLastOutcome: Self.failedOutcomes)) ?? []) : []
        let core = self.core
        let waiting = core.waitingTasks
        return core.config.tasks.map { task in
            TaskFacts(name: task.name, enabled: core.isEnabled(task.name, at: now), running: core.runningRun(of: task.name) != nil,
                      failed: failed.contains(task.name), waiting: waiting[task.name] != nil)
        }
    }

    /// The brief of each named task, in the order given.
    func taskStatuses(_ names: [String], now: Instant) -> [TaskStatus] {
        guard !names.isEmpty else { return [] }
        let last = newestRuns((try? store?.lastRuns(of: names)) ?? [:], of: names)
        let core = self.core  // one copy for the whole list (see `brief`)
        let waiting = core.waitingTasks
        return names.compactMap { name in
            core.task(named: name).map { Self.brief($0, core: core, lastRun: last[name], now: now, waiting: waiting[name]) }
        }
    }

    /// One page of `tasks`: those matching `filter`, by name, `offset` skipped, at most `limit`.
    func taskPage(limit: Int?, offset: Int?, filter: TaskFilter?, now: Instant) -> TasksResult {
        var names = core.config.tasks.map(\.name)
        if let filter {
            names = taskFacts(now: now, needsLastOutcome: filter.needsLastOutcome).filter(filter.matches).map(\.name)
        }
        let skip = min(offset ?? 0, names.count)
        let page = Array(names[skip...].prefix(limit ?? names.count))
        return TasksResult(tasks: taskStatuses(page, now: now), total: names.count, offset: offset ?? 0)
    }
}
