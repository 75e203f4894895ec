import ControlProtocol
import Foundation
import Testing
import TestSupport

extension ClockedDaemonTests {
    /// What happens when a run is still going at its task's next occurrence (`overlap`), and when
    /// more runs are due than `max_concurrent_tasks` allows, with real processes.
    @Suite struct Overlap {
        static func task(_ name: String, overlap: String, command: String = Clocked.heldUntilReleased) -> String {
            """
                \(name):
                  command: \(command)
                  frequency: "1min"
                  market_phase: any
                  days: every_day
                  timeout_seconds: 600
                  overlap: \(overlap)

            """
        }

        @Test func replaceStopsTheRunningProcessAndStartsTheNewOccurrence() async throws {
            let clock = ManualClock("2026-11-25T10:00:30")
            let config = Clocked.header() + Self.task("replacer", overlap: "replace",
                command: #"["/bin/sh", "-c", "echo $$ > {{DIR}}/pid-$V6_RUN_ID; exec sleep 300"]"#)
            try await ClockedDaemon.with(config, at: clock) { daemon in
                await clock.advance(to: "2026-11-25T10:01")
                let first = try #require(try await daemon.runs(of: "replacer").first)
                #expect(first.outcome == .running)
                #expect(await eventually { ProcessProbe.pidFile(daemon.directory.file("pid-\(first.runID)")) != nil })
                let firstProcess = try #require(ProcessProbe.pidFile(daemon.directory.file("pid-\(first.runID)")).flatMap(ProcessProbe.identity))

                // 10:02: the 10:01 run is stopped (SIGTERM) and the 10:02 one starts once it is gone.
                await clock.advance(to: "2026-11-25T10:02")
                let runs = try await daemon.waitForRuns(of: "replacer") { $0.count == 2 && $0[0].outcome != .running }
                #expect(runs.first?.outcome == .failed)
                #expect(runs.first?.reason?.contains("replaced by a newer occurrence") == true, "\(runs.map(ClockedDaemon.describe))")
                #expect(runs.first?.signal == 15)
                #expect(runs.last?.outcome == .running)
                #expect(runs.last?.scheduledAt == Clocked.iso("2026-11-25T10:02"))
                #expect(!ProcessProbe.isAlive(firstProcess), "the replaced run's process is still alive")
                let second = try #require(runs.last)
                #expect(await eventually { ProcessProbe.pidFile(daemon.directory.file("pid-\(second.runID)")) != nil })
                let secondProcess = ProcessProbe.pidFile(daemon.directory.file("pid-\(second.runID)")).flatMap(ProcessProbe.identity)
                #expect(secondProcess.map(ProcessProbe.isAlive) == true)

                // Stopping the daemon ends the running one: abandoned, its process gone. A daemon
                // started again within the same second finds the 10:02 slot claimed and skips it.
                #expect(await daemon.stop() == 0)
                #expect(secondProcess.map(ProcessProbe.isAlive) == false)
                try await daemon.start()
                let after = try await daemon.waitForFinishedRuns(of: "replacer", count: 3)
                #expect(after.map(\.outcome) == [.failed, .abandoned, .skipped], "\(after.map(ClockedDaemon.describe))")
                #expect(after.last?.reason?.contains("this slot already ran") == true)
            }
        }

        @Test func queueStartsOneWaitingOccurrenceWhenTheRunningOneEnds() async throws {
            let clock = ManualClock("2026-11-25T10:00:30")
            try await ClockedDaemon.with(Clocked.header() + Self.task("queued", overlap: "queue"), at: clock) { daemon in
                await clock.advance(to: "2026-11-25T10:01")
                let first = try #require(try await daemon.runs(of: "queued").first)
                // 10:02 waits behind it; 10:03 finds one waiting already and is skipped.
                await clock.advance(to: "2026-11-25T10:02")
                #expect(try await daemon.runs(of: "queued").count == 1, "the 10:02 run started beside the 10:01 one")
                #expect(!daemon.logMessages(containing: "queued: waiting for the running run (overlap: queue)").isEmpty)
                await clock.advance(to: "2026-11-25T10:03:10")
                var runs = try await daemon.runs(of: "queued")
                #expect(runs.map(\.outcome) == [.running, .skipped], "\(runs.map(ClockedDaemon.describe))")
                #expect(runs.last?.scheduledAt == Clocked.iso("2026-11-25T10:03"))
                #expect(runs.last?.reason?.contains("already waiting") == true)

                // The 10:01 run ends at 10:03:10: the 10:02 occurrence starts then.
                try Clocked.release(first.runID, in: daemon)
                runs = try await daemon.waitForRuns(of: "queued") { $0.count == 3 && $0[0].outcome == .success }
                #expect(runs.map(\.outcome) == [.success, .skipped, .running], "\(runs.map(ClockedDaemon.describe))")
                #expect(runs.last?.scheduledAt == Clocked.iso("2026-11-25T10:02"))
                #expect(runs.last?.startedAt == Clocked.iso("2026-11-25T10:03:10"))
                try Clocked.release(try #require(runs.last).runID, in: daemon)
                try await daemon.waitForFinishedRuns(of: "queued", count: 3)
            }
        }

        @Test func maxConcurrentTasksHoldsRunsBackAndStartsThemInOrder() async throws {
            let clock = ManualClock("2026-11-25T09:59:50")
            var config = Clocked.header("max_concurrent_tasks: 2")
            for name in ["c0", "c1", "c2", "c3"] {
                config += """
                        \(name):
                          command: \(Clocked.heldUntilReleased)
                          at: "10:00"
                          timeout_seconds: 300

                    """
            }
            try await ClockedDaemon.with(config, at: clock) { daemon in
                func runs() async throws -> [String: RunInfo] {
                    var byTask: [String: RunInfo] = [:]
                    for name in ["c0", "c1", "c2", "c3"] { byTask[name] = try await daemon.runs(of: name).last }
                    return byTask
                }
                await clock.advance(to: "2026-11-25T10:00")
                // Two run (ties start in name order); the others wait, unrecorded until they start.
                var now = try await runs()
                #expect(now["c0"]?.outcome == .running && now["c1"]?.outcome == .running)
                #expect(now["c2"] == nil && now["c3"] == nil, "\(now.values.map(ClockedDaemon.describe))")
                #expect(daemon.logMessages(containing: "queued: max_concurrent_tasks (2) runs are running").count == 2)

                // c1 ends at 10:00:20: c2 (first in line) takes its place, c3 still waits.
                await clock.advance(to: "2026-11-25T10:00:20")
                try Clocked.release(try #require(now["c1"]).runID, in: daemon)
                try await daemon.waitForRuns(of: "c2") { $0.first?.outcome == .running }
                now = try await runs()
                #expect(now["c1"]?.outcome == .success)
                #expect(now["c2"]?.startedAt == Clocked.iso("2026-11-25T10:00:20"))
                #expect(now["c2"]?.scheduledAt == Clocked.iso("2026-11-25T10:00"))
                #expect(now["c3"] == nil)

                await clock.advance(to: "2026-11-25T10:00:45")
                try Clocked.release(try #require(now["c0"]).runID, in: daemon)
                try await daemon.waitForRuns(of: "c3") { $0.first?.outcome == .running }
                now = try await runs()
                #expect(now["c3"]?.startedAt == Clocked.iso("2026-11-25T10:00:45"))
                for name in ["c2", "c3"] { try Clocked.release(try #require(now[name]).runID, in: daemon) }
                for name in ["c0", "c1", "c2", "c3"] {
                    let done = try await daemon.waitForFinishedRuns(of: name, count: 1)
                    #expect(done.map(\.outcome) == [.success], "\(name)")
                }
            }
        }
    }
}
