import MarketCalendar

/// Why a task has a run that has not started yet.
public enum WaitReason: Sendable, Equatable {
    /// Queued behind the task's running run (`overlap: queue` or `replace`).
    case behindRun(String)
    /// Waiting for one of the `max_concurrent_tasks` slots.
    case forSlot(limit: Int)
    /// A failed attempt is retried then.
    case retry(attempt: Int, at: Instant)
    /// A scheduled occurrence of a task with `after:` waits for these upstreams, at most until
    /// `until` (its `after_wait`). An event-driven task waiting for its day's upstreams is not
    /// counted: it waits like that every day.
    case upstreams([String], until: Instant)
}

extension SchedulerCore {
    /// Every task with a run waiting to start, and why (a retry counts before a queue).
    public var waitingTasks: [String: WaitReason] {
        var result: [String: WaitReason] = [:]
        for gate in deps.gates {
            let name = states[gate.index].config.name
            if let wait = dependencyWait(of: name), let until = wait.until { result[name] = .upstreams(wait.upstreams, until: until) }
        }
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

extension SchedulerCore {
    /// The soonest scheduled occurrence of an enabled task (ties: the first name): the heap's top
    /// when that task is enabled, as it nearly always is, else a scan. The daemon's status line
    /// asks after every wake-up; a scan of 10,000 tasks each time was most of its cost.
    public func nextEnabledOccurrence(at now: Instant) -> (task: String, at: Instant)? {
        if let top = due.min, let at = states[top.index].nextDue, at == top.instant,
           isEnabled(states[top.index].config.name, at: now) {
            return (states[top.index].config.name, at)
        }
        var best: (task: String, at: Instant)? = nil
        for state in states {
            guard let at = state.nextDue, best.map({ at < $0.at }) ?? true, isEnabled(state.config.name, at: now) else { continue }
            best = (state.config.name, at)
        }
        return best
    }
}
