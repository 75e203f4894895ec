import GRDB
import MarketCalendar

extension RunStore {
    /// Every claimed slot (task, instant, the run id that claimed it), oldest first: what
    /// `v6-scheduler store migrate` copies so that no slot runs again on the shared store.
    public func allSlots() throws(StoreError) -> [(task: String, scheduledAt: Instant, runID: String)] {
        try read("read the claimed slots") { db in
            try Row.fetchAll(db, sql: "SELECT task, scheduled_at, run_id FROM slots ORDER BY scheduled_at, task").map { row in
                (row["task"], Instant(seconds: row["scheduled_at"]), row["run_id"])
            }
        }
    }
}
