import Foundation
import GRDB
import MarketCalendar
import Scheduling

/// Slot claims made ahead of their instant, and the batched writes of the run path.
///
/// A reservation is a `slots` row (the claim, under the same UNIQUE key as any claim) plus a
/// `reservations` row saying that its run is not recorded yet. Both are committed (fsynced)
/// before the instant; at the instant the daemon only spawns. The run's record (or its skip)
/// deletes the `reservations` row in its own transaction. A row left at start means the daemon
/// stopped around the instant: the run may have started, so the slot stays claimed (at most
/// once), unless the wall clock provably never reached the instant (`settleReservations`).
extension RunStore {
    /// What `settleReservations` found.
    public struct SettledReservations: Sendable, Equatable {
        /// Recorded `abandoned`: their instant may have come while the earlier daemon ran.
        public var abandoned: [RunRecord] = []
        /// Released: their instant had not come (same boot, wall clock not stepped since); they run as usual.
        public var released: [PlannedStart] = []
    }

    /// The reason of a reservation recorded abandoned at start.
    public static let reservationAbandonedReason =
        "the daemon stopped around its instant after claiming it ahead: it may have started, so it does not run again"

    /// Applies `writes` in one immediate transaction (one fsync), each in a savepoint of its own:
    /// a write the store refuses (an invalid record) fails alone; a failure of the storage (disk
    /// full, I/O) fails them all and is thrown.
    public func apply(_ writes: [StoreWrite]) throws(StoreError) -> [Result<StoreWriteResult, StoreError>] {
        try write("record \(writes.count) run change(s)") { db in
            var results: [Result<StoreWriteResult, StoreError>] = []
            results.reserveCapacity(writes.count)
            for item in writes {
                do {
                    var result = StoreWriteResult.done
                    try db.inSavepoint {
                        result = try self.apply(item, db)
                        return .commit
                    }
                    results.append(.success(result))
                } catch let error as StoreError {
                    results.append(.failure(error))
                } catch let error as DatabaseError where !Self.isStorageFailure(error) {
                    results.append(.failure(StoreError.from(error, path: self.path, operation: "record a run change",
                                                            fallbackErrno: nil)))
                }
            }
            return results
        }
    }

    /// Claims `planned` slots ahead (see the type's comment). Per run id: true when claimed now
    /// (or already by this same reservation), false when the slot was claimed before.
    public func reserve(_ planned: [PlannedStart], evidence: ClockEvidence, at now: Instant) throws(StoreError) -> [String: Bool] {
        guard case .claims(let claims) = try apply([.reserve(planned, evidence: evidence, at: now)]).first?.get() else { return [:] }
        return claims
    }

    /// Reservations whose runs were never recorded (unsettled: what a stopped daemon left).
    public func pendingReservations() throws(StoreError) -> [PlannedStart] {
        try read("read the slot reservations") { db in
            try Row.fetchAll(db, sql: "SELECT run_id, task, scheduled_at FROM reservations ORDER BY scheduled_at, task").map { row in
                PlannedStart(task: row["task"], scheduledAt: Instant(seconds: row["scheduled_at"]), runID: row["run_id"])
            }
        }
    }

    /// At start: settles the reservations an earlier daemon left. One whose instant is still ahead
    /// (by `now`, the wall clock in seconds with its fraction) of a wall clock that was not stepped
    /// since it was made (same boot, `ClockEvidence`) never started: it is released and runs as
    /// usual. Every other one may have started: its run is recorded `abandoned` with
    /// ``reservationAbandonedReason``, finished at `at`, and its slot stays claimed.
    public func settleReservations(now: Double, at: Instant, evidence: ClockEvidence) throws(StoreError) -> SettledReservations {
        try write("settle the slot reservations") { db in
            var settled = SettledReservations()
            for row in try Row.fetchAll(db, sql: "SELECT * FROM reservations ORDER BY scheduled_at, task") {
                let planned = PlannedStart(task: row["task"], scheduledAt: Instant(seconds: row["scheduled_at"]), runID: row["run_id"])
                let then = ClockEvidence(bootID: row["boot_id"], offsetMs: row["clock_offset_ms"])
                if Double(planned.scheduledAt.seconds) > now, then.unsteppedUntil(evidence) {
                    try Self.release(db, planned)
                    settled.released.append(planned)
                    continue
                }
                let run = RunRecord(runID: planned.runID, task: planned.task, trigger: .schedule, scheduledAt: planned.scheduledAt,
                                    finishedAt: at, outcome: .abandoned, reason: Self.reservationAbandonedReason)
                try self.upsert(db, run)
                try db.execute(sql: "DELETE FROM reservations WHERE run_id = ?", arguments: [planned.runID])
                settled.abandoned.append(run)
            }
            return settled
        }
    }

