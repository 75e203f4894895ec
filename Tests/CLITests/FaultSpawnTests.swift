import Foundation
import Testing
import TestSupport

extension FaultTests {
    /// Tasks that cannot start: a missing executable, a script without execute permission, a
    /// working directory that is gone. Each run ends `fatal` with the reason in the history, and
    /// is not retried (retrying cannot help: `retries: 3` must still give one run per occurrence).
    @Suite struct SpawnFailures {
        static func task(_ name: String, _ command: String) -> String {
            """
                \(name):
                  command: \(command)
                  frequency: "2s"
                  market_phase: any
                  days: every_day
                  timeout_seconds: 10
                  retries: 3
                  retry_backoff_seconds: 1

            """
        }

        static let config = Fault.header()
            + task("missing_exe", "[\"{{DIR}}/bin/no-such-program\", \"--flag\"]")
            + task("no_exec", "[\"{{DIR}}/bin/not-executable.sh\"]")

        /// Checks `task`'s history: only scheduled runs, one per occurrence, all fatal with a reason
        /// containing `why`. Returns how many occurrences there were.
        static func checkFatalOnce(_ daemon: DaemonHarness, _ task: String, why: [String]) throws -> Int {
            let runs = try Fault.history(daemon, task)
            let triggers = Set(runs.compactMap { $0["trigger"] as? String })
            #expect(triggers == ["schedule"], "\(task): only scheduled runs, no retries: \(triggers)")
            var perOccurrence: [String: Int] = [:]
            for run in runs { perOccurrence[run["scheduled_at"] as? String ?? "?", default: 0] += 1 }
            #expect(perOccurrence.values.allSatisfy { $0 == 1 }, "\(task): one run per occurrence: \(perOccurrence)")
            for run in runs {
                let reason = run["reason"] as? String ?? ""
                #expect(run["outcome"] as? String == "fatal", "\(task): run \(run["run_id"] ?? "?") is \(run["outcome"] ?? "?")")
                #expect(why.allSatisfy { reason.contains($0) }, "\(task): the reason names the cause \(why): \(reason)")
                #expect(run["attempt"] as? Int == 1, "\(task): first attempt only")
            }
            print("FIGURE: spawn-failure \(task): occurrences=\(perOccurrence.count) runs=\(runs.count) reason=\"\(runs.first?["reason"] as? String ?? "-")\"")
            return perOccurrence.count
        }

        @Test func missingOrNonExecutableProgramIsFatalWithoutRetries() throws {
            let daemon = try DaemonHarness(config: Self.config, label: "v6fault-spawn")
            try daemon.directory.write("bin/not-executable.sh", "#!/bin/sh\necho should not run\n", mode: 0o644)
            try daemon.start()
            defer { daemon.stop() }
            // Three occurrences each (2 s apart): with retries at 1 s backoff, retries would show by then.
            #expect(waitUntil(timeout: 30, interval: 0.5) {
                ((try? Fault.history(daemon, "missing_exe").count) ?? 0) >= 3
                    && ((try? Fault.history(daemon, "no_exec").count) ?? 0) >= 3
            })
            // No wait for retries is needed: `fatal` is the verdict given when the attempt ended; a
            // run that would be retried is recorded `retrying` instead (and DaemonTests'
            // ClockedDaemonTests.Retries checks that exit 2 is not retried an hour later).
            let missing = try Self.checkFatalOnce(daemon, "missing_exe", why: ["no-such-program"])
            let noExec = try Self.checkFatalOnce(daemon, "no_exec", why: ["not-executable.sh"])
            #expect(missing >= 3 && noExec >= 3)
            let errors = LogScan.lines(in: daemon.logPath, containing: "cannot start").filter { $0.level == "error" }
            #expect(!errors.isEmpty, "the daemon logs spawn failures at error level")
            #expect(daemon.stop() == 0)
        }

        @Test func missingWorkingDirectoryIsFatalWithoutRetries() throws {
            let config = Fault.header(workingDirectory: "{{DIR}}/work") + Self.task("in_workdir", "[\"/bin/true\"]")
            let daemon = try DaemonHarness(config: config, label: "v6fault-cwd")
            let work = daemon.directory.file("work")
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            try daemon.start()
            defer { daemon.stop() }
            // The folder goes away under a running daemon (a deploy removed it, a mount dropped).
            try FileManager.default.removeItem(atPath: work)
            let removedAt = Date()
            #expect(waitUntil(timeout: 30, interval: 0.5) {
                ((try? Fault.history(daemon, "in_workdir"))?.filter { $0["outcome"] as? String == "fatal" }.count ?? 0) >= 3
            })
            // As above: every run's outcome is final when it is recorded; no wait for retries.
            // Runs before the removal succeeded; every run after it is fatal, once per occurrence.
            let runs = try Fault.history(daemon, "in_workdir")
            let failed = runs.filter { $0["outcome"] as? String != "success" }
            #expect(runs.filter { $0["trigger"] as? String != "schedule" }.isEmpty, "no retries")
            for run in failed {
                let reason = run["reason"] as? String ?? ""
                #expect(run["outcome"] as? String == "fatal")
                #expect(reason.contains(work), "the reason names the folder: \(reason)")
            }
            var perOccurrence: [String: Int] = [:]
            for run in runs { perOccurrence[run["scheduled_at"] as? String ?? "?", default: 0] += 1 }
            #expect(perOccurrence.values.allSatisfy { $0 == 1 }, "one run per occurrence: \(perOccurrence)")
            print("FIGURE: spawn-failure in_workdir (folder removed \(String(format: "%.0f", Date().timeIntervalSince(removedAt))) s ago): fatal_runs=\(failed.count) occurrences=\(perOccurrence.count) reason=\"\(failed.first?["reason"] as? String ?? "-")\"")
            #expect(daemon.stop() == 0)
        }
    }
}
