import GRDB
import MarketCalendar

/// What alerts and metrics need from the history when the daemon starts.
extension RunStore {
    /// A task whose runs since its last success (or ever) include final failures.
    public struct FailureStreak: Sendable, Equatable {
        public let task: String
        public let failures: Int
        /// When the first of them finished.
        public let since: Instant
    }

    /// Per task: the final failures (`failed`, `fatal`, `timeout`) after its newest success, when
    /// there are any, so alerts can say `recovered` after a restart.
    public func openFailureStreaks() throws(StoreError) -> [FailureStreak] {
        try read("read open failure streaks") { db in
            try Row.fetchAll(db, sql: """
                SELECT task, COUNT(*) AS failures, MIN(COALESCE(finished_at, started_at, scheduled_at, 0)) AS since
                FROM runs
                WHERE outcome IN ('failed', 'fatal', 'timeout')
                AND seq > COALESCE((SELECT MAX(s.seq) FROM runs AS s WHERE s.task = runs.task AND s.outcome = 'success'), 0)
                GROUP BY task
                """).map { row in
                FailureStreak(task: row["task"], failures: row["failures"], since: Instant(seconds: row["since"]))
            }
        }
    }

    /// Per task: when its newest successful run finished.
    public func lastSuccesses() throws(StoreError) -> [String: Instant] {
        try read("read the last successes") { db in
            var result: [String: Instant] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT task, MAX(finished_at) AS at FROM runs WHERE outcome = 'success' AND finished_at IS NOT NULL GROUP BY task
                """) {
                result[row["task"]] = Instant(seconds: row["at"])
            }
            return result
        }
    }
}
