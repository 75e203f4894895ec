import ControlProtocol
import Dispatch
import Foundation
import Logging
import MarketCalendar
import Scheduling

extension Daemon {
    // MARK: - State store

    /// Opens `state.db`; on failure the daemon keeps scheduling and retries later.
    func openStore() {
        lastStoreAttempt = .now
        do {
            store = try RunStore(directory: core.config.stateDirectory)
            if stateError != nil { storeRecovered() }
        } catch {
            storeFailed(error)
        }
    }

    /// Runtime toggles back from the database; runs a previous instance left open are abandoned.
    func restoreState(now: Instant) {
        guard let store else { return }
        do {
            let abandoned = try store.markAbandoned(now: now)
            for run in abandoned {
                logger.warning("abandoned: the daemon stopped before the run finished", metadata: meta(run.task, run.runID))
            }
            let reserved = try settleReservations(store: store, now: now)
            for run in reserved {
                logger.warning("abandoned: \(RunStore.reservationAbandonedReason)", metadata: meta(run.task, run.runID))
            }
            endLeftovers(of: abandoned + reserved)
            for toggle in try store.dropLapsedToggles(now: now) {
                logger.info("runtime toggle of \(toggle.task) lapsed while the daemon was down")
            }
            for (task, toggle) in try store.toggles() where core.config.task(named: task) != nil {
                try? core.setToggle(task, RuntimeToggle(enabled: toggle.enabled, until: toggle.until))
            }
        } catch {
            storeFailed(error)
        }
        settleConfigAudit(previous: nil, cause: "start", peer: nil)
    }

    /// Names this daemon in its tasks' `V6_RUN_KEY`: the state directory, which is what makes
    /// run ids unique (they count up per database), and which stays the same across restarts.
    var instanceName: String { core.config.stateDirectory }

    /// Ends what is left of runs an earlier instance had open when it died (kill -9, OOM, a
    /// watchdog abort outside systemd's cgroup clean-up): their processes were orphaned with
    /// nobody to enforce their timeout, and a new run of the same task could overlap them.
    /// Found by their `V6_RUN_KEY` (their process group died with the old daemon's knowledge);
    /// SIGTERM, then SIGKILL after the task's kill grace. Runs in the background.
    func endLeftovers(of runs: [RunRecord]) {
        for run in runs {
            let grace = Double(core.config.task(named: run.task)?.killGraceSeconds ?? core.config.killGraceSeconds)
            let marker = SpawnRequest.cleanupMarker(instance: instanceName, runID: run.runID)
            let queue = DispatchQueue(label: "v6.leftovers.\(run.runID)")
            let logger = self.logger
            let metadata = meta(run.task, run.runID)
            let sweeper = ProcessSweeper(group: nil, marker: marker, leader: 0, grace: grace, queue: queue) { count in
                guard count > 0 else { return }
                logger.warning("ended \(count) leftover process(es) of the abandoned run", metadata: metadata)
            }
            // The sweeper keeps itself alive through its timers and pidfd sources until done.
            queue.async { sweeper.start() }
        }
    }

    func storeFailed(_ error: any Error) {
        let message = "\(error)"
        if stateError != message {
            logger.error("state store failed: \(message); scheduling continues, history and toggles are not saved until it recovers")
        }
        stateError = message
    }

    func storeRecovered() {
        logger.notice("state store recovered: \(store?.path ?? core.config.stateDirectory)")
        stateError = nil
    }

    /// Retries a failed store at most every 30 s (called from the watchdog and status paths).
    func retryStoreIfNeeded() {
        guard stateError != nil, ContinuousClock.now - lastStoreAttempt >= .seconds(30) else { return }
        lastStoreAttempt = .now
        if let store {
            if store.healthCheck() == nil { storeRecovered() }
        } else {
            openStore()
            restoreState(now: clock.now())
        }
    }

    // MARK: - Signals and watchdog

