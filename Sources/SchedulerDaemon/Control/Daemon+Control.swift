import ControlProtocol
import Foundation
import MarketCalendar
import Monitoring
import Scheduling

extension Daemon {
    /// Answers one decoded request; `send` streams events (`run_now` with `wait`).
    func handle(_ request: Request, id: RequestID?, peer: Authorization.Peer,
                send: @escaping EventSink) async -> [UInt8] {
        let now = clock.now()
        func fail(_ code: ErrorCode, _ message: String) -> [UInt8] { ResponseEncoder.failure(id: id, code: code, message: message) }
        // The client went away while this waited for the actor: nobody would read the answer.
        if Task.isCancelled { return fail(.busy, "cancelled: the connection was closed") }
        // Stopping: the store is about to close (or is closed); nothing new starts.
        if shuttingDown { return fail(.busy, "v6-scheduler is stopping; try again once it is back") }
        switch request {
        case .status:
            retryStoreIfNeeded()
            await refreshSharedLastRuns()
            return ResponseEncoder.success(id: id, result: statusResult(now: clock.now(), peer: peer))
        case .tasks(let limit, let offset, let filter):
            var parsed: TaskFilter? = nil
            if let filter {
                do { parsed = try TaskFilter(parsing: filter) } catch { return ResponseEncoder.failure(id: id, error) }
            }
            await refreshSharedLastRuns()
            return ResponseEncoder.success(id: id, result: taskPage(limit: limit, offset: offset, filter: parsed, now: clock.now()))
        case .task(let name, let output):
            guard let task = core.config.task(named: name) else { return fail(.unknownTask, unknownTaskMessage(name)) }
            // With the shared store, its last runs are every host's (this host's own without the database).
            let shared = cluster?.unreachable == nil
                ? try? await cluster?.store.history(task: name, before: nil, limit: 10, withOutput: output) : nil
            return ResponseEncoder.success(id: id, result: taskDetail(task, output: output, now: clock.now(), shared: shared))
        case .enable(let name, let until), .disable(let name, let until):
            let enabled: Bool = if case .enable = request { true } else { false }
            return await setToggle(name, enabled: enabled, until: until, peer: peer, id: id, now: now)
        case .clear(let name):
            guard core.config.task(named: name) != nil else { return fail(.unknownTask, unknownTaskMessage(name)) }
            if let shared = cluster?.store {
                // Every host's toggle: committed in PostgreSQL before it is acknowledged.
                do {
                    try await shared.clearToggle(task: name, setBy: peer.description,
                                                  entry: toggleAuditText("clear \(name)", peer: peer))
                    cluster?.toggles?[name] = nil
                    cluster?.toggleEpoch += 1
                } catch {
                    clusterDown(error)
                    return fail(.stateError, "could not save the change in the shared store: \(StoreError.sharedStore(shared.label, operation: "clear the toggle", error)); not acknowledged (a commit whose answer was lost shows on every host within a heartbeat: check with v6ctl list)")
                }
            }
            guard let store else {
                if cluster != nil { return clearedToggle(name, peer: peer, id: id, now: now) }
                return fail(.stateError, "the state store is unavailable (\(stateError ?? "not open")); nothing was changed")
            }
            do {
                _ = try store.clearToggle(task: name)
            } catch {
                storeFailed(error)
                if cluster != nil { return clearedToggle(name, peer: peer, id: id, now: now) }
                return fail(.stateError, "could not save the change: \(error); nothing was changed")
            }
            return clearedToggle(name, peer: peer, id: id, now: now)
        case .runNow(let name, let force, let wait, let withDependents):
            return await runNow(name, force: force, wait: wait, withDependents: withDependents, peer: peer, id: id, send: send, now: now)
        case .history(let task, let runID, let limit, let output, let cursor):
            // Run records go through the store lane: what happened before the request is committed
            // before it is read (a run that just ended is in the answer).
            await lane?.flush()
            if let task, core.config.task(named: task) == nil, (try? store?.lastRun(task: task)) == nil {
                return fail(.unknownTask, unknownTaskMessage(task))
            }
            if let shared = cluster?.store, runID == nil {
                return await sharedHistoryAnswer(shared, id: id, task: task, limit: limit ?? 20, output: output, cursor: cursor)
            }
            guard let store else { return fail(.stateError, "the state store is unavailable: \(stateError ?? "not open")") }
            do {
                if let runID {
                    guard let run = try store.run(id: String(runID)) else { return fail(.notFound, "no run \(runID) in the history") }
                    return ResponseEncoder.success(id: id, result: HistoryResult(runs: [runInfo(run, output: output)]))
                }
                return await historyAnswer(store, id: id, task: task, limit: limit ?? 20, output: output, cursor: cursor)
            } catch {
                storeFailed(error)
                return fail(.stateError, "\(error)")
            }
        case .plan(let fromText, let toText):
            guard let from = LocalDate(parsing: fromText), let to = LocalDate(parsing: toText ?? fromText) else {
                return fail(.invalidValue, "from/to: not a calendar date (YYYY-MM-DD)")
            }
            guard from <= to, to.dayNumber - from.dayNumber < 31 else {
                return fail(.invalidValue, "plan covers 1 to 31 days: from \(from) must not be after to \(to), at most 30 days apart")
            }
            // Off the actor: planning many tasks takes a while, and the timer, the watchdog and
            // the other requests must not wait for it. The configuration is a value: a copy.
            let config = core.config, zone = core.calendar.zone
            let runs = await Task.detached {
                Planner.plan(config, from: from, through: to).map { NextRun(task: $0.task, at: zone.iso8601($0.time)) }
            }.value
            return ResponseEncoder.success(id: id, result: NextResult(runs: runs))
        case .next(let limit):
            return ResponseEncoder.success(id: id, result: NextResult(runs: upcoming(limit: limit ?? 20, now: now)))
        case .reload:
            switch await reload(requestedBy: peer.description, peer: peer) {
            case .success(let loaded):
                return ResponseEncoder.success(id: id, result: ReloadResult(tasks: loaded.config.tasks.count,
                                                                             warnings: loaded.warnings.map { "\($0)" }))
            case .failure(let failure) where failure.refused:
                return fail(.busy, "\(failure.message); the running configuration stays")
            case .failure(let failure):
                return fail(.reloadFailed, "the configuration was not reloaded; the running one stays:\n\(failure.message)")
            }
        case .config(let request):
            return await handleConfig(request, id: id, peer: peer)
        case .metrics:
            return ResponseEncoder.success(id: id, result: MetricsResult(text: metricsText(now: now), contentType: MetricCatalog.contentType))
        case .notifyTest(let channel):
            return await notifyTest(channel, peer: peer, id: id, now: now)
        }
    }

