import Logging
import PostgresNIO

/// The shared run-time configuration: the text of `<main>.d/90-runtime.yaml` (what `v6ctl task`,
/// `v6ctl settings` and the dashboard's forms edit), one row per applied edit, numbered. Every
/// host adopts the newest revision at its heartbeat.
extension PostgresStore {
    /// The advisory lock key of publishing a revision: one edit at a time across the hosts.
    static let runtimeConfigLock: Int64 = 0x7636_7275_6e74_6d

    /// Stores `text` as the next revision, with its audit row, in one transaction, if the newest
    /// revision is still `expected` (the one the edit was made on); nil when another host
    /// published one meanwhile (nothing is written then). Returns the new revision.
    public func publishRuntimeConfig(text: String, expected: Int64, detail: String, actor: String, entry: String?) async throws -> Int64? {
        let me = hostID, logger = self.logger
        return try await bounded { client in try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.runtimeConfigLock))", logger: logger)
            var newest: Int64 = 0
            for try await value in try await connection.query("SELECT coalesce(max(revision), 0)::bigint FROM v6_runtime_config",
                                                              logger: logger).decode(Int64.self) { newest = value }
            guard newest == expected else { return nil }
            let revision = newest + 1
            try await connection.query("""
                INSERT INTO v6_runtime_config (revision, text, host_id) VALUES (\(revision), \(text), \(me))
                """, logger: logger)
            try await Self.audit(kind: "config", task: nil, detail: detail, actor: actor, host: me, entry: entry, on: connection,
                                 logger: logger)
            return revision
        } }
    }

    /// The newest revision, with its text only when it is newer than `known` (a heartbeat reads
    /// the number, and the text only when it has something to adopt); nil when none was shared.
    public func runtimeConfig(newerThan known: Int64) async throws -> SharedRuntimeConfig? {
        let logger = self.logger
        return try await bounded { client in
            var result: SharedRuntimeConfig? = nil
            let rows = try await client.query("""
                SELECT revision, host_id, CASE WHEN revision > \(known) THEN text END FROM v6_runtime_config ORDER BY revision DESC LIMIT 1
                """, logger: logger)
            for try await (revision, host, text) in rows.decode((Int64, String, String?).self) {
                result = SharedRuntimeConfig(revision: revision, host: host, text: text)
            }
            return result
        }
    }
}

/// The newest shared run-time configuration: its revision, the host whose edit made it, and the
/// text of `90-runtime.yaml` (nil when the reader already had this revision).
public struct SharedRuntimeConfig: Sendable, Equatable {
    public let revision: Int64
    public let host: String
    public let text: String?
}
