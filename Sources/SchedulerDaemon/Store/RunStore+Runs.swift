import Foundation
import GRDB
import MarketCalendar

/// Recording runs: slot claims, inserts and updates, history pruning, abandoned runs at start.
extension RunStore {
    /// How long claimed slots are kept: longer than any catch-up window, so a slot that ran
    /// cannot run again after a restart or a clock step back.
    public static let slotRetentionSeconds: Int64 = 8 * 86_400

    /// The reason ``markAbandoned(now:)`` writes.
    public static let abandonedReason = "daemon stopped before the run finished"

    /// Claims the schedule slot (`task`, `scheduledAt`) for `runID`. True when this call claimed
    /// it; false when it was claimed before (by this process or an earlier one): do not run it.
    ///
    /// Call before spawning a `schedule` or `catch_up` run; retries reuse their slot's claim.
    public func claimSlot(task: String, scheduledAt: Instant, runID: String) throws(StoreError) -> Bool {
        try write("claim slot \(task) at \(scheduledAt)") { db in
            try Self.insertSlot(db, task: task, scheduledAt: scheduledAt, runID: runID)
        }
    }

    /// Claims `run`'s slot and, if claimed, records `run` in the same transaction, so a crash
    /// cannot leave a claimed slot without its run. False (and nothing recorded) when the slot
    /// was claimed before.
    public func claimSlot(recording run: RunRecord) throws(StoreError) -> Bool {
        let operation = "claim slot for run \(run.runID)"
        guard run.trigger.claimsSlot, let scheduledAt = run.scheduledAt else {
            throw StoreError.invalidRecord(path, operation: operation,
                                           "only schedule and catch_up runs with a scheduled time claim a slot")
        }
        return try write(operation) { db in
            guard try Self.insertSlot(db, task: run.task, scheduledAt: scheduledAt, runID: run.runID) else {
                return false
            }
            try self.upsert(db, run)
            return true
        }
    }

    /// Inserts `run`, or updates the stored run with the same `runID` (a run is typically
    /// recorded as `queued` or `running`, then again when it finishes).
    ///
    /// When `run` is finished (not running or queued), the task's history is pruned to
    /// its newest `historyLimit` runs (at least 1; in-progress runs are never pruned), and the
    /// task's slot claims older than ``slotRetentionSeconds`` before `finishedAt` are dropped
    /// (the newest claim is always kept, for ``lastSlot(task:)``).
    public func record(_ run: RunRecord, historyLimit: Int) throws(StoreError) {
        try write("record run \(run.runID) of \(run.task)") { db in
            try self.recordRun(db, run, historyLimit: historyLimit)
        }
    }

    /// ``record(_:historyLimit:)`` inside the caller's transaction.
    func recordRun(_ db: Database, _ run: RunRecord, historyLimit: Int) throws {
        try upsert(db, run)
        guard !run.outcome.isActive else { return }
        try Self.pruneHistory(db, task: run.task, keep: max(1, historyLimit))
        if let finishedAt = run.finishedAt {
            try Self.pruneSlots(db, task: run.task, before: finishedAt - Self.slotRetentionSeconds)
        }
    }

    /// At start: every run a previous instance left running or queued becomes
    /// `abandoned`, finished at `now`, with ``abandonedReason``. Returns the updated runs, oldest
    /// first, so the daemon can log them. Their slot claims stay: a slot runs at most once.
    @discardableResult
    public func markAbandoned(now: Instant) throws(StoreError) -> [RunRecord] {
        try write("mark unfinished runs abandoned") { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM runs WHERE outcome IN ('running', 'queued') ORDER BY seq
                """)
            var abandoned: [RunRecord] = []
            for row in rows {
                var run = try RunRecord(row: row)
                run.outcome = .abandoned
                run.finishedAt = now
                run.reason = Self.abandonedReason
                try db.execute(sql: """
                    UPDATE runs SET outcome = 'abandoned', finished_at = ?, reason = ? WHERE run_id = ?
                    """, arguments: [now.seconds, Self.abandonedReason, run.runID])
                abandoned.append(run)
            }
            return abandoned
        }
    }

    /// Drops slot claims of all tasks scheduled before `cutoff`, except each task's newest.
    /// Returns how many were dropped. (``record(_:historyLimit:)`` already does this per task.)
    @discardableResult
    public func pruneSlots(before cutoff: Instant) throws(StoreError) -> Int {
        try write("prune slot claims before \(cutoff)") { db in
            try db.execute(sql: """
                DELETE FROM slots WHERE scheduled_at < ?
                AND scheduled_at < (SELECT MAX(s.scheduled_at) FROM slots AS s WHERE s.task = slots.task)
                """, arguments: [cutoff.seconds])
            return db.changesCount
        }
    }

    // MARK: - Statements

    private static func insertSlot(_ db: Database, task: String, scheduledAt: Instant, runID: String) throws -> Bool {
        try db.execute(sql: "INSERT OR IGNORE INTO slots (task, scheduled_at, run_id) VALUES (?, ?, ?)",
                       arguments: [task, scheduledAt.seconds, runID])
        return db.changesCount == 1
    }

    /// Inserts or updates one run inside the caller's transaction (internal: tests batch with it).
    func upsert(_ db: Database, _ run: RunRecord) throws {
        if let storedTask = try String.fetchOne(db, sql: "SELECT task FROM runs WHERE run_id = ?",
                                                arguments: [run.runID]) {
            guard storedTask == run.task else {
                throw StoreError.invalidRecord(path, operation: "record run \(run.runID)",
                                               "it belongs to task \(storedTask), not \(run.task)")
            }
            let assignments = RunRecord.columns.dropFirst(2).map { "\($0) = ?" }.joined(separator: ", ")
            let values = Array(run.databaseValues.dropFirst(2)) + [run.runID]
            try db.execute(sql: "UPDATE runs SET \(assignments) WHERE run_id = ?",
                           arguments: StatementArguments(values))
            return
        }
        let placeholders = Array(repeating: "?", count: RunRecord.columns.count).joined(separator: ", ")
        try db.execute(sql: "INSERT INTO runs (\(RunRecord.columns.joined(separator: ", "))) VALUES (\(placeholders))",
                       arguments: StatementArguments(run.databaseValues))
        try db.execute(sql: """
            INSERT INTO latest_runs (task, seq) VALUES (?, ?)
            ON CONFLICT (task) DO UPDATE SET seq = MAX(seq, excluded.seq)
            """, arguments: [run.task, db.lastInsertedRowID])
    }

    private static func pruneHistory(_ db: Database, task: String, keep: Int) throws {
        // The (keep+1)-th newest run and everything older goes, unless still in progress.
        try db.execute(sql: """
            DELETE FROM runs WHERE task = ?1
            AND outcome NOT IN ('running', 'queued')
            AND seq <= (SELECT seq FROM runs WHERE task = ?1 ORDER BY seq DESC LIMIT 1 OFFSET ?2)
            """, arguments: [task, keep])
    }

    private static func pruneSlots(_ db: Database, task: String, before cutoff: Instant) throws {
        try db.execute(sql: """
            DELETE FROM slots WHERE task = ?1 AND scheduled_at < ?2
            AND scheduled_at < (SELECT MAX(scheduled_at) FROM slots WHERE task = ?1)
            """, arguments: [task, cutoff.seconds])
    }
}
