// A real systemd-journald for tests, in a mount namespace of its own: the one journald helper
// of the test suites.
//
// systemd is installed here but is not PID 1, so no journald listens unless a test starts
// one. Run as root with no arguments, /lib/systemd/systemd-journald creates
// /run/systemd/journal (its sockets) and stores entries under /run/log/journal. Started
// through `unshare --mount` over a fresh tmpfs on /run, it does so in a private /run: it
// cannot clash with another test's journald, with the host's, or with the test processes of
// other checkouts on the same machine, and everything it wrote disappears with the namespace
// when it stops. A daemon under test and journalctl join that namespace with `nsenter --mount`
// (`launcher`; nsenter execs without forking for a mount namespace, so the daemon's pid is the
// one the harness sees); code inside the test process joins it on a thread of its own
// (`inNamespace`).
import CShim
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One systemd-journald in a private /run; stop it by its pid with `stop()`.
public final class StandaloneJournald: @unchecked Sendable {
    public static let binary = "/lib/systemd/systemd-journald"
    static let unshare = "/usr/bin/unshare"
    static let nsenter = "/usr/bin/nsenter"
    static let journalctl = "/usr/bin/journalctl"
    static let socketPath = "/run/systemd/journal/socket"

    /// Why this machine cannot run one (nil when it can): root and the programs are needed.
    public static var unavailableReason: String? {
        if getuid() != 0 { return "needs root (a mount namespace and systemd-journald); runs under CI as root" }
        for program in [binary, unshare, nsenter, journalctl] where !FileManager.default.isExecutableFile(atPath: program) {
            return "\(program) is missing"
        }
        return nil
    }

    private let process: Process
    public var pid: Int32 { process.processIdentifier }

    /// Runs a program inside journald's mount namespace: put this before its argv.
    public var launcher: [String] { [Self.nsenter, "--mount=/proc/\(pid)/ns/mnt", "--"] }

    /// Starts journald and waits until its socket takes datagrams.
    public init(timeout: Double = 20) throws {
        if let reason = Self.unavailableReason { throw HarnessError("cannot start systemd-journald: \(reason)") }
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.unshare)
        // No argument may reach journald: it would take one as a journal namespace.
        process.arguments = ["--mount", "--propagation", "private", "--", "/bin/sh", "-c",
                             "mount -t tmpfs -o mode=0755 tmpfs /run && exec \(Self.binary)"]
        var environment = ProcessInfo.processInfo.environment
        // Not ours to inherit: journald would notify someone's socket or think it was socket-activated.
        for name in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"] {
            environment[name] = nil
        }
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while !isAnswering() {
            guard process.isRunning, Date() < deadline else {
                let state = process.isRunning ? "still running" : "exited with status \(process.terminationStatus)"
                stop()
                throw HarnessError("systemd-journald (pid \(pid)) did not answer on \(Self.socketPath) within \(timeout) s; \(state)")
            }
            usleep(20_000)
        }
    }

    /// Whether journald's socket (seen through /proc/PID/root, i.e. in its namespace) takes a connection.
    public func isAnswering() -> Bool {
        let path = "/proc/\(pid)/root\(Self.socketPath)"
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { Glibc.close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        } == 0
    }

    /// Runs `journalctl ARGS` in journald's namespace.
    public func journalctl(_ arguments: [String]) throws -> CommandResult {
        try Command.run(Self.nsenter, Array(launcher.dropFirst()) + [Self.journalctl] + arguments)
    }

    /// The entries matching `matches` (journalctl arguments such as `V6_TASK=x` or `-t`, `x`),
    /// waiting until there are at least `count`: journald stores entries asynchronously.
    /// String-valued fields only. Returns what there is after `timeout` even if fewer.
    public func entries(_ matches: [String], atLeast count: Int, timeout: Double = 20) throws -> [[String: String]] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let result = try journalctl(["--no-pager", "-o", "json", "--all"] + matches)
            let entries = result.stdout.split(separator: "\n").compactMap { line -> [String: String]? in
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
                return object.compactMapValues { $0 as? String }
            }
            if entries.count >= count || Date() >= deadline { return entries }
            usleep(100_000)
        }
    }

    /// Runs `body` on a thread of its own that joined journald's mount namespace, and returns
    /// what it returned. There, /run/systemd/journal/socket is this journald's, so code that
    /// writes to that fixed path (sd_journal_sendv, `JournalSink`) reaches it; the rest of the
    /// test process keeps the host's /run. Record expectations after it returns: `body` runs
    /// outside the test's task.
    public func inNamespace<T: Sendable>(_ body: @escaping @Sendable () throws -> T) throws -> T {
        let path = "/proc/\(pid)/ns/mnt"
        return try Self.onOwnThread {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw HarnessError("cannot open \(path): \(Self.errnoText)") }
            defer { Glibc.close(fd) }
            guard v6_thread_enter_mount_namespace(fd) == 0 else {
                throw HarnessError("cannot join journald's mount namespace (\(path)): \(Self.errnoText)")
            }
            return try body()
        }
    }

    /// Runs `body` on a thread of its own in a new mount namespace with an empty tmpfs on /run,
    /// where no journald answers (root only). With `staleSocket`, /run/systemd/journal/socket
    /// exists but nobody receives on it, as a journald that died leaves it. The host's /run is
    /// never touched.
    public static func withoutJournald<T: Sendable>(staleSocket: Bool, _ body: @escaping @Sendable () throws -> T) throws -> T {
        try onOwnThread {
            guard v6_thread_unshare_mount_namespace() == 0 else { throw HarnessError("unshare(CLONE_NEWNS): \(errnoText)") }
            // Private first: a mount in a namespace that shares propagation would reach the host's.
            guard mount(nil, "/", nil, UInt(MS_REC | MS_PRIVATE), nil) == 0 else { throw HarnessError("mount --make-rprivate /: \(errnoText)") }
            guard mount("tmpfs", "/run", "tmpfs", 0, "mode=0755") == 0 else { throw HarnessError("mount tmpfs /run: \(errnoText)") }
            if staleSocket {
                try FileManager.default.createDirectory(atPath: "/run/systemd/journal", withIntermediateDirectories: true)
                let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
                var address = sockaddr_un()
                address.sun_family = sa_family_t(AF_UNIX)
                withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(socketPath.utf8) + [0]) }
                let bound = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
                }
                Glibc.close(fd)  // the file stays, the receiver is gone
                guard bound == 0 else { throw HarnessError("cannot bind \(socketPath): \(errnoText)") }
            }
            return try body()
        }
    }

    /// Runs `work` on a new thread (namespace changes stay with that thread, which then ends)
    /// and waits for it.
    static func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) throws -> T {
        let result = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread {
            let outcome = Result { try work() }
            result.withLock { $0 = outcome }
            done.signal()
        }.start()
        done.wait()
        return try result.withLock { $0! }.get()
    }

    static var errnoText: String { String(cString: strerror(errno)) }

    /// SIGTERM, then SIGKILL after 10 s; the namespace and its /run go with it.
    public func stop() {
        guard process.isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}
