import ControlProtocol
import Foundation
import MarketCalendar
import Scheduling

extension Daemon {
    /// `config_show`, `audit` and the edits.
    func handleConfig(_ request: ConfigRequest, id: RequestID?, peer: Authorization.Peer) async -> [UInt8] {
        switch request {
        case .show(let sources):
            return ResponseEncoder.success(id: id, result: configResult(sources: sources, now: clock.now()))
        case .audit(let limit):
            if let entries = await sharedAuditEntries(limit: limit ?? 20) {
                return ResponseEncoder.success(id: id, result: AuditResult(entries: entries))
            }
            let host = cluster?.store.hostID
            guard let store else {
                return ResponseEncoder.failure(id: id, code: .stateError, message: "the state store is unavailable: \(stateError ?? "not open")")
            }
            do {
                let records = try store.configAudit(limit: limit ?? 20)
                return ResponseEncoder.success(id: id, result: AuditResult(entries: records.map { record in
                    var entry = auditEntry(record)
                    entry.host = host
                    return entry
                }))
            } catch {
                storeFailed(error)
                return ResponseEncoder.failure(id: id, code: .stateError, message: "\(error)")
            }
        case .taskAdd(let task, let settings, let revision, let onBehalfOf):
            return await edit(.addTask(task, settings.map(Self.setting)), basedOn: revision, onBehalfOf: onBehalfOf, peer: peer, id: id)
        case .taskSet(let task, let settings, let revision, let onBehalfOf):
            return await edit(.setTask(task, settings.map(Self.setting)), basedOn: revision, onBehalfOf: onBehalfOf, peer: peer, id: id)
        case .taskRemove(let task, let revision, let onBehalfOf):
            return await edit(.removeTask(task), basedOn: revision, onBehalfOf: onBehalfOf, peer: peer, id: id)
        case .settingsSet(let settings, let revision, let onBehalfOf):
            return await edit(.setSettings(settings.map(Self.setting)), basedOn: revision, onBehalfOf: onBehalfOf, peer: peer, id: id)
        }
    }

    private static func setting(_ s: EditSetting) -> ConfigSetting { ConfigSetting(key: s.key, value: s.value) }

    /// The running configuration: YAML values, the environment's overrides, run-time toggles.
    func configResult(sources: Bool, now: Instant) -> ConfigResult {
        var values = loaded.layers.effectiveValues(loaded.config)
        for task in core.config.tasks {
            guard let toggle = core.effectiveToggle(task.name, at: now) else { continue }
            values = values.overriding("scheduler.tasks.\(task.name).enabled", with: toggle.enabled ? "true" : "false",
                                       source: .runtime)
        }
        let layers = loaded.layers
        return ConfigResult(revision: layers.revision, mainFile: layers.mainPath, managedFile: layers.managedPath,
                            files: layers.files.map(\.path),
                            values: values.map { ConfigEntry(key: $0.key, value: $0.shown, source: sources ? $0.source.description : nil) })
    }

    func auditEntry(_ record: ConfigAuditRecord) -> AuditEntry {
        AuditEntry(seq: record.seq, at: core.calendar.zone.iso8601(record.at), uid: record.uid, user: record.user,
                   onBehalfOf: record.onBehalfOf, command: record.command, outcome: record.outcome.rawValue,
                   revision: record.revision, basedOn: record.basedOn,
                   changes: record.changes.map { ConfigChange(key: $0.key, before: $0.before, after: $0.after) }, reason: record.reason)
    }
}
