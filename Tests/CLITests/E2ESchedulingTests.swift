import Foundation
import Testing
import TestSupport

/// Scheduled runs of real processes: retries, fatal exits, timeouts that reach a grandchild
/// ignoring SIGTERM, and no zombies left under the daemon.
@Suite(.serialized) struct E2ESchedulingTests {
    /// Zombies among the daemon's children, after giving its reaper a moment.
    static func expectNoZombies(under daemon: DaemonHarness, sourceLocation: SourceLocation = #_sourceLocation) {
        var zombies: [ProcFS.Entry] = []
        let clean = E2E.poll(timeout: 5) {
            zombies = ProcFS.zombies(childrenOf: daemon.pid)
            return zombies.isEmpty
        }
        #expect(clean, "zombies under the daemon: \(zombies)", sourceLocation: sourceLocation)
    }

    @Test func exitOneIsRetriedAndExitTwoIsNot() throws {
        let at = E2E.wallTime(secondsFromNow: 4)
        let daemon = try DaemonHarness(config: E2E.header + """
                e2e_retrier:
                  command: ["/bin/sh", "-c", "echo attempt $V6_ATTEMPT; exit 1"]
                  at: "\(at.at)"
                  days: every_day
                  retries: 2
                  retry_backoff_seconds: 1
                e2e_fatal:
                  command: ["/bin/sh", "-c", "exit 2"]
                  at: "03:00"
                  days: every_day
                  retries: 2
                  retry_backoff_seconds: 1

            """)
        try daemon.start()
        defer { daemon.stop() }
        let now = try #require(try daemon.json(["status"])["now"] as? String)
        try #require(now < at.iso, "the daemon took too long to start: it is \(now), the task was due at \(at.iso)")

        // Attempt 1 at the scheduled time, then two retries about 1 s and 2 s later.
        let runs = try daemon.waitForRuns(of: "e2e_retrier", count: 3, timeout: 25)
        #expect(runs.compactMap { $0["trigger"] as? String } == ["schedule", "retry", "retry"])
        #expect(runs.compactMap { $0["attempt"] as? Int } == [1, 2, 3])
        #expect(runs.compactMap { $0["outcome"] as? String } == ["retrying", "retrying", "failed"])
        #expect(runs.allSatisfy { $0["exit_code"] as? Int == 1 })
        #expect(runs.allSatisfy { $0["scheduled_at"] as? String == at.iso }, "\(runs)")
        let ids = runs.compactMap { $0["run_id"] as? Int }
        #expect(Set(ids).count == 3, "each attempt has its own run id")

        // Exit 2 is fatal: one run, no retry, even with retries: 2.
        #expect(try daemon.v6ctl(["run-now", "e2e_fatal", "--wait"]).status == 2)
        Thread.sleep(forTimeInterval: 2)  // a retry would come after about 1 s: absence needs a wait
        let fatal = try daemon.runs(of: "e2e_fatal")
        #expect(fatal.count == 1, "\(fatal)")
        #expect(fatal.first?["outcome"] as? String == "fatal")
        #expect(fatal.first?["exit_code"] as? Int == 2)
        Self.expectNoZombies(under: daemon)
    }

    @Test func aTimeoutKillsAGrandchildThatIgnoresSIGTERM() throws {
        let daemon = try DaemonHarness(config: E2E.header + """
                e2e_stubborn:
                  command: ["/bin/sh", "{{DIR}}/stubborn.sh", "{{DIR}}/grandchild.pid"]
                  at: "03:00"
                  days: every_day
                  timeout_seconds: 1
                  kill_grace_seconds: 1

            """)
        // The grandchild ignores SIGTERM (inherited through exec) and outlives its parent shell,
        // which dies of the SIGTERM: only the group-wide SIGKILL after the grace can end it.
        try E2E.script(daemon.directory, "stubborn.sh", """
            /bin/sh -c 'trap "" TERM; echo $$ > "$1.tmp"; mv "$1.tmp" "$1"; exec sleep 300' grandchild "$1" &
            wait
            """)
        let pidFile = daemon.directory.file("grandchild.pid")
        try daemon.start()
        defer { daemon.stop() }

        let started = try daemon.json(["run-now", "e2e_stubborn"])
        #expect(started["outcome"] as? String == "running")
        #expect(E2E.poll(timeout: 10) { ProcFS.pid(fromFile: pidFile) != nil })
        let grandchild = try #require(ProcFS.pid(fromFile: pidFile))
        #expect(ProcFS.isRunning(grandchild))
        let sigIgn = (try? String(contentsOfFile: "/proc/\(grandchild)/status", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("SigIgn:") }
            .flatMap { UInt64($0.dropFirst("SigIgn:".count).trimmingCharacters(in: .whitespaces), radix: 16) } ?? 0
        #expect(sigIgn & (1 << (UInt64(SIGTERM) - 1)) != 0, "the grandchild does not ignore SIGTERM")

        let runs = try daemon.waitForRuns(of: "e2e_stubborn", count: 1)
        #expect(runs.first?["outcome"] as? String == "timeout")
        #expect(E2E.poll(timeout: 5) { !ProcFS.isRunning(grandchild) }, "grandchild \(grandchild) survived the timeout")
        #expect(!daemon.logLines(containing: "[e2e_stubborn run=", "finished: timeout").isEmpty)
        Self.expectNoZombies(under: daemon)
    }

    /// Run ids count from 1 in every daemon: the clean-up after another daemon's run 1 must not
    /// end this daemon's run 1 (it looks for processes carrying V6_RUN_ID=1).
    @Test func anotherDaemonsRunWithTheSameIDLeavesOurTaskAlone() throws {
        let ours = try DaemonHarness(config: E2E.header + """
                e2e_long:
                  command: ["/bin/sh", "-c", "echo $$ > {{DIR}}/long.tmp; mv {{DIR}}/long.tmp {{DIR}}/long.pid; exec sleep 30"]
                  at: "03:00"
                  days: every_day

            """)
        let theirs = try DaemonHarness(config: E2E.header + """
                e2e_quick:
                  command: ["/bin/true"]
                  at: "03:00"
                  days: every_day

            """)
        try ours.start()
        defer { ours.stop() }
        try theirs.start()
        defer { theirs.stop() }

        let long = try ours.json(["run-now", "e2e_long"])
        #expect(E2E.poll(timeout: 10) { ProcFS.pid(fromFile: ours.directory.file("long.pid")) != nil })
        let task = try #require(ProcFS.pid(fromFile: ours.directory.file("long.pid")))
        #expect(try theirs.v6ctl(["run-now", "e2e_quick", "--wait"]).status == 0)
        let quick = try #require(try theirs.runs(of: "e2e_quick").first)
        try #require(quick["run_id"] as? Int == long["run_id"] as? Int, "the two runs should share an id for this test")

        Thread.sleep(forTimeInterval: 1)  // the other run's clean-up is over when its answer comes; allow a margin
        #expect(ProcFS.isRunning(task), "another daemon's clean-up ended our task")
        #expect(try ours.taskStatus("e2e_long")?["running"] as? Bool == true)
    }
}