    func installSignalHandlers() {
        for (signo, action) in [(SIGTERM, "stop"), (SIGINT, "stop"), (SIGHUP, "reload")] {
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: queue)
            source.setEventHandler { [weak self] in
                guard let self else { return }
                Task {
                    if action == "stop" { await self.shutdown() } else { _ = await self.reload(requestedBy: "SIGHUP") }
                }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// WATCHDOG=1 from the actor itself, at half the interval: a stuck loop stops the pings.
    func startWatchdog() {
        guard let interval = notifier.watchdogInterval, interval > 0 else { return }
        let source = DispatchSource.makeTimerSource(queue: queue)
        source.schedule(deadline: .now() + interval / 2, repeating: interval / 2, leeway: .milliseconds(100))
        source.setEventHandler { [weak self] in
            guard let self else { return }
            Task(priority: .high) { await self.pingWatchdog() }
        }
        source.resume()
        sources.append(source)
    }

    func pingWatchdog() {
        notifier.watchdog()
        retryStoreIfNeeded()
    }

    // MARK: - Reload and stop

    /// Loads the configuration again and swaps it in at once; an invalid one is rejected and the
    /// old one keeps running. Reading and checking the files happens off the actor (a very large
    /// file takes seconds, while tasks keep firing and requests are answered); only the swap is on
    /// it. One reload at a time: another one asked for meanwhile is answered `busy`.
    /// `preloaded`: a run-time edit's configuration, already checked, whose files are on disk
    /// exactly (same revision): it is swapped in without parsing the same texts twice.
    func reload(requestedBy who: String, peer: Authorization.Peer? = nil,
                preloaded: LoadedConfig? = nil) async -> Result<LoadedConfig, ReloadFailure> {
        guard !reloading, !shuttingDown else {
            return .failure(ReloadFailure(message: shuttingDown ? "v6-scheduler is stopping" : "a reload is already in progress; try again when it is over",
                                          refused: true))
        }
        reloading = true
        defer { reloading = false }
        notifier.reloading()
        // READY=1 again, unless a stop came meanwhile (STOPPING=1 is then the last word).
        defer { if !shuttingDown { notifier.ready(status: statusLine()) } }
        // Everything that depends on the files alone, off the actor: reading, checking, and every
        // task's next occurrence. The paths that only a restart changes keep their running values.
        let options = self.options
        let running = (stateDirectory: core.config.stateDirectory, controlSocket: core.config.controlSocket,
                       logDirectory: core.config.logDirectory)
        let after = core.processedUntil
        let loading = await Task.detached { () -> Result<(fresh: LoadedConfig, prepared: PreparedTasks), ConfigErrors> in
            Result { () throws(ConfigErrors) in
                let fresh = if let preloaded { preloaded } else {
                    try ConfigLoader.load(path: options.configPath, envFile: options.envFile, environment: options.environment)
                }
                var config = fresh.config
                config.stateDirectory = running.stateDirectory
                config.controlSocket = running.controlSocket
                config.logDirectory = running.logDirectory
                return (fresh, SchedulerCore.prepare(config, after: after))
            }
        }.value
        let fresh: LoadedConfig, prepared: PreparedTasks
        switch loading {
        case .success(let result):
            (fresh, prepared) = result
        case .failure(let error):
            logger.error("reload (\(who)) rejected, the running configuration stays: \(error)")
            metrics.reload(succeeded: false)
            raise(.daemon(.reloadRejected("Requested by \(who):\n\(error)")), now: clock.now())
            return .failure(ReloadFailure(message: "\(error)"))
        }
        guard !shuttingDown else { return .failure(ReloadFailure(message: "v6-scheduler is stopping", refused: true)) }
        for (name, value) in [("state_directory", (running.stateDirectory, fresh.config.stateDirectory)),
                              ("control_socket", (running.controlSocket, fresh.config.controlSocket)),
                              ("log_directory", (running.logDirectory ?? "none", fresh.config.logDirectory ?? "none"))] where value.0 != value.1 {
            logger.warning("reload: \(name) changed to \(value.1); it takes effect at the next restart")
        }
        let config = prepared.config
        let previous = loaded
        loaded = LoadedConfig(config: config, warnings: fresh.warnings, layers: fresh.layers)
        core.reload(prepared)
        alerts.reconfigure(config)
        configureAlerts(config)
        metrics.reload(succeeded: true)
        for warning in fresh.warnings { logger.warning("\(warning)") }
        outputs.file?.setEnabled(config.enableLogging)
        outputs.reopen()
        logger.notice("reloaded (\(who)): \(config.tasks.count) tasks from \(config.sourcePath), revision \(loaded.revision)")
        settleConfigAudit(previous: previous, cause: peer == nil ? who : "reload", peer: peer)
        rearm()
        return .success(loaded)
    }

    /// SIGTERM: stop scheduling, stop running task groups (SIGKILL after their grace),
    /// record their outcomes, then return from `run()`.
    func shutdown() {
        guard !shuttingDown else { return }
        shuttingDown = true
        notifier.stopping()
        logger.notice("stopping: \(activeRunCount) run(s) to stop")
        raise(.daemon(.stopping("v6-scheduler is stopping (SIGTERM); \(activeRunCount) run(s) to stop.")), now: clock.now())
        control?.close()
        timer?.arm(at: nil)
        reserveTimer?.arm(at: nil)
        releaseAllReservations()
        perform(core.shutdown(), now: clock.now())
        for task in core.config.tasks {
            for watcher in watchRegistry.dropRetry(task: task.name) {
                watcher.finish(RunInfo(runID: 0, task: task.name, trigger: .retry, outcome: .abandoned,
                                       reason: "the daemon stopped before the retry"))
            }
        }
        finishShutdownIfIdle()
    }

    func finishShutdown() {
        for source in sources { source.cancel() }
        sources.removeAll()
        stopped?.resume()
        stopped = nil
    }

    // MARK: - on_failure hook

    /// The daemon's environment for a task or hook, without what systemd meant for the daemon
    /// alone (notify socket, watchdog, passed sockets) and without the alert channels' secrets.
    func childEnvironment() -> [String: String] {
        var environment = options.environment
        for key in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"] {
            environment[key] = nil
        }
        // The alert channels' secrets (env:NAME) are the scheduler's, not the tasks'.
        for channel in core.config.notify.channels {
            for secret in channel.kind.secrets {
                if case .environment(let name) = secret.source { environment[name] = nil }
            }
        }
        return environment
    }

    /// Runs the task's (or the global) `on_failure` argv after a final failed attempt, with
    /// the run's identity and its output tail in a file.
    func runFailureHook(_ c: RunCompletion, tail: Data) {
        // The loader already resolved the task's hook: its own, the global default, or none (`on_failure: []`).
        guard let task = core.config.task(named: c.task), let argv = task.onFailure, !argv.isEmpty else { return }
        let tailPath = (NSTemporaryDirectory() as NSString).appendingPathComponent("v6-\(c.runID).tail")
        _ = FileManager.default.createFile(atPath: tailPath, contents: tail, attributes: [.posixPermissions: 0o600])
        var environment = childEnvironment()
        environment["V6_TASK"] = c.task
        environment["V6_RUN_ID"] = c.runID
        environment["V6_OUTCOME"] = c.outcome.rawValue
        environment["V6_EXIT_CODE"] = c.exitCode.map(String.init) ?? ""
        environment["V6_SIGNAL"] = c.signal.map(String.init) ?? ""
        environment["V6_REASON"] = c.reason ?? ""
        environment["V6_OUTPUT_FILE"] = tailPath
        // The hook carries the failed run's id (its own processes were all ended before this).
        let request = SpawnRequest(argv: argv, environment: environment, workingDirectory: core.config.workingDirectory,
                                   runID: c.runID, killGrace: 5, instance: instanceName)
        let output = outputs.taskOutput
        let logger = self.logger
        do {
            let hook = try TaskProcess.spawn(request) { line in
                output.line(line.text, stream: line.stream == .stdout ? .stdout : .stderr, task: c.task, runID: c.runID)
            }
            Task.detached {
                // A hook gets a minute: a notifier that hangs must not pile up.
                let timeout = Task { try await Task.sleep(for: .seconds(60)); hook.terminate(grace: 5) }
                let end = await hook.waitForExit()
                timeout.cancel()
                try? FileManager.default.removeItem(atPath: tailPath)
                logger.info("on_failure hook \(end)", metadata: ["task": "\(c.task)", "run_id": "\(c.runID)"])
            }
        } catch {
            try? FileManager.default.removeItem(atPath: tailPath)
            logger.error("on_failure hook cannot start: \(error)", metadata: ["task": "\(c.task)", "run_id": "\(c.runID)"])
        }
    }

    // MARK: - Status

    /// systemd's STATUS= line: phase, running runs, the next run.
    func statusLine() -> String {
        let now = clock.now()
        let zone = core.calendar.zone
        let phase = core.calendar.phase(at: now).phase.rawValue
        let nextText = core.nextEnabledOccurrence(at: now).map { "next \($0.task) at \(zone.iso8601($0.at))" } ?? "nothing scheduled"
        let state = stateError == nil ? "" : "; STATE STORE FAILING"
        let shared = clusterStatusWords.map { "; \($0)" } ?? ""
        return "\(phase); \(activeRunCount) running; \(nextText)\(state)\(shared)"
    }
}

/// A reload that was rejected: the message names the config errors. `refused`: not tried at all
/// (another reload is running, or the daemon is stopping).
public struct ReloadFailure: Error, CustomStringConvertible {
    public let message: String
    public var refused = false
    public var description: String { message }
}
