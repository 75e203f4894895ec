import MarketCalendar

/// Why a task has a run that has not started yet.
public enum WaitReason: Sendable, Equatable {
    /// Queued behind the task's running run (`overlap: queue` or `replace`).
    case behindRun(String)
    /// Waiting for one of the `max_concurrent_tasks` slots.
    case forSlot(limit: Int)
    /// A failed attempt is retried then.
    case retry(attempt: Int, at: Instant)
}

extension SchedulerCore {
    /// Every task with a run waiting to start, and why (a retry counts before a queue).
    public var waitingTasks: [String: WaitReason] {
        var result: [String: WaitReason] = [:]
        for start in waiting { result[start.task] = .forSlot(limit: config.maxConcurrentTasks) }
        for task in queuedBehind.keys { result[task] = .behindRun(activeByTask[task] ?? "?") }
        for (task, retry) in retries { result[task] = .retry(attempt: retry.attempt, at: retry.at) }
        return result
    }
}

extension SchedulerCore {
    /// A task's configuration by name, in constant time (`SchedulerConfig.task(named:)` scans).
    public func task(named name: String) -> TaskConfig? { indexOf[name].map { states[$0].config } }
}
