import MarketCalendar
import Scheduling

extension Daemon {
    /// At start: the recent history of the tasks in a dependency (`after:`), for the core to
    /// rebuild which upstreams succeeded for which run date and to complete a chain the previous
    /// instance left half done. Nothing when no task has `after:`; nothing either without the
    /// store, since without the history a dependent cannot tell "did not run" from "unknown".
    func resumeDependencies(now: Instant) -> [SchedulerAction] {
        guard let request = core.dependencyHistoryRequest(now: now), let store else { return [] }
        let history: [PastRun]
        do {
            history = try store.runs(of: request.tasks, since: request.since).map { run in
                PastRun(runID: run.runID, task: run.task, trigger: run.trigger, scheduledAt: run.scheduledAt,
                        startedAt: run.startedAt, finishedAt: run.finishedAt, outcome: run.outcome)
            }
        } catch {
            storeFailed(error)
            return []
        }
        let actions = core.resumeDependencies(history: history, now: now)
        if !actions.isEmpty {
            logger.notice("dependencies: \(history.count) recent run(s) read back; taking up what the previous instance left undone")
        }
        return actions
    }
}
