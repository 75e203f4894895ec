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

        @Test func retriesComeAtTheirBackoffAndExitTwoIsNeverRetried() async throws {
            let clock = ManualClock("2026-11-25T09:59:30")
            try await ClockedDaemon.with(Self.config, at: clock) { daemon in
                await clock.advance(to: "2026-11-25T10:00")
                let ten = ManualClock.instant("2026-11-25T10:00")
                var flaky = try await daemon.waitForFinishedRuns(of: "flaky", count: 1)
                let fatal = try await daemon.waitForFinishedRuns(of: "fatal", count: 1)
                #expect(fatal.map(\.outcome) == [.fatal])
                #expect(fatal.first?.exitCode == 2)
                #expect(flaky.map(\.outcome) == [.retrying])

                // Attempt 2: 20 s ±25 % after attempt 1 ended (at 10:00:00: the clock stood still).
                let second = try #require(Clocked.retryInstant(of: flaky.last), "\(flaky.map(ClockedDaemon.describe))")
                #expect((15...25).contains(second - ten), "attempt 2 at \(second - ten) s after attempt 1")
                await clock.advance(to: second - 1)
                #expect(try await daemon.runs(of: "flaky").count == 1, "attempt 2 started before its instant")
                await clock.advance(to: second)
                flaky = try await daemon.waitForFinishedRuns(of: "flaky", count: 2)
                #expect(flaky.last?.trigger == .retry)
                #expect(flaky.last?.attempt == 2)
                #expect(flaky.last?.startedAt == ZoneRules.newYork.iso8601(second))
                #expect(flaky.last?.scheduledAt == Clocked.iso("2026-11-25T10:00"), "a retry keeps its slot")

                // Attempt 3: 40 s ±25 % after attempt 2.
                let third = try #require(Clocked.retryInstant(of: flaky.last), "\(flaky.map(ClockedDaemon.describe))")
                #expect((30...50).contains(third - second), "attempt 3 at \(third - second) s after attempt 2")
                await clock.advance(to: third - 1)
                #expect(try await daemon.runs(of: "flaky").count == 2, "attempt 3 started before its instant")
                await clock.advance(to: third)
                flaky = try await daemon.waitForFinishedRuns(of: "flaky", count: 3)
                #expect(flaky.map(\.outcome) == [.retrying, .retrying, .failed])
                #expect(flaky.map(\.attempt) == [1, 2, 3])
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
