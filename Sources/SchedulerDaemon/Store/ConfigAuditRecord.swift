import Foundation
import GRDB
import MarketCalendar
import Scheduling

/// One row of `config_audit`: a configuration change, who made it, and what it changed.
public struct ConfigAuditRecord: Sendable, Equatable {
    public enum Outcome: String, Sendable {
        /// Recorded before the managed drop-in was renamed into place; not reloaded yet.
        case pending
        /// Running.
        case applied
        /// Not applied (the write failed, the reload was refused, or the daemon stopped first).
        case failed
    }

    public var seq: Int64
    public var at: Instant
    public var outcome: Outcome
    /// The revision the change led to.
    public var revision: String
    /// The revision it was made on.
    public var basedOn: String?
    /// The peer's uid; nil for the daemon's own entries.
    public var uid: Int?
    public var user: String?
    /// The person a client acted for, as the client said.
    public var onBehalfOf: String?
    /// `task set collect timeout_seconds=300`, `reload`, `SIGHUP`, `start`.
    public var command: String
    public var changes: [ConfigValueChange]
    public var reason: String?

    public init(seq: Int64 = 0, at: Instant, outcome: Outcome, revision: String, basedOn: String? = nil, uid: Int? = nil,
                user: String? = nil, onBehalfOf: String? = nil, command: String, changes: [ConfigValueChange] = [],
                reason: String? = nil) {
        self.seq = seq
        self.at = at
        self.outcome = outcome
        self.revision = revision
        self.basedOn = basedOn
        self.uid = uid
        self.user = user
        self.onBehalfOf = onBehalfOf
        self.command = command
        self.changes = changes
        self.reason = reason
    }

    /// `root (uid 0)`, `desk (uid 1000) for Alice Smith`, `v6-scheduler` for the daemon's own.
    public var who: String {
        guard let uid else { return "v6-scheduler" }
        let name = user.map { "\($0) (uid \(uid))" } ?? "uid \(uid)"
        return name + (onBehalfOf.map { " for \($0)" } ?? "")
    }

    init(row: Row) {
        let changesText: String = row["changes"]
        self.init(seq: row["seq"], at: Instant(seconds: row["at"]), outcome: Outcome(rawValue: row["outcome"]) ?? .failed,
                  revision: row["revision"], basedOn: row["based_on"], uid: (row["uid"] as Int64?).map { Int($0) },
                  user: row["user"], onBehalfOf: row["on_behalf_of"], command: row["command"],
                  changes: (try? JSONDecoder().decode([ConfigValueChange].self, from: Data(changesText.utf8))) ?? [],
                  reason: row["reason"])
    }

    var changesJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(changes)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }
}
