import MarketCalendar

/// `v6ctl run-now TASK --with-dependents`: after TASK's run, every task below it runs too, as
/// a manual run, once its upstreams within the chain are over (a task after two of them waits
/// for both). Each then goes through its gate like any run: it starts if every upstream's
/// latest run for the chain's date succeeded, and is skipped with the reason otherwise, so a
/// failure part-way skips what is below it. Their `days:` rules do not apply (the operator
/// asked for them); overlap and `max_concurrent_tasks` do.
extension SchedulerCore {
    /// A chain below task `i` for `date`; returns its id (the root's run carries it).
    mutating func beginChain(below i: Int, on date: LocalDate) -> Int {
        let id = deps.nextChainID
        deps.nextChainID += 1
        let below = deps.graph.descendants(of: i).map { deps.graph.names[$0] }
        deps.chains[id] = ManualChain(date: date, members: Set(below + [deps.graph.names[i]]), waiting: Set(below))
        return id
    }

    /// Hands each chain task whose upstreams within the chain are all over to its gate.
    /// Returns whether it handed any.
    mutating func advanceChains(now: Instant, into actions: inout [SchedulerAction]) -> Bool {
        var progress = false
        for id in deps.chains.keys.sorted() {
            guard let chain = deps.chains[id] else { continue }
            for i in deps.order {
                let name = deps.graph.names[i]
                guard let current = deps.chains[id], current.waiting.contains(name) else { continue }
                let inChain = deps.graph.upstreams[i].filter { current.members.contains(deps.graph.names[$0]) }
                guard inChain.allSatisfy({ current.finished.contains(deps.graph.names[$0]) }) else { continue }
                deps.chains[id]?.waiting.remove(name)
                progress = true
                let start = PendingStart(runID: makeRunID(), task: name, trigger: .manual, scheduledAt: nil, attempt: 1,
                                         since: now, runDate: chain.date, chain: id)
                if isShuttingDown {
                    skip(start, reason: "the daemon is stopping", cause: .stopping, into: &actions)
                } else {
                    offer(start, now: now, into: &actions)
                }
            }
            if deps.chains[id]?.waiting.isEmpty == true { deps.chains[id] = nil }
        }
        return progress
    }
}
