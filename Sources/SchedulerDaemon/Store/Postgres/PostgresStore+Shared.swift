import Dispatch
import Foundation
import Logging
import MarketCalendar
import PostgresNIO
import Scheduling
import Synchronization

/// What the hosts share besides claims: runtime toggles, the audit trail, the history of every
/// host's runs, and the last claimed slot of each task (for catch-up).
extension PostgresStore {
    // MARK: - Toggles

    /// Sets `task`'s toggle for every host, and an audit row, in one transaction: once this
    /// returns the toggle is committed (acknowledged toggles survive a database restart).
    public func setToggle(task: String, enabled: Bool, until: Instant?, setBy: String, entry: String? = nil) async throws {
        let me = hostID, logger = self.logger
        let detail = (enabled ? "enabled" : "disabled") + (until.map { " until \($0.seconds)" } ?? "")
        try await bounded { client in try await client.withTransaction(logger: logger) { connection in
            try await connection.query("""
                INSERT INTO v6_toggles (task, enabled, until_at, set_by, host_id) VALUES (\(task), \(enabled), \(until?.seconds), \(setBy), \(me))
                ON CONFLICT (task) DO UPDATE SET enabled = EXCLUDED.enabled, until_at = EXCLUDED.until_at,
                    set_by = EXCLUDED.set_by, host_id = EXCLUDED.host_id, set_at = now()
                """, logger: logger)
            try await Self.audit(kind: "toggle", task: task, detail: detail, actor: setBy, host: me, entry: entry, on: connection,
                                 logger: logger)
        } }
    }

    /// Clears `task`'s toggle for every host (and audits it); true when there was one.
    @discardableResult
    public func clearToggle(task: String, setBy: String, entry: String? = nil) async throws -> Bool {
        let me = hostID, logger = self.logger
        return try await bounded { client in try await client.withTransaction(logger: logger) { connection in
            var found = false
            for try await _ in try await connection.query("DELETE FROM v6_toggles WHERE task = \(task) RETURNING task", logger: logger) {
                found = true
            }
            try await Self.audit(kind: "toggle", task: task, detail: "cleared", actor: setBy, host: me, entry: entry, on: connection,
                                 logger: logger)
            return found
        } }
    }

    /// Every task's shared toggle.
    public func toggles() async throws -> [String: RuntimeToggle] {
        let logger = self.logger
        return try await bounded { client in
            var result: [String: RuntimeToggle] = [:]
            let rows = try await client.query("SELECT task, enabled, until_at FROM v6_toggles", logger: logger)
            for try await (task, enabled, until) in rows.decode((String, Bool, Int64?).self) {
                result[task] = RuntimeToggle(enabled: enabled, until: until.map(Instant.init(seconds:)))
            }
            return result
        }
    }

    // MARK: - Audit

    /// Writes an audit row (a configuration change applied on this host); `entry` is the
    /// `AuditEntry` as this host recorded it (JSON), which `v6ctl audit` shows.
    public func audit(kind: String, task: String?, detail: String, actor: String, entry: String? = nil) async throws {
        let me = hostID, logger = self.logger
        try await bounded { client in
            try await client.withConnection { connection in
                try await Self.audit(kind: kind, task: task, detail: detail, actor: actor, host: me, entry: entry, on: connection,
                                     logger: logger)
            }
        }
    }

    /// The newest audit rows of every host, newest first.
    public func auditTrail(limit: Int) async throws -> [SharedAuditRow] {
        let logger = self.logger
        return try await bounded { client in
            var result: [SharedAuditRow] = []
            let rows = try await client.query("""
                SELECT seq, extract(epoch FROM at)::bigint, host_id, kind, task, detail, actor, entry
                FROM v6_audit ORDER BY seq DESC LIMIT \(limit)
                """, logger: logger)
            for try await (seq, at, host, kind, task, detail, actor, entry)
                in rows.decode((Int64, Int64, String, String, String?, String, String, String?).self) {
                result.append(SharedAuditRow(seq: seq, at: Instant(seconds: at), host: host, kind: kind, task: task, detail: detail,
                                             actor: actor, entry: entry))
            }
            return result
        }
    }

