import Foundation
import Testing
import TestSupport

/// Small things an operator trips over, against the real daemon: `v6ctl` arguments, exit codes,
/// `logs` without a journal, and how long a stubborn task takes to stop.
@Suite(.serialized) struct E2EOperatorTests {
    /// `v6ctl history --limit -1` says what is wrong with -1 (not "Missing value"); so do
    /// `next --limit` and `logs -n`. No daemon is needed to refuse them.
    @Test(arguments: [
        (["history", "--limit", "-1"], "--limit must be between 1 and 10000, not -1"),
        (["next", "--limit", "-5"], "--limit must be between 1 and 10000, not -5"),
        (["logs", "x", "-n", "-2"], "-n must be 0 or more lines, not -2"),
    ])
    func negativeCountsAreNamed(_ arguments: [String], _ message: String) throws {
        let result = try Command.run("v6ctl", arguments + ["--socket", "/nonexistent/v6.sock"])
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    /// A program that cannot start (outcome `fatal`) is not a task that exited 1: `run-now --wait`
    /// exits 127, as a shell does for a command it cannot run.
    @Test func runNowWaitOfAProgramThatCannotStartExits127() throws {
        let daemon = try DaemonHarness(config: E2E.header + """
                missing:
                  command: ["/nonexistent/v6-program"]
                  at: "04:00"
                  days: every_day
                fails:
                  command: ["/bin/sh", "-c", "exit 1"]
                  at: "04:00"
                  days: every_day

            """)
        try daemon.start()
        defer { daemon.stop() }
        let missing = try daemon.v6ctl(["run-now", "missing", "--wait"])
        #expect(missing.status == 127, "exit \(missing.status): \(missing.stderr)")
        #expect(missing.stderr.contains("fatal") && missing.stderr.contains("/nonexistent/v6-program"), "\(missing.stderr)")
        #expect(try daemon.v6ctl(["run-now", "fails", "--wait"]).status == 1)
    }

    /// timeout_seconds: 2 and kill_grace_seconds: 1 for a task that ignores SIGTERM: SIGTERM two
    /// seconds after it started, SIGKILL one second later; not a second more.
    @Test func aStubbornTaskIsKilledAtTimeoutPlusGrace() throws {
        let at = E2E.wallTime(secondsFromNow: 3)
        let daemon = try DaemonHarness(config: E2E.header + """
                stubborn:
                  command: ["/bin/sh", "-c", "trap '' TERM; sleep 30"]
                  at: "\(at.at)"
                  days: every_day
                  timeout_seconds: 2
                  kill_grace_seconds: 1

            """)
        try daemon.start()
        defer { daemon.stop() }
        let runs = try daemon.waitForRuns(of: "stubborn", count: 1, timeout: 30)
        let run = try #require(runs.first)
        #expect(run["outcome"] as? String == "timeout")
        let took = run["duration_ms"] as? Int ?? 0
        #expect(took >= 2900 && took < 3500, "the run took \(took) ms; 2 s of timeout and 1 s of grace make 3000")
    }

    /// Without a journal (none runs here), `logs -n N` shows N lines in all (not N per run), and
    /// `-f` goes on printing each run's output as the run finishes, until it is killed.
    @Test func logsWithoutAJournalCountsLinesInAllAndFollows() throws {
        let daemon = try DaemonHarness(config: E2E.header + """
                chatty:
                  command: ["/bin/sh", "-c", "echo first line of $V6_RUN_ID; echo second line of $V6_RUN_ID"]
                  frequency: "1s"
                  market_phase: any
                  days: every_day

            """)
        try daemon.start()
        defer { daemon.stop() }
        _ = try daemon.waitForRuns(of: "chatty", count: 3)
        let three = try daemon.v6ctl(["logs", "chatty", "-n", "3"])
        #expect(three.status == 0, "\(three.stderr)")
        let output = three.stdout.split(separator: "\n").filter { $0.contains(" line of ") }
        #expect(output.count == 3, "\(three.stdout)")
        #expect(output.last.map { $0.hasPrefix("second line of ") } == true, "the newest line comes last: \(three.stdout)")

        // Its output goes to a file the test reads as it grows (no pipe to block on).
        let outputPath = daemon.directory.file("follow.out")
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        let follower = Process()
        follower.executableURL = URL(fileURLWithPath: Command.path(of: "v6ctl"))
        follower.arguments = ["--socket", daemon.socketPath, "logs", "chatty", "-f", "-n", "2"]
        follower.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        follower.standardError = FileHandle.nullDevice
        try follower.run()
        let pid = follower.processIdentifier
        defer { if ProcessProbe.isAlive(pid) { kill(pid, SIGKILL) } }
        let printed = { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }
        // Runs that finished after it started keep coming, each under its own header.
        let runIDs = {
            printed().split(separator: "\n").filter { $0.hasPrefix("-- run ") }.compactMap { Int($0.split(separator: " ")[2]) }
        }
        let first = try #require(E2E.poll(timeout: 10) { !runIDs().isEmpty } ? runIDs().max() : nil, "logs -f printed nothing")
        #expect(E2E.poll(timeout: 20) { runIDs().filter { $0 > first }.count >= 3 }, "logs -f did not follow: \(printed())")
        #expect(ProcessProbe.isAlive(pid), "logs -f exited on its own")
        #expect(runIDs() == runIDs().sorted() && Set(runIDs()).count == runIDs().count, "runs out of order or twice: \(runIDs())")
        // SIGKILL: spawned from a test's worker thread, it inherited that thread's blocked SIGTERM.
        kill(pid, SIGKILL)
        #expect(E2E.poll(timeout: 10) { !ProcessProbe.isAlive(pid) })
    }
}
