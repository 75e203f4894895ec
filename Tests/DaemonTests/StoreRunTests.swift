import Foundation
import MarketCalendar
@testable import SchedulerDaemon
import Testing
import TestSupport

/// RunStore run history: slots, recording, pruning, abandoned runs, queries.
@Suite(.serialized) struct StoreRunTests {
    @Test func aSlotIsClaimedOnceEvenAcrossReopen() throws {
        let temp = try TemporaryDirectory("store")
        let slot = StoreFixture.base
        do {
            let store = try RunStore(directory: temp.path)
            #expect(try store.claimSlot(task: "collect", scheduledAt: slot, runID: "r1"))
            #expect(try store.claimSlot(task: "collect", scheduledAt: slot, runID: "r2") == false)
            // Other instants and other tasks are other slots, e.g. the two 01:30s of the DST fall-back day.
            #expect(try store.claimSlot(task: "collect", scheduledAt: slot + 3600, runID: "r3"))
            #expect(try store.claimSlot(task: "report", scheduledAt: slot, runID: "r4"))
        }
        let reopened = try RunStore(directory: temp.path)
        #expect(try reopened.claimSlot(task: "collect", scheduledAt: slot, runID: "r5") == false)
        #expect(try reopened.claimSlot(task: "collect", scheduledAt: slot + 3600, runID: "r6") == false)
        #expect(try reopened.lastSlot(task: "collect") == slot + 3600)
        #expect(try reopened.lastSlots() == ["collect": slot + 3600, "report": slot])
    }

    @Test func claimingWithARecordIsAllOrNothing() throws {
        let temp = try TemporaryDirectory("store")
        let store = try RunStore(directory: temp.path)
        let first = StoreFixture.run("r1", outcome: .running)
        #expect(try store.claimSlot(recording: first))
        let again = StoreFixture.run("r2", outcome: .running)
        #expect(try store.claimSlot(recording: again) == false)
        #expect(try store.run(id: "r2") == nil)
        #expect(try store.history(task: "collect", limit: 10).map(\.runID) == ["r1"])

        // A retry claims nothing; it is recorded as a run of its own.
        let retry = StoreFixture.run("r1-2", trigger: .retry, outcome: .running, attempt: 2)
        let error = #expect(throws: StoreError.self) { try store.claimSlot(recording: retry) }
        #expect(error?.code == .invalidRecord)
        try store.record(retry, historyLimit: 10)
        #expect(try store.lastRun(task: "collect")?.attempt == 2)
        #expect(try store.lastSlot(task: "collect") == StoreFixture.base)
    }

    @Test func recordingAgainUpdatesTheSameRun() throws {
        let temp = try TemporaryDirectory("store")
        let store = try RunStore(directory: temp.path)
        var run = StoreFixture.run("r1", outcome: .queued)
        run.startedAt = nil
        try store.record(run, historyLimit: 10)
        run.outcome = .running
        run.startedAt = StoreFixture.base + 3
        run.waitedMs = 3_000
        try store.record(run, historyLimit: 10)
        run.outcome = .timeout
        run.finishedAt = StoreFixture.base + 63
        run.signal = 9
        run.durationMs = 60_000
        run.reason = "timeout 60s"
        try store.record(run, historyLimit: 10)

        #expect(try store.history(task: nil, limit: 10) == [run])
        var stolen = run
        stolen.task = "other"
        let error = #expect(throws: StoreError.self) { try store.record(stolen, historyLimit: 10) }
        #expect(error?.code == .invalidRecord)
        #expect(error?.description.contains("belongs to task collect") == true)
    }

