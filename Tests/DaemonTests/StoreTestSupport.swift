import Foundation
import MarketCalendar
import Scheduling
@testable import SchedulerDaemon
import TestSupport

/// Helpers for the RunStore tests: fixed instants, run records, and root-only mounts.
enum StoreFixture {
    /// 2026-11-27T14:30:00Z (09:30 ET), a fixed "now" for the tests.
    static let base = Instant(seconds: 1_795_789_800)

    static func run(_ id: String, task: String = "collect", trigger: Trigger = .schedule,
                    outcome: Outcome = .success, at offset: Int64 = 0, attempt: Int = 1,
                    output: Data? = nil) -> RunRecord {
        let started = base + offset
        let finished = outcome.isActive ? nil : started + 2
        return RunRecord(runID: id, task: task, trigger: trigger,
                         scheduledAt: trigger == .manual ? nil : started, startedAt: started,
                         finishedAt: finished, exitCode: outcome == .success ? 0 : (outcome.isActive ? nil : 1),
                         outcome: outcome, attempt: attempt, durationMs: finished == nil ? nil : 2_000,
                         waitedMs: 0, outputTail: output)
    }

    static var isRoot: Bool { geteuid() == 0 }

    /// Root that may mount (not, say, root in an unprivileged container): tried once.
    static let canMountTmpfs: Bool = {
        guard isRoot, let probe = try? TemporaryDirectory("store-mount") else { return false }
        let point = probe.file("tmpfs")
        guard mountTmpfs(at: point, options: "size=64k") else { return false }
        unmount(point)
        return true
    }()

    /// Runs a program to completion; true when it exited 0.
    @discardableResult
    static func sh(_ program: String, _ arguments: [String]) -> Bool {
        guard let result = try? Command.run(program, arguments) else { return false }
        if result.status != 0 { print("\(program) \(arguments.joined(separator: " ")): \(result.stderr)") }
        return result.status == 0
    }

    /// Mounts a tmpfs of `size` at `path` (root only). Unmount with `unmount(path)`.
    static func mountTmpfs(at path: String, options: String) -> Bool {
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return sh("/bin/mount", ["-t", "tmpfs", "-o", options, "tmpfs", path])
    }

    static func unmount(_ path: String) {
        sh("/bin/umount", [path])
    }

    /// Lines of a file, empty when it does not exist.
    static func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
}
