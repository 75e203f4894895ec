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
                if launching[runID] != nil {
                    // Not spawned yet (its claim or its spawn is under way): stopped as soon as it is.
                    launching[runID]?.stop = reason
                    continue
                }
                guard let handle = runs[runID] else { continue }
                logger.warning("stopping run (\(reason.rawValue))", metadata: meta(handle.start))
                handle.process.terminate(grace: handle.killGrace)
            case .skipped(let skip):
                _ = reservations.consume(skip.runID)  // the skip's record settles the reservation
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
                reservations.hold(runID)
                logger.info("queued: \(reason)", metadata: ["task": "\(task)", "run_id": "\(runID)"])
            case .completed(let completion):
                finish(completion, now: now)
            }
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
        finishShutdownIfIdle()
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

    /// Saves a run record, through the lane (committed in order with the run path's other
    /// writes, off the actor); a failing store is reported, never fatal.
    func save(_ record: RunRecord, task: String) {
        guard let lane else { return }
        lane.submit(.record(record, historyLimit: core.config.task(named: task)?.historyLimit ?? core.config.historyLimit))
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
