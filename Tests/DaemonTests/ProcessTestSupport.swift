import Foundation
import Glibc
import Synchronization
import Testing
import TestSupport
@testable import SchedulerDaemon

/// Lines a run wrote, collected from the run's queue, read from the test.
final class LineCollector: Sendable {
    private let lines = Mutex<[OutputLine]>([])

    var onLine: @Sendable (OutputLine) -> Void { { line in self.lines.withLock { $0.append(line) } } }
    var all: [OutputLine] { lines.withLock { $0 } }

    func texts(_ stream: OutputLine.Stream) -> [String] { all.filter { $0.stream == stream }.map(\.text) }

    /// Waits (polling: this is a test) for a line matching `predicate`; nil after `timeout` seconds.
    /// The lines arrive on the run's own queue; this poll runs on Swift's cooperative pool, which
    /// other tests in the process can hold for longer than the timeout (blocking work on two
    /// threads): the lines are looked at once more after the deadline, so such a stall is not
    /// taken for lines that never came.
    func waitFor(timeout: Double = 30, _ predicate: @escaping (OutputLine) -> Bool) async -> OutputLine? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let line = all.first(where: predicate) { return line }
            if Date() >= deadline { return nil }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
    }
}

enum ProcessTestSupport {
    static let path = "/usr/local/bin:/usr/bin:/bin"
    static let environment = ["PATH": path]

    static func newRunID() -> String { "test-\(UUID().uuidString)" }

    static func request(_ argv: [String], in directory: String, environment: [String: String] = environment,
                        runID: String = newRunID(), killGrace: Double = 1) -> SpawnRequest {
        SpawnRequest(argv: argv, environment: environment, workingDirectory: directory, runID: runID, killGrace: killGrace)
    }

    /// Spawns `request` and waits for the run's end, with a generous timeout after which
    /// everything of the run is SIGKILLed and the test fails.
    static func run(_ request: SpawnRequest, timeout: Double = 60) async throws -> (TaskProcess, Termination?, LineCollector) {
        let lines = LineCollector()
        let process = try TaskProcess.spawn(request, onLine: lines.onLine)
        let termination = await wait(process, timeout: timeout)
        return (process, termination, lines)
    }

    /// Waits for `process`; on timeout records an issue, kills the run and returns nil.
    static func wait(_ process: TaskProcess, timeout: Double = 60) async -> Termination? {
        let result = await withTaskGroup(of: Termination?.self) { group in
            group.addTask { await process.waitForExit() }
            group.addTask {
                try? await Task.sleep(nanoseconds: UInt64(timeout * 1_000_000_000))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        if result == nil {
            Issue.record("run \(process.runID) (pid \(process.pid)) did not end within \(timeout) s")
            killEverything(of: process)
        }
        return result
    }

    /// SIGKILLs whatever is left of a run: its group while the main process is unreaped (so the
    /// pid cannot have been reused), and every process carrying its V6_RUN_ID.
    static func killEverything(of process: TaskProcess) {
        if process.termination == nil { kill(-process.pid, SIGKILL) }
        killCarriers(of: process.runID)
    }

    static func killCarriers(of runID: String) {
        let marker = Array("V6_RUN_ID=\(runID)".utf8)
        for pid in ProcessTable.allPIDs() where pid != getpid() && ProcessTable.environment(of: pid, contains: marker) {
            kill(pid, SIGKILL)
        }
    }

    /// Running (not gone, not a zombie).
    static func isAlive(_ pid: pid_t) -> Bool {
        guard let entry = ProcessTable.entry(pid) else { return false }
        return !entry.isDead
    }

    /// Waits (polling) until `pid` is no longer running; false after `timeout`.
    static func waitUntilDead(_ pid: pid_t, timeout: Double = 30) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if !isAlive(pid) { return true }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        return !isAlive(pid)
    }

    /// Writes an executable shell script.
    @discardableResult
    static func script(_ directory: TemporaryDirectory, _ name: String, _ body: String) throws -> String {
        try directory.write(name, "#!/bin/sh\n" + body + "\n", mode: 0o755)
    }

    /// The first integer after `prefix` in one of the run's stdout lines.
    static func number(after prefix: String, in lines: LineCollector, timeout: Double = 30) async -> pid_t? {
        guard let line = await lines.waitFor(timeout: timeout, { $0.stream == .stdout && $0.text.hasPrefix(prefix) })
        else { return nil }
        return pid_t(line.text.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces))
    }

    /// Runs blocking work (a child run to completion, poll) on a thread of its own, so it does
    /// not hold one of the few threads of Swift's cooperative pool that every async test (and a
    /// daemon running inside the test process) needs.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    static func openDescriptorCount() -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).count
    }
}
