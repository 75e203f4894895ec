/// Where the daemon keeps its state, and its place among several daemons sharing it:
/// `scheduler.store`, `postgres_url`, `host_id`, `host_lease`.
public struct ClusterSettings: Sendable, Equatable {
    /// Which run store: one host's SQLite file, or a PostgreSQL database several hosts share.
    public enum Store: String, Sendable, Equatable, CaseIterable {
        case sqlite, postgres
    }

    public var store: Store = .sqlite
    /// `postgres_url`: a libpq-style URL (`postgres://user:password@host:5432/db?sslmode=...`), as
    /// a secret (it may hold a password): `env:NAME`, `file:PATH` or the value. Required for postgres.
    public var postgresURL: Secret?
    /// `host_id`: this daemon's name among the hosts; nil: the host name (decided at start).
    public var hostID: String?
    /// `host_lease`: how long a silent host keeps its claims and open runs, in seconds.
    public var hostLeaseSeconds: Int64 = ClusterSettings.defaultHostLeaseSeconds

    public static let defaultHostLeaseSeconds: Int64 = 30

    public init() {}

    /// Host ids: 1-64 of letters, digits, `.`, `-` and `_` (they appear in status, history and logs).
    public static func isValidHostID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 64
            && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || ".-_".unicodeScalars.contains($0) }
    }
}
