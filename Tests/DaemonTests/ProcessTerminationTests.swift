import Foundation
import Glibc
import Testing
import TestSupport
@testable import SchedulerDaemon

/// Stopping a run (timeout, operator) and cleaning up after it: nothing outlives its run.
/// Orphans here are reparented to PID 1 (this process is no subreaper), so "dead" means gone
/// or a zombie; ProcessReaperTests checks that the daemon, a subreaper, reaps them.
@Suite struct ProcessTerminationTests {
    typealias Support = ProcessTestSupport

    @Test func terminateEndsTheTaskAndItsGrandchild() async throws {
        let dir = try TemporaryDirectory("v6proc")
        let lines = LineCollector()
        let process = try TaskProcess.spawn(
            Support.request(["sh", "-c", "sleep 100 & echo child $!; wait"], in: dir.path), onLine: lines.onLine)
        defer { Support.killEverything(of: process) }
        let child = try #require(await Support.number(after: "child ", in: lines))
        #expect(Support.isAlive(child))
        process.terminate(grace: 5)
        #expect(await Support.wait(process) == .signaled(SIGTERM))
        #expect(!Support.isAlive(child))
        #expect(process.sweptProcessCount >= 1)
    }

    @Test func aTaskIgnoringSIGTERMIsKilledAfterTheGrace() async throws {
        let dir = try TemporaryDirectory("v6proc")
        let lines = LineCollector()
        let script = "trap '' TERM; echo ready; while :; do sleep 1; done"
        let process = try TaskProcess.spawn(Support.request(["sh", "-c", script], in: dir.path), onLine: lines.onLine)
        defer { Support.killEverything(of: process) }
        #expect(await lines.waitFor { $0.text == "ready" } != nil)
        process.terminate(grace: 1)
        process.terminate(grace: 100)  // idempotent: the first grace stands
        #expect(await Support.wait(process) == .signaled(SIGKILL))
    }

    @Test func aGrandchildIgnoringSIGTERMDiesAfterItsParent() async throws {
        let dir = try TemporaryDirectory("v6proc")
        let lines = LineCollector()
        try Support.script(dir, "job.sh", "( trap '' TERM; exec sleep 100 ) &\necho child $!\nwait")
        let process = try TaskProcess.spawn(Support.request(["./job.sh"], in: dir.path), onLine: lines.onLine)
        defer { Support.killEverything(of: process) }
        let child = try #require(await Support.number(after: "child ", in: lines))
        process.terminate(grace: 1)
        // The shell dies of SIGTERM at once; the grandchild only of SIGKILL, after the grace.
        #expect(await Support.wait(process) == .signaled(SIGTERM))
        #expect(!Support.isAlive(child))
    }

    @Test func leftoversOfANormalExitAreEnded() async throws {
        let dir = try TemporaryDirectory("v6proc")
        // The task exits 0 at once, leaving a background child that ignores SIGTERM and holds stdout.
        try Support.script(dir, "job.sh", "( trap '' TERM; exec sleep 100 ) &\necho child $!\nexit 0")
        let (process, termination, lines) = try await Support.run(
            Support.request(["./job.sh"], in: dir.path, killGrace: 0.5))
        defer { Support.killEverything(of: process) }
        #expect(termination == .exited(0))
        let child = try #require(await Support.number(after: "child ", in: lines, timeout: 1))
        #expect(!Support.isAlive(child))
        #expect(process.sweptProcessCount == 1)
        #expect(!process.pipesHeldOpen, "the pipes reached EOF once the child was dead")
    }

