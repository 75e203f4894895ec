import Foundation
import Logging
import MarketCalendar
import Scheduling

/// A run the daemon has spawned.
struct RunHandle: Sendable {
    let start: RunStart
    let process: TaskProcess
    /// The daemon clock's instant of the spawn (the history's `started_at`).
    let startedAt: Instant
    /// The spawn on the monotonic clock: durations are elapsed time, whatever the wall clock does.
    let spawned: ContinuousClock.Instant
    let killGrace: Double

    /// Milliseconds since the spawn.
    var elapsedMs: Int64 { Int64(((ContinuousClock.now - spawned) / .milliseconds(1)).rounded()) }
}

extension Daemon {
    /// Carries out the state machine's actions.
    func perform(_ actions: [SchedulerAction], now: Instant) {
        for action in actions {
            switch action {
            case .start(let run):
                startRun(run, now: now)
            case .stop(let runID, let reason):
                guard let handle = runs[runID] else { continue }
                logger.warning("stopping run (\(reason.rawValue))", metadata: meta(handle.start))
                handle.process.terminate(grace: handle.killGrace)
            case .skipped(let skip):
                logger.notice("skipped: \(skip.reason)", metadata: ["task": "\(skip.task)", "run_id": "\(skip.runID)", "outcome": "skipped"])
                let record = RunRecord(runID: skip.runID, task: skip.task, trigger: skip.trigger, scheduledAt: skip.scheduledAt,
                                       finishedAt: now, outcome: .skipped, reason: skip.reason)
                save(record, task: skip.task)
                reportSkip(skip, now: now)
                var watchers = watchRegistry.end(runID: skip.runID)
                // A skipped retry ends its chain: whoever waits for it gets this answer, not silence.
                if skip.trigger == .retry { watchers += watchRegistry.dropRetry(task: skip.task) }
                for watcher in watchers { watcher.finish(runInfo(record, output: false)) }
            case .queued(let runID, let task, let reason):
                logger.info("queued: \(reason)", metadata: ["task": "\(task)", "run_id": "\(runID)"])
            case .completed(let completion):
                finish(completion, now: now)
            }
        }
    }

    private func startRun(_ run: RunStart, now: Instant) {
        guard let task = core.config.task(named: run.task) else { return }
        let zone = core.calendar.zone
        let record = RunRecord(runID: run.runID, task: run.task, trigger: run.trigger, scheduledAt: run.scheduledAt,
                               startedAt: now, outcome: .running, attempt: run.attempt, waitedMs: run.waitedSeconds * 1000)
        if run.trigger.claimsSlot, let store {
            do {
                if try !store.claimSlot(recording: record) {
                    perform(core.runFinished(run.runID, result: .slotTaken, at: now), now: now)
                    return
                }
            } catch {
                storeFailed(error)  // keep scheduling: running twice is unlikely, not running is certain
            }
        } else {
            save(record, task: run.task)
        }
        let scheduled = run.scheduledAt ?? now
        var environment = childEnvironment()
        environment.merge(task.environment) { $1 }
        environment["V6_TASK"] = task.name
        environment["V6_RUN_ID"] = run.runID
        environment["V6_SCHEDULED_AT"] = zone.iso8601(scheduled)
        environment["V6_RUN_DATE"] = zone.local(scheduled).date.description
        environment["V6_MARKET_PHASE"] = core.calendar.phase(at: now).phase.rawValue
        environment["V6_ATTEMPT"] = String(run.attempt)
        environment["V6_TRIGGER"] = run.trigger.rawValue
        let request = SpawnRequest(argv: task.command, environment: environment, workingDirectory: core.config.workingDirectory,
                                   runID: run.runID, killGrace: Double(task.killGraceSeconds), instance: instanceName)
        let output = outputs.taskOutput
        // Waiters (of a retried run too) hear `started` before the attempt can print its first
        // line: its output is forwarded from the process's own queue as soon as it is spawned.
        if run.trigger == .retry { _ = watchRegistry.retryStarted(task: run.task, runID: run.runID) }
        announceStart(run, now: now)
        let watchers = RunWatcherBox(registry: watchRegistry, runID: run.runID)
        let process: TaskProcess
        do {
            process = try TaskProcess.spawn(request) { line in
                output.line(line.text, stream: line.stream == .stdout ? .stdout : .stderr, task: task.name, runID: run.runID)
                watchers.forward(line)
            }
        } catch {
            logger.error("cannot start: \(error)", metadata: meta(run))
            perform(core.runFinished(run.runID, result: .spawnFailed(error.description), at: now), now: now)
            return
        }
        let lateness = (clock.currentDate().timeIntervalSince1970 - Double(scheduled.seconds)) * 1000
        runs[run.runID] = RunHandle(start: run, process: process, startedAt: now, spawned: .now, killGrace: Double(task.killGraceSeconds))
        var metadata = meta(run)
        metadata["pid"] = "\(process.pid)"
        // Lateness means something only for a run that had a due instant.
        if run.trigger == .schedule {
            metadata["lateness_ms"] = "\(String(format: "%.1f", lateness))"
            metrics.lateness(task: run.task, seconds: lateness / 1000)
        }
        logger.info("started \(task.command.joined(separator: " "))", metadata: metadata)
        // The timeout, counted from the spawn on the monotonic clock (the core's own deadline is
        // whole seconds rounded up: up to a second late).
        let runID = run.runID
        queue.asyncAfter(deadline: .now() + .seconds(run.timeoutSeconds)) { [weak self] in
            Task(priority: .high) { await self?.timeoutElapsed(runID) }
        }
        Task { [weak self] in
            let termination = await process.waitForExit()
            await self?.exited(run.runID, termination)
        }
    }

