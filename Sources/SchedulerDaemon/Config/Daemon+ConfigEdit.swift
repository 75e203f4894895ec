import ControlProtocol
import Foundation
import Logging
import MarketCalendar
import Scheduling

extension Daemon {
    /// A run-time edit: check the revision, apply the edit to the managed drop-in's text,
    /// validate the whole result as `check-config` would, record it (pending) in the audit,
    /// write the file atomically, reload through the SIGHUP path. Runs on the actor without
    /// suspending until the file is written, so edits are serialized (one that comes while the
    /// reload is under way finds the files changed on disk: `conflict`); a refused edit writes
    /// nothing. With the shared store the edit waits for PostgreSQL (`publishRuntimeEdit`), whose
    /// revision check serializes edits across the hosts, and this one's too.
    func edit(_ edit: ConfigEdit, basedOn revision: String, onBehalfOf: String?, peer: Authorization.Peer,
              id: RequestID?) async -> [UInt8] {
        let started = ContinuousClock.now
        let who = peer.who + (onBehalfOf.map { " for \($0)" } ?? "")
        func refuse(_ code: ErrorCode, _ message: String) -> [UInt8] {
            logger.notice("configuration edit refused (\(code.rawValue)): \(edit) by \(who): \(message)",
                          metadata: ["peer_uid": "\(peer.uid)", "error": "\(code.rawValue)"])
            return ResponseEncoder.failure(id: id, code: code, message: message)
        }
        guard let store else {
            return refuse(.stateError, "the audit cannot be recorded, the state store is unavailable (\(stateError ?? "not open")); nothing was changed")
        }
        // A reload under way replaces the running revision: the edit's base is about to be stale
        // (and its own reload would be refused after the write).
        guard !reloading else {
            return refuse(.conflict, "the configuration is being reloaded; read it again (v6ctl config show) and retry; nothing was written")
        }
        let running = loaded
        let inputs = ConfigInputs.read(path: options.configPath, envFile: options.envFile)
        if inputs.revision != running.revision {
            let changed = ConfigLayers.changedFiles(from: running.layers.files, to: inputs.fileRevisions)
            return refuse(.conflict, "the configuration files changed on disk since revision \(running.revision) was loaded (\(changed.joined(separator: ", "))); check them (v6-scheduler check-config), run v6ctl reload, then retry")
        }
        if revision != running.revision {
            return refuse(.conflict, conflictMessage(basedOn: revision, store: store))
        }

        let result: ConfigEditor.Result
        do {
            result = try ConfigEditor.apply(edit, inputs: inputs, running: running)
        } catch {
            let code: ErrorCode = switch error.code {
            case .unknownTask: .unknownTask
            case .invalidValue: .invalidValue
            case .exists, .invalidConfig: .invalidConfig
            }
            return refuse(code, error.message)
        }
        let proposed = inputs.replacingManaged(with: result.managedText)
        let checked: LoadedConfig
        do {
            checked = try ConfigLoader.parse(proposed, environment: options.environment)
        } catch {
            return refuse(.invalidConfig, "\(error)")
        }
        let overridden = ConfigEditor.overridden(result.touched, in: checked)
        if !overridden.isEmpty {
            let places = overridden.map { "\($0.key) is set again at \($0.source)" }.joined(separator: "; ")
            return refuse(.invalidConfig, "\(places), which comes after \(running.layers.managedPath) and wins: change it there; nothing was written")
        }
        let changes = ConfigValueChange.changes(from: running.layers.effectiveValues(running.config),
                                                to: checked.layers.effectiveValues(checked.config))
        guard !changes.isEmpty else {
            return ResponseEncoder.success(id: id, result: ConfigChangeResult(
                revision: running.revision, basedOn: revision, file: running.layers.managedPath, changes: [],
                warnings: ["nothing changed: the configuration already says so; nothing was written"]))
        }

        let record = ConfigAuditRecord(at: clock.now(), outcome: .pending, revision: proposed.revision, basedOn: revision,
                                       uid: Int(peer.uid), user: peer.userName, onBehalfOf: onBehalfOf,
                                       command: edit.description, changes: changes)
        // With the shared store: stored for every host first (with its audit row), or nothing is written.
        if let refusal = await publishRuntimeEdit(result.managedText, entry: appliedEntry(record, revision: proposed.revision),
                                                  detail: sharedAuditDetail(record, revision: proposed.revision), actor: record.who) {
            return refuse(refusal.0, refusal.1)
        }
        defer { cluster?.pendingRuntimeRevision = nil }
        let seq: Int64
        do {
            seq = try store.recordConfigChange(record)
        } catch {
            storeFailed(error)
            return refuse(.stateError, "the audit cannot be recorded (\(error)); nothing was changed" + sharedNote)
        }
        do {
            if let late = try ManagedFileWriter.write(result.managedText, to: inputs.managedPath) {
                logger.warning("\(late); the change is written but may not survive a power loss")
            }
        } catch {
            try? store.markConfigChange(seq: seq, .failed, reason: error.reason)
            return refuse(.writeFailed, "\(error); nothing was changed, the running configuration stays" + sharedNote)
        }
        pauseForFaultTest(at: "after-rename")
        // Reload as SIGHUP does; when the files on disk are exactly the ones just checked (same
        // revision), the checked configuration is swapped in instead of parsing them again.
        let onDisk = ConfigInputs.read(path: options.configPath, envFile: options.envFile)
        let preloaded = onDisk.revision == proposed.revision ? checked : nil
        switch await reload(requestedBy: "\(edit) by \(who)", peer: peer, preloaded: preloaded) {
        case .failure(let failure):
            try? store.markConfigChange(seq: seq, .failed, reason: "reload refused: \(failure.message)")
            return refuse(.reloadFailed, "\(inputs.managedPath) was written but the reload was refused; the running configuration stays" + sharedNote + ":\n\(failure.message)")
        case .success(let now):
            let elapsed = started.duration(to: .now)
            let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            let published = cluster?.pendingRuntimeRevision
            if let published { cluster?.runtimeRevision = published }
            logAudit(record, revision: now.revision, milliseconds: ms, share: published == nil)
            return ResponseEncoder.success(id: id, result: ConfigChangeResult(
                revision: now.revision, basedOn: revision, file: inputs.managedPath,
                changes: changes.map { ConfigChange(key: $0.key, before: $0.before, after: $0.after) },
                warnings: now.warnings.map { "\($0)" }))
        }
    }

