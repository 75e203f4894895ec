import ControlProtocol
import Foundation
import Logging
import MarketCalendar
import Scheduling

/// This daemon's place among the hosts sharing a PostgreSQL store (`scheduler.store: postgres`).
struct ClusterLink {
    let store: PostgresStore
    let leaseSeconds: Int64
    /// The hosts as the last heartbeat saw them.
    var hosts: [HostLease] = []
    var migrated = false
    /// Why the database is away (nil while it answers) and since when (the daemon's clock).
    var unreachable: (reason: String, since: Instant)?
    /// The shared toggles as last applied.
    var toggles: [String: RuntimeToggle]?
    /// Counts toggle changes made on this host: a heartbeat that read the toggles before one
    /// was committed does not apply its (older) copy.
    var toggleEpoch = 0
    var beating: Task<Void, Never>?
    /// Run ids continue after this host's largest in the shared store (checked once it answers).
    var runIDsContinued = false
    /// Set while another live daemon holds this host id.
    var hostIDTaken: HostIDTaken?
    /// Each task's newest run across the hosts, as of the last heartbeat.
    var lastRuns: [String: SharedRun] = [:]
    /// When this host last pruned the shared tables (or found another host doing it).
    var lastPrune: ContinuousClock.Instant?
    /// The digest of the tasks (`tasksRevision`), and the files' revision it was computed for.
    var revision: (files: String, digest: String)?
    /// The shared run-time configuration revision this host runs (0: none adopted yet).
    var runtimeRevision: Int64 = 0
    /// A revision this host could not load (refused once, not tried again).
    var refusedRuntimeRevision: Int64?
    /// A newer revision waiting for a hand edit on disk to be reloaded (said once).
    var waitingRuntimeRevision: Int64?
    /// Set while an edit made here is published and applied: the heartbeat adopts nothing meanwhile.
    var pendingRuntimeRevision: Int64?

    /// How often the lease is renewed: a fifth of it, 1-5 s.
    var beatInterval: Duration { .seconds(max(1, min(5, leaseSeconds / 5))) }
}

extension Daemon {
    /// Connects to the shared store named by `scheduler.postgres_url`. Nil (with a critical log
    /// line) when the configuration cannot work (no URL, an unset variable, a malformed URL);
    /// a database that does not answer yet is not an error: the daemon waits for it.
    func openCluster() -> ClusterLink? {
        let settings = core.config.cluster
        let url: PostgresURL
        switch SharedStoreSettings.url(core.config, environment: options.environment) {
        case .success(let resolved): url = resolved
        case .failure(let problem):
            logger.critical("\(problem)")
            return nil
        }
        do {
            let store = try PostgresStore(url: url, hostID: core.hostID ?? Daemon.hostName(), instance: instanceIdentity,
                                          logger: logger)
            logger.notice("shared store: PostgreSQL at \(store.label), this host is \(store.hostID), lease \(settings.hostLeaseSeconds)s")
            return ClusterLink(store: store, leaseSeconds: settings.hostLeaseSeconds)
        } catch {
            logger.critical("\(core.config.sourcePath): scheduler.postgres_url: \(error)")
            return nil
        }
    }

    /// How the first contact with the shared store went.
    enum Join {
        /// It answered: catch-up starts after these slots (the newest any host claimed).
        case joined([String: Instant])
        /// It did not answer: the daemon starts and waits for it (starting nothing that needs a claim).
        case unreachable
        /// Another live daemon holds this `host_id`: the daemon must not start.
        case hostIDTaken(HostIDTaken)
    }

