import MarketCalendar

/// A run from the history, as the scheduler needs it to take dependencies up again after a
/// restart.
public struct PastRun: Sendable, Equatable {
    public var runID: String
    public var task: String
    public var trigger: Trigger
    public var scheduledAt: Instant?
    public var startedAt: Instant?
    public var finishedAt: Instant?
    public var outcome: Outcome

    public init(runID: String, task: String, trigger: Trigger, scheduledAt: Instant?, startedAt: Instant?,
                finishedAt: Instant?, outcome: Outcome) {
        self.runID = runID
        self.task = task
        self.trigger = trigger
        self.scheduledAt = scheduledAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.outcome = outcome
    }
}

/// After a restart the core knows nothing of the runs before it: the daemon hands it the recent
/// history, from which it rebuilds which upstreams succeeded for which run date, and takes up
/// what the previous instance left undone. A chain cut by a restart completes once: a dependent
/// that has a run for its date (or its occurrence) in the history is never started again, and
/// its slot claim in the store guards the same across a crash during the start.
extension SchedulerCore {
    /// Run dates before today that a restart still completes: yesterday's evening chain.
    public static let dependencyLookbackDays = 1

    /// What `resumeDependencies` needs from the history: runs of these tasks whose scheduled
    /// (else started, else finished) instant is at or after `since`. Nil when no task has
    /// `after:`: nothing to read.
    public func dependencyHistoryRequest(now: Instant) -> (since: Instant, tasks: [String])? {
        guard !deps.graph.isEmpty else { return nil }
        let zone = calendar.zone
        let since = zone.startOfDay(zone.local(now).date.adding(days: -Self.dependencyLookbackDays))
        return (since, states.indices.filter { deps.linked[$0] }.map { states[$0].config.name })
    }

    /// Rebuilds the standings from `history` (oldest first), then:
    /// - a task with `after:` alone, whose upstreams ran for today or yesterday but which has
    ///   no run for that date, is decided again (it starts, waits or is skipped);
    /// - a scheduled task with `after:` whose latest occurrence before the restart is less than
    ///   `after_wait` ago (and before its next occurrence) and has no run waits for its upstreams
    ///   again, as it would have (tasks with `catch_up: true` go through `catchUp` instead).
    public mutating func resumeDependencies(history: [PastRun], now: Instant) -> [SchedulerAction] {
        guard !deps.graph.isEmpty else { return [] }
        let zone = calendar.zone
        let first = zone.local(now).date.adding(days: -Self.dependencyLookbackDays)
        struct Slot: Hashable {
            let index: Int
            let at: Instant
        }
        var ran = Set<Slot>()
        var moved: [OpenDate] = []
        for run in history {
            guard let i = indexOf[run.task], deps.linked[i] else { continue }
            let date = zone.local(run.scheduledAt ?? run.startedAt ?? run.finishedAt ?? now).date
            guard date >= first else { continue }
            if let at = run.scheduledAt { ran.insert(Slot(index: i, at: at)) }
            guard deps.tracked[i] else { continue }
            // A retry the previous instance had planned died with it; a run left open was abandoned.
            let outcome: Outcome = switch run.outcome {
            case .retrying: .failed
            case .running, .queued: .abandoned
            default: run.outcome
            }
            deps.note(i, on: date, RunStanding(outcome, runID: run.runID))
            if run.trigger != .manual { moved.append(OpenDate(index: i, date: date)) }
        }
        for m in moved { openDependents(of: m.index, on: m.date) }

        var actions: [SchedulerAction] = []
        for (i, state) in states.enumerated() where !deps.graph.upstreams[i].isEmpty || !deps.graph.missing[i].isEmpty {
            let config = state.config
            guard !config.isEventDriven, !config.catchUp, !isShuttingDown, isEnabled(config.name, at: now) else { continue }
            var cursor = OccurrenceCursor(schedule: state.schedule, after: now - config.afterWaitSeconds)
            var latest: Instant? = nil
            while let t = cursor.next(), t <= processedUntil { latest = t }
            guard let t = latest, !ran.contains(Slot(index: i, at: t)) else { continue }
            if let next = state.nextDue, next <= now { continue }
            // Gated as it would have been at its occurrence: its wait counts from then.
            gate(PendingStart(runID: makeRunID(), task: config.name, trigger: .schedule, scheduledAt: t, attempt: 1, since: t),
                 index: i, now: now, into: &actions)
        }
        resolveDependencies(now: now, into: &actions)
        return actions
    }
}