    static func audit(kind: String, task: String?, detail: String, actor: String, host: String, entry: String? = nil,
                      on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO v6_audit (host_id, kind, task, detail, actor, entry)
            VALUES (\(host), \(kind), \(task), \(detail), \(actor), \(entry))
            """, logger: logger)
    }

    // MARK: - History

    /// Every host's runs, newest first (by the database's sequence), of `task` or of all tasks,
    /// before `cursor` (a sequence number), at most `limit`.
    public func history(task: String?, before cursor: Int64?, limit: Int, withOutput: Bool) async throws -> [SharedRun] {
        let logger = self.logger
        return try await bounded { client in
            let rows = try await client.query("""
                SELECT seq, host_id, run_id, task, trigger, scheduled_at, started_at, finished_at, exit_code, signal, outcome,
                       attempt, duration_ms, waited_ms, reason, CASE WHEN \(withOutput) THEN output_tail END AS output_tail, cpu_ms, max_rss_bytes
                FROM v6_runs
                WHERE (\(task)::text IS NULL OR task = \(task)) AND (\(cursor)::bigint IS NULL OR seq < \(cursor))
                ORDER BY seq DESC LIMIT \(limit)
                """, logger: logger)
            var result: [SharedRun] = []
            for try await row in rows {
                result.append(try SharedRun(row.makeRandomAccess()))
            }
            return result
        }
    }

    /// Per task, the newest slot any host claimed (catch-up starts after it).
    public func lastSlots() async throws -> [String: Instant] {
        let logger = self.logger
        return try await bounded { client in
            var result: [String: Instant] = [:]
            let rows = try await client.query("SELECT task, max(scheduled_at) FROM v6_slots GROUP BY task", logger: logger)
            for try await (task, at) in rows.decode((String, Int64).self) { result[task] = Instant(seconds: at) }
            return result
        }
    }

    // MARK: - From a thread that may wait

    /// Runs `body` and waits for it on the calling thread (the store lane's, which may block;
    /// never the actor's or a cooperative thread).
    public func waiting<T: Sendable>(_ body: @escaping @Sendable (PostgresStore) async throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let box = Mutex<Result<T, any Error>?>(nil)
        Task {
            let result: Result<T, any Error>
            do { result = .success(try await body(self)) } catch { result = .failure(error) }
            box.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return try box.withLock { $0! }.get()
    }
}

/// A run as the shared history has it: its host, its record, and its place in the history.
public struct SharedRun: Sendable {
    public let seq: Int64
    public let host: String
    public let record: RunRecord

    init(_ row: PostgresRandomAccessRow) throws {
        func int32(_ name: String) throws -> Int32? { try row[name].decode(Int?.self).map { Int32(truncatingIfNeeded: $0) } }
        seq = try row["seq"].decode(Int64.self)
        host = try row["host_id"].decode(String.self)
        let tail = try row["output_tail"].decode(ByteBuffer?.self)
        record = RunRecord(
            runID: try row["run_id"].decode(String.self), task: try row["task"].decode(String.self),
            trigger: Trigger(rawValue: try row["trigger"].decode(String.self)) ?? .manual,
            scheduledAt: try row["scheduled_at"].decode(Int64?.self).map(Instant.init(seconds:)),
            startedAt: try row["started_at"].decode(Int64?.self).map(Instant.init(seconds:)),
            finishedAt: try row["finished_at"].decode(Int64?.self).map(Instant.init(seconds:)),
            exitCode: try int32("exit_code"), signal: try int32("signal"),
            outcome: Outcome(rawValue: try row["outcome"].decode(String.self)) ?? .failed,
            attempt: try row["attempt"].decode(Int.self), durationMs: try row["duration_ms"].decode(Int64?.self),
            waitedMs: try row["waited_ms"].decode(Int64?.self), reason: try row["reason"].decode(String?.self),
            outputTail: tail.map { Data($0.readableBytesView) }, cpuMs: try row["cpu_ms"].decode(Int64?.self),
            maxRSSBytes: try row["max_rss_bytes"].decode(Int64?.self))
    }
}

extension PostgresStore {
    /// The advisory lock key of pruning: one host prunes at a time, the others skip their turn.
    static let pruneLock: Int64 = 0x7636_7072_756e_65

    /// Keeps the shared tables bounded, like each host's `state.db`: per task the newest
    /// `limits[task]` runs (`defaultLimit` for a task not in it; runs in progress are kept), and
    /// slot claims scheduled before `slotsBefore`, except each task's newest (catch-up starts
    /// after it). Returns nil when another host is pruning now, else what was deleted.
    public func prune(limits: [String: Int], defaultLimit: Int, slotsBefore: Instant) async throws -> (runs: Int, slots: Int)? {
        let logger = self.logger
        let tasks = Array(limits.keys), keeps = tasks.map { limits[$0]! }
        return try await bounded { client in try await client.withTransaction(logger: logger) { connection in
            var locked = false
            for try await value in try await connection.query("SELECT pg_try_advisory_xact_lock(\(Self.pruneLock))", logger: logger)
                .decode(Bool.self) { locked = value }
            guard locked else { return nil }
            var runs = 0, slots = 0
            for try await _ in try await connection.query("""
                DELETE FROM v6_runs r USING (
                    SELECT x.seq FROM (
                        SELECT seq, task, row_number() OVER (PARTITION BY task ORDER BY seq DESC) AS rn FROM v6_runs
                    ) x LEFT JOIN (SELECT unnest(\(tasks)::text[]) AS task, unnest(\(keeps)::bigint[]) AS keep) l USING (task)
                    WHERE x.rn > coalesce(l.keep, \(defaultLimit))
                ) d
                WHERE r.seq = d.seq AND r.outcome NOT IN ('running', 'queued')
                RETURNING r.seq
                """, logger: logger) { runs += 1 }
            for try await _ in try await connection.query("""
                DELETE FROM v6_slots s WHERE s.scheduled_at < \(slotsBefore.seconds)
                  AND s.scheduled_at < (SELECT max(t.scheduled_at) FROM v6_slots t WHERE t.task = s.task)
                RETURNING s.task
                """, logger: logger) { slots += 1 }
            return (runs, slots)
        } }
    }
}

extension PostgresStore {
    /// The newest run of each of `tasks`, whichever host ran it (without output), for `status`
    /// and `tasks`: one index probe per task (`v6_runs_by_task`), not a scan of the history.
    public func lastRuns(of tasks: [String]) async throws -> [String: SharedRun] {
        let logger = self.logger
        return try await bounded { client in
            let rows = try await client.query("""
                SELECT r.seq, r.host_id, r.run_id, r.task, r.trigger, r.scheduled_at, r.started_at, r.finished_at, r.exit_code,
                       r.signal, r.outcome, r.attempt, r.duration_ms, r.waited_ms, r.reason, NULL::bytea AS output_tail, r.cpu_ms,
                       r.max_rss_bytes
                FROM unnest(\(tasks)::text[]) AS t(task)
                CROSS JOIN LATERAL (SELECT * FROM v6_runs WHERE v6_runs.task = t.task ORDER BY seq DESC LIMIT 1) r
                """, logger: logger)
            var result: [String: SharedRun] = [:]
            for try await row in rows {
                let run = try SharedRun(row.makeRandomAccess())
                result[run.record.task] = run
            }
            return result
        }
    }
}
