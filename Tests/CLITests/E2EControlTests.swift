import Foundation
import Testing
import TestSupport

/// Every v6ctl command against a real daemon: answers, effects, `--json`, and the exit codes of
/// the contract (0 ok, 1 the request failed, 2 usage, 3 daemon not running).
@Suite(.serialized) struct E2EControlTests {
    /// A weekday that is not today (ET), for a task that must not run today without --force.
    static let otherDay = E2E.weekday(daysFromToday: 1)

    static let config = E2E.header + """
            e2e_ticker:
              command: ["/bin/true"]
              frequency: "1s"
              market_phase: any
              days: every_day
            e2e_hello:
              command: ["/bin/sh", "-c", "echo hello from $V6_TASK; echo complaint >&2"]
              at: "03:00"
              days: every_day
            e2e_off:
              command: ["/bin/true"]
              enabled: false
              at: "03:00"
              days: every_day
            e2e_flaky:
              command: ["/bin/sh", "-c", "echo attempt $V6_ATTEMPT; exit 1"]
              at: "03:00"
              days: every_day
              retries: 1
              retry_backoff_seconds: 1
            e2e_fatal:
              command: ["/bin/sh", "-c", "exit 2"]
              at: "03:00"
              days: every_day
              retries: 2
            e2e_slow:
              command: ["/bin/sleep", "30"]
              at: "03:00"
              days: every_day
              timeout_seconds: 1
              kill_grace_seconds: 1
            e2e_suicide:
              command: ["/bin/sh", "-c", "kill -9 $$"]
              at: "03:00"
              days: every_day
            e2e_other_day:
              command: ["/bin/sh", "-c", "echo forced run"]
              at: "03:00"
              days: [\(otherDay)]

        """

