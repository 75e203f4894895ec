import Foundation
import Logging
import MarketCalendar
import NIOSSL
import PostgresNIO
import Scheduling
import Synchronization

/// The run store several daemons share (`scheduler.store: postgres`): PostgreSQL is the arbiter.
///
/// A slot is claimed under the UNIQUE `(task, scheduled_at)` key of `v6_slots` in the same
/// transaction that records the run: whichever daemon commits first runs it, any other finds the
/// key taken and does nothing. No leader. Each daemon renews a lease (`v6_hosts.heartbeat_at`,
/// the database's clock, so clock skew between hosts does not matter); another host marks the
/// open runs of a host whose lease lapsed `abandoned`.
///
/// The daemon reaches it through `StoreLane` (claims and records) and `Daemon+Cluster.swift`
/// (leases, toggles, audit, history).
public final class PostgresStore: Sendable {
    public let hostID: String
    /// Which daemon uses `hostID`: the daemon passes its machine and state directory, so that it
    /// restarting there takes its id back at once, while another daemon (elsewhere, or with other
    /// state) is refused as long as the lease is alive.
    public let instance: String
    /// The database's URL without its password, for messages.
    public let label: String
    let logger: Logger
    /// The pool and the task running it. Replaced after a lost connection: PostgresNIO's pool
    /// stops trying (its circuit breaker) after a minute of failed connects, and a daemon must
    /// pick up again whenever the database returns.
    private let pool: Mutex<(client: PostgresClient, running: Task<Void, Never>)>
    private let configuration: PostgresClient.Configuration
    /// How long a claim or a record may take before it counts as failed: a daemon without the
    /// database must know within seconds (it then starts nothing that needs a claim).
    public let deadline: Duration

    var client: PostgresClient { pool.withLock { $0.client } }

    /// Opens a pool of connections to `url` for the daemon `hostID`. Nothing is sent until the
    /// first query; `migrate()` first.
    public init(url: PostgresURL, hostID: String, instance: String = UUID().uuidString, logger: Logger,
                deadline: Duration = .seconds(3)) throws {
        self.hostID = hostID
        self.instance = instance
        self.label = url.description
        self.logger = logger
        self.deadline = deadline
        var configuration: PostgresClient.Configuration
        if let socket = url.socketPath {
            configuration = .init(unixSocketPath: socket, username: url.user, password: url.password, database: url.database)
        } else {
            let tls: PostgresClient.Configuration.TLS
            switch url.sslMode {
            case .disable, .allow: tls = .disable
            case .prefer: tls = .prefer(Self.tlsConfiguration(verify: false))
            case .require: tls = .require(Self.tlsConfiguration(verify: false))
            case .verifyCA, .verifyFull: tls = .require(Self.tlsConfiguration(verify: true))
            }
            configuration = .init(host: url.host ?? "localhost", port: url.port, username: url.user, password: url.password,
                                  database: url.database, tls: tls)
        }
        // A lost database must show quickly: claims wait at most this long for a connection.
        configuration.options.connectTimeout = .seconds(3)
        self.configuration = configuration
        pool = Mutex(Self.start(configuration, logger: logger))
    }

    private static func start(_ configuration: PostgresClient.Configuration, logger: Logger) -> (client: PostgresClient, running: Task<Void, Never>) {
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        return (client, Task { await client.run() })
    }

