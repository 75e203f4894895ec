import ControlProtocol
import Foundation
import MarketCalendar
import Testing
import TestSupport

extension ClockedDaemonTests {
    /// Retries in a real daemon: when they come (docs/configuration.md, "Retries": attempt n+1
    /// starts `retry_backoff_seconds × 2^(n-1)` s after attempt n ended, ±25 %), that exit 2 is
    /// never retried, and a waiting `run-now --wait` client when the retry meets a busy task.
    @Suite struct Retries {
        static let config = Clocked.header() + """
                flaky:
                  command: ["/bin/sh", "-c", "echo attempt $V6_ATTEMPT; exit 1"]
                  at: "10:00"
                  retries: 2
                  retry_backoff_seconds: 20
                fatal:
                  command: ["/bin/sh", "-c", "exit 2"]
                  at: "10:00"
                  retries: 2
                  retry_backoff_seconds: 20

            """

        /// Attempt `number` of `flaky`: announced for `backoff` seconds (±25 %) after `previous`
        /// ended, not started a second before that instant, started at it, in the same slot.
        static func expectAttempt(_ number: Int, after previous: Instant, backoff: Double, _ daemon: ClockedDaemon,
                                  sourceLocation: SourceLocation = #_sourceLocation) async throws -> Instant {
            let runs = try await daemon.runs(of: "flaky")
            let due = try #require(Clocked.retryInstant(of: runs.last), "\(runs.map(ClockedDaemon.describe))",
                                   sourceLocation: sourceLocation)
            let window = Int64((backoff * 0.75).rounded(.down))...Int64((backoff * 1.25).rounded(.up))
            #expect(window.contains(due - previous), "attempt \(number) at \(due - previous) s, expected \(window)",
                    sourceLocation: sourceLocation)
            await daemon.clock.advance(to: due - 1)
            #expect(try await daemon.runs(of: "flaky").count == number - 1, "attempt \(number) started before its instant",
                    sourceLocation: sourceLocation)
            await daemon.clock.advance(to: due)
            let attempt = try await daemon.waitForFinishedRuns(of: "flaky", count: number, sourceLocation: sourceLocation).last
            #expect(attempt?.trigger == .retry && attempt?.attempt == number, sourceLocation: sourceLocation)
            #expect(attempt?.startedAt == ZoneRules.newYork.iso8601(due), sourceLocation: sourceLocation)
            #expect(attempt?.scheduledAt == Clocked.iso("2026-11-25T10:00"), "a retry keeps its slot", sourceLocation: sourceLocation)
            return due
        }

        @Test func retriesComeAtTheirBackoffAndExitTwoIsNeverRetried() async throws {
            let clock = ManualClock("2026-11-25T09:59:30")
            try await ClockedDaemon.with(Self.config, at: clock) { daemon in
                await clock.advance(to: "2026-11-25T10:00")
                let fatal = try await daemon.waitForFinishedRuns(of: "fatal", count: 1)
                #expect(fatal.map(\.outcome) == [.fatal])
                #expect(fatal.first?.exitCode == 2)
                #expect(try await daemon.waitForFinishedRuns(of: "flaky", count: 1).map(\.outcome) == [.retrying])

                // 20 s, then 40 s, after the attempt before ended (the clock stood still while it ran).
                let second = try await Self.expectAttempt(2, after: ManualClock.instant("2026-11-25T10:00"), backoff: 20, daemon)
                _ = try await Self.expectAttempt(3, after: second, backoff: 40, daemon)
                let flaky = try await daemon.runs(of: "flaky")
                #expect(flaky.map(\.outcome) == [.retrying, .retrying, .failed])
                #expect(Set(flaky.map(\.runID)).count == 3, "each attempt has its own run id")

                // An hour later (the longest backoff there is), neither task has run again.
                await clock.advance(to: "2026-11-25T11:00:01")
                #expect(try await daemon.runs(of: "flaky").count == 3)
                #expect(try await daemon.runs(of: "fatal").count == 1, "exit 2 was retried")
            }
        }

        /// `run-now --wait` follows its run through retries; when the retry is skipped (a manual
        /// run of the task holds it, overlap: skip), the waiting client gets that answer.
        @Test func aWaitedRunWhoseRetryIsSkippedStillGetsAnAnswer() async throws {
            let clock = ManualClock("2026-11-25T12:00")
            let config = Clocked.header() + """
                    chain:
                      command: ["/bin/sh", "-c", "if [ -e {{DIR}}/flag ]; then while [ ! -e {{DIR}}/release ]; do sleep 0.02; done; exit 0; fi; touch {{DIR}}/flag; exit 1"]
                      at: "03:00"
                      days: every_day
                      retries: 1
                      retry_backoff_seconds: 5

                """
            try await ClockedDaemon.with(config, at: clock) { daemon in
                // The first run fails: its retry is due 5 s ±25 % later.
                let waiting = Task { try await daemon.v6ctl(["run-now", "chain", "--wait"]) }
                let first = try await daemon.waitForRuns(of: "chain") { $0.first?.outcome == .retrying }
                let retryAt = try #require(Clocked.retryInstant(of: first.first), "\(first.map(ClockedDaemon.describe))")

                // A manual run holds the task when the retry comes due.
                let manual = try await daemon.v6ctl(["run-now", "chain", "--json"])
                #expect(manual.status == 0, "\(manual.stderr)")
                #expect(try JSONDecoder().decode(RunInfo.self, from: Data(manual.stdout.utf8)).outcome == .running)
                await clock.advance(to: retryAt)

                let waited = try await waiting.value
                #expect(waited.status == 1, "exit \(waited.status): \(waited.stdout) \(waited.stderr)")
                #expect(waited.stderr.contains("chain: skipped"), "\(waited.stderr)")
                let runs = try await daemon.runs(of: "chain")
                #expect(runs.map(\.trigger) == [.manual, .manual, .retry], "\(runs.map(ClockedDaemon.describe))")
                #expect(runs.last?.outcome == .skipped)

                try daemon.directory.write("release", "")
                let done = try await daemon.waitForRuns(of: "chain") { $0.contains { $0.trigger == .manual && $0.outcome == .success } }
                #expect(done.filter { $0.outcome == .success }.count == 1)
            }
        }
    }
}