    private func clearedToggle(_ name: String, peer: Authorization.Peer, id: RequestID?, now: Instant) -> [UInt8] {
        try? core.setToggle(name, nil)
        logger.notice("runtime toggle cleared by \(peer)", metadata: ["task": "\(name)"])
        rearm()
        return ResponseEncoder.success(id: id, result: toggleResult(name, now: now))
    }

    private func setToggle(_ name: String, enabled: Bool, until: String?, peer: Authorization.Peer, id: RequestID?,
                           now: Instant) async -> [UInt8] {
        func fail(_ code: ErrorCode, _ message: String) -> [UInt8] { ResponseEncoder.failure(id: id, code: code, message: message) }
        guard core.config.task(named: name) != nil else { return fail(.unknownTask, unknownTaskMessage(name)) }
        var lapse: Instant? = nil
        if let until {
            guard let parsed = InstantParser.parse(until, zone: core.calendar.zone) else {
                return fail(.invalidValue, "until: '\(until)' is not an instant; use 2026-11-27T16:00:00-05:00")
            }
            guard parsed > now else { return fail(.invalidValue, "until: \(until) is in the past") }
            lapse = parsed
        }
        if let shared = cluster?.store {
            // Every host's toggle: committed in PostgreSQL before it is acknowledged; this host's
            // state.db keeps a copy (best effort: the shared one is the truth).
            do {
                let command = "\(enabled ? "enable" : "disable") \(name)" + (lapse.map { " until \(core.calendar.zone.iso8601($0))" } ?? "")
                try await shared.setToggle(task: name, enabled: enabled, until: lapse, setBy: peer.description,
                                           entry: toggleAuditText(command, peer: peer))
                cluster?.toggles?[name] = RuntimeToggle(enabled: enabled, until: lapse)
                cluster?.toggleEpoch += 1
            } catch {
                clusterDown(error)
                return fail(.stateError, "could not save the change in the shared store: \(StoreError.sharedStore(shared.label, operation: "save the toggle", error)); not acknowledged (a commit whose answer was lost shows on every host within a heartbeat: check with v6ctl list)")
            }
            _ = try? store?.setToggle(task: name, enabled: enabled, until: lapse, setBy: peer.description, now: now)
        } else {
            guard let store else { return fail(.stateError, "the state store is unavailable (\(stateError ?? "not open")); nothing was changed") }
            do {
                // In the database before it is acknowledged.
                try store.setToggle(task: name, enabled: enabled, until: lapse, setBy: peer.description, now: now)
            } catch {
                storeFailed(error)
                return fail(.stateError, "could not save the change: \(error); nothing was changed")
            }
        }
        try? core.setToggle(name, RuntimeToggle(enabled: enabled, until: lapse))
        let lapseText = lapse.map { " until \(core.calendar.zone.iso8601($0))" } ?? ""
        logger.notice("\(enabled ? "enabled" : "disabled")\(lapseText) by \(peer)", metadata: ["task": "\(name)"])
        rearm()
        return ResponseEncoder.success(id: id, result: toggleResult(name, now: now))
    }