    /// Runs `body` on the current pool within `deadline`; after a failure the pool is replaced,
    /// so that the next call connects afresh.
    ///
    /// The deadline does not wait for `body` to notice its cancellation: across a partition (a
    /// link that loses packets) a query waits on its connection until TCP gives up, minutes later,
    /// whatever its task's cancellation says. The caller gets its answer at the deadline; the
    /// abandoned query ends with the old pool.
    func bounded<T: Sendable>(_ body: @escaping @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let client = self.client
        let deadline = self.deadline
        do {
            return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                let answered = Mutex(false)
                let finish: @Sendable (Result<T, any Error>) -> Bool = { result in
                    let first = answered.withLock { done in
                        defer { done = true }
                        return !done
                    }
                    if first { continuation.resume(with: result) }
                    return first
                }
                let work = Task {
                    do { _ = finish(.success(try await body(client))) } catch { _ = finish(.failure(error)) }
                }
                Task {
                    try? await Task.sleep(for: deadline)
                    if finish(.failure(PostgresStoreError("no answer from PostgreSQL within \(deadline)"))) { work.cancel() }
                }
            }
        } catch {
            if Self.isConnectionFailure(error) { renew(after: client) }
            throw error
        }
    }

    /// True unless the server answered (with an error): the database is away, or the link to it.
    /// Also the server's own "going away" answers: SQLSTATE classes 08 (connection), 57 (operator
    /// intervention: shutting down, restarting) and 53 (out of resources, too many connections).
    public static func isConnectionFailure(_ error: any Error) -> Bool {
        if error is HostIDTaken { return false }
        guard let info = (error as? PSQLError)?.serverInfo else { return true }
        let state = info[.sqlState] ?? ""
        return state.hasPrefix("08") || state.hasPrefix("57") || state.hasPrefix("53")
    }

    /// A failure in one line, without the query or its values: the server's message and SQLSTATE,
    /// or what went wrong on the way to it.
    public static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let info = error.serverInfo {
                return "PostgreSQL: \(info[.message] ?? "error") (SQLSTATE \(info[.sqlState] ?? "?"))"
            }
            if let underlying = error.underlying { return "\(error.code): \(underlying)" }
            return "\(error.code)"
        }
        let text = "\(error)"
        if text.contains("CircuitBreakerTripped") { return "cannot connect (every connection attempt failed; is the server up and reachable?)" }
        if text.contains("poolShutdown") { return "the connection was lost (reconnecting)" }
        return text
    }

    /// A fresh pool in place of `failed` (once, whoever notices first).
    private func renew(after failed: PostgresClient) {
        let old = pool.withLock { pool -> Task<Void, Never>? in
            guard pool.client === failed else { return nil }
            let previous = pool.running
            pool = Self.start(configuration, logger: logger)
            return previous
        }
        old?.cancel()
    }

    private static func tlsConfiguration(verify: Bool) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = verify ? .fullVerification : .none
        return tls
    }

    /// Stops the pool (its run task); queries after it fail.
    public func close() async {
        let running = pool.withLock { $0.running }
        running.cancel()
        _ = await running.value
    }

    /// Applies the schema's migrations; returns the version the database was at.
    @discardableResult
    public func migrate() async throws -> Int {
        try await PostgresSchema.migrate(client, logger: logger)
    }

    /// The schema version the database is at.
    public func schemaVersion() async throws -> Int {
        var version = 0
        for try await v in try await client.query("SELECT coalesce(max(version), 0) FROM v6_schema", logger: logger).decode(Int.self) {
            version = v
        }
        return version
    }

    // MARK: - Claims and run records

    /// Claims the record's slot and records the run, in one transaction: true when this daemon
    /// won it; false when another run (of any host) holds the slot, and then nothing is written.
    ///
    /// The key: `(task, scheduled_at, attempt)`. A scheduled, catch-up or upstream run claims
    /// attempt 1 of its slot; a retry claims its attempt of the same slot. A run without a
    /// scheduled instant (`run-now`) has no slot: its record is written before it starts (the
    /// claim is that the database took it), and it never loses.
    public func claim(_ record: RunRecord) async throws -> Bool {
        let me = hostID, logger = self.logger
        return try await bounded { client in try await client.withTransaction(logger: logger) { connection in
            if let at = record.scheduledAt, record.trigger != .manual {
                let attempt = record.trigger == .retry ? record.attempt : 1
                let rows = try await connection.query("""
                    INSERT INTO v6_slots (task, scheduled_at, attempt, host_id, run_id)
                    VALUES (\(record.task), \(at.seconds), \(attempt), \(me), \(record.runID))
                    ON CONFLICT (task, scheduled_at, attempt) DO NOTHING
                    RETURNING run_id
                    """, logger: logger)
                var won = false
                for try await _ in rows { won = true }
                guard won else { return false }
            }
            // A new row: a run id this host used before (a fresh state.db) fails the claim
            // rather than overwrite that run's history.
            try await Self.insert(record, host: me, on: connection, logger: logger)
            return true
        } }
    }

    /// Writes the run's record (insert, or update of this host's run with that id).
    public func record(_ record: RunRecord) async throws {
        let me = hostID, logger = self.logger
        try await bounded { client in
            try await client.withConnection { connection in
                try await Self.upsert(record, host: me, on: connection, logger: logger)
            }
        }
    }

    /// Updates the record of a run this host claimed (its end, its spawn); a run the database
    /// never took (a skip, a lost claim) has no row and stays in the local history only. A run
    /// another host marked `abandoned` (this host's lease lapsed) stays so. True when a row changed.
    @discardableResult
    public func update(_ r: RunRecord) async throws -> Bool {
        let me = hostID, logger = self.logger
        return try await bounded { client in
            let rows = try await client.query("""
                UPDATE v6_runs SET started_at = coalesce(\(r.startedAt?.seconds), started_at), finished_at = \(r.finishedAt?.seconds),
                    exit_code = \(r.exitCode.map(Int.init)), signal = \(r.signal.map(Int.init)), outcome = \(r.outcome.rawValue),
                    duration_ms = \(r.durationMs), waited_ms = \(r.waitedMs), reason = \(r.reason),
                    output_tail = \(r.outputTail.map { ByteBuffer(bytes: $0) }), cpu_ms = \(r.cpuMs), max_rss_bytes = \(r.maxRSSBytes)
                WHERE host_id = \(me) AND run_id = \(r.runID) AND outcome <> 'abandoned'
                RETURNING run_id
                """, logger: logger)
            var changed = false
            for try await _ in rows { changed = true }
            return changed
        }
    }

    /// Inserts the run's row; `onConflict`: what to do when this host has a run with its id
    /// (nothing: an error). True when a row was written.
    @discardableResult
    static func insert(_ r: RunRecord, host: String, on connection: PostgresConnection, logger: Logger,
                       onConflict conflict: String = "") async throws -> Bool {
        var inserted = false
        for try await _ in try await connection.query(PostgresQuery(unsafeSQL: """
            INSERT INTO v6_runs (host_id, run_id, task, trigger, scheduled_at, started_at, finished_at, exit_code, signal,
                                 outcome, attempt, duration_ms, waited_ms, reason, output_tail, cpu_ms, max_rss_bytes)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \(conflict)
            RETURNING run_id
            """, binds: try Self.binds(r, host: host)), logger: logger) { inserted = true }
        return inserted
    }

    private static func binds(_ r: RunRecord, host: String) throws -> PostgresBindings {
        var binds = PostgresBindings(capacity: 17)
        binds.append(host)
        binds.append(r.runID)
        binds.append(r.task)
        binds.append(r.trigger.rawValue)
        binds.append(r.scheduledAt?.seconds)
        binds.append(r.startedAt?.seconds)
        binds.append(r.finishedAt?.seconds)
        binds.append(r.exitCode.map(Int.init))
        binds.append(r.signal.map(Int.init))
        binds.append(r.outcome.rawValue)
        binds.append(r.attempt)
        binds.append(r.durationMs)
        binds.append(r.waitedMs)
        binds.append(r.reason)
        binds.append(r.outputTail.map { ByteBuffer(bytes: $0) })
        binds.append(r.cpuMs)
        binds.append(r.maxRSSBytes)
        return binds
    }

    private static func upsert(_ r: RunRecord, host: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await insert(r, host: host, on: connection, logger: logger, onConflict: """
            ON CONFLICT (host_id, run_id) DO UPDATE SET
                started_at = coalesce(EXCLUDED.started_at, v6_runs.started_at), finished_at = EXCLUDED.finished_at,
                exit_code = EXCLUDED.exit_code, signal = EXCLUDED.signal, outcome = EXCLUDED.outcome,
                duration_ms = EXCLUDED.duration_ms, waited_ms = EXCLUDED.waited_ms, reason = EXCLUDED.reason,
                output_tail = EXCLUDED.output_tail, cpu_ms = EXCLUDED.cpu_ms, max_rss_bytes = EXCLUDED.max_rss_bytes
            """)
    }

    /// The runs of `task` across hosts, newest first.
    public func runs(task: String, limit: Int) async throws -> [HostRun] {
        let rows = try await client.query("""
            SELECT host_id, run_id, trigger, scheduled_at, outcome, reason FROM v6_runs
            WHERE task = \(task) ORDER BY seq DESC LIMIT \(limit)
            """, logger: logger)
        var result: [HostRun] = []
        for try await (host, runID, trigger, scheduled, outcome, reason) in rows.decode((String, String, String, Int64?, String, String?).self) {
            result.append(HostRun(host: host, runID: runID, task: task, trigger: trigger, scheduledAt: scheduled.map(Instant.init(seconds:)),
                                  outcome: outcome, reason: reason))
        }
        return result
    }

    // MARK: - Leases

    /// Renews this host's lease (creates its row at the first beat), on the database's clock.
    /// Returns true when another host had found the lease lapsed since the last beat (it marked
    /// this host's open runs abandoned: the runs still going here are no longer the cluster's).
    /// Throws ``HostIDTaken`` when another daemon (another `instance`: another machine or state
    /// directory) holds this host id with a live lease: two daemons with one `host_id` would mix
    /// their runs.
    @discardableResult
    public func heartbeat(leaseSeconds: Int64, configRevision: String, running: Int) async throws -> Bool {
        let me = hostID, instance = self.instance, logger = self.logger
        return try await bounded { client in
            let rows = try await client.query("""
                WITH before AS (SELECT lapse_handled_at FROM v6_hosts WHERE host_id = \(me))
                INSERT INTO v6_hosts (host_id, started_at, heartbeat_at, lease_seconds, config_revision, running, instance)
                VALUES (\(me), now(), now(), \(Int(leaseSeconds)), \(configRevision), \(running), \(instance))
                ON CONFLICT (host_id) DO UPDATE SET heartbeat_at = now(), lease_seconds = EXCLUDED.lease_seconds,
                    config_revision = EXCLUDED.config_revision, running = EXCLUDED.running, lapse_handled_at = NULL,
                    instance = EXCLUDED.instance,
                    started_at = CASE WHEN v6_hosts.instance IS DISTINCT FROM EXCLUDED.instance THEN now() ELSE v6_hosts.started_at END
                WHERE v6_hosts.instance IS NULL OR v6_hosts.instance = EXCLUDED.instance
                   OR v6_hosts.heartbeat_at + make_interval(secs => v6_hosts.lease_seconds) < now()
                RETURNING coalesce((SELECT lapse_handled_at IS NOT NULL FROM before), false)
                """, logger: logger)
            var renewed: Bool? = nil
            for try await value in rows.decode(Bool.self) { renewed = value }
            guard let lapsed = renewed else { throw HostIDTaken(hostID: me) }
            return lapsed
        }
    }

    /// The largest run id this host recorded in the shared store (0 when none).
    public func largestRunID() async throws -> Int64 {
        let me = hostID, logger = self.logger
        return try await bounded { client in
            var largest: Int64 = 0
            let rows = try await client.query("""
                SELECT coalesce(max(run_id::bigint), 0) FROM v6_runs WHERE host_id = \(me) AND run_id ~ '^[0-9]{1,18}$'
                """, logger: logger)
            for try await value in rows.decode(Int64.self) { largest = value }
            return largest
        }
    }

    /// The hosts that share the database, this one included, by id.
    public func hosts() async throws -> [HostLease] {
        let logger = self.logger
        return try await bounded { client in
        let rows = try await client.query("""
            SELECT host_id, extract(epoch FROM now() - heartbeat_at)::float8, lease_seconds, config_revision, running
            FROM v6_hosts ORDER BY host_id
            """, logger: logger)
        var result: [HostLease] = []
        for try await (id, age, lease, revision, running) in rows.decode((String, Double, Int, String, Int).self) {
            result.append(HostLease(hostID: id, leaseAgeSeconds: age, leaseSeconds: Int64(lease), configRevision: revision, running: running))
        }
        return result
        }
    }

    /// At start: this host's runs still open in the shared store (the previous daemon here died
    /// before it recorded their end) become `abandoned`; returns them.
    public func abandonOwnOpenRuns(now: Instant) async throws -> [HostRun] {
        let me = hostID, logger = self.logger
        let reason = "the daemon on \(me) stopped before the run finished"
        return try await bounded { client in
            let rows = try await client.query("""
                UPDATE v6_runs SET outcome = 'abandoned', reason = \(reason), finished_at = \(now.seconds)
                WHERE host_id = \(me) AND outcome IN ('running', 'queued')
                RETURNING run_id, task, trigger, scheduled_at
                """, logger: logger)
            var result: [HostRun] = []
            for try await (runID, task, trigger, scheduled) in rows.decode((String, String, String, Int64?).self) {
                result.append(HostRun(host: me, runID: runID, task: task, trigger: trigger,
                                      scheduledAt: scheduled.map(Instant.init(seconds:)), outcome: "abandoned", reason: reason))
            }
            return result
        }
    }

    /// Which of this host's `runIDs` another host marked `abandoned` (this host's lease lapsed).
    public func abandoned(among runIDs: [String]) async throws -> [String] {
        let me = hostID, logger = self.logger
        return try await bounded { client in
            let rows = try await client.query("""
                SELECT run_id FROM v6_runs WHERE host_id = \(me) AND outcome = 'abandoned' AND run_id = ANY(\(runIDs))
                """, logger: logger)
            var result: [String] = []
            for try await id in rows.decode(String.self) { result.append(id) }
            return result
        }
    }

    /// Marks `abandoned` the open runs of every other host whose lease lapsed (reason names the
    /// host), once per lapse; returns them. Hosts that look at once do not both write: the hosts'
    /// rows are locked (`FOR UPDATE SKIP LOCKED`).
    public func abandonLapsedHosts(now: Instant) async throws -> [HostRun] {
        let me = hostID, logger = self.logger
        return try await bounded { client in try await client.withTransaction(logger: logger) { connection in
            let lapsedRows = try await connection.query("""
                SELECT host_id, lease_seconds FROM v6_hosts
                WHERE host_id <> \(me) AND lapse_handled_at IS NULL
                  AND heartbeat_at + make_interval(secs => lease_seconds) < now()
                FOR UPDATE SKIP LOCKED
                """, logger: logger)
            var lapsed: [(String, Int)] = []
            for try await row in lapsedRows.decode((String, Int).self) { lapsed.append(row) }
            var abandoned: [HostRun] = []
            for (host, lease) in lapsed {
                let reason = "host \(host) stopped renewing its lease (\(lease)s): its run is abandoned; it may still be running there"
                let rows = try await connection.query("""
                    UPDATE v6_runs SET outcome = 'abandoned', reason = \(reason), finished_at = \(now.seconds)
                    WHERE host_id = \(host) AND outcome IN ('running', 'queued')
                    RETURNING run_id, task, trigger, scheduled_at
                    """, logger: logger)
                for try await (runID, task, trigger, scheduled) in rows.decode((String, String, String, Int64?).self) {
                    abandoned.append(HostRun(host: host, runID: runID, task: task, trigger: trigger,
                                             scheduledAt: scheduled.map(Instant.init(seconds:)), outcome: "abandoned", reason: reason))
                }
                try await connection.query("UPDATE v6_hosts SET lapse_handled_at = now() WHERE host_id = \(host)", logger: logger)
            }
            return abandoned
        } }
    }
}

/// One run as the shared store lists it (with its host).
public struct HostRun: Sendable, Equatable {
    public let host: String
    public let runID: String
    public let task: String
    public let trigger: String
    public let scheduledAt: Instant?
    public let outcome: String
    public let reason: String?
}

/// A host's lease as the shared store has it.
public struct HostLease: Sendable, Equatable {
    public let hostID: String
    /// Seconds since its last heartbeat, on the database's clock.
    public let leaseAgeSeconds: Double
    public let leaseSeconds: Int64
    public let configRevision: String
    public let running: Int

    public var isAlive: Bool { leaseAgeSeconds <= Double(leaseSeconds) }
}

/// Another daemon holds this host id with a live lease.
public struct HostIDTaken: Error, Sendable, CustomStringConvertible {
    public let hostID: String
    public var description: String {
        "another daemon holds host_id \(hostID) with a live lease: give each daemon its own scheduler.host_id (two daemons with one id would mix their runs)"
    }
}

public struct PostgresStoreError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