    // MARK: - One write

    private func apply(_ item: StoreWrite, _ db: Database) throws -> StoreWriteResult {
        switch item {
        case .reserve(let planned, let evidence, let now):
            var claims: [String: Bool] = [:]
            for slot in planned {
                try db.execute(sql: "INSERT OR IGNORE INTO slots (task, scheduled_at, run_id) VALUES (?, ?, ?)",
                               arguments: [slot.task, slot.scheduledAt.seconds, slot.runID])
                if db.changesCount == 1 {
                    try db.execute(sql: """
                        INSERT INTO reservations (run_id, task, scheduled_at, reserved_at, boot_id, clock_offset_ms)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """, arguments: [slot.runID, slot.task, slot.scheduledAt.seconds, now.seconds, evidence.bootID, evidence.offsetMs])
                    claims[slot.runID] = true
                } else {
                    // Ours already (the same reservation asked twice), or someone else's.
                    let owner = try String.fetchOne(db, sql: "SELECT run_id FROM slots WHERE task = ? AND scheduled_at = ?",
                                                    arguments: [slot.task, slot.scheduledAt.seconds])
                    claims[slot.runID] = owner == slot.runID
                }
            }
            return .claims(claims)
        case .claim(let run):
            guard run.trigger.claimsSlot, let scheduledAt = run.scheduledAt else {
                throw StoreError.invalidRecord(path, operation: "claim slot for run \(run.runID)",
                                               "only schedule, catch_up and upstream runs with a scheduled time claim a slot")
            }
            try db.execute(sql: "INSERT OR IGNORE INTO slots (task, scheduled_at, run_id) VALUES (?, ?, ?)",
                           arguments: [run.task, scheduledAt.seconds, run.runID])
            guard db.changesCount == 1 else { return .claimed(false) }
            try upsert(db, run)
            return .claimed(true)
        case .record(let run, let historyLimit):
            try recordRun(db, run, historyLimit: historyLimit)
            try db.execute(sql: "DELETE FROM reservations WHERE run_id = ?", arguments: [run.runID])
            return .done
        case .release(let planned):
            for slot in planned { try Self.release(db, slot) }
            return .done
        }
    }

    /// Drops a reservation and its slot claim (only if the claim is still this reservation's).
    private static func release(_ db: Database, _ slot: PlannedStart) throws {
        let reserved = try Bool.fetchOne(db, sql: "SELECT 1 FROM reservations WHERE run_id = ?", arguments: [slot.runID]) ?? false
        guard reserved else { return }
        try db.execute(sql: "DELETE FROM reservations WHERE run_id = ?", arguments: [slot.runID])
        try db.execute(sql: "DELETE FROM slots WHERE task = ? AND scheduled_at = ? AND run_id = ?",
                       arguments: [slot.task, slot.scheduledAt.seconds, slot.runID])
    }

    /// Disk full, I/O, read-only, busy: conditions of the storage, not of one write.
    private static func isStorageFailure(_ error: DatabaseError) -> Bool {
        switch error.resultCode {
        case .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_READONLY, .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_CANTOPEN, .SQLITE_CORRUPT,
             .SQLITE_NOTADB, .SQLITE_PERM, .SQLITE_AUTH:
            true
        default:
            false
        }
    }
}
