import Foundation
import Logging
import MarketCalendar
import PostgresNIO
import Scheduling

/// Leases: each host's heartbeat row, and what happens when one lapses.
extension PostgresStore {
    /// Renews this host's lease (creates its row at the first beat), on the database's clock.
    /// Returns true when another host had found the lease lapsed since the last beat (it marked
    /// this host's open runs abandoned: the runs still going here are no longer the cluster's).
    /// Throws ``HostIDTaken`` when another daemon (another `instance`: another machine or state
    /// directory) holds this host id with a live lease: two daemons with one `host_id` would mix
    /// their runs.
    @discardableResult
    public func heartbeat(leaseSeconds: Int64, configRevision: String, running: Int, runtimeRevision: Int64? = nil) async throws -> Bool {
        let me = hostID, instance = self.instance, logger = self.logger
        return try await bounded { client in
            let rows = try await client.query("""
                WITH before AS (SELECT lapse_handled_at FROM v6_hosts WHERE host_id = \(me))
                INSERT INTO v6_hosts (host_id, started_at, heartbeat_at, lease_seconds, config_revision, running, instance, runtime_revision)
                VALUES (\(me), now(), now(), \(Int(leaseSeconds)), \(configRevision), \(running), \(instance), \(runtimeRevision))
                ON CONFLICT (host_id) DO UPDATE SET heartbeat_at = now(), lease_seconds = EXCLUDED.lease_seconds,
                    config_revision = EXCLUDED.config_revision, running = EXCLUDED.running, lapse_handled_at = NULL,
                    instance = EXCLUDED.instance, runtime_revision = EXCLUDED.runtime_revision,
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
            SELECT host_id, extract(epoch FROM now() - heartbeat_at)::float8, lease_seconds, config_revision, running, runtime_revision
            FROM v6_hosts ORDER BY host_id
            """, logger: logger)
        var result: [HostLease] = []
        for try await (id, age, lease, revision, running, runtime) in rows.decode((String, Double, Int, String, Int, Int64?).self) {
            result.append(HostLease(hostID: id, leaseAgeSeconds: age, leaseSeconds: Int64(lease), configRevision: revision, running: running,
                                    runtimeRevision: runtime))
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
    /// host), once per lapse; returns them, and (outcome `retrying`) each task's retry that host
    /// planned within the last day, nobody claimed, and no later run of the task (any host's)
    /// superseded: the caller may take it over. Hosts that look at once do not both write: the hosts'
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
                let retrying = try await connection.query("""
                    SELECT run_id, task, trigger, scheduled_at, attempt
                    FROM (SELECT DISTINCT ON (task) * FROM v6_runs WHERE host_id = \(host) ORDER BY task, seq DESC) r
                    WHERE outcome = 'retrying' AND scheduled_at IS NOT NULL AND finished_at >= \(now.seconds - 86_400)
                      AND NOT EXISTS (SELECT 1 FROM v6_slots s
                                      WHERE s.task = r.task AND s.scheduled_at = r.scheduled_at AND s.attempt = r.attempt + 1)
                      AND NOT EXISTS (SELECT 1 FROM v6_runs later WHERE later.task = r.task AND later.seq > r.seq)
                    """, logger: logger)
                for try await (runID, task, trigger, scheduled, attempt) in retrying.decode((String, String, String, Int64, Int).self) {
                    var run = HostRun(host: host, runID: runID, task: task, trigger: trigger,
                                      scheduledAt: Instant(seconds: scheduled), outcome: "retrying", reason: nil)
                    run.attempt = attempt
                    abandoned.append(run)
                }
                try await connection.query("UPDATE v6_hosts SET lapse_handled_at = now() WHERE host_id = \(host)", logger: logger)
            }
            return abandoned
        } }
    }
}
