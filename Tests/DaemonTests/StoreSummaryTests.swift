import Foundation
import Scheduling
import Testing
import TestSupport
@testable import SchedulerDaemon

/// The reads behind `status` and `tasks` with many tasks: which tasks failed last, and the newest
/// run of a page of tasks, without their output tails.
@Suite struct StoreSummaryTests {
    @Test func lastOutcomesAndPagesOfLastRuns() throws {
        let temp = try TemporaryDirectory("store-summary")
        let store = try RunStore(directory: temp.path)
        let outcomes: [Outcome] = [.success, .failed, .fatal, .timeout, .abandoned, .skipped, .running]
        try store.write("seed") { db in
            for task in 0..<1_200 {
                // An older failure under every task: only the newest run counts.
                try store.upsert(db, StoreFixture.run("old\(task)", task: "t\(task)", outcome: .failed, at: 0))
                try store.upsert(db, StoreFixture.run("new\(task)", task: "t\(task)", outcome: outcomes[task % outcomes.count], at: 1,
                                                      output: Data(repeating: 0x78, count: 1_000)))
            }
        }
        let failed = try store.tasks(withLastOutcome: Daemon.failedOutcomes)
        let expected = Set((0..<1_200).filter { [1, 2, 3, 4].contains($0 % outcomes.count) }.map { "t\($0)" })
        #expect(failed == expected)
        #expect(try store.tasks(withLastOutcome: []).isEmpty)

        // More names than one query takes (500), one that never ran, in any order.
        let names = (0..<1_200).reversed().map { "t\($0)" } + ["never_ran"]
        let last = try store.lastRuns(of: names)
        #expect(last.count == 1_200)
        #expect(last["t7"]?.runID == "new7" && last["t7"]?.outcome == outcomes[0])
        #expect(last.values.allSatisfy { $0.outputTail == nil && $0.runID.hasPrefix("new") })
        #expect(try store.lastRuns(of: []).isEmpty)
    }
}