    /// This daemon's identity behind its host id: the machine (`/etc/machine-id`, else the host
    /// name) and the state directory. The same daemon restarting takes its id back at once.
    var instanceIdentity: String {
        let machine = (try? String(contentsOfFile: "/etc/machine-id", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return "\(machine.flatMap { $0.isEmpty ? nil : $0 } ?? Daemon.hostName()):\(core.config.stateDirectory)"
    }

    /// The first contact before READY: migrations, the lease, the shared toggles, run ids after
    /// this host's earlier ones, its runs left open there abandoned, the last slots for catch-up.
    func joinCluster() async -> Join {
        await beat()
        if let taken = cluster?.hostIDTaken { return .hostIDTaken(taken) }
        guard let shared = cluster?.store, cluster?.unreachable == nil else { return .unreachable }
        do {
            let abandoned = try await shared.abandonOwnOpenRuns(now: clock.now())
            for run in abandoned {
                logger.warning("abandoned in the shared store: this daemon stopped before the run finished", metadata: meta(run.task, run.runID))
            }
            return .joined(try await shared.lastSlots())
        } catch {
            clusterDown(error)
            return .unreachable
        }
    }

    /// Renews the lease every `beatInterval` until the daemon stops.
    func startHeartbeat() {
        guard let interval = cluster?.beatInterval else { return }
        cluster?.beating = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let self, await !self.shuttingDown else { return }
                await self.beat()
                await self.adoptSharedRuntimeConfig()
            }
        }
    }

