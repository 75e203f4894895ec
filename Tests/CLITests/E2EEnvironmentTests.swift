import Foundation
import Testing
import TestSupport

/// What a task process sees: the V6_* variables, its own `environment`, the working
/// directory, stdin on /dev/null, nothing but fds 0-2, and none of systemd's variables.
@Suite(.serialized) struct E2EEnvironmentTests {
    /// The task's `sh -c` script: it writes what it sees, then becomes `sleep` so that the test
    /// can look at the descriptors of the task process itself from outside (a shell keeps
    /// descriptors of its own around redirections: `ls /proc/$$/fd` from inside would show them).
    static let probe = [
        "env > \"$OUT/env-$V6_RUN_ID.txt\"",
        "pwd > \"$OUT/cwd-$V6_RUN_ID.txt\"",
        "echo $$ > \"$OUT/pid.tmp\"",
        "mv \"$OUT/pid.tmp\" \"$OUT/pid-$V6_RUN_ID\"",
        "exec sleep 2",
    ].joined(separator: "; ")

    @Test func aScheduledTaskSeesItsRunAndNothingElse() throws {
        // Every 3 s around the clock: the first scheduled run comes within 3 s of the start,
        // however long the start took. (Exact slot instants: DaemonTests' ClockedDaemonTests.)
        let daemon = try DaemonHarness(config: """
            scheduler:
              working_directory: "{{DIR}}/work"
              state_directory: "{{DIR}}/state"
              control_socket: "{{DIR}}/control.sock"
              tasks:
                e2e_env:
                  command: ["/bin/sh", "-c", "\(Self.probe.replacingOccurrences(of: "\"", with: "\\\""))"]
                  frequency: "3s"
                  market_phase: any
                  days: every_day
                  timeout_seconds: 60
                  environment:
                    OUT: "{{DIR}}/out"
                    E2E_GREETING: "hello world"
                    E2E_QUOTED: "a=b; 'c'"

            """)
        try FileManager.default.createDirectory(atPath: daemon.directory.file("work"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: daemon.directory.file("out"), withIntermediateDirectories: true)
        // systemd's variables are the daemon's, not the tasks': start it with some set.
        let notify = try NotifySocketListener(path: daemon.directory.file("notify.sock"))
        notify.startDraining()
        defer { notify.stopDraining() }
        try daemon.start(environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "30000000", "E2E_INHERITED": "yes"])
        defer { daemon.stop() }

        // The first scheduled run's process, once it is `sleep`: stdin /dev/null, stdout and
        // stderr the daemon's pipes, nothing else open.
        var first: [String: Any] = [:]
        #expect(E2E.poll(timeout: 20) {
            first = (try? daemon.runs(of: "e2e_env").last) ?? [:]
            return first["run_id"] != nil
        })
        let runID = try #require(first["run_id"] as? Int)
        let pidFile = daemon.directory.file("out/pid-\(runID)")
        #expect(E2E.poll(timeout: 15) { ProcFS.pid(fromFile: pidFile).flatMap(ProcFS.entry)?.command == "sleep" })
        let taskPID = try #require(ProcFS.pid(fromFile: pidFile))
        let fds = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(taskPID)/fd").sorted()
        #expect(fds == ["0", "1", "2"], "open descriptors of the task: \(ProcFS.descriptors(of: taskPID))")
        let targets = try fds.map { try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(taskPID)/fd/\($0)") }
        #expect(targets.first == "/dev/null")
        #expect(targets.dropFirst().allSatisfy { $0.hasPrefix("pipe:") }, "\(targets)")

        let run = try #require(try daemon.waitForRuns(of: "e2e_env", count: 1).first)
        #expect(run["run_id"] as? Int == runID)
        #expect(run["outcome"] as? String == "success", "\(run)")
        #expect(run["trigger"] as? String == "schedule")

        let env = try EnvironmentDump.read(daemon.directory.file("out/env-\(runID).txt"))
        #expect(env["V6_TASK"] == "e2e_env")
        #expect(env["V6_RUN_ID"] == String(runID))
        #expect(env["V6_SCHEDULED_AT"] == run["scheduled_at"] as? String)
        #expect(env["V6_SCHEDULED_AT"]?.wholeMatch(of: #/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[45]:00/#) != nil)
        #expect(["pre_market", "market_open", "after_hours", "closed"].contains(env["V6_MARKET_PHASE"] ?? ""), "\(env["V6_MARKET_PHASE"] ?? "-")")
        #expect(env["V6_ATTEMPT"] == "1")
        #expect(env["V6_TRIGGER"] == "schedule")
        #expect(env["E2E_GREETING"] == "hello world")
        #expect(env["E2E_QUOTED"] == "a=b; 'c'")
        #expect(env["E2E_INHERITED"] == "yes")  // the daemon's own environment passes through
        for systemdOnly in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID"] {
            #expect(env[systemdOnly] == nil, "\(systemdOnly) leaked into the task")
        }

        let cwd = try String(contentsOfFile: daemon.directory.file("out/cwd-\(runID).txt"), encoding: .utf8)
        #expect(cwd == daemon.directory.file("work") + "\n")

        // A manual run: trigger manual, scheduled at its start, attempt 1. (The schedule is
        // turned off first: a scheduled run in progress would make run-now answer busy.)
        #expect(try daemon.v6ctl(["disable", "e2e_env"]).status == 0)
        #expect(E2E.poll(timeout: 20) { (try? daemon.taskStatus("e2e_env")?["running"] as? Bool) == false })
        let manualRun = try daemon.v6ctl(["run-now", "e2e_env", "--wait", "--json"])
        #expect(manualRun.status == 0, "\(manualRun.stderr)\n\(daemon.log)")
        let manualID = try #require(try JSONText.lines(manualRun.stdout).last?["run_id"] as? Int)
        let manual = try EnvironmentDump.read(daemon.directory.file("out/env-\(manualID).txt"))
        #expect(manual["V6_TRIGGER"] == "manual")
        #expect(manual["V6_ATTEMPT"] == "1")
        #expect(manual["V6_SCHEDULED_AT"]?.wholeMatch(of: #/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[45]:00/#) != nil)
        #expect(manual["V6_RUN_ID"] == String(manualID))
    }
}
