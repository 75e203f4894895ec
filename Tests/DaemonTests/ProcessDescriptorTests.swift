import Foundation
import Glibc
import Testing
import TestSupport
@testable import SchedulerDaemon

/// Runs and failed spawns leave no descriptor open in the daemon. Counting a process's open
/// descriptors means something only where no other test opens any meanwhile, so the checks run
/// alone in a second copy of this test binary (`SoloHarness`), where the counts are exact.
@Suite struct ProcessDescriptorTests {
    @Test func runsAndFailedSpawnsLeaveNoDescriptors() async throws {
        try await SoloHarness.run("ProcessDescriptorHarness",
                                  reporting: ["fiftyRunsLeakNoDescriptors", "failedSpawnsLeaveNoDescriptors"])
    }
}

@Suite(.serialized, .enabled(if: SoloHarness.isHarness, "runs only alone, in the copy started by ProcessDescriptorTests"))
struct ProcessDescriptorHarness {
    typealias Support = ProcessTestSupport

    /// Waits (a bounded poll: closes happen on the runs' own queues) until this process has no
    /// more descriptors open than `before`, and no more event-loop watches than `watches`.
    static func settle(descriptors before: Int, watches: Int) async throws -> (descriptors: Int, watches: Int) {
        let deadline = Date().addingTimeInterval(30)
        func growth() -> (Int, Int) {
            (Support.openDescriptorCount() - before, ProcessEventLoop.shared.watchCount - watches)
        }
        while growth().0 > 0 || growth().1 > 0, Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
        return growth()
    }

    @Test func fiftyRunsLeakNoDescriptors() async throws {
        var checks = HarnessChecks()
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
            checks.check(termination == .exited(index % 2 == 0 ? 0 : 1), "run \(index) ended \(String(describing: termination))")
            pipes.formUnion(lines.texts(.stdout))
            pids.insert(process.pid)
            // EOF arrived by itself: the drain timeout did not have to close the pipes.
            checks.check(!process.pipesHeldOpen, "run \(index): the pipes were held open")
        }
        checks.check(pipes.count == 100 && pipes.allSatisfy { $0.hasPrefix("pipe:[") }, "the runs' pipes: \(pipes.count)")
        // None of this process's descriptors is one of those pipes or a pidfd of those runs.
        let mine = Self.descriptors()
        checks.check(mine.filter { pipes.contains($0.target) }.isEmpty, "a run's pipe is still open")
        checks.check(mine.filter { $0.pidfdPid.map(pids.contains) ?? false }.isEmpty, "a run's pidfd is still open")
        // And nothing else either: alone in this process, the counts come back exactly.
        let growth = try await Self.settle(descriptors: before, watches: watchesBefore)
        checks.check(growth.descriptors <= 0, "open descriptors grew by \(growth.descriptors) after 50 runs")
        checks.check(growth.watches <= 0, "event-loop watches grew by \(growth.watches) after 50 runs")
        SoloHarness.report("fiftyRunsLeakNoDescriptors", failures: checks.failures)
    }

    @Test func failedSpawnsLeaveNoDescriptors() async throws {
        var checks = HarnessChecks()
        let dir = try TemporaryDirectory("v6proc")
        try dir.write("job", "echo no shebang line\n", mode: 0o755)
        func fails(_ argv: [String]) -> Bool {
            guard let process = try? TaskProcess.spawn(Support.request(argv, in: dir.path), onLine: { _ in }) else { return true }
            Support.killEverything(of: process)
            return false
        }
        _ = fails(["./missing"])  // warm-up
        let before = Support.openDescriptorCount()
        for _ in 0..<30 {
            // Each failed ./job spawn has opened 4 pipe ends by the time exec fails.
            checks.check(fails(["./job"]), "./job (no #! line) spawned")
            checks.check(fails(["./missing"]), "./missing spawned")
        }
        let growth = try await Self.settle(descriptors: before, watches: ProcessEventLoop.shared.watchCount)
        checks.check(growth.descriptors <= 0, "open descriptors grew by \(growth.descriptors) after 60 failed spawns")
        SoloHarness.report("failedSpawnsLeaveNoDescriptors", failures: checks.failures)
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
