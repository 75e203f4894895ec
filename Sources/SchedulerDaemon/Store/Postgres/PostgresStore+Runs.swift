import Foundation
import Logging
import MarketCalendar
import PostgresNIO
import Scheduling

/// Claims and run records in the shared store.
extension PostgresStore {
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
}
