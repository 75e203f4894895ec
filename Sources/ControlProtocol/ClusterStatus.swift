/// `status`'s view of the hosts sharing a PostgreSQL store (`scheduler.store: postgres`).
public struct ClusterStatus: Codable, Sendable, Equatable {
    /// `postgres`.
    public var store: String
    /// This daemon's `host_id`.
    public var hostID: String
    /// The database's URL without its password.
    public var database: String
    /// Whether the database answered the last heartbeat. While it does not, the daemon starts
    /// nothing that needs a claim.
    public var reachable: Bool
    /// Why not, and since when (ET instant).
    public var unreachable: String?
    /// Every host that has a lease row, by id, as of the last heartbeat.
    public var hosts: [HostStatus]

    public init(store: String, hostID: String, database: String, reachable: Bool, unreachable: String? = nil, hosts: [HostStatus]) {
        self.store = store
        self.hostID = hostID
        self.database = database
        self.reachable = reachable
        self.unreachable = unreachable
        self.hosts = hosts
    }

    enum CodingKeys: String, CodingKey {
        case store, hostID = "host_id", database, reachable, unreachable, hosts
    }
}

/// One host of the cluster.
public struct HostStatus: Codable, Sendable, Equatable {
    public var hostID: String
    /// Its lease is current (renewed within `lease_seconds`, on the database's clock).
    public var alive: Bool
    /// Seconds since its last renewal, on the database's clock.
    public var leaseAgeSeconds: Double
    public var leaseSeconds: Int
    /// The revision of its tasks (a digest of the tasks as it loaded them).
    public var configRevision: String
    /// Runs in progress there.
    public var running: Int
    /// The daemon that answered.
    public var thisHost: Bool
    /// Alive, with a configuration revision (or shared run-time revision) other than this daemon's.
    public var configDiffers: Bool
    /// The revision of the shared run-time configuration (`90-runtime.yaml`) it runs: 0 before
    /// any edit was shared; absent for a host that has not reported one.
    public var runtimeRevision: Int64?

    public init(hostID: String, alive: Bool, leaseAgeSeconds: Double, leaseSeconds: Int, configRevision: String, running: Int,
                thisHost: Bool, configDiffers: Bool, runtimeRevision: Int64? = nil) {
        self.hostID = hostID
        self.alive = alive
        self.leaseAgeSeconds = leaseAgeSeconds
        self.leaseSeconds = leaseSeconds
        self.configRevision = configRevision
        self.running = running
        self.thisHost = thisHost
        self.configDiffers = configDiffers
        self.runtimeRevision = runtimeRevision
    }

    enum CodingKeys: String, CodingKey {
        case hostID = "host_id", alive, leaseAgeSeconds = "lease_age_seconds", leaseSeconds = "lease_seconds"
        case configRevision = "config_revision", running, thisHost = "this_host", configDiffers = "config_differs"
        case runtimeRevision = "runtime_revision"
    }
}
