import Foundation
import Logging
import MarketCalendar
import Scheduling

/// A run between its `start` action and its spawn: its slot claim or its spawn is under way.
struct Launch: Sendable {
    let start: RunStart
    /// A stop the core asked for meanwhile (timeout, replace, shutdown): carried out once spawned.
    var stop: StopReason?
    /// When its claim went to the store lane, and how long it took to come back (ms): with the
    /// shared store, the claim's round trip to PostgreSQL (`claim_ms` on the `started` line).
    var claimSent: ContinuousClock.Instant?
    var claimMs: Double?
}

/// When a run was spawned: on the daemon's clock (its `started_at`, its lateness) and on the
/// monotonic clock (its duration and timeout).
struct SpawnMoment: Sendable {
    let wall: Date
    let monotonic: ContinuousClock.Instant
}

/// The way from a due instant to `exec`. Nothing slow sits on it:
///
/// - a slot reserved ahead (`Daemon+Reservations.swift`) is this daemon's already: the run is
///   spawned at once and recorded after;
/// - a run that claims a slot nobody reserved (a catch-up, a start that waited for upstreams)
///   claims it through the store lane, off the actor, and is spawned when the claim comes back;
/// - spawning happens on `SpawnPool`'s threads, several at once, never on the actor; the actor
///   learns of each spawn in `spawned(_:)`.
extension Daemon {
    func startRun(_ run: RunStart, now: Instant) {
        guard core.config.task(named: run.task) != nil else { return }
        let record = RunRecord.running(run, at: now)
        if cluster != nil {
            // The shared store: every start (a manual run, a retry, a catch-up too) is claimed in
            // PostgreSQL first, and without it nothing starts.
            guard let lane else {
                return perform(core.runFinished(run.runID, result: .unclaimed("this host's state store is not open"), at: now), now: now)
            }
            launching[run.runID] = Launch(start: run, claimSent: .now)
            lane.submit(.claim(record)) { [weak self] result in
                Task(priority: .high) { await self?.claimed(run, result) }
            }
            return
        }
        guard run.trigger.claimsSlot, let lane else {
            save(record, task: run.task)
            return launch(run, recordAfterSpawn: nil)
        }
        switch reservations.take(run) {
        case .won:
            launch(run, recordAfterSpawn: record)
        case .lost:
            perform(core.runFinished(run.runID, result: .slotTaken, at: now), now: now)
        case .pending:
            // The reservation is still being written (a slow disk): the start goes on when it is back.
            launching[run.runID] = Launch(start: run)
        case .failed, nil:
            launching[run.runID] = Launch(start: run)
            lane.submit(.claim(record)) { [weak self] result in
                Task(priority: .high) { await self?.claimed(run, result) }
            }
        }
    }

    /// A claim made at the start came back.
    func claimed(_ run: RunStart, _ result: Result<StoreWriteResult, StoreError>) {
        guard launching[run.runID] != nil else { return }
        if let sent = launching[run.runID]?.claimSent {
            launching[run.runID]?.claimMs = Double((ContinuousClock.now - sent) / .microseconds(1)) / 1000
        }
        let now = clock.now()
        switch result {
        case .success(.claimed(true)):
            launch(run, recordAfterSpawn: nil)
        case .success where cluster != nil:
            // Another host won the slot: nothing happens here (no record, no journal line).
            launching[run.runID] = nil
            logger.debug("slot claimed by another host", metadata: meta(run))
            perform(core.runFinished(run.runID, result: .slotTaken, at: now).filter { action in
                if case .completed(let c) = action, c.runID == run.runID { return false }
                return true
            }, now: now)
            finishShutdownIfIdle()
        case .success:
            launching[run.runID] = nil
            perform(core.runFinished(run.runID, result: .slotTaken, at: now), now: now)
            finishShutdownIfIdle()
        case .failure(let error) where cluster != nil:
            // No claim, no start: a run the database did not take could run twice.
            launching[run.runID] = nil
            perform(core.runFinished(run.runID, result: .unclaimed(error.reason), at: now), now: now)
            finishShutdownIfIdle()
        case .failure:
            // Reported by the lane. Keep scheduling: running twice is unlikely, not running is certain.
            launch(run, recordAfterSpawn: RunRecord.running(run, at: now))
        }
        rearm()
    }

    /// A start that waited for its reservation goes on with the claim it got.
    func resume(_ run: RunStart, claim: ReservationBook.Claim) {
        let now = clock.now()
        let record = RunRecord.running(run, at: now)
        switch claim {
        case .won:
            launch(run, recordAfterSpawn: record)
        case .lost:
            launching[run.runID] = nil
            perform(core.runFinished(run.runID, result: .slotTaken, at: now), now: now)
            finishShutdownIfIdle()
        case .failed, .pending:
            lane?.submit(.claim(record)) { [weak self] result in
                Task(priority: .high) { await self?.claimed(run, result) }
            }
        }
    }

