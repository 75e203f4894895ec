import GRDB
import Scheduling

/// The reads behind `status` and a page of `tasks`: a few columns of each task's newest run, so a
/// configuration of 10,000 tasks costs an index walk, not 10,000 output tails.
extension RunStore {
    /// The columns of `runs` a task's brief shows (all but `output_tail`).
    private static let briefColumns = RunRecord.columns.filter { $0 != "output_tail" }.map { "runs.\($0)" }.joined(separator: ", ")

    /// The tasks whose newest run ended with one of `outcomes`.
    public func tasks(withLastOutcome outcomes: [Outcome]) throws(StoreError) -> Set<String> {
        guard !outcomes.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: outcomes.count).joined(separator: ", ")
        return try read("read the last outcomes of all tasks") { db in
            Set(try String.fetchAll(db, sql: """
                SELECT latest_runs.task FROM latest_runs JOIN runs ON runs.seq = latest_runs.seq
                WHERE runs.outcome IN (\(marks))
                """, arguments: StatementArguments(outcomes.map(\.rawValue))))
        }
    }

    /// The newest run of each of `tasks` that ever ran, without its output tail.
    public func lastRuns(of tasks: [String]) throws(StoreError) -> [String: RunRecord] {
        try read("read the last runs of \(tasks.count) tasks") { db in
            var result: [String: RunRecord] = [:]
            result.reserveCapacity(tasks.count)
            // SQLite limits the parameters of one statement; 500 a query keeps well within it.
            for start in stride(from: 0, to: tasks.count, by: 500) {
                let chunk = Array(tasks[start..<min(start + 500, tasks.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
                let rows = try Row.fetchAll(db, sql: """
                    SELECT \(Self.briefColumns) FROM latest_runs JOIN runs ON runs.seq = latest_runs.seq
                    WHERE latest_runs.task IN (\(marks))
                    """, arguments: StatementArguments(chunk))
                for row in rows {
                    let run = try RunRecord(row: row)
                    result[run.task] = run
                }
            }
            return result
        }
    }
}
