import Foundation
import Testing
import TestSupport

/// Dependencies (`after:`) with real processes, a real socket and a real state.db: chains and a
/// diamond, a fatal middle, a retried middle, run-now with and without its dependents and
/// upstreams, `v6ctl graph`/`show`/`status`, and kill -9 between an upstream's success and its
/// dependent's start.
@Suite(.serialized) struct E2EDependencyTests {
    /// The config head: state, socket and work in the temp dir; every final failure appends the
    /// task's name to `hooks` (on_failure).
    static func header(_ scheduler: String = "") -> String {
        """
        scheduler:
          working_directory: "{{DIR}}"
          state_directory: "{{DIR}}/state"
          control_socket: "{{DIR}}/control.sock"
          on_failure: ["/bin/sh", "-c", "echo $V6_TASK >> {{DIR}}/hooks"]
        \(scheduler)
          tasks:

        """
    }

    /// A task that appends its name, run id and trigger to `ran`, then runs `script`.
    static func task(_ name: String, _ schedule: String, _ script: String = "true", _ extra: String = "") -> String {
        """
            \(name):
              command: ["/bin/sh", "-c", "echo \(name) $V6_RUN_ID $V6_TRIGGER $V6_RUN_DATE >> {{DIR}}/ran; \(script)"]
              \(schedule)
              days: every_day
        \(extra.isEmpty ? "" : "      " + extra.replacingOccurrences(of: "\n", with: "\n      ") + "\n")
        """
    }

    /// The finished runs of every task, oldest first, keyed by task.
    static func finished(_ daemon: DaemonHarness) throws -> [String: [[String: Any]]] {
        var result: [String: [[String: Any]]] = [:]
        for run in try daemon.runs().reversed() where !["running", "queued"].contains(run["outcome"] as? String ?? "") {
            result[run["task"] as? String ?? "", default: []].append(run)
        }
        return result
    }

    static func outcomes(_ runs: [[String: Any]]?) -> [String] { (runs ?? []).compactMap { $0["outcome"] as? String } }

    /// An `at:` time as the daemon describes it (`07:22:58`, but `07:23` for `07:23:00`).
    static func shown(_ at: String) -> String { at.hasSuffix(":00") ? String(at.dropLast(3)) : at }

