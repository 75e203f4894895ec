import ControlProtocol
import Foundation
import Testing
import TestSupport

extension ClockedDaemonTests {
    /// What a daemon started again on the same `state.db` does: `catch_up`, claimed slots, and
    /// runtime toggles that outlive it.
    @Suite struct Restart {
        static let config = Clocked.header() + """
                minutely:
                  command: ["/bin/true"]
                  frequency: "1min"
                  market_phase: any
                  days: every_day
                  catch_up: true
                plain:
                  command: ["/bin/true"]
                  frequency: "1min"
                  market_phase: any
                  days: every_day

            """

        @Test func aRestartCatchesUpTheLatestMissedOccurrenceOnce() async throws {
            let clock = ManualClock("2026-11-25T10:00:30")
            try await ClockedDaemon.with(Self.config, at: clock) { daemon in
                await clock.advance(to: "2026-11-25T10:01")
                try await daemon.waitForFinishedRuns(of: "minutely", count: 1)
                try await daemon.waitForFinishedRuns(of: "plain", count: 1)

                // Down from 10:01 to 10:05:30: 10:02, 10:03, 10:04 and 10:05 pass without it.
                await daemon.stop()
                await clock.advance(to: "2026-11-25T10:05:30")
                try await daemon.start()
                let minutely = try await daemon.waitForFinishedRuns(of: "minutely", count: 2)
                #expect(minutely.map(\.trigger) == [.schedule, .catchUp], "\(minutely.map(ClockedDaemon.describe))")
                #expect(minutely.last?.scheduledAt == Clocked.iso("2026-11-25T10:05"), "the latest missed occurrence only")
                #expect(minutely.last?.startedAt == Clocked.iso("2026-11-25T10:05:30"))
                #expect(minutely.last?.outcome == .success)
                #expect(try await daemon.runs(of: "plain").count == 1, "a task without catch_up caught up")

                // The caught-up slot is claimed: another restart catches nothing up.
                try await daemon.restart()
                #expect(try await daemon.runs(of: "minutely").count == 2)
                await clock.advance(to: "2026-11-25T10:06")
                let next = try await daemon.waitForFinishedRuns(of: "minutely", count: 3)
                #expect(next.last?.trigger == .schedule && next.last?.scheduledAt == Clocked.iso("2026-11-25T10:06"))
                #expect(try await daemon.waitForFinishedRuns(of: "plain", count: 2).last?.scheduledAt == Clocked.iso("2026-11-25T10:06"))
            }
        }

        @Test func aDisabledTaskDoesNotFireAndItsToggleSurvivesARestart() async throws {
            let clock = ManualClock("2026-11-25T10:00:30")
            try await ClockedDaemon.with(Self.config, at: clock) { daemon in
                await clock.advance(to: "2026-11-25T10:01")
                try await daemon.waitForFinishedRuns(of: "plain", count: 1)
                let disabled = try await daemon.v6ctl(["disable", "plain"])
                #expect(disabled.status == 0, "\(disabled.stderr)")

                // Four occurrences pass: none runs, nor is any recorded.
                await clock.advance(to: "2026-11-25T10:05")
                #expect(try await daemon.runs(of: "plain").count == 1, "a disabled task fired")
                #expect(try await daemon.waitForFinishedRuns(of: "minutely", count: 5).count == 5, "the other task stopped")

                // The toggle is in state.db: a new daemon keeps it.
                try await daemon.restart()
                let status = try await daemon.v6ctl(["show", "plain", "--json"])
                let shown = try JSONDecoder().decode(TaskDetail.self, from: Data(status.stdout.utf8))
                #expect(shown.status.enabled == false)
                #expect(shown.status.enabledSource == "runtime")
                await clock.advance(to: "2026-11-25T10:10")
                #expect(try await daemon.runs(of: "plain").count == 1, "a disabled task fired after the restart")

                // run-now wins over the toggle; enabling brings the schedule back.
                let manual = try await daemon.v6ctl(["run-now", "plain", "--wait"])
                #expect(manual.status == 0, "\(manual.stderr)")
                #expect(try await daemon.v6ctl(["enable", "plain"]).status == 0)
                await clock.advance(to: "2026-11-25T10:11")
                let runs = try await daemon.waitForFinishedRuns(of: "plain", count: 3)
                #expect(runs.map(\.trigger) == [.schedule, .manual, .schedule], "\(runs.map(ClockedDaemon.describe))")
                #expect(runs.last?.scheduledAt == Clocked.iso("2026-11-25T10:11"))
            }
        }
    }
}
