import Foundation
import Testing
import TestSupport

/// Shared pieces of the end-to-end tests: ET wall times for `at:` tasks, polling, and the
/// daemon's answers as JSON.
enum E2E {
    static let newYork = TimeZone(identifier: "America/New_York")!

    /// The config header every end-to-end test starts from (state, socket and work in the temp dir).
    static let header = """
        scheduler:
          working_directory: "{{DIR}}"
          state_directory: "{{DIR}}/state"
          control_socket: "{{DIR}}/control.sock"
          tasks:

        """

    /// A task that runs every second, every day (its `lateness_ms` shows whether the daemon keeps time).
    static let ticker = """
            e2e_ticker:
              command: ["/bin/true"]
              frequency: "1s"
              market_phase: any
              days: every_day

        """

    /// An ET wall time `seconds` from now, as `HH:MM:SS` for `at:`, and that instant as the
    /// daemon writes it (`2026-11-27T09:30:05-05:00`). Whole seconds, like the daemon's clock.
    static func wallTime(secondsFromNow seconds: Int) -> (at: String, iso: String) {
        let instant = Date(timeIntervalSince1970: (Date().timeIntervalSince1970.rounded(.down) + Double(seconds)))
        return (format(instant, "HH:mm:ss"), format(instant, "yyyy-MM-dd'T'HH:mm:ssxxx"))
    }

    /// The ET weekday `days` days from today, as `days:` spells it (`monday`).
    static func weekday(daysFromToday days: Int) -> String {
        format(Date().addingTimeInterval(Double(days) * 86_400 + 0), "EEEE").lowercased()
    }

    static func format(_ date: Date, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = newYork
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }

    /// Polls `condition` every `interval` s until it holds (true) or `timeout` s pass (false).
    @discardableResult
    static func poll(timeout: Double = 20, interval: Double = 0.1, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if try condition() { return true }
            if Date() >= deadline { return false }
            Thread.sleep(forTimeInterval: interval)
        }
    }

    /// An executable shell script in `directory`.
    @discardableResult
    static func script(_ directory: TemporaryDirectory, _ name: String, _ body: String) throws -> String {
        try directory.write(name, "#!/bin/sh\n" + body + "\n", mode: 0o755)
    }
}

extension DaemonHarness {
    /// `v6ctl ARGS --json`, which must exit 0; its stdout as one JSON object.
    func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try v6ctl(arguments + ["--json"])
        guard result.status == 0 else {
            throw HarnessError("v6ctl \(arguments.joined(separator: " ")) --json exited \(result.status): \(result.stderr)\(result.stdout)")
        }
        return try JSONText.object(result.stdout)
    }

    /// The task's runs, newest first (`history TASK --limit N --json`).
    func runs(of task: String? = nil, limit: Int = 1000) throws -> [[String: Any]] {
        try json(["history"] + (task.map { [$0] } ?? []) + ["--limit", String(limit)])["runs"] as? [[String: Any]] ?? []
    }

    /// The task's runs that have ended with an outcome other than `running`/`queued`, oldest first.
    func finishedRuns(of task: String) throws -> [[String: Any]] {
        try runs(of: task).filter { !["running", "queued"].contains($0["outcome"] as? String ?? "") }.reversed()
    }

    /// `status --json`'s entry for one task.
    func taskStatus(_ task: String) throws -> [String: Any]? {
        (try json(["list", "--filter", task])["tasks"] as? [[String: Any]])?.first { $0["name"] as? String == task }
    }

    /// Waits until the task has at least `count` finished runs; returns them (oldest first).
    func waitForRuns(of task: String, count: Int, timeout: Double = 20) throws -> [[String: Any]] {
        var runs: [[String: Any]] = []
        E2E.poll(timeout: timeout, interval: 0.2) {
            runs = (try? finishedRuns(of: task)) ?? runs
            return runs.count >= count
        }
        return runs
    }

    /// The daemon's log lines that contain every one of `fragments`.
    func logLines(containing fragments: String...) -> [String] {
        log.split(separator: "\n").map(String.init).filter { line in fragments.allSatisfy(line.contains) }
    }
}
