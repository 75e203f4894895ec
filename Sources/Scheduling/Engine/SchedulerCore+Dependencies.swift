import MarketCalendar

/// `after:`. A start of a task with upstreams (an occurrence, a catch-up, a manual run) goes
/// through a gate: it starts when every upstream's latest run for the same run date has
/// succeeded, waits while one has not finished (at most `after_wait`, and never into the
/// task's next occurrence), and is skipped at once when one failed, was skipped or did not
/// run. A task with `after:` alone has no occurrences: each run date an upstream's run opens
/// is decided the same way, over the upstreams' whole day, and it runs (trigger `upstream`)
/// once per run date. Skips are ordinary `.skipped` actions with the reason, and propagate
/// because a skipped run is a standing like any other.
///
/// The run date of a run is the ET date of its scheduled instant (of the moment it became due,
/// for a manual run). Only tasks that take part in a dependency are tracked.
extension SchedulerCore {
    /// How one upstream stands for a dependent's run date.
    enum UpstreamState: Equatable {
        case succeeded
        /// Queued, waiting for its own upstreams, running, or between attempts (`retrying`).
        case unfinished(runID: String, retrying: Bool)
        /// Its run for the date has not come yet: an occurrence still ahead, or (for a task with
        /// `after:` alone) its own upstreams still going.
        case notYet
        /// The dependent is skipped, for this reason.
        case blocks(String)
    }

    enum DependencyVerdict {
        case ready
        /// The upstreams that have not finished, with how each stands.
        case wait([(index: Int, state: UpstreamState)])
        case skip(String)
    }

    // MARK: - Standings

    /// The run date a start serves.
    func runDate(of start: PendingStart) -> LocalDate {
        start.runDate ?? calendar.zone.local(start.scheduledAt ?? start.since).date
    }

    /// Whether `start` must wait for its upstreams first (retries and upstream-triggered
    /// runs were checked when their first attempt started).
    func needsGate(_ start: PendingStart, index i: Int) -> Bool {
        guard !start.ignoresUpstreams, !deps.graph.upstreams[i].isEmpty || !deps.graph.missing[i].isEmpty else { return false }
        switch start.trigger {
        case .schedule, .catchUp, .manual: return true
        case .retry, .upstream: return false
        }
    }

    /// `start` is on its way for its run date (offered or gated).
    mutating func notePending(_ start: PendingStart, index i: Int) {
        guard deps.tracked[i] else { return }
        let date = runDate(of: start)
        deps.note(i, on: date, .pending(runID: start.runID, retrying: false))
        if !start.quiet { openDependents(of: i, on: date) }
    }

    /// Records a run that will not start, with its reason; its dependents see it skipped.
    mutating func skip(_ start: PendingStart, reason: String, cause: SkipCause, into actions: inout [SchedulerAction]) {
        actions.append(.skipped(SkippedRun(runID: start.runID, task: start.task, trigger: start.trigger,
                                           scheduledAt: start.scheduledAt, reason: reason, cause: cause)))
        guard let i = indexOf[start.task], deps.linked[i] else { return }
        if let chain = start.chain { deps.chains[chain]?.finished.insert(start.task) }
        guard deps.tracked[i] else { return }
        let date = runDate(of: start)
        deps.note(i, on: date, .skipped(runID: start.runID))
        if !start.quiet { openDependents(of: i, on: date) }
    }

    /// A run (or attempt) ended: its standing, and its place in a chain.
    mutating func dependencyRunFinished(_ run: ActiveRun, _ completion: RunCompletion, now: Instant) {
        guard let i = indexOf[run.task], deps.linked[i] else { return }
        if completion.outcome != .retrying, let chain = run.chain { deps.chains[chain]?.finished.insert(run.task) }
        guard deps.tracked[i] else { return }
        let date = run.runDate ?? calendar.zone.local(run.scheduledAt ?? now).date
        deps.noteFinished(i, on: date, runID: run.runID, RunStanding(completion.outcome, runID: run.runID))
        if !run.quiet { openDependents(of: i, on: date) }
    }

    /// An upstream's run for `date` moved: its dependents without a schedule of their own start
    /// watching that date (once per date; only on days their `days:` allows).
    mutating func openDependents(of i: Int, on date: LocalDate) {
        for d in deps.graph.dependents[i] where states[d].config.isEventDriven {
            let key = OpenDate(index: d, date: date)
            guard deps.standing(d, on: date) == nil, !deps.open.contains(key), states[d].schedule.qualifies(date) else { continue }
            deps.open.append(key)
        }
    }

    // MARK: - Verdicts

