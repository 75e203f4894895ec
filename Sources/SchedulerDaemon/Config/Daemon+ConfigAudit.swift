import Foundation
import MarketCalendar
import Scheduling

extension Daemon {
    /// After every load (start, reload, store recovery): settles edits recorded `pending`
    /// (applied if the running files are the ones they wrote, e.g. after a kill -9 between the
    /// rename and the reload; failed otherwise), and records changes nobody recorded: a reload
    /// of files edited by hand, or files changed while the daemon was stopped.
    func settleConfigAudit(previous: LoadedConfig?, cause: String, peer: Authorization.Peer?) {
        guard let store else { return }
        let now = clock.now()
        do {
            let applied = try store.settlePendingConfigChanges(
                running: loaded.revision, reason: "not applied: the daemon stopped, or the files changed, before it was reloaded")
            for record in applied where cause == "start" {
                logAudit(ConfigAuditRecord(at: now, outcome: .applied, revision: record.revision, basedOn: record.basedOn,
                                           uid: record.uid, user: record.user, onBehalfOf: record.onBehalfOf,
                                           command: record.command, changes: record.changes,
                                           reason: "applied at start (the daemon stopped after writing it, before reloading)"),
                         revision: loaded.revision)
            }
            guard applied.isEmpty else { return }
            if let previous {
                guard previous.revision != loaded.revision else { return }
                let changes = ConfigValueChange.changes(from: previous.layers.effectiveValues(previous.config),
                                                        to: loaded.layers.effectiveValues(loaded.config))
                let files = loaded.layers.changedFiles(since: previous.layers)
                let record = ConfigAuditRecord(at: now, outcome: .applied, revision: loaded.revision, basedOn: previous.revision,
                                               uid: peer.map { Int($0.uid) }, user: peer?.userName, command: cause,
                                               changes: changes, reason: "files changed: \(files.joined(separator: ", "))")
                try store.recordConfigChange(record)
                logAudit(record, revision: loaded.revision)
            } else {
                let last = try store.lastAppliedRevision()
                guard last != loaded.revision else { return }
                let reason = last == nil ? "the first start that records the configuration"
                    : "the files changed while the daemon was stopped (or the audit was unavailable)"
                try store.recordConfigChange(ConfigAuditRecord(at: now, outcome: .applied, revision: loaded.revision,
                                                               basedOn: last, command: cause, reason: reason))
            }
        } catch {
            storeFailed(error)
        }
    }
}
