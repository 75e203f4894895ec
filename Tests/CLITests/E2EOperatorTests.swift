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

    /// A reload of 40,001 tasks takes seconds to read and check (more in a debug build): the 1 s
    /// task keeps firing on time meanwhile and `status` keeps answering (from the running
    /// configuration), and then the new one is in force at once.
    @Test func aLargeReloadDoesNotStallTheSchedule() throws {
        let daemon = try DaemonHarness(config: E2E.header + E2E.ticker)
        try daemon.start()
        defer { daemon.stop() }
        _ = try daemon.waitForRuns(of: "e2e_ticker", count: 2)
        var large = E2E.header.replacingOccurrences(of: "{{DIR}}", with: daemon.directory.path) + E2E.ticker
        for i in 0..<40_000 { large += "    t\(i): {command: \"true\", at: \"04:00\", days: [sun]}\n" }
        try large.write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        let ticksBefore = LogScan.starts(of: "e2e_ticker", in: daemon.logPath).count
        let started = Date()
        kill(daemon.pid, SIGHUP)
        var statusSeconds: [Double] = []
        while !daemon.log.contains("reloaded (SIGHUP)"), Date().timeIntervalSince(started) < 300 {
            let asked = Date()
            let status = try daemon.v6ctl(["status", "--json"])
            statusSeconds.append(Date().timeIntervalSince(asked))
            #expect(status.status == 0, "status during the reload: \(status.stderr)")
            Thread.sleep(forTimeInterval: 0.2)
        }
        let reloadSeconds = Date().timeIntervalSince(started)
        #expect(daemon.log.contains("reloaded (SIGHUP): 40001 tasks"), "no reload after \(reloadSeconds) s")
        let during = LogScan.starts(of: "e2e_ticker", in: daemon.logPath).dropFirst(ticksBefore)
        let lateness = during.compactMap { $0.value("lateness_ms").flatMap(Double.init) }
        // Behaviour, not speed (a loaded CI machine makes every figure slower): the reload must
        // take long enough to tell, and meanwhile the 1 s task keeps firing and `status` keeps
        // answering, each answer far quicker than the reload (before, both waited for all of it).
        #expect(reloadSeconds >= 2, "the reload took \(reloadSeconds) s: too quick to show a stall; use more tasks")
        #expect(Double(during.count) >= reloadSeconds / 3, "\(during.count) ticks in a \(reloadSeconds) s reload")
        #expect(statusSeconds.count >= 3, "\(statusSeconds.count) status answers in a \(reloadSeconds) s reload")
        // The median: the last answers come after the swap, with all 40,001 tasks to list.
        let median = statusSeconds.sorted()[statusSeconds.count / 2]
        #expect(median < reloadSeconds / 4, "status during the reload took \(median) s (median) of \(reloadSeconds) s")
        print(String(format: "FIGURE: reload of 40,001 tasks: %.1f s; %d status answers meanwhile, max %.2f s; ticker lateness max %.0f ms",
                     reloadSeconds, statusSeconds.count, statusSeconds.max() ?? 0, lateness.max() ?? 0))
    }

    /// The documented limit of the clean-up: a process that leaves the run's process group and
    /// drops V6_RUN_KEY cannot be found, outlives its run, and the daemon says so in its log.
    @Test func aProcessThatEscapesBothMarksIsReported() throws {
        let daemon = try DaemonHarness(config: E2E.header + """
                escapes:
                  command: ["/bin/sh", "-c", "(setsid env -u V6_RUN_KEY sh -c 'echo $$ > {{DIR}}/escaped.pid; exec sleep 300' &); sleep 0.2"]
                  at: "04:00"
                  days: every_day

            """)
        try daemon.start()
        defer { daemon.stop() }
        let run = try daemon.v6ctl(["run-now", "escapes", "--wait"])
        #expect(run.status == 0, "\(run.stderr)")
        let pidFile = daemon.directory.file("escaped.pid")
        let escaped = try #require(ProcessProbe.pidFile(pidFile).flatMap(ProcessProbe.identity), "no escaped process")
        defer { ProcessProbe.kill(escaped) }
        #expect(daemon.waitForLog("a process of this run outlived it"))
        #expect(ProcessProbe.isAlive(escaped), "documented: it outlives its run")
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