    /// How upstream `u` stands for `date`. `slot`: the dependent's occurrence; the upstream's
    /// occurrences up to it must have been handled (nil: all of its occurrences that day).
    func upstreamState(_ u: Int, on date: LocalDate, slot: Instant?, depth: Int = 0) -> UpstreamState {
        let name = states[u].config.name
        let standing = deps.standing(u, on: date)
        if case .pending(let id, let retrying)? = standing {
            // Held at its own gate, it has not run yet.
            return deps.gates.contains { $0.start.runID == id } ? .notYet : .unfinished(runID: id, retrying: retrying)
        }
        if let next = states[u].nextDue, states[u].nextDueDate == date, standing == nil || slot.map({ next <= $0 }) ?? true {
            return .notYet
        }
        switch standing {
        case .succeeded?: return .succeeded
        case .failed(let id, let outcome)?:
            let what = switch outcome {
            case .timeout: "timed out"
            case .abandoned: "was abandoned"
            default: "failed"
            }
            return .blocks("upstream \(name) \(what) (run \(id))")
        case .skipped(let id)?: return .blocks("upstream \(name) was skipped (run \(id))")
        case .pending?, nil: break
        }
        // A task with after: alone still runs today if none of its own upstreams stops it, and
        // one of them is still going or it is about to start.
        if states[u].config.isEventDriven, depth < states.count, deps.graph.missing[u].isEmpty, states[u].schedule.qualifies(date) {
            let above = deps.graph.upstreams[u].map { upstreamState($0, on: date, slot: nil, depth: depth + 1) }
            let blocked = above.contains { if case .blocks = $0 { true } else { false } }
            if !blocked, above.contains(where: { $0 != .succeeded }) || deps.open.contains(OpenDate(index: u, date: date)) {
                return .notYet
            }
        }
        return .blocks("upstream \(name) did not run on \(date)")
    }

    /// Whether task `i` may run for `date`: one upstream that stops it is enough to skip it,
    /// whatever the others do.
    func verdict(_ i: Int, on date: LocalDate, slot: Instant?) -> DependencyVerdict {
        var unfinished: [(index: Int, state: UpstreamState)] = []
        for u in deps.graph.upstreams[i] {
            let state = upstreamState(u, on: date, slot: slot)
            switch state {
            case .succeeded: continue
            case .blocks(let why): return .skip(why)
            case .unfinished, .notYet: unfinished.append((u, state))
            }
        }
        // Upstreams outside the task list: disabled tasks, in a plan.
        if let name = deps.graph.missing[i].first { return .skip("upstream \(name) did not run on \(date)") }
        return unfinished.isEmpty ? .ready : .wait(unfinished)
    }

    // MARK: - Gates

    /// A start of a task with upstreams: run, skip, or wait for them.
    mutating func gate(_ start: PendingStart, index i: Int, now: Instant, into actions: inout [SchedulerAction]) {
        let date = start.runDate ?? deps.date(of: start.scheduledAt ?? start.since, zone: calendar.zone)
        var checked = start
        checked.ignoresUpstreams = true
        checked.runDate = date
        // A manual run looks at what has run up to now.
        let slot = start.scheduledAt ?? now
        switch verdict(i, on: date, slot: slot) {
        case .ready:
            admit(checked, index: i, now: now, into: &actions)
        case .skip(let why):
            skip(start, reason: why, cause: .dependency, into: &actions)
        case .wait(let unfinished):
            // The wait counts from when the start became due (its occurrence, after a restart).
            let wait = states[i].config.afterWaitSeconds
            var deadline = start.since + wait
            var atNext = false
            if start.trigger != .manual, let next = states[i].nextDue, next < deadline {
                deadline = next
                atNext = true
            }
            deps.gates.append(Gate(start: checked, index: i, runDate: date, slot: slot, deadline: deadline, endsAtNextOccurrence: atNext))
            notePending(checked, index: i)
            actions.append(.queued(runID: start.runID, task: start.task,
                                   reason: "waiting for \(describe(unfinished)) until \(calendar.zone.iso8601(deadline)) (after_wait \(DurationSyntax.canonical(wait)))"))
        }
    }

    /// Gates whose wait is over: one last look, then skipped with the upstream that kept them.
    mutating func expireGates(now: Instant, into actions: inout [SchedulerAction]) {
        let expired = deps.gates.filter { $0.deadline <= now }
        guard !expired.isEmpty else { return }
        deps.gates.removeAll { $0.deadline <= now }
        for gate in expired {
            switch verdict(gate.index, on: gate.runDate, slot: gate.slot) {
            case .ready:
                admit(gate.start, index: gate.index, now: now, into: &actions)
            case .skip(let why):
                skip(gate.start, reason: why, cause: .dependency, into: &actions)
            case .wait(let unfinished):
                let (u, state) = unfinished[0]
                let what = state == .notYet ? "has not run yet" : "still running"
                let when = gate.endsAtNextOccurrence
                    ? "at the next occurrence (\(calendar.zone.iso8601(gate.deadline)))"
                    : "after after_wait \(DurationSyntax.canonical(states[gate.index].config.afterWaitSeconds))"
                skip(gate.start, reason: "upstream \(states[u].config.name) \(what) \(when)", cause: .dependency, into: &actions)
            }
        }
    }

