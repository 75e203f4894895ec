import GRDB
import MarketCalendar

/// The configuration audit: each change committed (fsynced) before the method returns.
extension RunStore {
    /// Adds a record; returns its `seq`.
    @discardableResult
    public func recordConfigChange(_ record: ConfigAuditRecord) throws(StoreError) -> Int64 {
        try write("record a configuration change") { db in
            try db.execute(sql: """
                INSERT INTO config_audit (at, outcome, revision, based_on, uid, user, on_behalf_of, command, changes, reason)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [record.at.seconds, record.outcome.rawValue, record.revision, record.basedOn,
                                 record.uid.map { Int64($0) }, record.user, record.onBehalfOf, record.command,
                                 record.changesJSON, record.reason])
            return db.lastInsertedRowID
        }
    }

    /// Sets a record's outcome (and reason).
    public func markConfigChange(seq: Int64, _ outcome: ConfigAuditRecord.Outcome, reason: String? = nil) throws(StoreError) {
        try write("update a configuration change") { db in
            try db.execute(sql: "UPDATE config_audit SET outcome = ?, reason = coalesce(?, reason) WHERE seq = ?",
                           arguments: [outcome.rawValue, reason, seq])
        }
    }

    /// Settles `pending` records after a load of `revision`: those that led to it are applied,
    /// the others failed (`reason`). Returns the records that became applied.
    @discardableResult
    public func settlePendingConfigChanges(running revision: String, reason: String) throws(StoreError) -> [ConfigAuditRecord] {
        try write("settle pending configuration changes") { db in
            let applied = try Row.fetchAll(db, sql: "SELECT * FROM config_audit WHERE outcome = 'pending' AND revision = ? ORDER BY seq",
                                           arguments: [revision]).map(ConfigAuditRecord.init(row:))
            try db.execute(sql: "UPDATE config_audit SET outcome = 'applied' WHERE outcome = 'pending' AND revision = ?",
                           arguments: [revision])
            try db.execute(sql: "UPDATE config_audit SET outcome = 'failed', reason = ? WHERE outcome = 'pending'",
                           arguments: [reason])
            return applied.map { var r = $0; r.outcome = .applied; return r }
        }
    }

    /// The newest records first.
    public func configAudit(limit: Int) throws(StoreError) -> [ConfigAuditRecord] {
        try read("read the configuration audit") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM config_audit ORDER BY seq DESC LIMIT ?", arguments: [limit])
                .map(ConfigAuditRecord.init(row:))
        }
    }

    /// The revision of the newest applied record, if any.
    public func lastAppliedRevision() throws(StoreError) -> String? {
        try read("read the configuration revision") { db in
            try String.fetchOne(db, sql: "SELECT revision FROM config_audit WHERE outcome = 'applied' ORDER BY seq DESC LIMIT 1")
        }
    }

    /// The applied records after the newest applied one that led to `revision`, oldest first;
    /// nil when no applied record led to `revision`.
    public func configChanges(since revision: String) throws(StoreError) -> [ConfigAuditRecord]? {
        try read("read the configuration audit") { db in
            guard let seq = try Int64.fetchOne(db, sql: """
                SELECT max(seq) FROM config_audit WHERE revision = ? AND outcome = 'applied'
                """, arguments: [revision]) else { return nil }
            return try Row.fetchAll(db, sql: "SELECT * FROM config_audit WHERE seq > ? AND outcome = 'applied' ORDER BY seq",
                                    arguments: [seq]).map(ConfigAuditRecord.init(row:))
        }
    }
}