    private func runNow(_ name: String, force: Bool, wait: Bool, withDependents: Bool, peer: Authorization.Peer, id: RequestID?,
                        send: @escaping EventSink, now: Instant) async -> [UInt8] {
        let runID: String
        let actions: [SchedulerAction]
        do {
            (runID, actions) = try core.runNow(name, force: force, withDependents: withDependents, at: now)
        } catch {
            switch error.code {
            case .unknownTask: return ResponseEncoder.failure(id: id, code: .unknownTask, message: error.message)
            case .busy: return ResponseEncoder.failure(id: id, code: .busy, message: error.message)
            case .otherHost: return ResponseEncoder.failure(id: id, code: .invalidValue, message: error.message)
            case .notToday:
                // Not an error of the request: the run is skipped, recorded, and the answer says why.
                let record = RunRecord(runID: core.reserveRunID(), task: name, trigger: .manual, finishedAt: now,
                                       outcome: .skipped, reason: error.message)
                save(record, task: name)
                logger.notice("run-now by \(peer) skipped: \(error.message)", metadata: meta(name, record.runID))
                return ResponseEncoder.success(id: id, result: runInfo(record, output: false))
            }
        }
        logger.notice("run-now\(force ? " --force" : "")\(withDependents ? " --with-dependents" : "") by \(peer)", metadata: meta(name, runID))
        let watcher = wait ? RunWatcher(id: id, send: send) : nil
        if let watcher { watchRegistry.watch(runID: runID, watcher) }
        perform(actions, now: now)
        rearm()
        guard let watcher else {
            // Skipped at once: an upstream (after:) failed or did not run today.
            for case .skipped(let skip) in actions where skip.runID == runID {
                return ResponseEncoder.success(id: id, result: runInfo(RunRecord(runID: runID, task: name, trigger: .manual, finishedAt: now,
                                                                                 outcome: .skipped, reason: skip.reason), output: false))
            }
            let started = runs[runID] != nil || launching[runID] != nil
            return ResponseEncoder.success(id: id, result: RunInfo(runID: Int64(runID) ?? 0, task: name, trigger: .manual,
                startedAt: started ? core.calendar.zone.iso8601(now) : nil, outcome: started ? .running : .queued))
        }
        let final = await watcher.result()
        return ResponseEncoder.success(id: id, result: final)
    }

    func unknownTaskMessage(_ name: String) -> String {
        "no task named '\(name)'\(Suggestion.didYouMean(name, in: core.config.tasks.map(\.name))); see: v6ctl list"
    }
}
