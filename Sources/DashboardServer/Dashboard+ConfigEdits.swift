import ControlClient
import ControlProtocol
import DashboardViews
import Hummingbird

/// What the daemon made of a form's configuration edit.
enum EditOutcome: Sendable {
    /// Applied; the message says what changed.
    case saved(String)
    /// Not applied: the messages for the form, and the page's status (422 refused by the checker,
    /// 409 the configuration changed meanwhile, 403 not allowed, 503 daemon unreachable, ...).
    case refused(ConfigForm.Refusal, HTTPResponse.Status)
}

extension Dashboard {
    /// The running configuration (`config_show`), with each value's source when asked.
    func configuration(sources: Bool = false) async throws(ControlClientError) -> ConfigResult {
        try await gateway.call(.config(.show(sources: sources)), as: ConfigResult.self)
    }

    /// The Add task form: the new task, based on the running revision (adding a task cannot
    /// overwrite anyone's change: two people adding the same name get "already exists").
    func addTask(_ fields: [String: String], context: DashboardRequestContext) async -> EditOutcome {
        guard await mayChange(context) else { return Self.readOnlyEdit }
        let name: String, settings: [EditSetting]
        switch ConfigForm.newTask(fields) {
        case .failure(let refusal): return .refused(refusal, .unprocessableContent)
        case .success(let new): (name, settings) = new
        }
        let revision: String
        do { revision = try await self.revision([:]) } catch { return Self.failed(error) }
        return await edit(.taskAdd(task: name, settings: settings, revision: revision, onBehalfOf: actor(context)), task: name) {
            ConfigForm.newTaskFields.contains($0) ? $0 : nil
        }
    }

    /// The task edit form: what differs from `current`, based on the revision the page showed
    /// (so a change someone saved meanwhile is `conflict`, not silently overwritten).
    func setTask(_ current: TaskDetail, _ fields: [String: String], context: DashboardRequestContext) async -> EditOutcome {
        guard await mayChange(context) else { return Self.readOnlyEdit }
        let settings: [EditSetting]
        switch ConfigForm.taskChanges(fields, current: current) {
        case .failure(let refusal): return .refused(refusal, .unprocessableContent)
        case .success(let changes): settings = changes
        }
        guard !settings.isEmpty else { return .saved("\(current.status.name): nothing to change") }
        let name = current.status.name, revision: String
        do { revision = try await self.revision(fields) } catch { return Self.failed(error) }
        return await edit(.taskSet(task: name, settings: settings, revision: revision, onBehalfOf: actor(context)), task: name) { key in
            ["at", "frequency", "cron", "market_phase"].contains(key) ? "schedule" : ["timeout_seconds", "retries"].contains(key) ? key : nil
        }
    }

    /// The Settings form: the checkboxes that differ from the running configuration.
    func setSettings(_ fields: [String: String], current: [String: String], context: DashboardRequestContext) async -> EditOutcome {
        guard await mayChange(context) else { return Self.readOnlyEdit }
        let settings = ConfigForm.settingsChanges(fields, current: current)
        guard !settings.isEmpty else { return .saved("settings: nothing to change") }
        let revision: String
        do { revision = try await self.revision(fields) } catch { return Self.failed(error) }
        return await edit(.settingsSet(settings: settings, revision: revision, onBehalfOf: actor(context)), task: nil) {
            ConfigForm.settingKeys.contains($0) ? $0 : nil
        }
    }

    /// The form's `revision` (the one its page showed), else the running one.
    private func revision(_ fields: [String: String]) async throws(ControlClientError) -> String {
        if let shown = fields["revision"], !shown.isEmpty { return shown }
        return try await configuration().revision
    }

    /// Sends an edit; the checker's lines go beside the form's fields (`field` maps a key to one).
    private func edit(_ request: ConfigRequest, task: String?, field: (String) -> String?) async -> EditOutcome {
        do {
            let result = try await gateway.call(.config(request), as: ConfigChangeResult.self)
            let changes = result.changes.map { "\($0.key.split(separator: ".").last ?? ""): \($0.before ?? "(unset)") → \($0.after ?? "(unset)")" }
            let what = changes.isEmpty ? "nothing changed" : changes.joined(separator: "; ")
            return .saved("\(task ?? "settings"): \(what) (revision \(result.revision))")
        } catch {
            guard let refused = error.protocolError else { return Self.failed(error) }
            switch refused.code {
            case .invalidConfig, .invalidValue:
                return .refused(ConfigForm.refusal(refused.message, task: task, field: field), .unprocessableContent)
            case .conflict:
                return .refused(ConfigForm.Refusal(general: "The configuration changed while this form was open, so nothing was saved. "
                    + "The values below are what you typed; the page now shows the configuration as it is: check them and save again. "
                    + "(\(refused.message))"), .conflict)
            default:
                return Self.failed(error)
            }
        }
    }

    private static let readOnlyEdit = EditOutcome.refused(ConfigForm.Refusal(general: "read-only: nothing was changed"), .forbidden)

    private static func failed(_ error: ControlClientError) -> EditOutcome {
        let status: HTTPResponse.Status = switch error.reason {
        case .unreachable, .accessDenied: .serviceUnavailable
        case .refused(let e) where e.code == .permissionDenied: .forbidden
        case .refused(let e) where e.code == .unknownTask: .notFound
        default: .badGateway
        }
        return .refused(ConfigForm.Refusal(general: error.protocolError?.message ?? error.message), status)
    }
}

extension FormsPage.State {
    /// What was typed and the refusal's messages (the form-wide one under the key `""`).
    init(values: [String: String], refusal: ConfigForm.Refusal) {
        var errors = refusal.fields
        if let general = refusal.general { errors[""] = general }
        self.init(values: values, errors: errors)
    }
}
