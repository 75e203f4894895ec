import Foundation
import Testing
import TestSupport

/// The smallest end-to-end check: a daemon starts, answers, runs a task on demand, stops.
@Suite(.serialized) struct DaemonSmokeTests {
    static let config = """
        scheduler:
          working_directory: "{{DIR}}"
          state_directory: "{{DIR}}/state"
          control_socket: "{{DIR}}/control.sock"
          tasks:
            echo_task:
              command: ["/bin/sh", "-c", "echo hello from $V6_TASK run $V6_RUN_ID trigger $V6_TRIGGER; exit 3"]
              at: "03:00"
              days: every_day
        """

    @Test func startsRunsATaskOnDemandAndStopsCleanly() throws {
        let daemon = try DaemonHarness(config: Self.config)
        try daemon.start()
        let run = try daemon.v6ctl(["run-now", "echo_task", "--wait"])
        #expect(run.status == 3)  // the task's own exit code
        #expect(run.stdout.contains("hello from echo_task run"))
        #expect(run.stdout.contains("trigger manual"))
        let history = try daemon.v6ctl(["history", "echo_task", "--json"])
        let runs = try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [String: Any]
        let first = (runs?["runs"] as? [[String: Any]])?.first
        #expect(first?["outcome"] as? String == "failed")
        #expect(first?["exit_code"] as? Int == 3)
        #expect(daemon.stop() == 0)
        #expect(daemon.log.contains("v6-scheduler stopped"))
    }
}