    @Test func everyFieldAndTheOutputTailRoundTrip() throws {
        let temp = try TemporaryDirectory("store")
        let store = try RunStore(directory: temp.path)
        var generator = SystemRandomNumberGenerator()
        let exact = Data((0..<RunRecord.maxOutputTail).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let full = RunRecord(runID: "r-full", task: "collect", trigger: .catchUp, scheduledAt: StoreFixture.base,
                             startedAt: StoreFixture.base + 1, finishedAt: StoreFixture.base + 9, exitCode: -3,
                             signal: 15, outcome: .fatal, attempt: 3, durationMs: 8_123, waitedMs: 1_250,
                             reason: "spawn failed: No such file or directory", outputTail: exact)
        let sparse = RunRecord(runID: "r-sparse", task: "collect", trigger: .manual, outcome: .skipped,
                               reason: "overlap: previous run still running")
        try store.record(full, historyLimit: 10)
        try store.record(sparse, historyLimit: 10)
        #expect(try store.run(id: "r-full") == full)
        #expect(try store.run(id: "r-sparse") == sparse)

        // Longer output keeps its end.
        var long = StoreFixture.run("r-long", output: Data(repeating: 0x41, count: 100_000) + Data("END".utf8))
        try store.record(long, historyLimit: 10)
        let stored = try #require(try store.run(id: "r-long")?.outputTail)
        #expect(stored.count == RunRecord.maxOutputTail)
        #expect(stored.suffix(3) == Data("END".utf8))
        long.outputTail = Data()
        try store.record(long, historyLimit: 10)
        #expect(try store.run(id: "r-long")?.outputTail == Data())
    }

    @Test func historyIsNewestFirstAndPrunedToTheLimit() throws {
        let temp = try TemporaryDirectory("store")
        let store = try RunStore(directory: temp.path)
        // An in-progress run is never pruned, however old.
        try store.record(StoreFixture.run("active", outcome: .running), historyLimit: 3)
        for i in 1...10 {
            try store.record(StoreFixture.run("c\(i)", at: Int64(i) * 60), historyLimit: 3)
            try store.record(StoreFixture.run("o\(i)", task: "other", at: Int64(i) * 60), historyLimit: 100)
        }
        #expect(try store.history(task: "collect", limit: 100).map(\.runID) == ["c10", "c9", "c8", "active"])
        #expect(try store.lastRuns(task: "collect", limit: 2).map(\.runID) == ["c10", "c9"])
        #expect(try store.history(task: "other", limit: 100).count == 10)
        #expect(try store.history(task: nil, limit: 3).map(\.runID) == ["o10", "c10", "o9"])
        #expect(try store.run(id: "c7") == nil)

        // Once the old run finishes, the limit applies to it too; a limit below 1 keeps 1.
        try store.record(StoreFixture.run("active", outcome: .failed), historyLimit: 0)
        #expect(try store.history(task: "collect", limit: 100).map(\.runID) == ["c10"])
    }

    @Test func oldSlotClaimsArePrunedButEachTasksNewestStays() throws {
        let temp = try TemporaryDirectory("store")
        let store = try RunStore(directory: temp.path)
        let day: Int64 = 86_400
        for d in 0..<20 {
            #expect(try store.claimSlot(task: "collect", scheduledAt: StoreFixture.base + Int64(d) * day, runID: "c\(d)"))
        }
        #expect(try store.claimSlot(task: "monthly", scheduledAt: StoreFixture.base, runID: "m0"))

        // A run finishing at day 19 + 2 s drops collect's claims more than 8 days older: up to day 11.
        try store.record(StoreFixture.run("c19", at: 19 * day), historyLimit: 10)
        #expect(try store.claimSlot(task: "collect", scheduledAt: StoreFixture.base + 11 * day, runID: "x"))
        #expect(try store.claimSlot(task: "collect", scheduledAt: StoreFixture.base + 12 * day, runID: "x") == false)
        #expect(try store.claimSlot(task: "collect", scheduledAt: StoreFixture.base, runID: "x"))

        // Pruning all tasks keeps the newest claim of a task that has not run for long.
        #expect(try store.pruneSlots(before: StoreFixture.base + 40 * day) == 9)
        #expect(try store.lastSlots() == ["collect": StoreFixture.base + 19 * day, "monthly": StoreFixture.base])
        #expect(try store.claimSlot(task: "collect", scheduledAt: StoreFixture.base + 19 * day, runID: "y") == false)
    }

    @Test func markAbandonedClosesWhatAPreviousInstanceLeftOpen() throws {
        let temp = try TemporaryDirectory("store")
        do {
            let store = try RunStore(directory: temp.path)
            try store.record(StoreFixture.run("done", outcome: .success), historyLimit: 10)
            try store.record(StoreFixture.run("run", outcome: .running, at: 60), historyLimit: 10)
            try store.record(StoreFixture.run("queue", task: "b", outcome: .queued, at: 60), historyLimit: 10)
            try store.record(StoreFixture.run("retry", task: "c", outcome: .retrying, at: 60), historyLimit: 10)
        }
        let store = try RunStore(directory: temp.path)
        let now = StoreFixture.base + 3_600
        let abandoned = try store.markAbandoned(now: now)
        #expect(abandoned.map(\.runID) == ["run", "queue"])  // a retrying attempt had finished
        #expect(try store.run(id: "retry")?.outcome == .retrying)
        for run in abandoned {
            #expect(run.outcome == .abandoned)
            #expect(run.finishedAt == now)
            #expect(run.reason == "daemon stopped before the run finished")
            #expect(try store.run(id: run.runID) == run)
        }
        #expect(try store.run(id: "done")?.outcome == .success)
        #expect(try store.markAbandoned(now: now + 1).isEmpty)
    }

    @Test func lastRunsByTaskForTenThousandTasks() throws {
        let temp = try TemporaryDirectory("store")
        let store = try RunStore(directory: temp.path)
        // One transaction for the set-up: 30,000 fsynced commits would take minutes.
        try store.write("seed") { db in
            for round in 0..<3 {
                for task in 0..<10_000 {
                    try store.upsert(db, StoreFixture.run("t\(task)-\(round)", task: "t\(task)", at: Int64(round)))
                }
            }
        }
        // Re-recording an older run does not make it the newest.
        var older = StoreFixture.run("t5-0", task: "t5")
        older.reason = "updated"
        try store.record(older, historyLimit: 1_000)
        try store.record(StoreFixture.run("t7-3", task: "t7", at: 3), historyLimit: 2)

        let last = try store.lastRunsByTask()
        #expect(last.count == 10_000)
        #expect(last.allSatisfy { $0.value.runID == ($0.key == "t7" ? "t7-3" : "\($0.key)-2") })
        #expect(try store.history(task: "t7", limit: 10).map(\.runID) == ["t7-3", "t7-2"])
    }
}