    @Test func aChainAndADiamondRunInOrderAndShowInGraphShowAndStatus() throws {
        let at = E2E.wallTime(secondsFromNow: 4)
        let next = E2E.wallTime(secondsFromNow: 5)
        let daemon = try DaemonHarness(config: Self.header() + [
            Self.task("top", "at: \"\(at.at)\"", "sleep 2"),
            Self.task("left", "after: [top]"),
            Self.task("right", "at: \"\(next.at)\"", "true", "after: [top]"),
            Self.task("bottom", "after: [left, right]"),
            Self.task("lone", "at: \"03:00\""),
        ].joined())
        try daemon.start()
        defer { daemon.stop() }

        let graph = try daemon.v6ctl(["graph"])
        #expect(graph.status == 0)
        #expect(graph.stdout == """
            top  at \(Self.shown(at.at))
            ├── left  after top
            │   └── bottom  after left, right
            └── right  at \(Self.shown(next.at))
                └── bottom  (see above)
            (no dependencies: lone)

            """)
        let dot = try daemon.v6ctl(["graph", "--format", "dot"]).stdout
        #expect(dot.contains("  \"top\" -> \"left\";\n  \"top\" -> \"right\";\n"))
        #expect(dot.contains("  \"left\" -> \"bottom\";\n") && dot.contains("  \"right\" -> \"bottom\";\n"))
        #expect(!dot.contains("lone"))
        let show = try daemon.v6ctl(["show", "bottom"]).stdout
        #expect(show.contains("  schedule:  after left, right, every day\n"))
        #expect(show.contains("  after:     left, right; waits at most 1h\n"))
        #expect(try daemon.v6ctl(["show", "top"]).stdout.contains("  needed by: left, right\n"))

        // right is due while top still runs: it waits, and status says so.
        var waiting: [String: Any]? = nil
        #expect(E2E.poll(timeout: 15) {
            waiting = try? daemon.taskStatus("right")
            return waiting?["waiting_for"] != nil
        }, "right never showed as waiting")
        #expect(waiting?["waiting_for"] as? [String] == ["top"])
        #expect(try daemon.v6ctl(["status"]).stdout.contains("  right: waiting for top until "))

        let runs = try daemon.waitForRuns(of: "bottom", count: 1)
        let all = try Self.finished(daemon)
        for task in ["top", "left", "right", "bottom"] { #expect(Self.outcomes(all[task]) == ["success"], "\(task)") }
        #expect(all["left"]?.first?["trigger"] as? String == "upstream")
        #expect(all["right"]?.first?["trigger"] as? String == "schedule")
        // bottom started after both of its upstreams had finished.
        let started = runs[0]["started_at"] as? String ?? ""
        for upstream in ["left", "right"] {
            #expect((all[upstream]?.first?["finished_at"] as? String ?? "~") <= started, "\(upstream)")
        }
        let lines = try String(contentsOfFile: daemon.directory.file("ran"), encoding: .utf8).split(separator: "\n")
        #expect(lines.map { $0.split(separator: " ")[0] } == ["top", "left", "right", "bottom"] || lines.map { $0.split(separator: " ")[0] } == ["top", "right", "left", "bottom"])
        let today = String(at.iso.prefix(10))
        #expect(lines.allSatisfy { $0.hasSuffix(" \(today)") }, "V6_RUN_DATE: \(lines)")
    }

    @Test func aFatalMiddleSkipsWhatIsBelowWithTheReasonAndOnlyItsHookRuns() throws {
        let at = E2E.wallTime(secondsFromNow: 4)
        let daemon = try DaemonHarness(config: Self.header() + [
            Self.task("first", "at: \"\(at.at)\""),
            Self.task("middle", "after: [first]", "exit 2"),
            Self.task("last", "after: [middle]"),
            Self.task("later", "at: \"\(at.at)\"", "true", "after: [last]"),
        ].joined())
        try daemon.start()
        defer { daemon.stop() }
        _ = try daemon.waitForRuns(of: "later", count: 1)
        let all = try Self.finished(daemon)
        let middle = try #require(all["middle"]?.first?["run_id"] as? Int)
        #expect(Self.outcomes(all["middle"]) == ["fatal"])
        #expect(all["last"]?.first?["outcome"] as? String == "skipped")
        #expect(all["last"]?.first?["reason"] as? String == "upstream middle failed (run \(middle))")
        let last = try #require(all["last"]?.first?["run_id"] as? Int)
        #expect(all["later"]?.first?["reason"] as? String == "upstream last was skipped (run \(last))")
        #expect(E2E.poll(timeout: 10) { (try? String(contentsOfFile: daemon.directory.file("hooks"), encoding: .utf8)) == "middle\n" })
        // The hook ran for middle only; a run that never started leaves no trace in `ran`.
        let ran = try String(contentsOfFile: daemon.directory.file("ran"), encoding: .utf8)
        #expect(!ran.contains("last") && !ran.contains("later"))
    }

    @Test func aRetriedMiddleMakesTheDownstreamWaitThenRun() throws {
        let at = E2E.wallTime(secondsFromNow: 4)
        let daemon = try DaemonHarness(config: Self.header() + [
            Self.task("first", "at: \"\(at.at)\"", "sleep 1"),
            Self.task("middle", "after: [first]", "if [ ! -e {{DIR}}/once ]; then touch {{DIR}}/once; exit 1; fi",
                      "retries: 1\nretry_backoff_seconds: 2"),
            Self.task("last", "at: \"\(at.at)\"", "true", "after: [middle]"),
        ].joined())
        try daemon.start()
        defer { daemon.stop() }
        var sawWaiting = false
        E2E.poll(timeout: 20) {
            if (try? daemon.taskStatus("last"))?["waiting_for"] as? [String] == ["middle"] { sawWaiting = true }
            return ((try? daemon.finishedRuns(of: "last")) ?? []).count == 1
        }
        #expect(sawWaiting, "last never showed as waiting for middle")
        let all = try Self.finished(daemon)
        #expect(Self.outcomes(all["middle"]) == ["retrying", "success"])
        #expect(Self.outcomes(all["last"]) == ["success"])
        let retried = all["middle"]?.last?["finished_at"] as? String ?? "~"
        #expect(retried <= (all["last"]?.first?["started_at"] as? String ?? ""))
        #expect(!FileManager.default.fileExists(atPath: daemon.directory.file("hooks")), "no final failure, no hook")
    }

    @Test func runNowChecksUpstreamsUnlessForcedAndStartsDependentsOnlyWhenAsked() throws {
        let daemon = try DaemonHarness(config: Self.header() + [
            Self.task("up", "at: \"03:00\"", "exit $(cat {{DIR}}/code 2>/dev/null || echo 0)"),
            Self.task("down", "after: [up]"),
            Self.task("below", "at: \"03:30\"", "true", "after: [down]"),
        ].joined())
        try daemon.start()
        defer { daemon.stop() }
        // No run of up today: down is skipped with the reason, and v6ctl says so (exit 1).
        let skipped = try daemon.v6ctl(["run-now", "down"])
        #expect(skipped.status == 1)
        #expect(skipped.stdout.hasPrefix("down: skipped (run "), "\(skipped.stdout)")
        #expect(skipped.stdout.hasSuffix(": upstream up did not run on \(E2E.format(Date(), "yyyy-MM-dd"))\n"), "\(skipped.stdout)")
        #expect(try daemon.v6ctl(["run-now", "down", "--force", "--wait"]).status == 0)

        // A plain run-now of up starts nothing below it.
        #expect(try daemon.v6ctl(["run-now", "up", "--wait"]).status == 0)
        #expect(try daemon.runs(of: "down").count == 2)  // the skip and the forced run
        #expect(try daemon.runs(of: "below").isEmpty)

        // --with-dependents: down, then below, as manual runs, after up.
        #expect(try daemon.v6ctl(["run-now", "up", "--with-dependents", "--wait"]).status == 0)
        let below = try daemon.waitForRuns(of: "below", count: 1)
        #expect(below.first?["outcome"] as? String == "success" && below.first?["trigger"] as? String == "manual")
        let down = try daemon.finishedRuns(of: "down")
        #expect(down.count == 3 && down.last?["outcome"] as? String == "success")

        // up fails: the chain below it is skipped, each with its reason.
        try "2\n".write(toFile: daemon.directory.file("code"), atomically: true, encoding: .utf8)
        #expect(try daemon.v6ctl(["run-now", "up", "--with-dependents", "--wait"]).status == 2)
        let belowAgain = try daemon.waitForRuns(of: "below", count: 2)
        let downSkip = try daemon.finishedRuns(of: "down").last
        let up = try daemon.finishedRuns(of: "up").last?["run_id"] as? Int ?? 0
        #expect(downSkip?["reason"] as? String == "upstream up failed (run \(up))")
        #expect(belowAgain.last?["reason"] as? String == "upstream down was skipped (run \(downSkip?["run_id"] as? Int ?? 0))")
    }

    /// The daemon dies (kill -9) after `up` succeeded and before `dependent` started (it waits
    /// for a concurrency slot held by `blocker`). After the restart it runs once; after another
    /// restart, not again.
    @Test func killNineBetweenAnUpstreamsSuccessAndItsDependentsStartRunsItOnceAfterTheRestart() throws {
        let at = E2E.wallTime(secondsFromNow: 4)
        let blockerAt = E2E.wallTime(secondsFromNow: 5)
        let daemon = try DaemonHarness(config: Self.header("  max_concurrent_tasks: 1") + [
            Self.task("up", "at: \"\(at.at)\"", "sleep 3"),
            Self.task("blocker", "at: \"\(blockerAt.at)\"", "echo $$ > {{DIR}}/blocker.pid; exec sleep 60"),
            Self.task("dependent", "after: [up]"),
        ].joined(), label: "v6e2e-deps-kill9")
        var blocker: ProcessProbe.Identity? = nil
        defer {
            daemon.stop()
            if let blocker { ProcessProbe.kill(blocker) }
        }
        try daemon.start()
        // up succeeded, blocker took the only slot, dependent waits for it: now kill -9.
        #expect(E2E.poll(timeout: 20) {
            let up = (try? daemon.finishedRuns(of: "up")) ?? []
            let running = (try? daemon.runs(of: "blocker"))?.first?["outcome"] as? String == "running"
            return up.first?["outcome"] as? String == "success" && running
        }, "up never succeeded with blocker running")
        #expect(try daemon.runs(of: "dependent").isEmpty)
        blocker = ProcFS.pid(fromFile: daemon.directory.file("blocker.pid")).flatMap(ProcessProbe.identity)
        daemon.crash()

        try daemon.start()
        let once = try daemon.waitForRuns(of: "dependent", count: 1)
        #expect(once.map { $0["outcome"] as? String } == ["success"])
        #expect(once.first?["trigger"] as? String == "upstream")
        #expect(!daemon.logLines(containing: "dependencies:", "taking up").isEmpty)
        #expect(daemon.stop() == 0)

        // Restarted again: the history says dependent ran for today; nothing starts. (The decision
        // is made before the daemon answers its first request, so the check needs no wait.)
        let logBefore = daemon.log.count
        try daemon.start()
        #expect(try daemon.runs(of: "dependent").count == 1)
        let ran = try String(contentsOfFile: daemon.directory.file("ran"), encoding: .utf8).split(separator: "\n")
        #expect(ran.filter { $0.hasPrefix("dependent ") }.count == 1)
        #expect(!String(daemon.log.dropFirst(logBefore)).contains("[dependent run="))
    }
}
