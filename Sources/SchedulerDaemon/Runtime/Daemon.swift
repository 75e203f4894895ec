import AlertChannels
import Dispatch
import Foundation
import Logging
import MarketCalendar
import Monitoring
import Scheduling

/// How `v6-scheduler run` was started.
public struct DaemonOptions: Sendable {
    public var configPath: String
    public var envFile: String?
    public var logTarget: LogTarget
    public var environment: [String: String]

    public init(configPath: String, envFile: String?, logTarget: LogTarget, environment: [String: String]) {
        self.configPath = configPath
        self.envFile = envFile
        self.logTarget = logTarget
        self.environment = environment
    }
}

/// The running scheduler: carries out what `SchedulerCore` decides, with real time,
/// real processes, the run store, the control socket and systemd.
///
/// Everything that changes state runs on this actor without suspending in between, so
/// the timer, process exits, signals and control requests are serialized.
public actor Daemon {
    let options: DaemonOptions
    /// Wall-clock time and the wake-up timer: `WallClock` in production, a manual one in tests.
    let clock: any DaemonClock
    let hosting: DaemonHosting
    var loaded: LoadedConfig
    var core: SchedulerCore
    var store: RunStore? {
        didSet { lane = store.map { makeLane($0, shared: cluster?.store) } }
    }
    /// The shared store and the other hosts (`scheduler.store: postgres`); nil with SQLite.
    var cluster: ClusterLink?
    /// The run path's writes, off the actor (`StoreLane`), for the open store.
    var lane: StoreLane?
    /// Slots claimed ahead of their instant (`Daemon+Reservations.swift`).
    var reservations = ReservationBook()
    var reserveTimer: (any DaemonTimer)?
    /// Runs on their way from their `start` action to their spawn (`Daemon+Launch.swift`).
    var launching: [String: Launch] = [:]
    var stateError: String?
    /// Elapsed time, not the wall clock: a clock stepped back must not postpone the retry.
    var lastStoreAttempt = ContinuousClock.now
    var runs: [String: RunHandle] = [:]
    var logger: Logger
    let outputs: LogOutputs
    let notifier: Notifier
    let startedAt: Instant
    let queue = DispatchQueue(label: "v6.daemon.events")
    var timer: (any DaemonTimer)?
    var control: ControlServer?
    var sources: [DispatchSourceProtocol] = []
    var stopped: CheckedContinuation<Void, Never>?
    var shuttingDown = false
    var reloading = false
    var lastStatus = ""
    /// A STATUS= update is queued on the actor (see `rearm`).
    var statusUpdateQueued = false
    /// Waiters of `run_now --wait`.
    let watchRegistry = WatchRegistry()
    /// Store reads running off the actor; the store closes after the last.
    let storeReads = StoreReads()
    /// Counters, histograms and state gauges for `metrics`.
    let metrics: DaemonMetrics
    /// The alert streak machine and the channels' queues.
    var alerts: AlertDesk
    let dispatcher: AlertDispatcher
    /// Per task: the newest success and the newest run's cost (state gauges).
    var lastSuccess: [String: Instant] = [:]
    var lastUsage: [String: RunUsage] = [:]
    /// Set at READY=1: from then on, stepped-over occurrences are `missed` alerts.
    var alertsLive = false

    /// Loads the configuration and sets up logging; nothing runs until `run()`.
    public init(options: DaemonOptions, loaded: LoadedConfig) {
        self.init(options: options, loaded: loaded, clock: WallClock(), hosting: .process)
    }

    /// A daemon on `clock`; `.embedded` hosting for one of several daemons in a test process.
    init(options: DaemonOptions, loaded: LoadedConfig, clock: any DaemonClock, hosting: DaemonHosting) {
        self.options = options
        self.loaded = loaded
        self.clock = clock
        self.hosting = hosting
        let config = loaded.config
        let logger: Logger
        switch hosting {
        case .process:
            outputs = DaemonLogging.bootstrap(target: options.logTarget, fileDirectory: config.logDirectory,
                                              fileEnabled: config.enableLogging)
            logger = Logger(label: "v6-scheduler")
            notifier = Notifier()
        case .embedded(let given):
            outputs = given
            logger = Logger(label: "v6-scheduler") { given.makeHandler(label: $0) }
            notifier = Notifier(enabled: false)
        }
        self.logger = logger
        startedAt = clock.now()
        // The store opens first: run ids continue after the largest one in the history.
        var firstRunID: Int64 = 1
        do {
            let opened = try RunStore(directory: config.stateDirectory)
            store = opened
            firstRunID = try opened.largestRunID() + 1
        } catch {
            stateError = "\(error)"
            // Without history, ids from the clock stay above any earlier ones.
            firstRunID = Int64(clock.currentDate().timeIntervalSince1970 * 1000)
        }
        core = SchedulerCore(config: config, now: startedAt, firstRunID: firstRunID)
        core.timeoutsFromSpawn = true  // starts are asynchronous here (Daemon+Launch.swift)
        let host = Daemon.hostName()
        // `hosts:` lists host ids: this daemon's is `host_id`, by default the host name.
        core.hostID = config.cluster.hostID ?? host
        let metrics = DaemonMetrics(version: DaemonVersion.string, tzdata: ZoneRules.newYork.origin.version)
        self.metrics = metrics
        alerts = AlertDesk(config: config, host: host, zone: ZoneRules.newYork)
        dispatcher = AlertDispatcher(clientName: host, zone: ZoneRules.newYork) { event in
            Daemon.log(event, logger: logger, metrics: metrics)
        }
    }

    /// Runs until SIGTERM or SIGINT; returns the process exit code.
    public func run() async -> Int32 {
        if hosting.ownsProcess {
            do {
                try ChildSubreaper.enable()
            } catch {
                logger.warning("\(error); orphaned grandchildren will be reaped by PID 1 instead")
            }
            _ = OrphanReaper.start()
        }
        if core.config.cluster.store == .postgres {
            guard let link = openCluster() else { return 1 }
            cluster = link
        }
        // The store opened in init; its lane reports to this actor, which init could not hand out.
        lane = store.map { makeLane($0, shared: cluster?.store) }
        for warning in loaded.warnings { logger.warning("\(warning)") }
        configureAlerts(core.config)
        if let stateError { logger.error("state store failed: \(stateError); scheduling continues, history and toggles are not saved until it recovers") }
        restoreState(now: clock.now())
        // The shared store after the local state: its toggles are the ones that count.
        var sharedSlots: [String: Instant]? = nil
        if cluster != nil {
            switch await joinCluster() {
            case .joined(let slots): sharedSlots = slots
            case .unreachable: break
            case .hostIDTaken(let taken):
                logger.critical("\(core.config.sourcePath): scheduler.host_id: \(taken)")
                await cluster?.store.close()
                return 1
            }
        }
        do {
            control = try ControlServer.start(socketPath: core.config.controlSocket, group: core.config.controlGroup,
                                              daemon: self, logger: logger, adoptingPassedSocket: hosting.ownsProcess)
        } catch {
            logger.critical("cannot listen on the control socket: \(error)")
            return 1
        }
        do {
            timer = try clock.makeTimer(queue: queue) { [weak self] wake in await self?.wake(wake) }
            reserveTimer = try clock.makeTimer(queue: queue) { [weak self] wake in
                guard let self else { return }
                await wake == .due ? self.reserveDue() : self.wake(wake)
            }
        } catch {
            logger.critical("cannot create the timer: \(error)")
            return 1
        }
        if hosting.ownsProcess { installSignalHandlers() }
        startWatchdog()
        let now = clock.now()
        perform(resumeDependencies(now: now), now: now)
        // With the shared store, catch-up starts after the newest slot any host claimed; without
        // the database, after this host's own (its catch-up claims fail until it answers).
        let lastSlots = sharedSlots ?? (try? store?.lastSlots()) ?? [:]
        startHeartbeat()
        let missed = core.missedWhileDown(lastSlots: lastSlots, now: startedAt)
        perform(core.catchUp(lastSlots: lastSlots, now: now), now: now)
        wake(.due)
        let tasks = core.config.tasks
        let ready = "v6-scheduler \(DaemonVersion.string) ready: \(tasks.count) tasks from \(core.config.sourcePath), control socket \(control?.path ?? "-"), zone data: \(core.calendar.zone.origin)"
        logger.notice("\(ready)")
        notifier.ready(status: statusLine())
        alertStarted(ready, missed: missed)
        await withCheckedContinuation { stopped = $0 }
        // The store closes once no read is left running off the actor, and on the actor, where it
        // is otherwise used: nothing touches it while it closes, and later requests find none.
        await storeReads.close()
        await lane?.flush()
        cluster?.beating?.cancel()
        await cluster?.store.close()
        await dispatcher.shutdown(grace: Daemon.alertGraceSeconds)
        try? store?.close()
        store = nil
        logger.notice("v6-scheduler stopped")
        return 0
    }

    /// The timer fired, or the wall clock was stepped: handle what is due and re-arm.
    func wake(_ reason: ClockWake) {
        let now = clock.now()
        if reason == .clockStepped {
            logger.notice("wall clock stepped; now \(core.calendar.zone.iso8601(now)); recomputing what is due")
        }
        perform(core.advance(to: now), now: now)
        releaseUnusedReservations(upTo: now)
        rearm()
    }

    func rearm() {
        timer?.arm(at: core.nextWakeUp)
        planReservation()
        // Once the actor has worked through what is queued: a burst re-arms hundreds of times in
        // a row (each start and each end), and the line costs a pass over every task.
        guard !statusUpdateQueued else { return }
        statusUpdateQueued = true
        Task(priority: .utility) { [weak self] in await self?.updateStatus() }
    }

    func updateStatus() {
        statusUpdateQueued = false
        // Only changes: every datagram to the notify socket costs PID 1 a wake-up.
        let status = statusLine()
        if status != lastStatus {
            notifier.status(status)
            lastStatus = status
        }
    }
}

extension Daemon {
    /// The lane of `store`; it reports failures and recovery to the actor.
    nonisolated func makeLane(_ store: RunStore, shared: PostgresStore?) -> StoreLane {
        StoreLane(store: store, shared: shared) { [weak self] error in
            Task { await self?.laneHealth(error) }
        }
    }

    func laneHealth(_ error: StoreError?) {
        if let error, error.code == .sharedStore {
            clusterDown(error)
        } else if let error {
            storeFailed(error)
        } else if stateError != nil {
            storeRecovered()
        }
    }
}