    /// `conflict`: what was applied since the revision the client saw.
    private func conflictMessage(basedOn revision: String, store: RunStore) -> String {
        let head = "the configuration changed since revision \(revision): it is at \(loaded.revision) now"
        let tail = "; read it again (v6ctl config show) and retry; nothing was written"
        guard let since = try? store.configChanges(since: revision) else {
            return head + " (revision \(revision) is not in the audit: v6ctl audit lists the changes)" + tail
        }
        let list = since.suffix(5).map { "\(core.calendar.zone.iso8601($0.at)) \($0.command) by \($0.who)" }
        let more = since.count > 5 ? "\(since.count - 5) earlier and " : ""
        return head + "; since then: " + more + list.joined(separator: "; ") + tail
    }

    /// One journal entry per applied change, `V6_AUDIT=1` with who, what and before/after.
    func logAudit(_ record: ConfigAuditRecord, revision: String, milliseconds: Double? = nil, share: Bool = true) {
        var metadata: [String: Logger.MetadataValue] = [
            "audit": "1", "config_revision": "\(revision)", "command": "\(record.command)",
            "changes": "\(record.changes.map(\.description).joined(separator: "; "))",
        ]
        if let basedOn = record.basedOn { metadata["based_on"] = "\(basedOn)" }
        if let uid = record.uid { metadata["peer_uid"] = "\(uid)" }
        if let user = record.user { metadata["user"] = "\(user)" }
        if let person = record.onBehalfOf { metadata["on_behalf_of"] = "\(person)" }
        if let milliseconds { metadata["duration_ms"] = "\(String(format: "%.1f", milliseconds))" }
        if let reason = record.reason { metadata["reason"] = "\(reason)" }
        logger.notice("configuration changed by \(record.who): \(record.command) (revision \(revision))", metadata: metadata)
        // An adopted shared revision was audited, for every host, by the host that made the edit.
        guard share, !record.command.hasPrefix(Self.sharedRuntimeCause) else { return }
        shareAudit(kind: "config", task: nil, detail: sharedAuditDetail(record, revision: revision), actor: record.who,
                   entry: Self.sharedAuditText(appliedEntry(record, revision: revision)))
    }

    private func sharedAuditDetail(_ record: ConfigAuditRecord, revision: String) -> String {
        "\(record.command) (revision \(revision)): " + record.changes.map(\.description).joined(separator: "; ")
    }

    /// After an edit was shared but not applied here: what happens to it.
    private var sharedNote: String {
        cluster?.pendingRuntimeRevision.map { "; but it was already shared as run-time revision \($0): the other hosts adopt it, and this host tries again at its next heartbeat" } ?? ""
    }

    /// An applied change as the shared audit keeps it (the record may still say `pending`).
    private func appliedEntry(_ record: ConfigAuditRecord, revision: String) -> AuditEntry {
        var entry = auditEntry(record)
        entry.outcome = ConfigAuditRecord.Outcome.applied.rawValue
        entry.revision = revision
        return entry
    }

    /// Test hook: with `V6_FAULT_STOP_AT=<point>` in its environment the daemon stops itself
    /// (SIGSTOP) there, so a test can kill -9 it at exactly that point. Unset in production.
    func pauseForFaultTest(at point: String) {
        guard options.environment["V6_FAULT_STOP_AT"] == point else { return }
        logger.warning("V6_FAULT_STOP_AT=\(point): stopping (SIGSTOP) for a fault test")
        _ = Glibc.raise(SIGSTOP)
    }
}