    /// A run's timeout has elapsed (if it is still running, the core stops it).
    func timeoutElapsed(_ runID: String) {
        guard runs[runID] != nil else { return }
        perform(core.timeoutElapsed(runID), now: clock.now())
    }

    /// A task process is over (main process reaped, leftovers ended).
    func exited(_ runID: String, _ termination: Termination) {
        let result: RunResult
        switch termination {
        case .exited(let code): result = .exited(code)
        case .signaled(let signal): result = .signaled(signal)
        }
        if let handle = runs[runID], handle.process.pipesHeldOpen {
            logger.warning("a process of this run outlived it: it left the run's process group and removed V6_RUN_KEY, so it was not stopped; its output is no longer read",
                           metadata: meta(handle.start))
        }
        let now = clock.now()
        perform(core.runFinished(runID, result: result, at: now), now: now)
        runs[runID] = nil
        if shuttingDown && runs.isEmpty { finishShutdown() }
        rearm()
    }

    private func finish(_ c: RunCompletion, now: Instant) {
        let handle = runs[c.runID]
        let duration = handle?.elapsedMs
        let tail = handle.map { Data($0.process.outputTail) }
        var metadata = meta(c.task, c.runID)
        metadata["outcome"] = "\(c.outcome.rawValue)"
        if let code = c.exitCode { metadata["exit_code"] = "\(code)" }
        if let signal = c.signal { metadata["signal"] = "\(signal)" }
        if let duration { metadata["duration_ms"] = "\(duration)" }
        metadata["attempt"] = "\(c.attempt)"
        let text = "finished: \(c.outcome.rawValue)" + (c.reason.map { " (\($0))" } ?? "")
        switch c.outcome {
        case .success, .skipped: logger.info("\(text)", metadata: metadata)
        case .retrying, .abandoned: logger.warning("\(text)", metadata: metadata)
        default: logger.error("\(text)", metadata: metadata)
        }
        let usage = handle?.process.usage
        if let usage {
            metadata["cpu_ms"] = "\(Int64((usage.cpuSeconds * 1000).rounded()))"
            metadata["max_rss_bytes"] = "\(usage.maxRSSBytes)"
        }
        save(RunRecord(runID: c.runID, task: c.task, trigger: c.trigger, scheduledAt: c.scheduledAt,
                       startedAt: handle?.startedAt, finishedAt: now, exitCode: c.exitCode, signal: c.signal, outcome: c.outcome,
                       attempt: c.attempt, durationMs: duration, waitedMs: handle.map { $0.start.waitedSeconds * 1000 },
                       reason: c.reason, outputTail: tail, cpuMs: usage.map { Int64(($0.cpuSeconds * 1000).rounded()) },
                       maxRSSBytes: usage?.maxRSSBytes), task: c.task)
        reportRun(c, handle: handle, durationMs: duration, tail: tail, now: now)
        notifyWatchers(c)
        if c.isFinalFailure { runFailureHook(c, tail: tail ?? Data()) }
    }

    /// Saves a run record; a failing store is reported, never fatal.
    func save(_ record: RunRecord, task: String) {
        guard let store else { return }
        do {
            try store.record(record, historyLimit: core.config.task(named: task)?.historyLimit ?? core.config.historyLimit)
            if stateError != nil { storeRecovered() }
        } catch {
            storeFailed(error)
        }
    }

    func meta(_ run: RunStart) -> Logger.Metadata {
        var m = meta(run.task, run.runID)
        m["trigger"] = "\(run.trigger.rawValue)"
        m["attempt"] = "\(run.attempt)"
        if let at = run.scheduledAt { m["scheduled_at"] = "\(core.calendar.zone.iso8601(at))" }
        return m
    }

    func meta(_ task: String, _ runID: String) -> Logger.Metadata { ["task": "\(task)", "run_id": "\(runID)"] }
}