    /// Decides what can be decided now: chains, open run dates (upstreams first), gates.
    /// Repeats while something changed, since a start or a skip can decide its dependents.
    mutating func resolveDependencies(now: Instant, into actions: inout [SchedulerAction]) {
        guard !deps.isIdle || !deps.chains.isEmpty else { return }
        var rounds = 0
        var progress = true
        while progress, rounds <= states.count {
            progress = advanceChains(now: now, into: &actions)
            rounds += 1
            for open in deps.open.sorted(by: { deps.rank[$0.index] < deps.rank[$1.index] }) where deps.open.contains(open) {
                // A run for that date already stands (a manual run): that is its run.
                if deps.standing(open.index, on: open.date) != nil {
                    deps.open.removeAll { $0 == open }
                    continue
                }
                let decision = verdict(open.index, on: open.date, slot: nil)
                if case .wait = decision { continue }
                deps.open.removeAll { $0 == open }
                progress = true
                let name = states[open.index].config.name
                // A disabled task records nothing: its dependents find it did not run.
                guard !isShuttingDown, isEnabled(name, at: now) else { continue }
                let start = PendingStart(runID: makeRunID(), task: name, trigger: .upstream,
                                         scheduledAt: calendar.zone.startOfDay(open.date), attempt: 1, since: now,
                                         runDate: open.date, ignoresUpstreams: true)
                if case .skip(let why) = decision {
                    skip(start, reason: why, cause: .dependency, into: &actions)
                } else {
                    admit(start, index: open.index, now: now, into: &actions)
                }
            }
            for gate in deps.gates {
                let decision = verdict(gate.index, on: gate.runDate, slot: gate.slot)
                if case .wait = decision { continue }
                deps.gates.removeAll { $0.start.runID == gate.start.runID }
                progress = true
                if case .skip(let why) = decision {
                    skip(gate.start, reason: why, cause: .dependency, into: &actions)
                } else {
                    admit(gate.start, index: gate.index, now: now, into: &actions)
                }
            }
        }
    }

    /// `final_data_collection (running, run 812)`, `load (not run yet)`.
    func describe(_ unfinished: [(index: Int, state: UpstreamState)]) -> String {
        let parts = unfinished.map { u -> String in
            let name = states[u.index].config.name
            if case .unfinished(let id, let retrying) = u.state { return "\(name) (\(retrying ? "retrying" : "running"), run \(id))" }
            return "\(name) (not run yet)"
        }
        return (parts.count == 1 ? "upstream " : "upstreams ") + parts.joined(separator: ", ")
    }

    // MARK: - Queries

    /// What `task` waits for, if one of its starts (or, for a task with `after:` alone, one of
    /// its run dates) waits for upstreams: for `status`.
    public func dependencyWait(of task: String) -> DependencyWait? {
        guard let i = indexOf[task], deps.linked[i] else { return nil }
        if let gate = deps.gates.first(where: { $0.index == i }), case .wait(let unfinished) = verdict(i, on: gate.runDate, slot: gate.slot) {
            return DependencyWait(runDate: gate.runDate, upstreams: unfinished.map { states[$0.index].config.name },
                                  since: gate.start.since, until: gate.deadline)
        }
        if let open = deps.open.first(where: { $0.index == i }), case .wait(let unfinished) = verdict(i, on: open.date, slot: nil) {
            return DependencyWait(runDate: open.date, upstreams: unfinished.map { states[$0.index].config.name }, since: nil, until: nil)
        }
        return nil
    }

    /// The tasks `task` runs after, and those that run after it (names, in list order).
    public func dependencies(of task: String) -> (upstreams: [String], dependents: [String]) {
        guard let i = indexOf[task] else { return ([], []) }
        let g = deps.graph
        return (g.upstreams[i].map { g.names[$0] } + g.missing[i], g.dependents[i].map { g.names[$0] })
    }
}

/// A task waiting for upstreams, as `status` shows it.
public struct DependencyWait: Sendable, Equatable {
    /// The run date it waits for.
    public let runDate: LocalDate
    /// The upstreams that have not finished (or not run yet) for that date.
    public let upstreams: [String]
    /// When the wait began (nil for a task with `after:` alone, which watches its whole day).
    public let since: Instant?
    /// When it is skipped if they have not succeeded by then (nil: no limit).
    public let until: Instant?
}
