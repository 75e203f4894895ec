import GRDB
import MarketCalendar

/// Runtime enable/disable toggles. Each change is committed (fsynced) before the method
/// returns, so a toggle acknowledged to the operator survives kill -9 and power loss.
extension RunStore {
    /// Sets (or replaces) the toggle of `task`, and returns it as stored.
    /// - Parameters:
    ///   - until: when the toggle lapses on its own; nil: until cleared.
    ///   - setBy: who asked, e.g. `uid 1000 pid 4242`.
    ///   - now: the time the toggle is set (stored as `set_at`).
    @discardableResult
    public func setToggle(task: String, enabled: Bool, until: Instant?, setBy: String,
                          now: Instant) throws(StoreError) -> Toggle {
        let toggle = Toggle(task: task, enabled: enabled, until: until, setAt: now, setBy: setBy)
        try write("save the toggle of \(task)") { db in
            try db.execute(sql: """
                INSERT INTO toggles (task, enabled, "until", set_at, set_by) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (task) DO UPDATE SET enabled = excluded.enabled, "until" = excluded."until",
                    set_at = excluded.set_at, set_by = excluded.set_by
                """, arguments: [task, enabled, until?.seconds, now.seconds, setBy])
        }
        return toggle
    }

    /// Removes the toggle of `task`; false when it had none.
    @discardableResult
    public func clearToggle(task: String) throws(StoreError) -> Bool {
        try write("clear the toggle of \(task)") { db in
            try db.execute(sql: "DELETE FROM toggles WHERE task = ?", arguments: [task])
            return db.changesCount > 0
        }
    }

    /// Every stored toggle by task, lapsed ones included (see ``Toggle/isLapsed(at:)``).
    public func toggles() throws(StoreError) -> [String: Toggle] {
        try read("read the toggles") { db in
            var result: [String: Toggle] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM toggles") {
                let toggle = Toggle(row: row)
                result[toggle.task] = toggle
            }
            return result
        }
    }

    /// The toggle of `task`, if any (lapsed or not).
    public func toggle(task: String) throws(StoreError) -> Toggle? {
        try read("read the toggle of \(task)") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM toggles WHERE task = ?", arguments: [task]).map(Toggle.init(row:))
        }
    }

    /// Deletes the toggles whose `until` has come, and returns them (to log that they lapsed).
    @discardableResult
    public func dropLapsedToggles(now: Instant) throws(StoreError) -> [Toggle] {
        try write("drop lapsed toggles") { db in
            let lapsed = try Row.fetchAll(db, sql: """
                SELECT * FROM toggles WHERE "until" IS NOT NULL AND "until" <= ? ORDER BY task
                """, arguments: [now.seconds]).map(Toggle.init(row:))
            try db.execute(sql: #"DELETE FROM toggles WHERE "until" IS NOT NULL AND "until" <= ?"#,
                           arguments: [now.seconds])
            return lapsed
        }
    }
}
