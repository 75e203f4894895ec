import Foundation
import Logging
import MarketCalendar
import NIOSSL
import PostgresNIO
import Scheduling
import Synchronization

/// The run store several daemons share (`scheduler.store: postgres`): PostgreSQL is the arbiter.
///
/// A slot is claimed under the UNIQUE `(task, scheduled_at)` key of `v6_slots` in the same
/// transaction that records the run: whichever daemon commits first runs it, any other finds the
/// key taken and does nothing. No leader. Each daemon renews a lease (`v6_hosts.heartbeat_at`,
/// the database's clock, so clock skew between hosts does not matter); another host marks the
/// open runs of a host whose lease lapsed `abandoned`.
///
/// The daemon reaches it through `StoreLane` (claims and records) and `Daemon+Cluster.swift`
/// (leases, toggles, audit, history).
public final class PostgresStore: Sendable {
    public let hostID: String
    /// Which daemon uses `hostID`: the daemon passes its machine and state directory, so that it
    /// restarting there takes its id back at once, while another daemon (elsewhere, or with other
    /// state) is refused as long as the lease is alive.
    public let instance: String
    /// The database's URL without its password, for messages.
    public let label: String
    let logger: Logger
    /// The pool and the task running it. Replaced after a lost connection: PostgresNIO's pool
    /// stops trying (its circuit breaker) after a minute of failed connects, and a daemon must
    /// pick up again whenever the database returns.
    private let pool: Mutex<(client: PostgresClient, running: Task<Void, Never>)>
    private let configuration: PostgresClient.Configuration
    /// How long a claim or a record may take before it counts as failed: a daemon without the
    /// database must know within seconds (it then starts nothing that needs a claim).
    public let deadline: Duration

    var client: PostgresClient { pool.withLock { $0.client } }

    /// Opens a pool of connections to `url` for the daemon `hostID`. Nothing is sent until the
    /// first query; `migrate()` first.
    public init(url: PostgresURL, hostID: String, instance: String = UUID().uuidString, logger: Logger,
                deadline: Duration = .seconds(3)) throws {
        self.hostID = hostID
        self.instance = instance
        self.label = url.description
        self.logger = logger
        self.deadline = deadline
        var configuration: PostgresClient.Configuration
        if let socket = url.socketPath {
            configuration = .init(unixSocketPath: socket, username: url.user, password: url.password, database: url.database)
        } else {
            let tls: PostgresClient.Configuration.TLS
            switch url.sslMode {
            case .disable, .allow: tls = .disable
            case .prefer: tls = .prefer(Self.tlsConfiguration(verify: false))
            case .require: tls = .require(Self.tlsConfiguration(verify: false))
            case .verifyCA, .verifyFull: tls = .require(Self.tlsConfiguration(verify: true))
            }
            configuration = .init(host: url.host ?? "localhost", port: url.port, username: url.user, password: url.password,
                                  database: url.database, tls: tls)
        }
        // A lost database must show quickly: claims wait at most this long for a connection.
        configuration.options.connectTimeout = .seconds(3)
        self.configuration = configuration
        pool = Mutex(Self.start(configuration, logger: logger))
    }

    private static func start(_ configuration: PostgresClient.Configuration, logger: Logger) -> (client: PostgresClient, running: Task<Void, Never>) {
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        return (client, Task { await client.run() })
    }

    /// Runs `body` on the current pool within `deadline`; after a failure the pool is replaced,
    /// so that the next call connects afresh.
    ///
    /// The deadline does not wait for `body` to notice its cancellation: across a partition (a
    /// link that loses packets) a query waits on its connection until TCP gives up, minutes later,
    /// whatever its task's cancellation says. The caller gets its answer at the deadline; the
    /// abandoned query ends with the old pool.
    func bounded<T: Sendable>(_ body: @escaping @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let client = self.client
        let deadline = self.deadline
        do {
            return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                let answered = Mutex(false)
                let finish: @Sendable (Result<T, any Error>) -> Bool = { result in
                    let first = answered.withLock { done in
                        defer { done = true }
                        return !done
                    }
                    if first { continuation.resume(with: result) }
                    return first
                }
                let work = Task {
                    do { _ = finish(.success(try await body(client))) } catch { _ = finish(.failure(error)) }
                }
                Task {
                    try? await Task.sleep(for: deadline)
                    if finish(.failure(PostgresStoreError("no answer from PostgreSQL within \(deadline)"))) { work.cancel() }
                }
            }
        } catch {
            if Self.isConnectionFailure(error) { renew(after: client) }
            throw error
        }
    }

    /// True unless the server answered (with an error): the database is away, or the link to it.
    /// Also the server's own "going away" answers: SQLSTATE classes 08 (connection), 57 (operator
    /// intervention: shutting down, restarting) and 53 (out of resources, too many connections).
    public static func isConnectionFailure(_ error: any Error) -> Bool {
        if error is HostIDTaken { return false }
        guard let info = (error as? PSQLError)?.serverInfo else { return true }
        let state = info[.sqlState] ?? ""
        return state.hasPrefix("08") || state.hasPrefix("57") || state.hasPrefix("53")
    }

    /// A failure in one line, without the query or its values: the server's message and SQLSTATE,
    /// or what went wrong on the way to it.
    public static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let info = error.serverInfo {
                return "PostgreSQL: \(info[.message] ?? "error") (SQLSTATE \(info[.sqlState] ?? "?"))"
            }
            if let underlying = error.underlying { return "\(error.code): \(underlying)" }
            return "\(error.code)"
        }
        let text = "\(error)"
        if text.contains("CircuitBreakerTripped") { return "cannot connect (every connection attempt failed; is the server up and reachable?)" }
        if text.contains("poolShutdown") { return "the connection was lost (reconnecting)" }
        return text
    }

    /// A fresh pool in place of `failed` (once, whoever notices first).
    private func renew(after failed: PostgresClient) {
        let old = pool.withLock { pool -> Task<Void, Never>? in
            guard pool.client === failed else { return nil }
            let previous = pool.running
            pool = Self.start(configuration, logger: logger)
            return previous
        }
        old?.cancel()
    }

    private static func tlsConfiguration(verify: Bool) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = verify ? .fullVerification : .none
        return tls
    }

    /// Stops the pool (its run task); queries after it fail.
    public func close() async {
        let running = pool.withLock { $0.running }
        running.cancel()
        _ = await running.value
    }

    /// Applies the schema's migrations; returns the version the database was at.
    @discardableResult
    public func migrate() async throws -> Int {
        try await PostgresSchema.migrate(client, logger: logger)
    }

    /// The schema version the database is at.
    public func schemaVersion() async throws -> Int {
        var version = 0
        for try await v in try await client.query("SELECT coalesce(max(version), 0) FROM v6_schema", logger: logger).decode(Int.self) {
            version = v
        }
        return version
    }
}
