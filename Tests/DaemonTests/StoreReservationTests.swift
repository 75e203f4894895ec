import Foundation
import MarketCalendar
import Scheduling
import Synchronization
@testable import SchedulerDaemon
import Testing
import TestSupport

/// Slots claimed ahead of their instant, and the batched writes of the run path.
@Suite(.serialized) struct StoreReservationTests {
    static let at = StoreFixture.base
    static let planned = [PlannedStart(task: "a", scheduledAt: at, runID: "11"), PlannedStart(task: "b", scheduledAt: at, runID: "12")]
    static let evidence = ClockEvidence(bootID: "boot-1", offsetMs: 1_000_000)

    @Test func aReservationClaimsTheSlotsAndTheirRecordsSettleIt() throws {
        let temp = try TemporaryDirectory("store")
        let store = try RunStore(directory: temp.path)
        #expect(try store.reserve(Self.planned, evidence: Self.evidence, at: Self.at - 2) == ["11": true, "12": true])
        // The slots are claimed: a claim at the start (another instance, a clock step) loses.
        #expect(try store.claimSlot(task: "a", scheduledAt: Self.at, runID: "99") == false)
        #expect(try store.pendingReservations() == Self.planned)
        // Asking again for the same plan is this daemon's still; a different run id is someone else's.
        #expect(try store.reserve(Self.planned, evidence: Self.evidence, at: Self.at - 1) == ["11": true, "12": true])
        #expect(try store.reserve([PlannedStart(task: "a", scheduledAt: Self.at, runID: "50")], evidence: Self.evidence,
                                  at: Self.at) == ["50": false])
        // The run's record (here: spawned, then finished) settles its reservation.
        let results = try store.apply([.record(StoreFixture.run("11", task: "a", outcome: .running), historyLimit: 10),
                                       .record(StoreFixture.run("11", task: "a", outcome: .success), historyLimit: 10)])
        #expect(results.count == 2)
        #expect(try store.pendingReservations().map(\.runID) == ["12"])
        #expect(try store.run(id: "11")?.outcome == .success)
    }

    @Test func anUnusedReservationIsReleased() throws {
        let temp = try TemporaryDirectory("store")
        let store = try RunStore(directory: temp.path)
        _ = try store.reserve(Self.planned, evidence: Self.evidence, at: Self.at - 2)
        _ = try store.apply([.release([Self.planned[1]])])
        #expect(try store.pendingReservations().map(\.runID) == ["11"])
        #expect(try store.claimSlot(task: "b", scheduledAt: Self.at, runID: "13"))
        // A release never frees a slot that is not its reservation's any more.
        _ = try store.apply([.record(StoreFixture.run("11", task: "a", outcome: .running), historyLimit: 10), .release([Self.planned[0]])])
        #expect(try store.claimSlot(task: "a", scheduledAt: Self.at, runID: "14") == false)
    }

    @Test func atStartAReservationWhoseInstantCameIsAbandonedAndOneAheadIsReleased() throws {
        let temp = try TemporaryDirectory("store")
        let store = try RunStore(directory: temp.path)
        let ahead = PlannedStart(task: "c", scheduledAt: Self.at + 10, runID: "13")
        _ = try store.reserve(Self.planned + [ahead], evidence: Self.evidence, at: Self.at - 2)
        // Restarted at at+1 s in the same boot, the wall clock not stepped (offset moved by 3 ms).
        let settled = try store.settleReservations(now: Double(Self.at.seconds) + 1.2, at: Self.at + 1,
                                                   evidence: ClockEvidence(bootID: "boot-1", offsetMs: 1_000_003))
        #expect(settled.released == [ahead])
        #expect(settled.abandoned.map(\.runID) == ["11", "12"])
        let run = try #require(try store.run(id: "11"))
        #expect(run.outcome == .abandoned && run.reason == RunStore.reservationAbandonedReason && run.scheduledAt == Self.at)
        #expect(try store.pendingReservations().isEmpty)
        // The abandoned ones keep their slots (at most once); the released one is free to run.
        #expect(try store.claimSlot(task: "a", scheduledAt: Self.at, runID: "20") == false)
        #expect(try store.claimSlot(task: "c", scheduledAt: Self.at + 10, runID: "21"))
    }

    @Test(arguments: [ClockEvidence(bootID: "boot-2", offsetMs: 1_000_000), ClockEvidence(bootID: "boot-1", offsetMs: 1_600_000),
                      ClockEvidence(bootID: "", offsetMs: 1_000_000)])
    func aReservationAheadIsAbandonedWhenTheClockMayHaveReachedIt(later: ClockEvidence) throws {
        // Another boot, a wall clock stepped since (it may have gone past the instant and back), or no boot id.
        let temp = try TemporaryDirectory("store")
        let store = try RunStore(directory: temp.path)
        let evidence = later.bootID.isEmpty ? later : Self.evidence
        _ = try store.reserve([PlannedStart(task: "c", scheduledAt: Self.at + 10, runID: "13")], evidence: evidence, at: Self.at)
        let settled = try store.settleReservations(now: Double(Self.at.seconds) + 1, at: Self.at + 1, evidence: later)
        #expect(settled.released.isEmpty)
        #expect(settled.abandoned.map(\.runID) == ["13"])
    }

    @Test func aBatchCommitsTogetherAndARefusedWriteFailsAlone() throws {
        let temp = try TemporaryDirectory("store")
        let store = try RunStore(directory: temp.path)
        let manual = StoreFixture.run("31", trigger: .manual, outcome: .running)
        let results = try store.apply([
            .claim(StoreFixture.run("30", outcome: .running)),
            .claim(manual),  // a manual run has no slot to claim: refused, alone
            .claim(StoreFixture.run("32", outcome: .running)),  // the same slot as 30: claimed before
            .record(StoreFixture.run("33", task: "other", outcome: .success), historyLimit: 5),
        ])
        #expect(try results[0].get() == .claimed(true))
        #expect(throws: StoreError.self) { try results[1].get() }
        #expect(try results[2].get() == .claimed(false))
        #expect(try results[3].get() == .done)
        #expect(try store.run(id: "30")?.outcome == .running)
        #expect(try store.run(id: "31") == nil && store.run(id: "32") == nil)
        #expect(try store.run(id: "33")?.outcome == .success)
    }

    @Test func theLaneCommitsInOrderAndFlushWaitsForIt() async throws {
        let temp = try TemporaryDirectory("store")
        let store = try RunStore(directory: temp.path)
        let failures = Mutex<[StoreError?]>([])
        let lane = StoreLane(store: store) { error in failures.withLock { $0.append(error) } }
        for i in 0..<300 {
            let running = StoreFixture.run("\(i)", outcome: .running, at: Int64(i))
            lane.submit(i == 0 ? .claim(running) : .record(running, historyLimit: 1000))
            lane.submit(.record(StoreFixture.run("\(i)", outcome: .success, at: Int64(i)), historyLimit: 1000))
        }
        let claimed = Mutex<[Bool]>([])
        lane.submit(.claim(StoreFixture.run("500", outcome: .running, at: 0))) { result in
            if case .success(.claimed(let won)) = result { claimed.withLock { $0.append(won) } }
        }
        await lane.flush()
        #expect(try store.history(task: "collect", limit: 1000).count == 300)
        #expect(try store.history(task: "collect", limit: 1000).allSatisfy { $0.outcome == .success })
        #expect(claimed.withLock { $0 } == [false])  // run 0 holds that slot
        #expect(failures.withLock { $0 }.isEmpty)
    }
}
