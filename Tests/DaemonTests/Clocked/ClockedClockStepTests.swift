import ControlProtocol
import Foundation
import Testing
import TestSupport

extension ClockedDaemonTests {
    /// The wall clock set under a running daemon (NTP step, `date -s`), which the timerfd reports
    /// at once (TFD_TIMER_CANCEL_ON_SET): forward, the latest occurrence stepped over runs and the
    /// others are recorded skipped; back, nothing runs twice.
    @Suite struct ClockSteps {
        static let config = Clocked.header() + """
                fiver:
                  command: ["/bin/sh", "-c", "echo $V6_SCHEDULED_AT $V6_TRIGGER $V6_MARKET_PHASE >> {{DIR}}/fiver.log"]
                  frequency: "5min"
                  market_phase: any
                  days: every_day

            """

        @Test func stepsForwardRunTheLatestOnceAndStepsBackRunNothingTwice() async throws {
            let clock = ManualClock("2026-11-25T10:00:30")
            try await ClockedDaemon.with(Self.config, at: clock) { daemon in
                await clock.advance(to: "2026-11-25T10:05")
                try await daemon.waitForFinishedRuns(of: "fiver", count: 1)

                // Forward 27 minutes: 10:10 ... 10:30 were stepped over; 10:30 runs at once.
                await clock.step(to: ManualClock.instant("2026-11-25T10:32:10"))
                #expect(!daemon.logMessages(containing: "wall clock stepped").isEmpty)
                var runs = try await daemon.waitForFinishedRuns(of: "fiver", count: 3)
                #expect(runs.map(\.outcome) == [.success, .skipped, .success], "\(runs.map(ClockedDaemon.describe))")
                #expect(runs[1].scheduledAt == Clocked.iso("2026-11-25T10:10"))
                #expect(runs[1].reason?.hasPrefix("4 occurrence(s) from 2026-11-25T10:10:00-05:00 missed") == true, "\(runs[1].reason ?? "-")")
                #expect(runs[2].scheduledAt == Clocked.iso("2026-11-25T10:30"))
                #expect(runs[2].startedAt == Clocked.iso("2026-11-25T10:32:10"))

                // Back to 09:00: nothing is due again, not even when 10:05 ... 10:30 come round.
                await clock.step(to: ManualClock.instant("2026-11-25T09:00"))
                await clock.advance(to: "2026-11-25T10:34:59")
                #expect(try await daemon.runs(of: "fiver").count == 3, "an occurrence ran twice after the clock went back")
                await clock.advance(to: "2026-11-25T10:35")
                runs = try await daemon.waitForFinishedRuns(of: "fiver", count: 4)
                #expect(runs.last?.scheduledAt == Clocked.iso("2026-11-25T10:35"))

                // What the task saw: its slot, its trigger, the phase at the daemon's clock.
                let seen = try String(contentsOfFile: daemon.directory.file("fiver.log"), encoding: .utf8)
                #expect(seen == """
                    2026-11-25T10:05:00-05:00 schedule market_open
                    2026-11-25T10:30:00-05:00 schedule market_open
                    2026-11-25T10:35:00-05:00 schedule market_open

                    """)
            }
        }
    }
}
