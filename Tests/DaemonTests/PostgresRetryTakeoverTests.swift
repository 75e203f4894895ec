import Foundation
import MarketCalendar
import Scheduling
@testable import SchedulerDaemon
import Testing
import TestSupport

extension PostgresStoreTests {
    /// A lapsed host's planned retry is offered with the lapse (once) when it is the task's newest
    /// run and its attempt is unclaimed; not when that attempt ran, nor when a later run superseded it.
    @Test func aLapsedHostsPlannedRetryIsOfferedOnceUnlessClaimedOrSuperseded() async throws {
        let cluster = try PostgresCluster()
        let a = try Self.store(cluster, host: "a"), b = try Self.store(cluster, host: "b")
        try await a.migrate()
        try await a.heartbeat(leaseSeconds: 30, configRevision: "r", running: 0)
        try await b.heartbeat(leaseSeconds: 30, configRevision: "r", running: 0)
        func retrying(_ id: String, _ task: String, at: Instant, attempt: Int = 1, on store: PostgresStore) async throws {
            var run = Self.run(id, task: task, at: at)
            run.attempt = attempt
            if attempt > 1 { run.trigger = .retry }
            #expect(try await store.claim(run))
            run.outcome = .retrying
            run.finishedAt = at + 1
            #expect(try await store.update(run))
        }
        // open: attempt 1 failed, attempt 2 planned: offered.
        try await retrying("1", "open", at: Self.at, on: a)
        // ran: attempt 2 is running on a when it lapses: abandoned, not offered.
        try await retrying("2", "ran", at: Self.at, on: a)
        var attempt2 = Self.run("3", task: "ran", at: Self.at)
        attempt2.trigger = .retry
        attempt2.attempt = 2
        #expect(try await a.claim(attempt2))
        // later: b ran the next slot meanwhile: superseded.
        try await retrying("4", "later", at: Self.at, on: a)
        #expect(try await b.claim(Self.run("1", task: "later", at: Self.at + 60, outcome: .success)))

        _ = try cluster.psql("UPDATE v6_hosts SET heartbeat_at = now() - interval '31 seconds' WHERE host_id = 'a'")
        let found = try await b.abandonLapsedHosts(now: Self.at + 90)
        #expect(found.filter { $0.outcome == "retrying" }.map { "\($0.task)#\($0.attempt)" } == ["open#1"], "\(found)")
        #expect(found.filter { $0.outcome == "abandoned" }.map(\.runID) == ["3"], "\(found)")
        #expect(try await b.abandonLapsedHosts(now: Self.at + 91).isEmpty, "offered once, with the lapse")
        // b takes it over: attempt 2 of the slot is claimed once.
        var adopted = Self.run("5", task: "open", at: Self.at)
        adopted.trigger = .retry
        adopted.attempt = 2
        #expect(try await b.claim(adopted))
        #expect(try await a.claim(Self.run("6", task: "open", at: Self.at).retried(attempt: 2)) == false, "a, back, finds it claimed")
        await a.close()
        await b.close()
    }
}

extension RunRecord {
    fileprivate func retried(attempt: Int) -> RunRecord {
        var run = self
        run.trigger = .retry
        run.attempt = attempt
        return run
    }
}
