import Foundation
import Testing
import TestSupport

extension FaultTests {
    /// Two daemons on one machine (staging beside production, or test suites side by side):
    /// run ids count up from 1 in each, so the clean-up must not take another daemon's run 1
    /// for its own. (Before V6_RUN_KEY, daemon B's run 1 ending SIGTERMed daemon A's run 1.)
    @Suite struct Isolation {
        static func config(seconds: Int) -> String {
            Fault.header() + """
                    job:
                      command: ["/bin/sh", "-c", "echo $$ > {{DIR}}/job.pid; sleep \(seconds)"]
                      at: "03:00"
                      days: [saturday]
                      timeout_seconds: 120

                """
        }

        @Test func aRunEndingInOneDaemonLeavesTheSameRunIDOfAnotherAlone() throws {
            let long = try DaemonHarness(config: Self.config(seconds: 60), label: "v6fault-iso-a")
            let short = try DaemonHarness(config: Self.config(seconds: 1), label: "v6fault-iso-b")
            try long.start()
            defer { long.stop() }
            try short.start()
            defer { short.stop() }

            let started = try long.v6ctl(["run-now", "job", "--force"])
            #expect(started.status == 0, "\(started.stderr)")
            #expect(waitUntil(timeout: 10) { ProcessProbe.pidFile(long.directory.file("job.pid")) != nil })
            guard let pid = ProcessProbe.pidFile(long.directory.file("job.pid")), let victim = ProcessProbe.identity(pid) else {
                Issue.record("the long job did not start")
                return
            }
            defer { ProcessProbe.kill(victim) }

            // The same run id in the other daemon, which ends (and is cleaned up) after 1 s.
            let other = try short.v6ctl(["run-now", "job", "--force", "--wait"])
            #expect(other.status == 0, "\(other.stderr)")
            let ids = try [long, short].map { try Fault.history($0, "job", limit: 1).first?["run_id"] as? Int }
            #expect(ids[0] != nil && ids[0] == ids[1], "both runs have the same id: \(ids)")
            // No wait is needed here: a run counts as finished only once its clean-up has seen
            // every process it signalled exit (SIGKILL after the grace). Had B's clean-up taken
            // A's process for its own, that process would be gone by the time B's --wait answered.
            let survived = ProcessProbe.isAlive(victim)
            #expect(survived, "daemon B's clean-up of its run \(ids[1] ?? 0) killed daemon A's run \(ids[0] ?? 0)")
            #expect(try Fault.history(long, "job", limit: 1).first?["outcome"] as? String == "running")
            print("FIGURE: isolation two daemons, same run id \(ids[0] ?? 0): other daemon's run survived=\(survived)")
            #expect(long.stop() == 0)
            #expect(!ProcessProbe.isAlive(victim), "stopping daemon A ends its own run")
            #expect(short.stop() == 0)
        }
    }
}