    /// One heartbeat: the lease, the lapsed hosts' open runs, the hosts, the shared toggles.
    func beat() async {
        guard var link = cluster else { return }
        let shared = link.store
        let epoch = link.toggleEpoch
        do {
            if !link.migrated {
                try await shared.migrate()
                cluster?.migrated = true
                link.migrated = true
            }
            let lapsed = try await shared.heartbeat(leaseSeconds: link.leaseSeconds, configRevision: tasksRevision(),
                                                    running: activeRunCount, runtimeRevision: link.runtimeRevision)
            if !link.runIDsContinued {
                // A host reinstalled with a fresh state.db would reuse its earlier run ids.
                core.continueRunIDs(after: try await shared.largestRunID())
                cluster?.runIDsContinued = true
            }
            if lapsed { await endRunsAbandonedElsewhere() }
            for run in try await shared.abandonLapsedHosts(now: clock.now()) {
                let metadata: Logger.Metadata = ["task": "\(run.task)", "run_id": "\(run.runID)", "host": "\(run.host)"]
                guard run.outcome == "retrying", let slot = run.scheduledAt else {
                    logger.warning("abandoned: \(run.reason ?? "its host's lease lapsed")", metadata: metadata)
                    continue
                }
                // Its next attempt was planned on the lapsed host: it runs here (claimed, so once).
                let now = clock.now()
                if core.adoptRetry(task: run.task, scheduledAt: slot, attempt: run.attempt + 1, at: now + 1) {
                    logger.notice("taking over attempt \(run.attempt + 1) from host \(run.host), whose lease lapsed", metadata: metadata)
                    rearm()
                }
            }
            try await pruneIfDue(shared)
            let hosts = try await shared.hosts()
            let toggles = try await shared.toggles()
            clusterUp(hosts: hosts, toggles: cluster?.toggleEpoch == epoch ? toggles : nil)
        } catch let taken as HostIDTaken {
            hostIDTaken(taken)
        } catch {
            clusterDown(error)
        }
    }

    /// Another live daemon holds this host id (this one's lease lapsed and a daemon with the same
    /// `host_id` started meanwhile, or two are configured alike): start nothing until the id is
    /// this daemon's again (the other stops and its lease lapses).
    func hostIDTaken(_ taken: HostIDTaken) {
        let first = cluster?.hostIDTaken == nil
        cluster?.hostIDTaken = taken
        if first { logger.critical("\(taken); starting nothing that needs a claim") }
        lane?.shared?.hold("\(taken)")
        if cluster?.unreachable == nil { cluster?.unreachable = ("\(taken)", clock.now()) }
        updateStatus()
    }

    /// `toggles`: nil when they may be older than a change made here meanwhile (the next beat applies them).
    func clusterUp(hosts: [HostLease], toggles: [String: RuntimeToggle]?) {
        guard cluster != nil else { return }
        if let was = cluster?.unreachable {
            logger.notice("shared store reachable again (away since \(core.calendar.zone.iso8601(was.since))): claims resume")
            Task { await self.catchUpAfterOutage() }
        }
        cluster?.unreachable = nil
        cluster?.hostIDTaken = nil
        lane?.shared?.markUp()
        lane?.flushShared()
        let mine = core.hostID ?? ""
        let revision = tasksRevision()
        let differing = Set(hosts.filter { $0.hostID != mine && $0.isAlive && $0.configRevision != revision }.map(\.hostID))
        if differing != Set(cluster?.hosts.filter { $0.hostID != mine && $0.isAlive && $0.configRevision != revision }.map(\.hostID) ?? []),
           !differing.isEmpty {
            logger.warning("host(s) \(differing.sorted().joined(separator: ", ")) run other tasks than this one (configuration revision differs from \(revision)); each slot still runs once, but a task only one of them knows runs only there")
        }
        cluster?.hosts = hosts
        if let toggles, cluster?.toggles != toggles {
            cluster?.toggles = toggles
            applySharedToggles(toggles)
        }
        updateStatus()
    }

    /// How often a host prunes the shared tables (the first host to try each time does it).
    static let pruneInterval: Duration = .seconds(60)

    /// Bounds the shared history by each task's `history_limit` and drops slot claims older than
    /// `RunStore.slotRetentionSeconds`, at most once a minute per host.
    func pruneIfDue(_ shared: PostgresStore) async throws {
        if let last = cluster?.lastPrune, ContinuousClock.now - last < Self.pruneInterval { return }
        cluster?.lastPrune = .now
        var limits: [String: Int] = [:]
        for task in core.config.tasks { limits[task.name] = task.historyLimit }
        let cutoff = clock.now() - RunStore.slotRetentionSeconds
        if let pruned = try await shared.prune(limits: limits, defaultLimit: core.config.historyLimit, slotsBefore: cutoff),
           pruned.runs + pruned.slots > 0 {
            logger.info("shared store pruned: \(pruned.runs) run(s) beyond history_limit, \(pruned.slots) slot claim(s) older than \(RunStore.slotRetentionSeconds / 86_400) days")
        }
    }

    /// The database is back: `catch_up: true` tasks run the latest occurrence no host claimed
    /// meanwhile (the whole cluster may have been without it), claimed like any run, so one
    /// host runs it.
    func catchUpAfterOutage() async {
        guard let shared = cluster?.store, !shuttingDown, let slots = try? await shared.lastSlots() else { return }
        let now = clock.now()
        perform(core.catchUp(lastSlots: slots, now: now), now: now)
        rearm()
    }

    func clusterDown(_ error: any Error) {
        guard let link = cluster else { return }
        if let error = error as? StoreError, error.code == .sharedStore, link.unreachable == nil, lane?.shared?.unavailable == nil {
            return  // refused by the server (logged with the run), not away
        }
        if !(error is StoreError), !PostgresStore.isConnectionFailure(error) {
            logger.error("shared store: \(PostgresStore.describe(error))")
            return
        }
        let reason = (error as? StoreError)?.reason ?? StoreError.sharedStore(link.store.label, operation: "reach PostgreSQL", error).reason
        if !(error is StoreError) { lane?.shared?.markDown(error) }
        if link.unreachable == nil {
            logger.error("shared store unreachable: \(link.store.label): \(reason); starting nothing that needs a claim until it answers")
            cluster?.unreachable = (reason, clock.now())
        }
        updateStatus()
    }

    /// The shared toggles replace this host's: every host sees the same ones.
    func applySharedToggles(_ toggles: [String: RuntimeToggle]) {
        for task in core.config.tasks {
            try? core.setToggle(task.name, toggles[task.name])
        }
        rearm()
    }

    /// Another host found this host's lease lapsed and marked its open runs abandoned: they are
    /// no longer the cluster's, so they are ended here (as a restart after a crash would).
    func endRunsAbandonedElsewhere() async {
        guard let shared = cluster?.store, !runs.isEmpty else {
            logger.warning("this host's lease had lapsed (the database was away); it renewed it")
            return
        }
        let ids = Array(runs.keys)
        let abandoned = (try? await shared.abandoned(among: ids)) ?? []
        logger.warning("this host's lease had lapsed (the database was away): another host marked \(abandoned.count) of its runs abandoned; ending them")
        for runID in abandoned {
            guard let handle = runs[runID] else { continue }
            logger.warning("stopping run: the cluster marked it abandoned while this host's lease had lapsed", metadata: meta(handle.start))
            handle.process.terminate(grace: handle.killGrace)
        }
    }

    /// The hosts for `status`: alive, lease age, configuration revision, running count, and
    /// whether the revision differs from this host's.
    func clusterStatus() -> ClusterStatus? {
        guard let link = cluster else { return nil }
        let mine = link.store.hostID
        let revision = link.revision?.digest ?? ""
        let hosts = link.hosts.map { host in
            // This host's own run-time revision as it is now (its row is as of its last beat).
            let runtime = host.hostID == mine ? link.runtimeRevision : host.runtimeRevision
            return HostStatus(hostID: host.hostID, alive: host.isAlive, leaseAgeSeconds: (host.leaseAgeSeconds * 10).rounded() / 10,
                              leaseSeconds: Int(host.leaseSeconds), configRevision: host.configRevision, running: host.running,
                              thisHost: host.hostID == mine,
                              configDiffers: host.isAlive && (host.configRevision != revision || (runtime ?? 0) != link.runtimeRevision),
                              runtimeRevision: runtime)
        }
        return ClusterStatus(store: "postgres", hostID: mine, database: link.store.label, reachable: link.unreachable == nil,
                             unreachable: link.unreachable.map { "\($0.reason) (since \(core.calendar.zone.iso8601($0.since)))" },
                             hosts: hosts)
    }

    /// Writes an audit row to the shared store (best effort, off the actor's way): configuration
    /// changes applied on this host. Toggles are audited in their own transaction.
    func shareAudit(kind: String, task: String?, detail: String, actor: String, entry: String? = nil) {
        guard let shared = cluster?.store else { return }
        let logger = self.logger
        Task {
            do {
                try await shared.audit(kind: kind, task: task, detail: detail, actor: actor, entry: entry)
            } catch {
                logger.warning("audit record not written to the shared store: \(PostgresStore.describe(error)); it is in this host's journal")
            }
        }
    }

    /// What hosts compare: a digest of the tasks as loaded (names, schedules, commands, `hosts:`
    /// ...), not of the files, whose host-local settings (state directory, socket) may differ.
    func tasksRevision() -> String {
        if let revision = cluster?.revision, revision.files == loaded.revision { return revision.digest }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in String(reflecting: core.config.tasks).utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        let digest = String(String(hash, radix: 16).reversed()).padding(toLength: 12, withPad: "0", startingAt: 0)
        cluster?.revision = (loaded.revision, digest)
        return digest
    }

    /// With the shared store, each task's newest run across the hosts, read when `status` or
    /// `tasks` asks (as `task` does), not at every heartbeat: that read is one row per task, and an
    /// idle cluster of 10,000 tasks would make it every few seconds on every host. Without the
    /// database, or when the read fails, the last copy stands (a failed read is the heartbeat's to
    /// report: a status request does not stop claims).
    func refreshSharedLastRuns() async {
        guard let link = cluster, link.unreachable == nil else { return }
        if let runs = try? await link.store.lastRuns(of: core.config.tasks.map(\.name)) { cluster?.lastRuns = runs }
    }

    /// With the shared store, the newer of this host's own last run of each task and the
    /// cluster's (as of `refreshSharedLastRuns`).
    func newestRuns(_ local: [String: RunRecord], of names: [String]) -> [String: RunRecord] {
        guard let shared = cluster?.lastRuns, !shared.isEmpty else { return local }
        var merged = local
        for name in names {
            guard let other = shared[name]?.record else { continue }
            func when(_ r: RunRecord) -> Int64 { (r.startedAt ?? r.finishedAt ?? r.scheduledAt)?.seconds ?? 0 }
            if let mine = local[name], when(mine) >= when(other) { continue }
            merged[name] = other
        }
        return merged
    }

    /// With the shared store, the tasks whose newest run across the hosts ended in `outcomes`.
    func sharedTasks(withLastOutcome outcomes: [Outcome]) -> Set<String>? {
        guard let shared = cluster?.lastRuns, cluster != nil else { return nil }
        return Set(shared.values.filter { outcomes.contains($0.record.outcome) }.map(\.record.task))
    }

    /// For STATUS= and the journal: the shared store's state in a few words, nil without one.
    var clusterStatusWords: String? {
        guard let link = cluster else { return nil }
        if link.unreachable != nil { return "SHARED STORE UNREACHABLE: starting nothing that needs a claim" }
        let alive = link.hosts.filter(\.isAlive).count
        return "\(alive) host(s) alive"
    }
}
