import Foundation
import Glibc
import Testing
import TestSupport
@testable import SchedulerDaemon

/// What runs leave behind in the daemon: descriptors, zombies.
@Suite(.serialized) struct ProcessResourceTests {
    typealias Support = ProcessTestSupport

    @Test func fiftyRunsLeakNoDescriptors() async throws {
        let dir = try TemporaryDirectory("v6proc")
        _ = try await Support.run(Support.request(["sh", "-c", "echo warm-up"], in: dir.path))
        let before = Support.openDescriptorCount()
        let watchesBefore = ProcessEventLoop.shared.watchCount
        var pipes: Set<String> = []
        var pids: Set<pid_t> = []
        for index in 0..<50 {
            // The task reports its ends of the two pipes ("pipe:[inode]"); half leave a child behind.
            let tail = index % 2 == 0 ? "echo err >&2" : "sleep 5 & exit 1"
            let argv = ["sh", "-c", "readlink /proc/$$/fd/1 /proc/$$/fd/2; \(tail)"]
            let (process, termination, lines) = try await Support.run(Support.request(argv, in: dir.path, killGrace: 0.2))
            #expect(termination == .exited(index % 2 == 0 ? 0 : 1))
            pipes.formUnion(lines.texts(.stdout))
            pids.insert(process.pid)
            // EOF arrived by itself: the drain timeout did not have to close the pipes.
            #expect(!process.pipesHeldOpen)
        }
        #expect(pipes.count == 100 && pipes.allSatisfy { $0.hasPrefix("pipe:[") })
        // Precise: none of this process's descriptors is one of those pipes or a pidfd of those runs.
        let mine = Self.descriptors()
        #expect(mine.filter { pipes.contains($0.target) }.isEmpty)
        #expect(mine.filter { $0.pidfdPid.map(pids.contains) ?? false }.isEmpty)
        // Overall count, with slack for other tests opening files meanwhile; 50 leaks would show.
        let after = Support.openDescriptorCount()
        #expect(after - before < 25, "open descriptors went from \(before) to \(after)")
        // Event-loop registrations (3 a run, and one per leftover found) are all removed; other
        // tests' runs may still hold some, so wait for the count to settle.
        let deadline = Date().addingTimeInterval(30)
        while ProcessEventLoop.shared.watchCount - watchesBefore >= 10 && Date() < deadline {
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        #expect(ProcessEventLoop.shared.watchCount - watchesBefore < 10)
    }

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

    /// This process's descriptors: link target, and for a pidfd the pid it refers to.
    static func descriptors() -> [(fd: String, target: String, pidfdPid: pid_t?)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return names.compactMap { name in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(name)")
            else { return nil }
            var pid: pid_t?
            if target == "anon_inode:[pidfd]",
               let info = try? String(contentsOfFile: "/proc/self/fdinfo/\(name)", encoding: .utf8),
               let line = info.split(separator: "\n").first(where: { $0.hasPrefix("Pid:") }) {
                pid = pid_t(line.dropFirst(4).trimmingCharacters(in: .whitespaces))
            }
            return (name, target, pid)
        }
    }
}