    /// Hands the spawn to the pool. `recordAfterSpawn`: the run's `running` record, written once it
    /// is spawned (a reserved slot: the claim is durable already, the record can follow).
    func launch(_ run: RunStart, recordAfterSpawn: RunRecord?) {
        guard let task = core.config.task(named: run.task) else {
            launching[run.runID] = nil
            return
        }
        if launching[run.runID] == nil { launching[run.runID] = Launch(start: run) }
        let now = clock.now()
        if launching[run.runID]?.stop != nil {
            // Stopped while its claim was being written: it never starts.
            launching[run.runID] = nil
            perform(core.runFinished(run.runID, result: .notStarted, at: now), now: now)
            finishShutdownIfIdle()
            return
        }
        let zone = core.calendar.zone
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
        let name = task.name
        let clock = self.clock
        SpawnPool.shared.submit { [weak self] in
            let spawned = Result { () throws(SpawnError) -> TaskProcess in
                try TaskProcess.spawn(request) { line in
                    output.line(line.text, stream: line.stream == .stdout ? .stdout : .stderr, task: name, runID: run.runID)
                    watchers.forward(line)
                }
            }
            let at = SpawnMoment(wall: clock.currentDate(), monotonic: .now)
            Task(priority: .high) { await self?.spawned(run, spawned, at: at, record: recordAfterSpawn) }
        }
    }

    /// The pool spawned a run (or could not).
    func spawned(_ run: RunStart, _ result: Result<TaskProcess, SpawnError>, at moment: SpawnMoment, record: RunRecord?) {
        let launch = launching.removeValue(forKey: run.runID)
        let now = clock.now()
        let process: TaskProcess
        switch result {
        case .failure(let error):
            logger.error("cannot start: \(error)", metadata: meta(run))
            perform(core.runFinished(run.runID, result: .spawnFailed(error.description), at: now), now: now)
            finishShutdownIfIdle()
            rearm()
            return
        case .success(let spawned):
            process = spawned
        }
        guard let task = core.config.task(named: run.task) else { return }
        let startedAt = Instant(seconds: Int64(moment.wall.timeIntervalSince1970.rounded(.down)))
        runs[run.runID] = RunHandle(start: run, process: process, startedAt: startedAt, spawned: moment.monotonic,
                                    killGrace: Double(task.killGraceSeconds))
        // The core's timeout counts from here (`timeoutsFromSpawn`), not from the start action:
        // a claim or spawn slowed by a loaded machine must not time a run out before it exists.
        // Only the timer (not `rearm()`, which also plans reservations): hundreds of these in a burst.
        core.runSpawned(run.runID, at: startedAt)
        timer?.arm(at: core.nextWakeUp)
        if var record {
            record.startedAt = startedAt
            save(record, task: run.task)
        }
        let scheduled = run.scheduledAt ?? now
        let lateness = (moment.wall.timeIntervalSince1970 - Double(scheduled.seconds)) * 1000
        var metadata = meta(run)
        metadata["pid"] = "\(process.pid)"
        // Lateness means something only for a run that had a due instant.
        if let claim = launch?.claimMs { metadata["claim_ms"] = "\(String(format: "%.1f", claim))" }
        if run.trigger == .schedule {
            metadata["lateness_ms"] = "\(String(format: "%.1f", lateness))"
            metrics.lateness(task: run.task, seconds: lateness / 1000)
        }
        logger.info("started \(task.command.joined(separator: " "))", metadata: metadata)
        // The timeout, counted from the spawn on the monotonic clock (the core's own deadline is
        // whole seconds rounded up: up to a second late).
        let runID = run.runID
        let remaining = Duration.seconds(run.timeoutSeconds) - (ContinuousClock.now - moment.monotonic)
        let remainingMs = max(0, Int(remaining / .milliseconds(1)))
        queue.asyncAfter(deadline: .now() + .milliseconds(remainingMs)) { [weak self] in
            Task(priority: .high) { await self?.timeoutElapsed(runID) }
        }
        Task { [weak self] in
            let termination = await process.waitForExit()
            await self?.exited(run.runID, termination)
        }
        if let stop = launch?.stop {
            logger.warning("stopping run (\(stop.rawValue))", metadata: meta(run))
            process.terminate(grace: Double(task.killGraceSeconds))
        }
    }

    /// Runs spawned or on their way to it.
    var activeRunCount: Int { runs.count + launching.count }

    /// A stop waits for every run to end, those still on their way to a spawn included.
    func finishShutdownIfIdle() {
        if shuttingDown && runs.isEmpty && launching.isEmpty { finishShutdown() }
    }
}

extension RunRecord {
    /// The `running` record of a start, as claimed or written when it begins.
    static func running(_ run: RunStart, at now: Instant) -> RunRecord {
        RunRecord(runID: run.runID, task: run.task, trigger: run.trigger, scheduledAt: run.scheduledAt,
                  startedAt: now, outcome: .running, attempt: run.attempt, waitedMs: run.waitedSeconds * 1000)
    }
}
