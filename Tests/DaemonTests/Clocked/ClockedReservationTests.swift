import ControlProtocol
import Foundation
import MarketCalendar
import Scheduling
import Testing
import TestSupport
@testable import SchedulerDaemon

extension ClockedDaemonTests {
    /// Slots claimed ahead of their instant (`Daemon+Reservations.swift`), on the daemon's clock:
    /// when they are written, that the runs at the instant carry them, and what a daemon started
    /// on reservations an earlier one left does with them.
    @Suite struct Reservations {
        static let config = Clocked.header() + """
                a:
                  command: ["/bin/true"]
                  frequency: "1min"
                  market_phase: any
                  days: every_day
                b:
                  command: ["/bin/true"]
                  frequency: "1min"
                  market_phase: any
                  days: every_day

            """

        /// The reservations in the daemon's `state.db` not settled by a run record yet.
        static func pending(_ daemon: ClockedDaemon) throws -> [PlannedStart] {
            let store = try RunStore(directory: daemon.stateDirectory)
            defer { try? store.close() }
            return try store.pendingReservations()
        }

        @Test func theSlotsWithinTheLeadAreClaimedBeforeTheirInstantAndTheirRunsCarryThem() async throws {
            let clock = ManualClock("2026-11-25T10:00:30")
            try await ClockedDaemon.with(Self.config, at: clock) { daemon in
                // Not yet: 10:01 is more than the lead (5 s) away.
                #expect(try Self.pending(daemon).isEmpty)

                // At 10:00:55 the slots of 10:01 are claimed, durably, before the instant.
                await clock.advance(to: "2026-11-25T10:00:56")
                let slot = ManualClock.instant("2026-11-25T10:01")
                #expect(await eventually { (try? Self.pending(daemon).count) == 2 })
                let reserved = try Self.pending(daemon)
                #expect(reserved.map(\.task) == ["a", "b"] && reserved.allSatisfy { $0.scheduledAt == slot })
                #expect(try await daemon.runs(of: "a").isEmpty, "a run before its instant")

                // At the instant both run, with the run ids reserved for them; their records settle the reservations.
                await clock.advance(to: "2026-11-25T10:01")
                let a = try await daemon.waitForFinishedRuns(of: "a", count: 1)
                let b = try await daemon.waitForFinishedRuns(of: "b", count: 1)
                #expect(a.map { String($0.runID) } == [reserved[0].runID] && b.map { String($0.runID) } == [reserved[1].runID])
                #expect((a + b).allSatisfy { $0.outcome == .success && $0.scheduledAt == Clocked.iso("2026-11-25T10:01") })
                #expect(await eventually { (try? Self.pending(daemon).isEmpty) == true })
            }
        }

        @Test func aStopBeforeTheInstantReleasesTheReservationAndTheNextDaemonRunsTheSlotOnce() async throws {
            let clock = ManualClock("2026-11-25T10:00:50")
            try await ClockedDaemon.with(Self.config, at: clock) { daemon in
                await clock.advance(to: "2026-11-25T10:00:57")
                #expect(await eventually { (try? Self.pending(daemon).count) == 2 })
                await daemon.stop()
                #expect(try Self.pending(daemon).isEmpty, "a stop left its reservations")

                try await daemon.start()
                await clock.advance(to: "2026-11-25T10:01")
                let runs = try await daemon.waitForFinishedRuns(of: "a", count: 1)
                #expect(runs.map(\.outcome) == [.success], "\(runs.map(ClockedDaemon.describe))")
                await clock.advance(to: "2026-11-25T10:02")
                #expect(try await daemon.waitForFinishedRuns(of: "a", count: 2).map(\.outcome) == [.success, .success])
            }
        }

        /// What a daemon killed after reserving leaves: its instant came (the clock is past it at
        /// the next start): recorded abandoned, never run; still ahead: released, it runs.
        @Test func reservationsLeftBehindAreAbandonedOnceTheirInstantCameAndReleasedBefore() async throws {
            let clock = ManualClock("2026-11-25T10:01:20")
            let daemon = try ClockedDaemon(Self.config, clock: clock)
            try FileManager.default.createDirectory(atPath: daemon.stateDirectory, withIntermediateDirectories: true)
            do {
                let store = try RunStore(directory: daemon.stateDirectory)
                defer { try? store.close() }
                let past = PlannedStart(task: "a", scheduledAt: ManualClock.instant("2026-11-25T10:01"), runID: "900001")
                let ahead = PlannedStart(task: "b", scheduledAt: ManualClock.instant("2026-11-25T10:02"), runID: "900002")
                _ = try store.reserve([past, ahead], evidence: .current(), at: ManualClock.instant("2026-11-25T10:00:57"))
            }
            try await daemon.start()
            let a = try await daemon.waitForFinishedRuns(of: "a", count: 1)
            #expect(a.map(\.outcome) == [.abandoned] && a.first?.runID == 900001, "\(a.map(ClockedDaemon.describe))")
            #expect(a.first?.reason == RunStore.reservationAbandonedReason)
            #expect(try await daemon.runs(of: "b").isEmpty, "the released reservation of b ran before its instant")

            await clock.advance(to: "2026-11-25T10:02")
            let b = try await daemon.waitForFinishedRuns(of: "b", count: 1)
            #expect(b.map(\.outcome) == [.success] && b.first?.scheduledAt == Clocked.iso("2026-11-25T10:02"))
            #expect(try await daemon.waitForFinishedRuns(of: "a", count: 2).map(\.outcome) == [.abandoned, .success])
            await daemon.stop()
        }

        @Test func aBurstOfFortyAtOneInstantRunsEachSlotOnce() async throws {
            let clock = ManualClock("2026-11-25T09:59:30")
            var config = Clocked.header()
            let names = (0..<40).map { String(format: "t%02d", $0) }
            for name in names {
                config += """
                        \(name):
                          command: ["/bin/sh", "-c", "echo $V6_SCHEDULED_AT >> {{DIR}}/ran-\(name)"]
                          at: "10:00"
                          days: every_day

                    """
            }
            try await ClockedDaemon.with(config, at: clock) { daemon in
                await clock.advance(to: "2026-11-25T10:00")
                for name in names {
                    let runs = try await daemon.waitForFinishedRuns(of: name, count: 1)
                    #expect(runs.map(\.outcome) == [.success], "\(name): \(runs.map(ClockedDaemon.describe))")
                }
                for name in names {
                    let lines = try String(contentsOfFile: daemon.directory.file("ran-\(name)"), encoding: .utf8).split(separator: "\n")
                    #expect(lines == [Substring(Clocked.iso("2026-11-25T10:00"))], "\(name) ran \(lines)")
                }
                #expect(try Self.pending(daemon).isEmpty)
            }
        }
    }
}
