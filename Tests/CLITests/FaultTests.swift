import Foundation
import Testing
import TestSupport

/// Fault injection against a real daemon: kill -9, output floods, a full or read-only state
/// directory, broken reloads, tasks that cannot start, a stopped daemon and its watchdog.
///
/// The suites live in `Fault*.swift` as extensions of this one, so they all run one at a time
/// (`.serialized` applies to nested suites): several of them measure timing or memory, which a
/// flood running next door would distort. Each test prints `FIGURE: ...` lines with what it
/// measured (kills, bytes, runs, intervals), for the release notes.
@Suite(.serialized) struct FaultTests {}

/// What the fault tests share: reading `v6ctl ... --json` answers, the task lines of configs.
enum Fault {
    /// `v6ctl history TASK --json --limit N` as run objects, newest first.
    static func history(_ daemon: DaemonHarness, _ task: String, limit: Int = 1000) throws -> [[String: Any]] {
        let result = try daemon.v6ctl(["history", task, "--json", "--limit", "\(limit)"])
        guard result.status == 0, let object = jsonObject(result.stdout), let runs = object["runs"] as? [[String: Any]] else {
            throw HarnessError("v6ctl history \(task) failed (\(result.status)): \(result.stdout) \(result.stderr)")
        }
        return runs
    }

    /// `v6ctl show TASK --json` as an object.
    static func show(_ daemon: DaemonHarness, _ task: String) throws -> [String: Any] {
        let result = try daemon.v6ctl(["show", task, "--json"])
        guard result.status == 0, let object = jsonObject(result.stdout) else {
            throw HarnessError("v6ctl show \(task) failed (\(result.status)): \(result.stdout) \(result.stderr)")
        }
        return object
    }

    /// `v6ctl status --json` as an object.
    static func status(_ daemon: DaemonHarness) throws -> [String: Any] {
        let result = try daemon.v6ctl(["status", "--json"])
        guard result.status == 0, let object = jsonObject(result.stdout) else {
            throw HarnessError("v6ctl status failed (\(result.status)): \(result.stdout) \(result.stderr)")
        }
        return object
    }

    /// `v6ctl list --json` (every task) as an object.
    static func list(_ daemon: DaemonHarness) throws -> [String: Any] {
        let result = try daemon.v6ctl(["list", "--json"])
        guard result.status == 0, let object = jsonObject(result.stdout) else {
            throw HarnessError("v6ctl list failed (\(result.status)): \(result.stdout) \(result.stderr)")
        }
        return object
    }

    /// How many runs of `task` the daemon has logged as started so far.
    static func startCount(_ daemon: DaemonHarness, _ task: String) -> Int {
        LogScan.starts(of: task, in: daemon.logPath).count
    }

    /// Waits until `task` has started `more` runs beyond `count`; true if it did within `timeout`.
    static func waitForStarts(_ daemon: DaemonHarness, _ task: String, beyond count: Int, more: Int = 2,
                              timeout: Double = 20) -> Bool {
        waitUntil(timeout: timeout, interval: 0.2) { startCount(daemon, task) >= count + more }
    }

    /// The scheduler: section every fault config starts with (`{{DIR}}` is the test's folder).
    static func header(workingDirectory: String = "{{DIR}}", extra: String = "") -> String {
        """
        scheduler:
          working_directory: "\(workingDirectory)"
          state_directory: "{{DIR}}/state"
          control_socket: "{{DIR}}/control.sock"
          kill_grace_seconds: 1
          history_limit: 2000
        \(extra)
          tasks:

        """
    }

    /// A task that runs every second around the clock: the proof that scheduling goes on.
    static let tick = """
            tick:
              command: ["/bin/sh", "-c", "exit 0"]
              frequency: "1s"
              market_phase: any
              days: every_day
              timeout_seconds: 10
              overlap: skip

        """
}
