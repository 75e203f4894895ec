import Yams

/// `scheduler.store`, `postgres_url`, `host_id`, `host_lease` and a task's `hosts:`: which store the
/// daemon uses and which hosts may run what (docs/high-availability.md).
extension ConfigReader {
    static let clusterSchedulerKeys = ["store", "postgres_url", "host_id", "host_lease"]
    /// The shortest and longest `host_lease`: shorter than a few heartbeats is noise, and a lease
    /// longer than an hour leaves a dead host's runs open for too long.
    static let hostLeaseRange: ClosedRange<Int64> = 5...3600

    mutating func readClusterSettings(_ m: MappingNode, base: String) -> ClusterSettings {
        var settings = ClusterSettings()
        if let node = m.value("store"), let text = scalarString(node, path: m.child("store"), expected: "sqlite or postgres") {
            if let store = ClusterSettings.Store(rawValue: text) {
                settings.store = store
            } else {
                let hint = Suggestion.closest(to: text, in: ClusterSettings.Store.allCases.map(\.rawValue)).map { "did you mean \($0)? " } ?? ""
                error(Self.line(node), m.child("store"), "\"\(text)\" is not a store (\(hint)write sqlite, the default, or postgres)")
            }
        }
        settings.postgresURL = secret(m, "postgres_url", base: base)
        if case .literal = settings.postgresURL?.source, let url = settings.postgresURL?.reveal(), !Self.isPostgresURL(url) {
            error(m.keyLine("postgres_url"), m.child("postgres_url"),
                  "is not a PostgreSQL URL (write postgres://USER@HOST:5432/DATABASE, or env:NAME or file:PATH)")
        }
        if settings.store == .postgres, !m.has("postgres_url") {
            error(m.keyLine("store"), m.child("store"), "postgres needs scheduler.postgres_url (e.g. postgres_url: env:V6_POSTGRES_URL)")
        } else if settings.store == .sqlite, m.has("postgres_url") {
            warn(m.keyLine("postgres_url"), m.child("postgres_url"), "is not used: the store is sqlite (add store: postgres to use it)")
        }
        if let node = m.value("host_id"), let id = scalarString(node, path: m.child("host_id"), expected: "a host name") {
            if ClusterSettings.isValidHostID(id) {
                settings.hostID = id
            } else {
                error(Self.line(node), m.child("host_id"), "\"\(id)\" is not a host id (1-64 letters, digits, '.', '-' or '_')")
            }
        }
        if let node = m.value("host_lease"),
           let text = scalarString(node, path: m.child("host_lease"), expected: "a duration such as 30s") {
            switch DurationSyntax.parse(text) {
            case .failure(let problem):
                error(Self.line(node), m.child("host_lease"), problem.message)
            case .success(let seconds) where !Self.hostLeaseRange.contains(seconds):
                error(Self.line(node), m.child("host_lease"),
                      "\"\(text)\" is out of range (from 5s to 1h: heartbeats come every few seconds)")
            case .success(let seconds):
                settings.hostLeaseSeconds = seconds
            }
        }
        return settings
    }

    /// A task's `hosts:`: the host ids that may run it (a list, or one id); nil when absent.
    mutating func hostList(_ m: MappingNode) -> [String]? {
        guard let node = m.value("hosts") else { return nil }
        let path = m.child("hosts")
        guard let items = strings(node, path: path, allowEmpty: false, expected: "a list of host ids (scheduler.host_id of each)",
                                  item: "a host id") else { return nil }
        var hosts: [String] = []
        for (item, id) in items {
            guard ClusterSettings.isValidHostID(id) else {
                error(Self.line(item), path, "\"\(id)\" is not a host id (1-64 letters, digits, '.', '-' or '_')")
                return nil
            }
            guard !hosts.contains(id) else {
                error(Self.line(item), path, "\(id) is listed twice (remove one)")
                return nil
            }
            hosts.append(id)
        }
        return hosts
    }

    static func isPostgresURL(_ text: String) -> Bool {
        (text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")) && !text.contains { $0.isWhitespace }
    }
}
