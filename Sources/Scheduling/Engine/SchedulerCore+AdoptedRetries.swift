import MarketCalendar

extension SchedulerCore {
    /// A retry another host planned and never ran (its lease lapsed while the retry waited): it
    /// runs here at `at`, as attempt `attempt` of the slot `scheduledAt` (the daemon claims that
    /// attempt like any, so one host runs it). Refused (false) when this host may not run the task
    /// (`hosts:`), a retry of it is already pending here, or `at` is at or after the task's next
    /// occurrence or the end of the slot's phase window (the rules of any retry).
    public mutating func adoptRetry(task: String, scheduledAt: Instant, attempt: Int, at: Instant) -> Bool {
        guard let i = indexOf[task], runsHere(i), retries[task] == nil, activeByTask[task] == nil else { return false }
        if let next = states[i].nextDue, at >= next { return false }
        var after = OccurrenceCursor(schedule: states[i].schedule, after: scheduledAt)
        if let following = after.next(), at >= following { return false }
        if let end = states[i].schedule.phaseWindowEnd(of: scheduledAt), at >= end { return false }
        retries[task] = PendingRetry(at: at, scheduledAt: scheduledAt, attempt: attempt)
        return true
    }
}
