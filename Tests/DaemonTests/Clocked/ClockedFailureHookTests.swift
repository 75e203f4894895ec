import ControlProtocol
import Foundation
import Testing
import TestSupport

extension ClockedDaemonTests {
    /// `on_failure` (docs/configuration.md): once after a run's final failed attempt, with the
    /// run's identity and its output tail in a file; not after an attempt that will be retried,
    /// not for a task with `on_failure: []`, not for runs abandoned at shutdown.
    @Suite struct FailureHook {
        /// The hook writes what it was given, then waits for `hooks-go`: a hook that was started
        /// is still there to be found until the test lets it end. The tail is copied under another
        /// name and renamed: the test waits for the file to appear, and the shell creates it
        /// (empty) before `cat` has run.
        static let config = Clocked.header("""
            on_failure: ["/bin/sh", "-c", "env > {{DIR}}/hook-$V6_RUN_ID.env; cat \\"$V6_OUTPUT_FILE\\" > {{DIR}}/tail.tmp-$V6_RUN_ID; mv {{DIR}}/tail.tmp-$V6_RUN_ID {{DIR}}/hook-$V6_RUN_ID.tail; while [ ! -e {{DIR}}/hooks-go ]; do sleep 0.02; done"]
            """) + """
                broken:
                  command: ["/bin/sh", "-c", "echo out-line; echo err-line >&2; exit 3"]
                  at: "10:00"
                flaky:
                  command: ["/bin/sh", "-c", "exit 1"]
                  at: "10:00"
                  retries: 1
                  retry_backoff_seconds: 10
                quiet:
                  command: ["/bin/sh", "-c", "exit 3"]
                  at: "10:00"
                  on_failure: []
                long:
                  command: ["/bin/sleep", "300"]
                  at: "10:00"

            """

        @Test func theHookRunsOnceAfterTheFinalFailureWithTheRunsIdentity() async throws {
            let clock = ManualClock("2026-11-25T09:59:50")
            let daemon = try ClockedDaemon(Self.config, clock: clock)
            defer {
                // Hooks outlive a failed test otherwise (they wait for hooks-go).
                for process in ProcessProbe.carriers(withPrefix: "V6_RUN_KEY=\(daemon.stateDirectory)/") { ProcessProbe.kill(process) }
            }
            try await daemon.start()
            do {
                try await Self.check(daemon, clock)
            } catch {
                await daemon.stop()
                throw error
            }
        }

        static func check(_ daemon: ClockedDaemon, _ clock: ManualClock) async throws {
            await clock.advance(to: "2026-11-25T10:00")

            // broken: failed with exit 3, final: the hook runs with its identity and output.
            let broken = try #require(try await daemon.waitForFinishedRuns(of: "broken", count: 1).first)
            let envFile = daemon.directory.file("hook-\(broken.runID).env")
            #expect(await eventually { FileManager.default.fileExists(atPath: daemon.directory.file("hook-\(broken.runID).tail")) },
                    "no hook for the failed run")
            let env = try EnvironmentDump.read(envFile)
            #expect(env["V6_TASK"] == "broken")
            #expect(env["V6_RUN_ID"] == String(broken.runID))
            #expect(env["V6_OUTCOME"] == "failed")
            #expect(env["V6_EXIT_CODE"] == "3")
            #expect(env["V6_SIGNAL"] == "")
            #expect(env["V6_REASON"] == broken.reason)
            let tailFile = try #require(env["V6_OUTPUT_FILE"])
            let tail = try String(contentsOfFile: daemon.directory.file("hook-\(broken.runID).tail"), encoding: .utf8)
            #expect(tail.split(separator: "\n").sorted() == ["err-line", "out-line"], "\(tail)")
            #expect((try? FileManager.default.attributesOfItem(atPath: tailFile)[.posixPermissions] as? Int) == 0o600)

            // flaky: attempt 1 will be retried, so no hook yet (one would still be waiting now).
            let first = try #require(try await daemon.waitForFinishedRuns(of: "flaky", count: 1).first)
            #expect(first.outcome == .retrying)
            #expect(Clocked.carriers(of: first.runID, in: daemon).isEmpty, "a hook ran for an attempt that is retried")
            // quiet: failed, but on_failure: [] turns the default off.
            let quiet = try #require(try await daemon.waitForFinishedRuns(of: "quiet", count: 1).first)
            #expect(quiet.outcome == .failed)
            #expect(Clocked.carriers(of: quiet.runID, in: daemon).isEmpty, "a hook ran for a task with on_failure: []")

            // flaky's last attempt fails: now its hook runs, once, for that attempt.
            await clock.advance(to: try #require(Clocked.retryInstant(of: first)))
            let last = try #require(try await daemon.waitForFinishedRuns(of: "flaky", count: 2).last)
            #expect(last.outcome == .failed && last.attempt == 2)
            #expect(await eventually { FileManager.default.fileExists(atPath: daemon.directory.file("hook-\(last.runID).tail")) })
            #expect(try EnvironmentDump.read(daemon.directory.file("hook-\(last.runID).env"))["V6_RUN_ID"] == String(last.runID))

            // Let the hooks end: their output files go with them.
            try daemon.directory.write("hooks-go", "")
            #expect(await eventually { daemon.logMessages(containing: "on_failure hook exited with code 0").count == 2 })
            #expect(!FileManager.default.fileExists(atPath: tailFile), "the output file outlived its hook")
            #expect(daemon.logMessages(containing: "on_failure hook").count == 2, "\(daemon.logText)")

            // long: abandoned at shutdown, which is not a failure: no hook.
            let long = try #require(try await daemon.runs(of: "long").first)
            #expect(long.outcome == .running)
            #expect(await daemon.stop() == 0)
            #expect(Clocked.carriers(of: long.runID, in: daemon).isEmpty, "a hook ran for a run abandoned at shutdown")
            let hooks = try FileManager.default.contentsOfDirectory(atPath: daemon.directory.path).filter { $0.hasSuffix(".env") }
            #expect(hooks.sorted() == ["hook-\(broken.runID).env", "hook-\(last.runID).env"].sorted())
        }
    }
}
