import ControlProtocol
import Foundation
import Logging
import Scheduling

/// The run-time configuration (`<main>.d/90-runtime.yaml`, written by `v6ctl task`/`settings`
/// and the dashboard's forms) with the shared store: an edit applied on one host is stored in
/// PostgreSQL as the next revision (with its audit row, one transaction) before its file is
/// written; every host adopts the newest revision at its heartbeat, through the normal reload
/// path. A revision that does not load on a host is refused there, loudly, and kept out: that
/// host keeps its configuration and shows as differing in `status`.
extension Daemon {
    /// The start of the audit command (and reload cause) of an adopted revision: the host that
    /// made the edit audited it for every host, so adopting it is not shared again.
    static let sharedRuntimeCause = "shared run-time configuration revision"

    /// Before an edit's file is written: stores its text as the next shared revision. Nil when it
    /// was stored (or there is no shared store), else the refusal to send back.
    func publishRuntimeEdit(_ text: String, entry: AuditEntry, detail: String, actor: String) async -> (ErrorCode, String)? {
        guard let link = cluster else { return nil }
        if let away = link.unreachable {
            return (.stateError, "the shared store does not answer (\(away.reason)): a run-time edit is shared with every host through it; nothing was changed")
        }
        do {
            guard let revision = try await link.store.publishRuntimeConfig(
                text: text, expected: link.runtimeRevision, detail: detail, actor: actor, entry: Self.sharedAuditText(entry)) else {
                let ahead = (try? await link.store.runtimeConfig(newerThan: .max))?.revision
                return (.conflict, "another host changed the run-time configuration: the cluster is at shared revision \(ahead.map(String.init) ?? "?"), this host at \(link.runtimeRevision) (it adopts the newer one within a heartbeat, or says in its journal why it cannot); read it again (v6ctl config show) and retry; nothing was written")
            }
            cluster?.pendingRuntimeRevision = revision
            return nil
        } catch {
            clusterDown(error)
            return (.stateError, "could not share the edit: \(StoreError.sharedStore(link.store.label, operation: "store the run-time configuration", error)); nothing was changed")
        }
    }

    /// At a heartbeat: a newer shared revision than this host runs is written to its
    /// `90-runtime.yaml` and reloaded (checked first, as an edit is). Not while an edit or a
    /// reload is under way here (the next beat tries again).
    func adoptSharedRuntimeConfig() async {
        guard let link = cluster, link.pendingRuntimeRevision == nil, link.unreachable == nil, !reloading, !shuttingDown else { return }
        let newest: SharedRuntimeConfig
        do {
            guard let found = try await link.store.runtimeConfig(newerThan: link.runtimeRevision) else { return }
            newest = found
        } catch {
            clusterDown(error)
            return
        }
        guard let text = newest.text, let current = cluster, newest.revision > current.runtimeRevision,
              newest.revision != current.refusedRuntimeRevision, current.pendingRuntimeRevision == nil, !reloading, !shuttingDown else { return }
        let what = "\(Self.sharedRuntimeCause) \(newest.revision) from host \(newest.host)"
        let inputs = ConfigInputs.read(path: options.configPath, envFile: options.envFile)
        let previous = inputs.dropIns.first { $0.path == inputs.managedPath }?.text
        if previous == text, inputs.revision == loaded.revision {
            cluster?.runtimeRevision = newest.revision  // already runs it (it made the edit, before a restart)
            return
        }
        // As for an edit: a hand edit on disk not reloaded yet is not carried live with it.
        if inputs.revision != loaded.revision {
            if cluster?.waitingRuntimeRevision != newest.revision {
                cluster?.waitingRuntimeRevision = newest.revision
                let changed = ConfigLayers.changedFiles(from: loaded.layers.files, to: inputs.fileRevisions)
                logger.warning("\(what) not adopted yet: the configuration files on disk differ from the running ones (\(changed.joined(separator: ", "))); check them (v6-scheduler check-config) and run v6ctl reload: it is adopted at the next heartbeat after")
            }
            return
        }
        let proposed = inputs.replacingManaged(with: text)
        let checked: LoadedConfig
        do {
            checked = try ConfigLoader.parse(proposed, environment: options.environment)
        } catch {
            return refuseSharedRuntime(newest.revision, what, "it does not load here: \(error)")
        }
        do {
            _ = try ManagedFileWriter.write(text, to: inputs.managedPath)
        } catch {
            return refuseSharedRuntime(newest.revision, what, "\(inputs.managedPath) cannot be written: \(error)")
        }
        let onDisk = ConfigInputs.read(path: options.configPath, envFile: options.envFile)
        switch await reload(requestedBy: what, preloaded: onDisk.revision == proposed.revision ? checked : nil) {
        case .success:
            cluster?.runtimeRevision = newest.revision
            cluster?.refusedRuntimeRevision = nil
            logger.notice("adopted \(what) (\(inputs.managedPath))", metadata: ["runtime_revision": "\(newest.revision)"])
        case .failure(let failure):
            // Kept out: the file as it was (the running configuration stayed).
            if let previous {
                _ = try? ManagedFileWriter.write(previous, to: inputs.managedPath)
            } else {
                try? FileManager.default.removeItem(atPath: inputs.managedPath)
            }
            if failure.refused { return }  // a reload was under way: the next beat tries again
            refuseSharedRuntime(newest.revision, what, "the reload refused it: \(failure.message)")
        }
        updateStatus()
    }

    /// Once per revision: the journal says why, and the host keeps what it runs.
    private func refuseSharedRuntime(_ revision: Int64, _ what: String, _ why: String) {
        cluster?.refusedRuntimeRevision = revision
        let mine = cluster?.runtimeRevision ?? 0
        logger.error("\(what) refused: \(why); this host keeps shared revision \(mine) and shows as differing in v6ctl status (fix this host's files, or make another edit that loads here)",
                     metadata: ["runtime_revision": "\(revision)"])
        updateStatus()
    }
}
