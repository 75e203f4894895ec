import Foundation
import Logging
import MarketCalendar
import Scheduling
@testable import SchedulerDaemon
import Testing
import TestSupport

/// The shared store against a real, private PostgreSQL cluster (`PostgresCluster`): migrations,
/// claims under the UNIQUE (task, instant) key in the run record's transaction, leases.
@Suite(.serialized)
struct PostgresStoreTests {
    static let at = Instant(seconds: 1_795_000_000)

    static func store(_ cluster: PostgresCluster, host: String) throws -> PostgresStore {
        guard case .success(let url) = PostgresURL.parse(cluster.url) else { throw HarnessError("bad test URL \(cluster.url)") }
        return try PostgresStore(url: url, hostID: host, logger: Logger(label: "test"))
    }

    static func run(_ id: String, task: String = "collect_open", at: Instant = at, outcome: Outcome = .running) -> RunRecord {
        RunRecord(runID: id, task: task, trigger: .schedule, scheduledAt: at, startedAt: at, outcome: outcome)
    }

    @Test func migrationsAreVersionedAndAppliedOnceByHostsStartingTogether() async throws {
        let cluster = try PostgresCluster()
        let a = try Self.store(cluster, host: "a"), b = try Self.store(cluster, host: "b")
        async let first = a.migrate()
        async let second = b.migrate()
        let before = try await [first, second].sorted()
        #expect(before == [0, PostgresSchema.latest], "one host migrated, the other found it done")
        #expect(try await a.schemaVersion() == PostgresSchema.latest)
        #expect(try cluster.psql("SELECT count(*) FROM v6_schema") == "\(PostgresSchema.migrations.count)")
        await a.close()
        await b.close()
    }

