import Foundation
import Logging
import MarketCalendar
import PostgresNIO

/// `v6-scheduler store migrate --to postgres`: copies one host's SQLite history, claimed slots
/// and runtime toggles into the shared store, as that host's (`host_id`). Idempotent: what is
/// already there (an earlier copy, another host's toggle of the same task) is kept, and counted.
public enum StoreMigration {
    public struct Summary: Sendable, Equatable {
        public var runs = 0, runsPresent = 0
        public var slots = 0, slotsPresent = 0
        public var toggles = 0, togglesPresent = 0
    }

    public static func copy(from local: RunStore, to shared: PostgresStore, now: Instant) async throws -> Summary {
        try await shared.migrate()
        var summary = Summary()
        var runs: [RunRecord] = []
        try local.forEachRun(task: nil, before: nil, withOutput: true) { record, _ in
            runs.append(record)
            return true
        }
        // Oldest first, so that the shared history's order (its sequence) is the local one.
        for record in runs.reversed() {
            if try await shared.importRun(record) { summary.runs += 1 } else { summary.runsPresent += 1 }
        }
        for slot in try local.allSlots() {
            if try await shared.importSlot(task: slot.task, at: slot.scheduledAt, runID: slot.runID) {
                summary.slots += 1
            } else {
                summary.slotsPresent += 1
            }
        }
        for toggle in try local.toggles().values where !toggle.isLapsed(at: now) {
            if try await shared.importToggle(toggle) { summary.toggles += 1 } else { summary.togglesPresent += 1 }
        }
        return summary
    }
}

extension PostgresStore {
    /// Inserts a run of this host unless one with its id is there; true when inserted.
    func importRun(_ r: RunRecord) async throws -> Bool {
        let me = hostID, logger = self.logger
        return try await bounded { client in
            try await client.withConnection { connection in
                try await Self.insert(r, host: me, on: connection, logger: logger, onConflict: "ON CONFLICT (host_id, run_id) DO NOTHING")
            }
        }
    }

    /// Claims a slot an earlier run of this host took (attempt 1) unless it is claimed; true when inserted.
    func importSlot(task: String, at: Instant, runID: String) async throws -> Bool {
        let me = hostID, logger = self.logger
        return try await bounded { client in
            let rows = try await client.query("""
                INSERT INTO v6_slots (task, scheduled_at, attempt, host_id, run_id) VALUES (\(task), \(at.seconds), 1, \(me), \(runID))
                ON CONFLICT (task, scheduled_at, attempt) DO NOTHING
                RETURNING run_id
                """, logger: logger)
            var inserted = false
            for try await _ in rows { inserted = true }
            return inserted
        }
    }

    /// Sets a toggle unless the shared store has one for the task; true when set.
    func importToggle(_ toggle: Toggle) async throws -> Bool {
        let me = hostID, logger = self.logger
        return try await bounded { client in try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query("""
                INSERT INTO v6_toggles (task, enabled, until_at, set_by, host_id)
                VALUES (\(toggle.task), \(toggle.enabled), \(toggle.until?.seconds), \(toggle.setBy), \(me))
                ON CONFLICT (task) DO NOTHING
                RETURNING task
                """, logger: logger)
            var inserted = false
            for try await _ in rows { inserted = true }
            if inserted {
                try await Self.audit(kind: "toggle", task: toggle.task, detail: "copied from \(me)'s state.db (store migrate)",
                                     actor: toggle.setBy, host: me, on: connection, logger: logger)
            }
            return inserted
        } }
    }
}
