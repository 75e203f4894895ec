import MarketCalendar

/// One run as the shared store lists it (with its host).
public struct HostRun: Sendable, Equatable {
    public let host: String
    public let runID: String
    public let task: String
    public let trigger: String
    public let scheduledAt: Instant?
    public let outcome: String
    public let reason: String?
    /// The attempt (of a `retrying` run: the one that failed; the next is `attempt + 1`).
    public var attempt = 1
}

/// A host's lease as the shared store has it.
public struct HostLease: Sendable, Equatable {
    public let hostID: String
    /// Seconds since its last heartbeat, on the database's clock.
    public let leaseAgeSeconds: Double
    public let leaseSeconds: Int64
    public let configRevision: String
    public let running: Int
    /// The shared run-time configuration revision it runs (nil: not reported).
    public var runtimeRevision: Int64? = nil

    public var isAlive: Bool { leaseAgeSeconds <= Double(leaseSeconds) }
}

/// Another daemon holds this host id with a live lease.
public struct HostIDTaken: Error, Sendable, CustomStringConvertible {
    public let hostID: String
    public var description: String {
        "another daemon holds host_id \(hostID) with a live lease: give each daemon its own scheduler.host_id (two daemons with one id would mix their runs)"
    }
}

public struct PostgresStoreError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// One row of the shared audit: who changed what on which host. `entry` is the `AuditEntry`
/// (JSON) as that host recorded it; nil for rows written without one (`store migrate`).
public struct SharedAuditRow: Sendable, Equatable {
    public let seq: Int64
    /// The database's clock.
    public let at: Instant
    public let host: String
    public let kind: String
    public let task: String?
    public let detail: String
    public let actor: String
    public let entry: String?
}
