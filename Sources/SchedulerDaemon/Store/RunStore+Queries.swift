import GRDB
import MarketCalendar

/// Reading run history and slot claims. "Newest" is the order runs were recorded in.
extension RunStore {
    /// The newest `limit` runs, newest first: of `task`, or of all tasks when `task` is nil.
    public func history(task: String?, limit: Int) throws(StoreError) -> [RunRecord] {
        var runs: [RunRecord] = []
        guard limit > 0 else { return runs }
        try forEachRun(task: task, before: nil, withOutput: true) { run, _ in
            runs.append(run)
            return runs.count < limit
        }
        return runs
    }

    /// Runs newest first (of `task`, or of all tasks when nil), starting after the run whose `seq`
    /// is `cursor`, handed to `body` one at a time with their `seq` until it returns false. Only the
    /// rows looked at are read: a page of history costs what it holds, whatever `limit` was asked.
    /// Without `withOutput`, output tails are not read at all (`outputTail` is nil).
    public func forEachRun(task: String?, before cursor: Int64?, withOutput: Bool,
                           _ body: (RunRecord, _ seq: Int64) -> Bool) throws(StoreError) {
        try read("read the history of \(task ?? "all tasks")") { db in
            let columns = "seq, " + RunRecord.columns.map { $0 == "output_tail" && !withOutput ? "NULL AS output_tail" : $0 }
                .joined(separator: ", ")
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let task {
                conditions.append("task = ?")
                arguments += [task]
            }
            if let cursor {
                conditions.append("seq < ?")
                arguments += [cursor]
            }
            let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            let rows = try Row.fetchCursor(db, sql: "SELECT \(columns) FROM runs\(filter) ORDER BY seq DESC", arguments: arguments)
            while let row = try rows.next() {
                guard body(try RunRecord(row: row), row["seq"]) else { return }
            }
        }
    }

    /// The newest `limit` runs of `task`, newest first.
    public func lastRuns(task: String, limit: Int) throws(StoreError) -> [RunRecord] {
        try history(task: task, limit: limit)
    }

    /// The newest run of `task` (in progress or finished), or nil if it never ran.
    public func lastRun(task: String) throws(StoreError) -> RunRecord? {
        try history(task: task, limit: 1).first
    }

    /// Runs of `tasks` whose scheduled instant (else started, else finished) is at or after
    /// `instant`, each task's oldest first, without their output: what the scheduler rebuilds
    /// its dependency state from at start.
    public func runs(of tasks: [String], since instant: Instant) throws(StoreError) -> [RunRecord] {
        try read("read the recent runs of \(tasks.count) task(s)") { db in
            let columns = RunRecord.columns.map { $0 == "output_tail" ? "NULL AS output_tail" : $0 }.joined(separator: ", ")
            var result: [RunRecord] = []
            // Within SQLite's limit on bound variables, whatever the number of tasks.
            for start in stride(from: 0, to: tasks.count, by: 500) {
                let chunk = Array(tasks[start..<min(start + 500, tasks.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
                let rows = try Row.fetchAll(db, sql: """
                    SELECT \(columns) FROM runs WHERE task IN (\(marks))
                    AND COALESCE(scheduled_at, started_at, finished_at) >= ? ORDER BY seq
                    """, arguments: StatementArguments(chunk) + [instant.seconds])
                result += try rows.map(RunRecord.init(row:))
            }
            return result
        }
    }

    /// The largest numeric run id ever recorded (runs or slot claims), 0 when none: the
    /// daemon numbers its runs from the next one, so ids stay unique across restarts.
    public func largestRunID() throws(StoreError) -> Int64 {
        try read("read the largest run id") { db in
            try Int64.fetchOne(db, sql: """
                SELECT MAX(id) FROM (SELECT MAX(CAST(run_id AS INTEGER)) AS id FROM runs
                                     UNION ALL SELECT MAX(CAST(run_id AS INTEGER)) FROM slots)
                """) ?? 0
        }
    }

    /// The run with this id, if still in the history.
    public func run(id runID: String) throws(StoreError) -> RunRecord? {
        try read("read run \(runID)") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE run_id = ?", arguments: [runID])
                .map(RunRecord.init(row:))
        }
    }

    /// Every task's newest run, by task name: one indexed lookup per task, whatever the history size.
    public func lastRunsByTask() throws(StoreError) -> [String: RunRecord] {
        try read("read the last runs of all tasks") { db in
            let rows = try Row.fetchAll(db, sql: "SELECT runs.* FROM latest_runs JOIN runs ON runs.seq = latest_runs.seq")
            var result: [String: RunRecord] = [:]
            result.reserveCapacity(rows.count)
            for row in rows {
                let run = try RunRecord(row: row)
                result[run.task] = run
            }
            return result
        }
    }

    /// The latest scheduled instant claimed for `task` (for catch-up decisions at start).
    public func lastSlot(task: String) throws(StoreError) -> Instant? {
        try read("read the last slot of \(task)") { db in
            try Int64.fetchOne(db, sql: "SELECT MAX(scheduled_at) FROM slots WHERE task = ?", arguments: [task])
                .map(Instant.init(seconds:))
        }
    }

    /// ``lastSlot(task:)`` for every task that ever claimed a slot.
    public func lastSlots() throws(StoreError) -> [String: Instant] {
        try read("read the last slots of all tasks") { db in
            var result: [String: Instant] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT task, MAX(scheduled_at) AS last FROM slots GROUP BY task") {
                result[row["task"]] = Instant(seconds: row["last"])
            }
            return result
        }
    }
}
