import Foundation
import Glibc
import Testing
import TestSupport
@testable import SchedulerDaemon

/// The daemon's side of orphans: as a child subreaper it inherits its tasks' orphans, and the
/// OrphanReaper reaps them without stealing the exit status of a tracked run. A subreaper and
/// its reaper must not run in this test process (they would reap other tests' children), so
/// the scenario runs alone in a second copy of this test binary (`SoloHarness`).
@Suite struct ProcessReaperTests {
    @Test func orphansAreReapedByTheSubreaperDaemon() async throws {
        try await SoloHarness.run("ProcessReaperHarness", reporting: ["orphansAreReparentedAndReaped"])
    }
}

@Suite(.enabled(if: SoloHarness.isHarness, "runs only alone, in the copy started by ProcessReaperTests"))
struct ProcessReaperHarness {
    typealias Support = ProcessTestSupport

    @Test func orphansAreReparentedAndReaped() async throws {
        var checks = HarnessChecks()
        func check(_ condition: Bool, _ what: String) { checks.check(condition, what) }

        try ChildSubreaper.enable()
        check(ChildSubreaper.isEnabled, "the harness is a subreaper")
        let reaper = OrphanReaper.start(safetyInterval: 1)
        defer { reaper.stop() }

        let dir = try TemporaryDirectory("v6harness")
        // A double-forked grandchild in its own session that ignores SIGTERM (killed by the
        // clean-up), and an orphan that exits on its own while the run goes on.
        try Support.script(dir, "job.sh", """
            ( setsid sh -c 'echo $$ > grandchild.pid; trap "" TERM; exec sleep 100' </dev/null >/dev/null 2>&1 & )
            ( sleep 0.1 & echo $! > quick.pid )
            while [ ! -s grandchild.pid ] || [ ! -s quick.pid ]; do sleep 0.05; done
            g=$(cat grandchild.pid)
            n=0
            while [ "$(cut -d' ' -f4 /proc/$g/stat)" != "$EXPECTED_PARENT" ] && [ $n -lt 200 ]; do sleep 0.05; n=$((n+1)); done
            echo "grandchild $g"
            echo "parent $(cut -d' ' -f4 /proc/$g/stat)"
            echo "quick $(cat quick.pid)"
            sleep 0.5
            exit 0
            """)
        var environment = Support.environment
        environment["EXPECTED_PARENT"] = String(getpid())
        let (process, termination, lines) = try await Support.run(
            Support.request(["./job.sh"], in: dir.path, environment: environment, killGrace: 0.5))
        defer { Support.killEverything(of: process) }
        check(termination == .exited(0), "the run exited 0 (got \(String(describing: termination)))")
        let grandchild = await Support.number(after: "grandchild ", in: lines, timeout: 1) ?? -1
        let parent = await Support.number(after: "parent ", in: lines, timeout: 1) ?? -1
        let quick = await Support.number(after: "quick ", in: lines, timeout: 1) ?? -1
        check(parent == getpid(), "the orphan was reparented to the subreaper (parent \(parent), harness \(getpid()))")

        // Tracked runs keep their own exit status while the reaper runs.
        let statuses = try await withThrowingTaskGroup(of: Termination?.self) { group in
            for _ in 0..<12 {
                group.addTask { try await Support.run(Support.request(["sh", "-c", "exit 3"], in: dir.path)).1 }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        check(statuses.allSatisfy { $0 == .exited(3) }, "tracked runs report their own status: \(statuses)")

        // Orphans' zombies are reaped (SIGCHLD, after runs, or the 1 s safety timer).
        let deadline = Date().addingTimeInterval(30)
        func clean() -> Bool {
            ProcessTable.entry(grandchild) == nil && ProcessTable.entry(quick) == nil && ProcessTable.zombieChildren().isEmpty
        }
        while !clean() && Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
        check(grandchild > 0 && quick > 0, "the script reported its orphans")
        check(clean(), "no zombies left: \(ProcessTable.zombieChildren())")
        check(reaper.reapedTotal >= 2, "the reaper reaped the orphans (\(reaper.reapedTotal))")

        SoloHarness.report("orphansAreReparentedAndReaped", failures: checks.failures)
    }
}
