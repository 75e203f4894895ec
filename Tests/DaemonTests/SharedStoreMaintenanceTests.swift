import Foundation
import Logging
import MarketCalendar
import Scheduling
@testable import SchedulerDaemon
import Testing
import TestSupport

/// The shared store's upkeep: `v6-scheduler store migrate --to postgres` (one host's SQLite history, claimed slots and
/// toggles copied into a real, private PostgreSQL, once) and pruning.
@Suite(.serialized, .enabled(if: PostgresCluster.unavailableReason == nil,
                             "\(PostgresCluster.unavailableReason ?? ""): make test-deps installs PostgreSQL"))
struct SharedStoreMaintenanceTests {
    @Test func aSQLiteStoreIsCopiedOnceAndItsSlotsStayClaimed() async throws {
        let cluster = try PostgresCluster()
        let directory = try TemporaryDirectory("v6migrate")
        let local = try RunStore(directory: directory.file("state"))
        let at = PostgresStoreTests.at
        for i in 0..<5 {
            var run = PostgresStoreTests.run("\(i + 1)", at: at + Int64(i) * 60)
            #expect(try local.claimSlot(recording: run))
            run.outcome = .success
            run.outputTail = Data("line \(i)\n".utf8)
            try local.record(run, historyLimit: 100)
        }
        _ = try local.setToggle(task: "collect_open", enabled: false, until: nil, setBy: "uid 0", now: at)
        let shared = try PostgresStoreTests.store(cluster, host: "gateway1")

        let first = try await StoreMigration.copy(from: local, to: shared, now: at)
        #expect(first == StoreMigration.Summary(runs: 5, runsPresent: 0, slots: 5, slotsPresent: 0, toggles: 1, togglesPresent: 0))
        let again = try await StoreMigration.copy(from: local, to: shared, now: at)
        #expect(again == StoreMigration.Summary(runs: 0, runsPresent: 5, slots: 0, slotsPresent: 5, toggles: 0, togglesPresent: 1))

        let history = try await shared.history(task: nil, before: nil, limit: 10, withOutput: true)
        #expect(history.map(\.record.runID) == ["5", "4", "3", "2", "1"], "the local order, newest first")
        #expect(history.allSatisfy { $0.host == "gateway1" && $0.record.outcome == .success })
        #expect(history.first?.record.outputTail == Data("line 4\n".utf8))
        #expect(try await shared.toggles()["collect_open"] == RuntimeToggle(enabled: false, until: nil))
        // A slot that ran on SQLite does not run again on the shared store, on any host.
        let other = try PostgresStoreTests.store(cluster, host: "gateway2")
        #expect(try await other.claim(PostgresStoreTests.run("1", at: at)) == false)
        #expect(try await other.claim(PostgresStoreTests.run("2", at: at + 600)))
        await shared.close()
        await other.close()
        try local.close()
    }
}

extension SharedStoreMaintenanceTests {
    @Test func pruningKeepsEachTasksNewestRunsTheRunsInProgressAndTheNewestSlot() async throws {
        let cluster = try PostgresCluster()
        let a = try PostgresStoreTests.store(cluster, host: "a"), b = try PostgresStoreTests.store(cluster, host: "b")
        try await a.migrate()
        let at = PostgresStoreTests.at
        // 6 runs of `keep3` over two hosts (the oldest still running), 4 of `other` (default limit 2).
        for i in 0..<6 {
            let store = i % 2 == 0 ? a : b
            #expect(try await store.claim(PostgresStoreTests.run("\(i)", task: "keep3", at: at + Int64(i) * 60,
                                                                  outcome: i == 0 ? .running : .success)))
        }
        for i in 0..<4 {
            #expect(try await a.claim(PostgresStoreTests.run("o\(i)", task: "other", at: at + Int64(i) * 86_400, outcome: .success)))
        }
        let pruned = try await b.prune(limits: ["keep3": 3], defaultLimit: 2, slotsBefore: at + 3 * 86_400)
        #expect(pruned?.runs == 2 + 2, "keep3: runs 1 and 2 (run 0 is in progress); other: o0 and o1")
        #expect(pruned?.slots == 5 + 3, "slots before the cutoff, except each task's newest: keep3's 5 older, other's 3 before it")
        #expect(try cluster.psql("SELECT string_agg(run_id, ',' ORDER BY seq) FROM v6_runs") == "0,3,4,5,o2,o3")
        #expect(try cluster.psql("SELECT count(*) FROM v6_slots") == "2")
        await a.close()
        await b.close()
    }
}

extension SharedStoreMaintenanceTests {
    @Test func aHostIDHeldByALiveDaemonIsRefusedAndRunIDsContinueAfterTheHostsEarlierRuns() async throws {
        let cluster = try PostgresCluster()
        let first = try PostgresStoreTests.store(cluster, host: "gw"), second = try PostgresStoreTests.store(cluster, host: "gw")
        try await first.migrate()
        try await first.heartbeat(leaseSeconds: 30, configRevision: "r", running: 0)
        try await first.heartbeat(leaseSeconds: 30, configRevision: "r", running: 0)
        await #expect(throws: HostIDTaken.self) { try await second.heartbeat(leaseSeconds: 30, configRevision: "r", running: 0) }
        // The first falls silent: once its lease lapsed the id can be taken over.
        _ = try cluster.psql("UPDATE v6_hosts SET heartbeat_at = now() - interval '31 seconds'")
        try await second.heartbeat(leaseSeconds: 30, configRevision: "r", running: 0)
        await #expect(throws: HostIDTaken.self) { try await first.heartbeat(leaseSeconds: 30, configRevision: "r", running: 0) }

        #expect(try await second.largestRunID() == 0)
        #expect(try await second.claim(PostgresStoreTests.run("41")))
        #expect(try await second.claim(PostgresStoreTests.run("9", at: PostgresStoreTests.at + 60)))
        #expect(try await second.largestRunID() == 41, "numerically, not as text")
        // A claim that reuses a run id of this host fails (and leaves its slot free), never overwriting that run.
        await #expect(throws: (any Error).self) { try await second.claim(PostgresStoreTests.run("41", at: PostgresStoreTests.at + 120)) }
        #expect(try cluster.psql("SELECT count(*) FROM v6_slots") == "2")
        await first.close()
        await second.close()
    }
}
