import Foundation
import GRDB
import MarketCalendar
import Scheduling
@testable import SchedulerDaemon
import Testing
import TestSupport

/// A state.db written before the `upstream` trigger (schema v1) opens with its history whole,
/// and the runs of tasks with `after:` alone are recorded and read back.
@Suite(.serialized) struct StoreMigrationTests {
    @Test func aVersionOneDatabaseKeepsItsHistoryAndTakesUpstreamRuns() throws {
        let temp = try TemporaryDirectory("store-v1")
        do {
            // The first release's schema, three runs, the newest pruned since.
            let queue = try DatabaseQueue(path: temp.file(RunStore.fileName))
            try StoreSchema.migrator.migrate(queue, upTo: "v1: runs, slots, toggles")
            try queue.write { db in
                for id in ["r1", "r2", "r3"] {
                    let run = StoreFixture.run(id, at: Int64(id.dropFirst())! * 60)
                    // v1's columns only: later migrations added the others.
                    let v1 = zip(RunRecord.columns, run.databaseValues).filter { !["cpu_ms", "max_rss_bytes"].contains($0.0) }
                    let marks = Array(repeating: "?", count: v1.count).joined(separator: ", ")
                    try db.execute(sql: "INSERT INTO runs (\(v1.map(\.0).joined(separator: ", "))) VALUES (\(marks))",
                                   arguments: StatementArguments(v1.map(\.1)))
                }
                try db.execute(sql: "INSERT INTO latest_runs (task, seq) VALUES ('collect', 2)")
                try db.execute(sql: "DELETE FROM runs WHERE run_id = 'r3'")
                #expect(throws: DatabaseError.self) {
                    try db.execute(sql: "UPDATE runs SET \"trigger\" = 'upstream' WHERE run_id = 'r1'")
                }
            }
            try queue.close()
        }
        let store = try RunStore(directory: temp.path)
        #expect(try store.history(task: "collect", limit: 10).map(\.runID) == ["r2", "r1"])
        #expect(try store.lastRunsByTask()["collect"]?.runID == "r2")
        let upstream = RunRecord(runID: "r4", task: "collect", trigger: .upstream, scheduledAt: StoreFixture.base,
                                 finishedAt: StoreFixture.base + 600, outcome: .skipped, reason: "upstream a failed (run 9)")
        try store.record(upstream, historyLimit: 10)
        // Numbered after the pruned run, so it is the newest.
        #expect(try store.history(task: "collect", limit: 10).map(\.runID) == ["r4", "r2", "r1"])
        #expect(try store.run(id: "r4") == upstream)
        // An upstream run claims its run date's slot like a scheduled one: once.
        #expect(try store.claimSlot(recording: RunRecord(runID: "r5", task: "report", trigger: .upstream,
                                                         scheduledAt: StoreFixture.base, outcome: .running)))
        #expect(try store.claimSlot(recording: RunRecord(runID: "r6", task: "report", trigger: .upstream,
                                                         scheduledAt: StoreFixture.base, outcome: .running)) == false)
    }

    @Test func recentRunsOfSomeTasksComeBackOldestFirstWithoutTheirOutput() throws {
        let temp = try TemporaryDirectory("store-recent")
        let store = try RunStore(directory: temp.path)
        let output = Data("a line\n".utf8)
        try store.record(StoreFixture.run("old", task: "a", at: -86_400 * 2, output: output), historyLimit: 100)
        try store.record(StoreFixture.run("a1", task: "a", at: 0, output: output), historyLimit: 100)
        try store.record(StoreFixture.run("b1", task: "b", trigger: .manual, at: 60), historyLimit: 100)
        try store.record(StoreFixture.run("c1", task: "c", at: 120), historyLimit: 100)
        try store.record(StoreFixture.run("a2", task: "a", outcome: .skipped, at: 180), historyLimit: 100)
        let tasks = ["a", "b"] + (0..<1200).map { "t\($0)" }  // more names than one statement may bind
        let runs = try store.runs(of: tasks, since: StoreFixture.base - 3600)
        #expect(runs.map(\.runID) == ["a1", "b1", "a2"])
        #expect(runs.allSatisfy { $0.outputTail == nil })
        #expect(try store.runs(of: [], since: StoreFixture.base).isEmpty)
    }
}
