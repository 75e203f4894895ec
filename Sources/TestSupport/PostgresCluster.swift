import Foundation
import Glibc

/// A private PostgreSQL cluster for one test suite: `initdb` in a temporary directory, a server
/// listening only on a Unix socket in that directory (no TCP port to collide on), stopped by its
/// pid (SIGINT: fast shutdown) when the test is done. PostgreSQL refuses to run as root: as root
/// the cluster belongs to the `postgres` user (Debian's package creates it) and its tools run
/// through `runuser`.
///
/// `make test-deps` installs Debian's `postgresql`; elsewhere `unavailableReason` says what is missing.
public final class PostgresCluster: @unchecked Sendable {
    public static let database = "v6"
    public static let user = "v6"

    public let directory: TemporaryDirectory
    public let port: Int
    /// Also listening on 127.0.0.1:`port` (for tests that put a proxy between a daemon and the server).
    public let tcp: Bool
    /// Other addresses it listens on (the outer ends of `TestHostLink`s).
    public let listenAddresses: [String]
    public private(set) var pid: pid_t = 0

    /// The data directory's server binaries (the newest Debian installed).
    public static var binDirectory: String? {
        let root = "/usr/lib/postgresql"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        let versions = names.compactMap { Int($0) }.sorted()
        for version in versions.reversed() where access("\(root)/\(version)/bin/postgres", X_OK) == 0 {
            return "\(root)/\(version)/bin"
        }
        return nil
    }

    /// Why no cluster can be started here; nil when one can.
    public static var unavailableReason: String? {
        guard binDirectory != nil else { return "PostgreSQL server binaries not found under /usr/lib/postgresql (make test-deps installs Debian's postgresql)" }
        if getuid() == 0, getpwnam("postgres") == nil { return "running as root and there is no postgres user to run the server as" }
        return nil
    }

    /// `postgres://v6@[socket dir]:PORT/v6`: the URL the daemon's configuration would give.
    public var url: String { "postgres://\(Self.user)@%2F\(directory.path.dropFirst().replacingOccurrences(of: "/", with: "%2F")):\(port)/\(Self.database)?sslmode=disable" }

    public var dataDirectory: String { directory.file("data") }

    /// `postgres://v6@127.0.0.1:PORT/v6` (a cluster started with `tcp`).
    public var tcpURL: String { "postgres://\(Self.user)@127.0.0.1:\(port)/\(Self.database)?sslmode=disable" }

    /// - Parameters:
    ///   - tcp: listen on 127.0.0.1 too, on a port that was free a moment ago (`port` is then ignored).
    ///   - listen: more addresses to listen on (with `tcp`), and `allow`: the network (CIDR) whose
    ///     clients are let in without a password, like the local ones.
    public init(port: Int = 5432, tcp: Bool = false, listen: [String] = [], allow: String? = nil) throws {
        guard let bin = Self.binDirectory else { throw HarnessError(Self.unavailableReason ?? "no PostgreSQL") }
        directory = try TemporaryDirectory("v6pg")
        self.port = tcp ? try TCPProxy.freePort() : port
        self.tcp = tcp
        listenAddresses = tcp ? listen : []
        if getuid() == 0, let owner = getpwnam("postgres") {
            guard chown(directory.path, owner.pointee.pw_uid, owner.pointee.pw_gid) == 0 else {
                throw HarnessError("cannot hand \(directory.path) to the postgres user: \(String(cString: strerror(errno)))")
            }
        }
        let initdb = try run("\(bin)/initdb", ["-D", dataDirectory, "-U", Self.user, "-A", "trust", "-E", "UTF8", "--no-sync"])
        guard initdb.status == 0 else { throw HarnessError("initdb failed (\(initdb.status)): \(initdb.stderr)") }
        if let allow {
            let hba = URL(fileURLWithPath: "\(dataDirectory)/pg_hba.conf")
            let text = (try? String(contentsOf: hba, encoding: .utf8)) ?? ""
            try (text + "\nhost all all \(allow) trust\n").write(to: hba, atomically: false, encoding: .utf8)
        }
        try start()
        let created = try run("\(bin)/createdb", ["-h", directory.path, "-p", "\(self.port)", "-U", Self.user, Self.database])
        guard created.status == 0 else {
            stop()
            throw HarnessError("createdb failed (\(created.status)): \(created.stderr)")
        }
    }

    /// Starts the server (again, after `stop()`), and waits until it accepts connections.
    public func start() throws {
        guard let bin = Self.binDirectory else { return }
        // Not through pipes: the server pg_ctl leaves running would hold them open (a reader
        // waiting for their end would wait for the server's). Its output goes to server.log.
        let status = try runDetached("\(bin)/pg_ctl", ["-D", dataDirectory, "-l", directory.file("server.log"), "-w", "-t", "30",
                                                       "-o", "-k \(directory.path) -h '\(tcp ? (["127.0.0.1"] + listenAddresses).joined(separator: ",") : "")' -p \(port) -c fsync=on", "start"])
        guard status == 0 else {
            throw HarnessError("pg_ctl start failed (\(status)): \((try? String(contentsOfFile: directory.file("server.log"), encoding: .utf8)) ?? "")")
        }
        // The postmaster's pid is the first line of postmaster.pid.
        guard let text = try? String(contentsOfFile: "\(dataDirectory)/postmaster.pid", encoding: .utf8),
              let first = text.split(separator: "\n").first, let value = pid_t(first) else {
            throw HarnessError("no postmaster.pid after the start")
        }
        pid = value
    }

    /// Stops the server by its pid (fast shutdown) and waits up to 30 s for it to go.
    public func stop() {
        guard pid > 0 else { return }
        kill(pid, SIGINT)
        let deadline = Date().addingTimeInterval(30)
        while kill(pid, 0) == 0 && Date() < deadline { usleep(20_000) }
        if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        pid = 0
    }

    /// `psql -c SQL` against the test database; its output, unaligned and without headers.
    public func psql(_ sql: String) throws -> String {
        guard let bin = Self.binDirectory else { throw HarnessError("no PostgreSQL") }
        let result = try run("\(bin)/psql", ["-h", directory.path, "-p", "\(port)", "-U", Self.user, "-d", Self.database,
                                             "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql])
        guard result.status == 0 else { throw HarnessError("psql failed (\(result.status)): \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `tool` with no pipes (stdin, stdout and stderr on /dev/null) to its end, through
    /// posix_spawn and waitpid; its exit status (-1 when it did not exit normally).
    private func runDetached(_ tool: String, _ arguments: [String]) throws -> Int32 {
        let argv = getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--", tool] + arguments : [tool] + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in 0...2 {
            posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        var cArgs = argv.map { strdup($0) } + [nil]
        defer { for arg in cArgs { free(arg) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cArgs, environ)
        guard spawned == 0 else { throw HarnessError("cannot start \(argv[0]): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
    }

    private func run(_ tool: String, _ arguments: [String]) throws -> CommandResult {
        if getuid() == 0 {
            return try Command.run("/usr/sbin/runuser", ["-u", "postgres", "--", tool] + arguments, cwd: directory.path)
        }
        return try Command.run(tool, arguments, cwd: directory.path)
    }

    deinit { stop() }
}
