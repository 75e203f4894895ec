// A real systemd-journald for the journal tests. systemd is installed here but is not PID 1,
// so nothing listens on /run/systemd/journal/socket unless a test starts journald itself:
// run as root with no arguments, /lib/systemd/systemd-journald creates /run/systemd/journal
// (its sockets), binds them itself (no socket activation needed) and, never being told to
// flush, stores entries in /run/log/journal/<machine-id>/, where journalctl reads them.
// (An argument would be taken as a journal namespace: not even `--version` is safe.)
// If a journald already answers (a real systemd host, systemd-ns), the tests use that one.
//
// Users share one instance per test process (a count), the last one stops it by its pid and
// removes the /run directories it created, so a test run leaves the machine as it found it.
import Foundation
import Glibc
import SchedulerDaemon
import Synchronization
import TestSupport
import Testing

enum Journald {
    static let socketPath = "/run/systemd/journal/socket"
    static let binary = "/lib/systemd/systemd-journald"
    /// What journald creates when it starts on a machine without systemd (deepest first).
    static let runtimePaths = ["/run/systemd/journal", "/run/log/journal", "/run/log"]

    /// True when the tests can have a journald: one answers already, or we may start one.
    static var isAvailable: Bool {
        isAnswering() || (getuid() == 0 && FileManager.default.isExecutableFile(atPath: binary))
    }

    /// Whether something receives datagrams on journald's socket (a socket file left behind
    /// by a stopped journald refuses the connection).
    static func isAnswering() -> Bool {
        (try? JournalSink.probe()) != nil
    }

    /// Runs `body` with a journald answering on /run/systemd/journal/socket.
    static func with<T>(_ body: () throws -> T) throws -> T {
        try acquire()
        defer { release() }
        return try body()
    }

    private struct Shared {
        var users = 0
        var started: Started?
    }

    /// A journald this process started, and what existed before it did.
    private struct Started {
        let process: Process
        let preexisting: Set<String>
    }

    private static let shared = Mutex(Shared())

    private static func acquire() throws {
        try shared.withLock { shared in
            if shared.users == 0 && !isAnswering() {
                shared.started = try start()
            }
            shared.users += 1
        }
    }

    private static func release() {
        shared.withLock { shared in
            shared.users -= 1
            guard shared.users == 0, let started = shared.started else { return }
            shared.started = nil
            stop(started)
        }
    }

    private static func start() throws -> Started {
        guard getuid() == 0 else { throw JournaldFixtureError("needs root to start systemd-journald; runs under CI") }
        let preexisting = Set(runtimePaths.filter { FileManager.default.fileExists(atPath: $0) })
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = []
        var environment = ProcessInfo.processInfo.environment
        // Not ours to inherit: journald would notify the notifier tests' socket, or think it
        // was socket-activated.
        for name in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"] {
            environment[name] = nil
        }
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let started = Started(process: process, preexisting: preexisting)
        let deadline = Date().addingTimeInterval(20)
        while !isAnswering() {
            guard process.isRunning, Date() < deadline else {
                let status = process.isRunning ? "still running" : "exited with status \(process.terminationStatus)"
                stop(started)
                throw JournaldFixtureError(
                    "\(binary) (pid \(process.processIdentifier)) did not answer on \(socketPath) within 20 s; \(status)")
            }
            usleep(20_000)
        }
        print("JournaldFixture: started \(binary) as pid \(process.processIdentifier)")
        return started
    }

    private static func stop(_ started: Started) {
        let process = started.process
        let pid = process.processIdentifier
        if process.isRunning { kill(pid, SIGTERM) }
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
        for path in runtimePaths where !started.preexisting.contains(path) {
            try? FileManager.default.removeItem(atPath: path)
        }
        print("JournaldFixture: stopped pid \(pid)")
    }

    /// Runs `body` with a socket file at `socketPath` that nobody is bound to, as a crashed
    /// journald leaves it. Only when no journald answers; removes what it created.
    static func withStaleSocket<T>(_ body: () throws -> T) throws -> T {
        guard !isAnswering() else { throw JournaldFixtureError("a journald answers on \(socketPath)") }
        let directory = "/run/systemd/journal"
        let createdDirectory = !FileManager.default.fileExists(atPath: directory)
        let createdSocket = !FileManager.default.fileExists(atPath: socketPath)
        if createdDirectory { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false) }
        defer {
            if createdSocket { unlink(socketPath) }
            if createdDirectory { rmdir(directory) }
        }
        if createdSocket {
            let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(socketPath.utf8) + [0]) }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            close(fd)  // the file stays, the receiver is gone
            guard bound == 0 else { throw JournaldFixtureError("cannot bind \(socketPath): errno \(errno)") }
        }
        return try body()
    }

    /// The entries matching `matches` (journalctl match arguments, e.g. `V6_RUN_ID=…` or
    /// `-t`, `name`), waiting until there are at least `count` of them: journald stores
    /// entries asynchronously. Only string-valued fields are kept.
    static func entries(_ matches: [String], atLeast count: Int, timeout: Double = 20) throws -> [[String: String]] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let result = try Command.run("/usr/bin/journalctl", ["--no-pager", "-o", "json", "--all"] + matches)
            let entries = result.stdout.split(separator: "\n").compactMap { line -> [String: String]? in
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
                return object.compactMapValues { $0 as? String }
            }
            if entries.count >= count || Date() >= deadline {
                if entries.count < count {
                    let problem = "journalctl \(matches.joined(separator: " ")): \(entries.count) entries, "
                        + "expected \(count); status \(result.status), stderr: \(result.stderr)"
                    Issue.record("\(problem)")
                }
                return entries
            }
            usleep(100_000)
        }
    }
}

struct JournaldFixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