    @Test func ofTwoHostsPublishingARunTimeRevisionOnTheSameBaseOneWinsWithItsAuditRow() async throws {
        let cluster = try PostgresCluster()
        let a = try Self.store(cluster, host: "a"), b = try Self.store(cluster, host: "b")
        try await a.migrate()
        #expect(try await a.runtimeConfig(newerThan: 0) == nil, "nothing shared yet")
        async let first = a.publishRuntimeConfig(text: "from a\n", expected: 0, detail: "edit a", actor: "uid 1", entry: "{}")
        async let second = b.publishRuntimeConfig(text: "from b\n", expected: 0, detail: "edit b", actor: "uid 2", entry: nil)
        let results = try await [first, second]
        #expect(results.compactMap { $0 } == [1], "one becomes revision 1, the other is refused: \(results)")
        let winner = results[0] == 1 ? "a" : "b"
        #expect(try cluster.psql("SELECT count(*) FROM v6_audit WHERE kind = 'config'") == "1", "only the winner's audit row")
        #expect(try await b.runtimeConfig(newerThan: 0) == SharedRuntimeConfig(revision: 1, host: winner, text: "from \(winner)\n"))
        #expect(try await b.runtimeConfig(newerThan: 1) == SharedRuntimeConfig(revision: 1, host: winner, text: nil),
                "a host at the newest revision reads its number, not its text")
        // The next edit must be based on revision 1.
        #expect(try await a.publishRuntimeConfig(text: "x\n", expected: 0, detail: "stale", actor: "uid 1", entry: nil) == nil)
        #expect(try await a.publishRuntimeConfig(text: "x\n", expected: 1, detail: "next", actor: "uid 1", entry: nil) == 2)
        let trail = try await b.auditTrail(limit: 10)
        #expect(trail.map(\.detail) == ["next", "edit \(winner)"] && trail.first?.host == "a")
        await a.close()
        await b.close()
        cluster.stop()
    }

    @Test func ofThreeHostsClaimingEverySlotAtOnceExactlyOneRunsEach() async throws {
        let cluster = try PostgresCluster()
        let hosts = try ["a", "b", "c"].map { try Self.store(cluster, host: $0) }
        try await hosts[0].migrate()
        // 50 slots, each claimed by the three hosts concurrently (each with its own run id).
        let slots = (0..<50).map { Self.at + Int64($0) * 2 }
        let wins = try await withThrowingTaskGroup(of: (String, Instant, Bool).self) { group in
            for (h, store) in hosts.enumerated() {
                for (i, slot) in slots.enumerated() {
                    group.addTask { (store.hostID, slot, try await store.claim(Self.run("\(h * 1000 + i)", at: slot))) }
                }
            }
            var result: [(String, Instant, Bool)] = []
            for try await outcome in group { result.append(outcome) }
            return result
        }
        for slot in slots {
            #expect(wins.filter { $0.1 == slot && $0.2 }.count == 1, "slot \(slot.seconds): \(wins.filter { $0.1 == slot })")
        }
        // The winner's run record came with its claim, and no loser left one.
        #expect(try cluster.psql("SELECT count(*) FROM v6_runs") == "50")
        #expect(try cluster.psql("SELECT count(*) FROM v6_slots s JOIN v6_runs r USING (host_id, run_id)") == "50")
        for store in hosts { await store.close() }
    }

    @Test func aClaimWhoseRunRecordFailsLeavesTheSlotFree() async throws {
        let cluster = try PostgresCluster()
        let a = try Self.store(cluster, host: "a")
        try await a.migrate()
        // A run id this host already used: the record's INSERT conflicts... and updates. A task name
        // the column refuses (NUL) fails the record, and the claim with it.
        await #expect(throws: (any Error).self) { try await a.claim(Self.run("1", task: "bad\u{0}name")) }
        #expect(try cluster.psql("SELECT count(*) FROM v6_slots") == "0")
        #expect(try await a.claim(Self.run("2")))
        #expect(try await a.claim(Self.run("3")) == false, "the same slot twice")
        await a.close()
    }

    @Test func aLapsedHostsOpenRunsAreAbandonedOnceNamingTheHost() async throws {
        let cluster = try PostgresCluster()
        let a = try Self.store(cluster, host: "a"), b = try Self.store(cluster, host: "b")
        try await a.migrate()
        try await a.heartbeat(leaseSeconds: 30, configRevision: "r1", running: 1)
        try await b.heartbeat(leaseSeconds: 30, configRevision: "r1", running: 0)
        #expect(try await a.claim(Self.run("7")))
        #expect(try await b.abandonLapsedHosts(now: Self.at + 5).isEmpty, "a live host's run abandoned")
        // a falls silent: its last beat 31 s ago (the database's clock decides, not the hosts').
        _ = try cluster.psql("UPDATE v6_hosts SET heartbeat_at = now() - interval '31 seconds' WHERE host_id = 'a'")
        let hosts = try await b.hosts()
        #expect(hosts.map(\.hostID) == ["a", "b"] && hosts.map(\.isAlive) == [false, true])
        let abandoned = try await b.abandonLapsedHosts(now: Self.at + 40)
        #expect(abandoned.map(\.runID) == ["7"] && abandoned.first?.host == "a")
        #expect(abandoned.first?.reason?.contains("host a") == true)
        #expect(try await b.runs(task: "collect_open", limit: 5).map(\.outcome) == ["abandoned"])
        #expect(try await b.abandonLapsedHosts(now: Self.at + 41).isEmpty, "the same lapse handled twice")
        // The slot stays claimed: nobody runs it again.
        #expect(try await b.claim(Self.run("8")) == false)
        // a comes back: its lease is renewed, and a later lapse is handled again.
        try await a.heartbeat(leaseSeconds: 30, configRevision: "r1", running: 0)
        #expect(try await b.hosts().allSatisfy(\.isAlive))
        await a.close()
        await b.close()
    }

    @Test func aRestartedServerKeepsWhatWasCommittedAndClaimsResume() async throws {
        let cluster = try PostgresCluster()
        let a = try Self.store(cluster, host: "a")
        try await a.migrate()
        #expect(try await a.claim(Self.run("1")))
        cluster.stop()
        await #expect(throws: (any Error).self) { try await a.claim(Self.run("2", at: Self.at + 2)) }
        try cluster.start()
        #expect(try cluster.psql("SELECT count(*) FROM v6_slots") == "1", "the committed claim after the restart")
        // The pool reconnects; the committed claim survived the restart.
        var resumed = false
        for _ in 0..<50 where !resumed {
            resumed = (try? await a.claim(Self.run("3", at: Self.at + 4))) == true
            if !resumed { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(resumed, "no claim after the server came back: \((try? String(contentsOfFile: cluster.directory.file("server.log"), encoding: .utf8)) ?? "no log")")
        #expect(try await a.claim(Self.run("4")) == false)
        await a.close()
    }
}
