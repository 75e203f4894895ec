import Foundation
import Testing
import TestSupport

/// kill -9 of the daemon in the middle of a run, then a restart.
///
/// What happens to the task: it runs in its own session and process group, so the daemon's
/// death does not touch it; it is reparented (to PID 1 here) and runs on. Under systemd,
/// KillMode=mixed ends it with the unit. Here the restarted daemon records the run as
/// `abandoned` and ends its leftovers (SIGTERM, SIGKILL after the grace).
@Suite(.serialized) struct E2ECrashTests {
    static let config = E2E.header + """
            e2e_long:
              command: ["/bin/sh", "-c", "echo $$ > {{DIR}}/long.tmp; mv {{DIR}}/long.tmp {{DIR}}/long.pid; exec sleep 300"]
              at: "03:00"
              days: every_day
            e2e_toggled:
              command: ["/bin/true"]
              at: "03:00"
              days: every_day

        """

    @Test func aRunCutShortByKill9IsAbandonedAndTogglesStay() throws {
        let daemon = try DaemonHarness(config: Self.config)
        try daemon.start()
        #expect(try daemon.v6ctl(["disable", "e2e_toggled"]).status == 0)

        let started = try daemon.json(["run-now", "e2e_long"])
        let runID = try #require(started["run_id"] as? Int)
        let pidFile = daemon.directory.file("long.pid")
        #expect(E2E.poll(timeout: 10) { ProcFS.pid(fromFile: pidFile) != nil })
        let group = try #require(ProcFS.pid(fromFile: pidFile))
        defer {
            // The orphaned task: its group leader's pid is the group id (setsid at spawn).
            kill(-group, SIGKILL)
            #expect(E2E.poll(timeout: 5) { !ProcFS.isRunning(group) }, "task group \(group) survived SIGKILL")
        }

        daemon.crash()
        #expect(ProcFS.isRunning(group), "the task did not outlive the daemon")
        #expect(ProcFS.entry(group)?.parent != daemon.pid)

        try daemon.start()
        defer { daemon.stop() }
        let run = try #require(try daemon.runs(of: "e2e_long").first { $0["run_id"] as? Int == runID })
        #expect(run["outcome"] as? String == "abandoned", "\(run)")
        #expect(!daemon.logLines(containing: "[e2e_long run=\(runID)]", "abandoned").isEmpty, "\(daemon.log)")
        #expect(try daemon.taskStatus("e2e_long")?["running"] as? Bool == false)

        let toggled = try #require(try daemon.taskStatus("e2e_toggled"))
        #expect(toggled["enabled"] as? Bool == false)
        #expect(toggled["enabled_source"] as? String == "runtime")

        // Run ids go on counting after the crash.
        let next = try daemon.json(["run-now", "e2e_toggled"])
        #expect((next["run_id"] as? Int ?? 0) > runID)
        // The restarted daemon ends what the abandoned run left behind (found by its V6_RUN_KEY).
        #expect(E2E.poll(timeout: 20) { !ProcFS.isRunning(group) }, "the orphan of the abandoned run survived the restart")
        #expect(daemon.waitForLog("leftover process(es) of the abandoned run"))
    }
}