    @Test func aDoubleForkedSetsidGrandchildIsFoundByRunID() async throws {
        let dir = try TemporaryDirectory("v6proc")
        // Leaves the group and session, lets go of the pipes, ignores SIGTERM: only V6_RUN_ID finds it.
        try Support.script(dir, "job.sh", """
            ( setsid sh -c 'echo $$ > grandchild.pid; trap "" TERM; exec sleep 100' </dev/null >/dev/null 2>&1 & )
            while [ ! -s grandchild.pid ]; do sleep 0.05; done
            g=$(cat grandchild.pid)
            echo "grandchild $g"
            echo "session $(cut -d' ' -f6 /proc/$g/stat)"
            exit 0
            """)
        let (process, termination, lines) = try await Support.run(
            Support.request(["./job.sh"], in: dir.path, killGrace: 0.5))
        defer { Support.killEverything(of: process) }
        #expect(termination == .exited(0))
        let grandchild = try #require(await Support.number(after: "grandchild ", in: lines, timeout: 1))
        let session = try #require(await Support.number(after: "session ", in: lines, timeout: 1))
        #expect(session == grandchild && session != process.pid, "the grandchild leads its own session")
        #expect(!Support.isAlive(grandchild))
        #expect(process.sweptProcessCount == 1)
        #expect(!process.pipesHeldOpen)
    }

    @Test func terminateAlsoEndsASetsidDescendant() async throws {
        let dir = try TemporaryDirectory("v6proc")
        let lines = LineCollector()
        try Support.script(dir, "job.sh", """
            setsid sh -c 'echo $$ > grandchild.pid; exec sleep 100' </dev/null >/dev/null 2>&1 &
            while [ ! -s grandchild.pid ]; do sleep 0.05; done
            echo "grandchild $(cat grandchild.pid)"
            exec sleep 100
            """)
        let process = try TaskProcess.spawn(Support.request(["./job.sh"], in: dir.path), onLine: lines.onLine)
        defer { Support.killEverything(of: process) }
        let grandchild = try #require(await Support.number(after: "grandchild ", in: lines))
        process.terminate(grace: 5)
        #expect(await Support.wait(process) == .signaled(SIGTERM))
        #expect(!Support.isAlive(grandchild))
    }

    @Test func aRunEndsEvenIfAnEscapedProcessHoldsItsPipe() async throws {
        let dir = try TemporaryDirectory("v6proc")
        // Own session and an empty environment: neither the group nor V6_RUN_ID finds it, and it
        // keeps stdout open. The run must still end (the pipes are closed after a short drain).
        let script = """
            setsid env -i /bin/sleep 100 &
            while [ "$(cat /proc/$!/comm)" != sleep ]; do sleep 0.01; done
            echo escaped $!
            exit 0
            """
        let (process, termination, lines) = try await Support.run(Support.request(["sh", "-c", script], in: dir.path))
        let escaped = await Support.number(after: "escaped ", in: lines, timeout: 1)
        if let escaped, let command = ProcFiles.read("/proc/\(escaped)/cmdline", limit: 100),
           command == Array("/bin/sleep\u{0}100\u{0}".utf8) {
            kill(escaped, SIGKILL)  // ours: the clean-up cannot see it, so the test ends it
        }
        #expect(termination == .exited(0))
        #expect(escaped != nil)
        #expect(process.sweptProcessCount == 0)
        #expect(process.pipesHeldOpen)
    }

    @Test func closingStdoutDoesNotEndTheRun() async throws {
        let dir = try TemporaryDirectory("v6proc")
        let lines = LineCollector()
        let script = "echo before; exec >&- 2>&-; sleep 1; exit 3"
        let process = try TaskProcess.spawn(Support.request(["sh", "-c", script], in: dir.path), onLine: lines.onLine)
        defer { Support.killEverything(of: process) }
        #expect(await lines.waitFor { $0.text == "before" } != nil)
        #expect(await Support.wait(process) == .exited(3))
        #expect(lines.texts(.stdout) == ["before"])
    }

    @Test func terminateAfterTheEndDoesNothing() async throws {
        let dir = try TemporaryDirectory("v6proc")
        let (process, termination, _) = try await Support.run(Support.request(["sh", "-c", "exit 5"], in: dir.path))
        #expect(termination == .exited(5))
        process.terminate(grace: 0)
        process.terminate(grace: 0)
        #expect(await process.waitForExit() == .exited(5))
        #expect(process.termination == .exited(5))
    }
}