    static let taskNames = ["e2e_fatal", "e2e_flaky", "e2e_hello", "e2e_off", "e2e_other_day", "e2e_slow", "e2e_suicide", "e2e_ticker"]
    static func isISOInstant(_ text: String?) -> Bool {
        text?.wholeMatch(of: #/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[-+]\d{2}:\d{2}/#) != nil
    }

    @Test func readCommandsAnswerInTextAndJSON() throws {
        let daemon = try DaemonHarness(config: Self.config)
        try daemon.start()
        defer { daemon.stop() }

        let status = try daemon.v6ctl(["status"])
        #expect(status.status == 0)
        #expect(status.stdout.contains("(pid \(daemon.pid))"))
        #expect(status.stdout.contains("tasks: 8 (7 enabled, 1 disabled)"))
        #expect(status.stdout.contains("e2e_off"), "a disabled task needs attention")
        #expect(!status.stdout.contains("e2e_hello"), "a task that needs no attention is only counted")
        #expect(status.stdout.contains("zone data: system tzdata "))
        let statusJSON = try daemon.json(["status"])
        #expect(statusJSON["pid"] as? Int == Int(daemon.pid))
        #expect(statusJSON["config_path"] as? String == daemon.configPath)
        #expect(Self.isISOInstant(statusJSON["now"] as? String))
        // e2e_ticker may be running at the instant of the request.
        let attention = (statusJSON["tasks"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
        #expect(attention.contains("e2e_off") && Set(attention).isSubset(of: ["e2e_off", "e2e_ticker"]), "\(attention)")
        let counts = statusJSON["task_counts"] as? [String: Int]
        #expect(counts?["total"] == 8 && counts?["disabled"] == 1 && counts?["listed"] == attention.count, "\(counts ?? [:])")
        #expect((statusJSON["zone_data"] as? [String: Any])?["source"] as? String == "system")

        let list = try daemon.v6ctl(["list"])
        #expect(list.status == 0)
        #expect(Self.taskNames.allSatisfy(list.stdout.contains))
        #expect((try daemon.json(["list"])["tasks"] as? [[String: Any]])?.count == Self.taskNames.count)

        let show = try daemon.v6ctl(["show", "e2e_flaky"])
        #expect(show.status == 0)
        #expect(show.stdout.contains("retries 1"))
        let detail = try daemon.json(["show", "e2e_flaky"])
        #expect(detail["name"] as? String == "e2e_flaky")
        #expect(detail["command"] as? [String] == ["/bin/sh", "-c", "echo attempt $V6_ATTEMPT; exit 1"])
        #expect(detail["retries"] as? Int == 1)
        #expect(detail["enabled_source"] as? String == "default")

        // The ticker fires every second: next --limit 3 is three of its runs, soonest first.
        let next = try daemon.json(["next", "--limit", "3"])["runs"] as? [[String: Any]] ?? []
        #expect(next.count == 3)
        let times = next.compactMap { $0["at"] as? String }
        #expect(times == times.sorted() && times.count == 3)
        #expect(try daemon.v6ctl(["next", "--limit", "3"]).status == 0)

        // History: wait for a few ticker runs, then --limit cuts.
        _ = try daemon.waitForRuns(of: "e2e_ticker", count: 3)
        #expect(try daemon.runs(limit: 2).count == 2)
        let one = try daemon.runs(of: "e2e_ticker", limit: 1)
        #expect(one.count == 1 && one.first?["task"] as? String == "e2e_ticker")
        #expect(one.first?["trigger"] as? String == "schedule")
        let history = try daemon.v6ctl(["history", "e2e_ticker", "--limit", "2"])
        #expect(history.status == 0)
        #expect(history.stdout.contains("e2e_ticker"))
    }

    @Test func exitCodesFollowTheContract() throws {
        let daemon = try DaemonHarness(config: Self.config)
        try daemon.start()

        // 1: the daemon refused the request.
        for arguments in [["show", "e2e_helo"], ["enable", "nope"], ["disable", "nope"], ["clear", "nope"],
                          ["run-now", "nope"], ["history", "nope"]] {
            let result = try daemon.v6ctl(arguments)
            #expect(result.status == 1, "v6ctl \(arguments): \(result.stderr)")
            #expect(result.stderr.contains("unknown_task"), "v6ctl \(arguments): \(result.stderr)")
        }
        #expect(try daemon.v6ctl(["show", "e2e_helo"]).stderr.contains("e2e_hello"))  // did you mean
        #expect(try daemon.v6ctl(["show", "nope", "--json"]).status == 1)

        // 2: usage errors, caught before anything is sent.
        for arguments in [["show"], ["history", "--limit", "0"], ["next", "--limit", "10001"], ["frobnicate"],
                          ["disable", "e2e_hello", "--until", "someday"], ["disable", "e2e_hello", "--until", "2001-01-01"],
                          ["status", "--bogus"]] {
            let result = try daemon.v6ctl(arguments)
            #expect(result.status == 2, "v6ctl \(arguments): \(result.stderr)")
        }
        #expect(try daemon.taskStatus("e2e_hello")?["enabled"] as? Bool == true)  // nothing was changed

        // 3: no daemon behind the socket.
        for arguments in [["status"], ["status", "--json"], ["history", "--limit", "1"]] {
            let result = try Command.run("v6ctl", ["--socket", daemon.directory.file("missing.sock")] + arguments)
            #expect(result.status == 3, "v6ctl \(arguments): \(result.stderr)")
            #expect(result.stderr.contains("is v6-scheduler running"))
        }
        #expect(daemon.stop() == 0)
        #expect(try daemon.v6ctl(["status"]).status == 3)  // the socket went away with the daemon
    }

    @Test func togglesWithUntilAndClear() throws {
        let daemon = try DaemonHarness(config: Self.config)
        try daemon.start()
        defer { daemon.stop() }

        let disabled = try daemon.v6ctl(["disable", "e2e_hello"])
        #expect(disabled.status == 0)
        #expect(disabled.stdout.contains("e2e_hello: disabled (runtime)"))
        let status = try #require(try daemon.taskStatus("e2e_hello"))
        #expect(status["enabled"] as? Bool == false)
        #expect(status["enabled_source"] as? String == "runtime")
        #expect(status["toggle_until"] == nil)
        #expect(status["next_run"] == nil)  // a disabled task has no next run
        #expect(!daemon.logLines(containing: "disabled by uid \(getuid())", "e2e_hello").isEmpty)

        // --until today lapses at the next ET midnight.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = E2E.newYork
        let midnight = calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: Date()))!
        let today = try daemon.json(["disable", "e2e_hello", "--until", "today"])
        #expect(today["enabled"] as? Bool == false)
        #expect(today["source"] as? String == "runtime")
        #expect(today["until"] as? String == E2E.format(midnight, "yyyy-MM-dd'T'HH:mm:ssxxx"))

        // --until next-session lapses at the start of the next session's day.
        let nextSession = try #require(try daemon.json(["status"])["next_session"] as? String)
        let session = try daemon.json(["disable", "e2e_hello", "--until", "next-session"])
        #expect((session["until"] as? String)?.hasPrefix(String(nextSession.prefix(10)) + "T00:00:00") == true)

        let dated = try daemon.json(["disable", "e2e_hello", "--until", "2099-12-31"])
        #expect(dated["until"] as? String == "2099-12-31T00:00:00-05:00")
        #expect(try daemon.taskStatus("e2e_hello")?["toggle_until"] as? String == "2099-12-31T00:00:00-05:00")
        let timed = try daemon.json(["disable", "e2e_hello", "--until", "2099-07-01T13:00"])
        #expect(timed["until"] as? String == "2099-07-01T13:00:00-04:00")

        // enable wins over the YAML; clear gives the YAML (or the default) back.
        let enabled = try daemon.json(["enable", "e2e_off"])
        #expect(enabled["enabled"] as? Bool == true && enabled["source"] as? String == "runtime")
        #expect(try daemon.taskStatus("e2e_off")?["enabled"] as? Bool == true)
        let cleared = try daemon.json(["clear", "e2e_off"])
        #expect(cleared["enabled"] as? Bool == false && cleared["source"] as? String == "yaml")
        let clearedHello = try daemon.v6ctl(["clear", "e2e_hello"])
        #expect(clearedHello.status == 0)
        #expect(clearedHello.stdout.contains("e2e_hello: enabled (default)"))
        #expect(try daemon.taskStatus("e2e_hello")?["enabled_source"] as? String == "default")
        #expect(try daemon.v6ctl(["clear", "e2e_hello"]).status == 0)  // nothing to clear is fine
    }

    @Test func runNowWaitPassesTheTaskExitCodeThrough() throws {
        let daemon = try DaemonHarness(config: Self.config)
        try daemon.start()
        defer { daemon.stop() }

        let hello = try daemon.v6ctl(["run-now", "e2e_hello", "--wait"])
        #expect(hello.status == 0)
        #expect(hello.stdout == "hello from e2e_hello\n")
        #expect(hello.stderr.contains("complaint"))
        #expect(hello.stderr.contains("e2e_hello: success"))

        // Exit 1 is retried (retries: 1): two attempts stream by, the last one's code comes out.
        let flaky = try daemon.v6ctl(["run-now", "e2e_flaky", "--wait"])
        #expect(flaky.status == 1)
        #expect(flaky.stdout == "attempt 1\nattempt 2\n")
        #expect(flaky.stderr.contains("attempt 1 retrying"))
        let attempts = try daemon.finishedRuns(of: "e2e_flaky")
        #expect(attempts.compactMap { $0["trigger"] as? String } == ["manual", "retry"])
        #expect(attempts.compactMap { $0["attempt"] as? Int } == [1, 2])
        #expect(attempts.compactMap { $0["outcome"] as? String } == ["retrying", "failed"])

        #expect(try daemon.v6ctl(["run-now", "e2e_fatal", "--wait"]).status == 2)
        #expect(try daemon.v6ctl(["run-now", "e2e_slow", "--wait"]).status == 124)
        #expect(try daemon.v6ctl(["run-now", "e2e_suicide", "--wait"]).status == 128 + 9)
        let suicide = try daemon.runs(of: "e2e_suicide", limit: 1).first
        #expect(suicide?["signal"] as? Int == 9)
        #expect(suicide?["outcome"] as? String == "failed")

        // --json --wait: every line is JSON, events first, the result last.
        let streamed = try daemon.v6ctl(["run-now", "e2e_hello", "--wait", "--json"])
        #expect(streamed.status == 0)
        let lines = try JSONText.lines(streamed.stdout)
        #expect(lines.first?["event"] as? String == "started")
        #expect(lines.contains { $0["event"] as? String == "output" && $0["line"] as? String == "hello from e2e_hello" })
        #expect(lines.last?["outcome"] as? String == "success")

        // Without --wait the answer comes at once: running. A second one meets overlap: skip.
        let started = try daemon.json(["run-now", "e2e_slow"])
        #expect(started["outcome"] as? String == "running")
        let again = try daemon.v6ctl(["run-now", "e2e_slow"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("[busy]"))
    }

    @Test func runNowHonoursTheDaysRuleUnlessForced() throws {
        let daemon = try DaemonHarness(config: Self.config)
        try daemon.start()
        defer { daemon.stop() }

        let refused = try daemon.v6ctl(["run-now", "e2e_other_day"])
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("e2e_other_day: skipped"))
        #expect(refused.stdout.contains("--force"))
        let refusedJSON = try daemon.v6ctl(["run-now", "e2e_other_day", "--json"])
        #expect(refusedJSON.status == 1)
        let skipped = try JSONText.object(refusedJSON.stdout)
        #expect(skipped["outcome"] as? String == "skipped")
        #expect((skipped["reason"] as? String)?.contains("does not run today") == true, "\(skipped)")
        // docs/control-protocol.md: such a run "is recorded as skipped", and that RunInfo is the answer.
        let recorded = try daemon.runs(of: "e2e_other_day")
        #expect(recorded.count == 2, "both refusals are in the history: \(recorded)")
        #expect(recorded.first?["run_id"] as? Int == skipped["run_id"] as? Int)
        #expect((skipped["run_id"] as? Int ?? 0) > 0)
        #expect(recorded.allSatisfy { $0["outcome"] as? String == "skipped" && $0["trigger"] as? String == "manual" })
        #expect(recorded.first?["reason"] as? String == skipped["reason"] as? String)

        let forced = try daemon.v6ctl(["run-now", "e2e_other_day", "--force", "--wait"])
        #expect(forced.status == 0)
        #expect(forced.stdout == "forced run\n")
        let last = try daemon.runs(of: "e2e_other_day", limit: 1).first
        #expect(last?["outcome"] as? String == "success")
        #expect(last?["trigger"] as? String == "manual")
    }

    /// A runtime toggle is in state.db: a restarted daemon keeps it. (That a disabled task does
    /// not fire is checked at exact instants in DaemonTests' `ClockedDaemonTests.Restart`.)
    @Test func aRuntimeToggleSurvivesARestartAndRunNowWinsOverIt() throws {
        let daemon = try DaemonHarness(config: Self.config)
        try daemon.start()
        defer { daemon.stop() }
        _ = try daemon.waitForRuns(of: "e2e_ticker", count: 1)
        #expect(try daemon.v6ctl(["disable", "e2e_ticker"]).status == 0)

        // run-now wins over the toggle and starts at once.
        let manual = try daemon.json(["run-now", "e2e_ticker"])
        #expect(manual["outcome"] as? String == "running" || manual["outcome"] as? String == "success")
        #expect(try E2E.poll(timeout: 10) { try daemon.runs(of: "e2e_ticker").contains { $0["trigger"] as? String == "manual" } })

        #expect(daemon.stop() == 0)
        try daemon.start()
        let restored = try #require(try daemon.taskStatus("e2e_ticker"))
        #expect(restored["enabled"] as? Bool == false)
        #expect(restored["enabled_source"] as? String == "runtime")
        #expect(restored["next_run"] == nil)

        let scheduled = { try daemon.runs(of: "e2e_ticker").filter { $0["trigger"] as? String == "schedule" }.count }
        let before = try scheduled()
        #expect(try daemon.v6ctl(["enable", "e2e_ticker"]).status == 0)
        #expect(try E2E.poll(timeout: 10) { try scheduled() > before }, "the enabled task did not fire again")
    }

    @Test func reloadPicksUpChangesAndLogsFallsBackToStoredOutput() throws {
        let daemon = try DaemonHarness(config: Self.config)
        try daemon.start()
        defer { daemon.stop() }

        try daemon.directory.write("config.yaml", Self.config.replacingOccurrences(of: "{{DIR}}", with: daemon.directory.path) + """
                e2e_added:
                  command: ["/bin/true"]
                  at: "04:00"
                  days: every_day

            """)
        let reload = try daemon.v6ctl(["reload"])
        #expect(reload.status == 0, "\(reload.stderr)")
        #expect(reload.stdout.contains("reloaded: \(Self.taskNames.count + 1) tasks"))
        #expect(try daemon.json(["reload"])["tasks"] as? Int == Self.taskNames.count + 1)
        #expect(try daemon.taskStatus("e2e_added") != nil)
        #expect(daemon.waitForLog("reloaded (uid \(getuid())"))

        // No journald runs here: logs prints the output stored with the last runs.
        #expect(try daemon.v6ctl(["run-now", "e2e_hello", "--wait"]).status == 0)
        let logs = try daemon.v6ctl(["logs", "e2e_hello"])
        #expect(logs.status == 0, "\(logs.stderr)")
        #expect(logs.stdout.contains("(no journal entries for e2e_hello"))
        #expect(logs.stdout.contains("hello from e2e_hello"))
        let logsJSON = try daemon.json(["logs", "e2e_hello"])
        let tail = (logsJSON["runs"] as? [[String: Any]])?.first?["output_tail"] as? [String] ?? []
        #expect(tail.sorted() == ["complaint", "hello from e2e_hello"])  // stdout and stderr, in the order read
        let oneLine = try daemon.v6ctl(["logs", "e2e_hello", "-n", "1"])
        #expect(oneLine.status == 0, "\(oneLine.stderr)")
        let shown = oneLine.stdout.split(separator: "\n").filter { !$0.hasPrefix("(") && !$0.hasPrefix("-- run") }
        #expect(shown.count == 1 && ["complaint", "hello from e2e_hello"].contains(String(shown[0])), "\(oneLine.stdout)")
        #expect(try daemon.v6ctl(["logs", "e2e/../x"]).status == 2)
    }
}
