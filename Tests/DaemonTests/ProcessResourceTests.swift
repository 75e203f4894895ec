import Foundation
import Glibc
import Testing
import TestSupport
@testable import SchedulerDaemon

/// What runs leave behind in the daemon: zombies, memory. (Descriptors: ProcessDescriptorTests.)
@Suite(.serialized) struct ProcessResourceTests {
    typealias Support = ProcessTestSupport

    @Test func aFinishedRunLeavesNoZombie() async throws {
        let dir = try TemporaryDirectory("v6proc")
        var pids: [pid_t] = []
        for code in [0, 1, 7] {
            let (process, termination, _) = try await Support.run(Support.request(["sh", "-c", "exit \(code)"], in: dir.path))
            #expect(termination == .exited(Int32(code)))
            pids.append(process.pid)
        }
        let process = try TaskProcess.spawn(Support.request(["sleep", "100"], in: dir.path)) { _ in }
        process.terminate(grace: 5)
        #expect(await Support.wait(process) == .signaled(SIGTERM))
        pids.append(process.pid)
        for pid in pids {
            // Reaped: gone from /proc (or, if the pid was reused already, not our child).
            let entry = ProcessTable.entry(pid)
            #expect(entry == nil || entry?.parent != getpid(), "pid \(pid): \(String(describing: entry))")
            #expect(!ChildRegistry.isTracked(pid))
        }
    }

    @Test func aFinishedRunIsFreed() async throws {
        let dir = try TemporaryDirectory("v6proc")
        weak var plain: TaskProcessCore?
        weak var swept: TaskProcessCore?
        do {
            let (first, _, _) = try await Support.run(Support.request(["sh", "-c", "echo out; echo err >&2"], in: dir.path))
            plain = first.core
            let (second, _, _) = try await Support.run(
                Support.request(["sh", "-c", "sleep 100 & echo started"], in: dir.path, killGrace: 0.1))
            swept = second.core
            #expect(second.sweptProcessCount == 1)
        }
        // Nothing (event loop, queues, sweeper, timers) keeps a finished run alive.
        let deadline = Date().addingTimeInterval(30)
        while (plain != nil || swept != nil) && Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
        #expect(plain == nil)
        #expect(swept == nil)
    }
}
