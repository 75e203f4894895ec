import ControlProtocol
import Foundation
import MarketCalendar
import Scheduling

/// `audit` with the shared store: every host's changes (toggles and applied configuration
/// changes), newest first, each with the host it was made on.
extension Daemon {
    /// The answer from the shared audit; nil when there is no shared store or it does not
    /// answer (then the caller answers from this host's own audit, each entry with this host).
    func sharedAuditEntries(limit: Int) async -> [AuditEntry]? {
        guard let shared = cluster?.store, cluster?.unreachable == nil else { return nil }
        do {
            return try await shared.auditTrail(limit: limit).map(auditEntry)
        } catch {
            clusterDown(error)
            return nil
        }
    }

    /// A shared row as `audit` shows it: the entry its host recorded, numbered and timed by the
    /// shared table; a row without one (copied by `store migrate`) from its columns.
    func auditEntry(_ row: SharedAuditRow) -> AuditEntry {
        let at = core.calendar.zone.iso8601(row.at)
        if let json = row.entry, var entry = try? JSONDecoder().decode(AuditEntry.self, from: Data(json.utf8)) {
            entry.seq = row.seq
            entry.host = row.host
            if entry.at.isEmpty { entry.at = at }
            return entry
        }
        return AuditEntry(seq: row.seq, at: at, command: [row.kind, row.task, row.detail].compactMap { $0 }.joined(separator: " "),
                          outcome: "applied", revision: "", reason: "by \(row.actor)", host: row.host)
    }

    /// The shared audit's copy of an entry (JSON; without `seq` and `host`, which the table gives).
    static func sharedAuditText(_ entry: AuditEntry) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(entry)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// A toggle's audit entry: `disable tick until ...`, `enable tick`, `clear tick`, by the peer.
    func toggleAuditText(_ command: String, peer: Authorization.Peer) -> String {
        Self.sharedAuditText(AuditEntry(seq: 0, at: core.calendar.zone.iso8601(clock.now()), uid: Int(peer.uid), user: peer.userName,
                                        onBehalfOf: peer.onBehalfOf, command: command, outcome: "applied", revision: loaded.revision))
    }
}
