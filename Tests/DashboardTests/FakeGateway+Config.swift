import ControlClient
import ControlProtocol
import DashboardServer
import Foundation

/// The configuration commands in the fake: `config_show` from `State.values`; edits based on a
/// stale revision are `conflict`; a timeout of 0 or negative retries are refused as the daemon's
/// checker words it; an applied edit changes the revision.
extension FakeGateway {
    static let defaultValues = [
        ConfigEntry(key: "scheduler.enable_holiday_check", value: "true", source: "config/test.yaml:3"),
        ConfigEntry(key: "scheduler.tasks.collect.command", value: "\"python3 collect.py\"", source: "config/test.yaml:6"),
        ConfigEntry(key: "scheduler.tasks.collect.frequency", value: "\"5min\"", source: "config/test.yaml:7"),
        ConfigEntry(key: "scheduler.tasks.collect.retries", value: "1", source: "config/test.yaml.d/90-runtime.yaml:4"),
        ConfigEntry(key: "scheduler.tasks.report.command", value: "\"python3 report.py\"", source: "config/test.yaml:10"),
        ConfigEntry(key: "scheduler.tasks.report.enabled", value: "false", source: "runtime"),
    ]
    static let managedFile = "config/test.yaml.d/90-runtime.yaml"

    func configAnswer(_ request: ConfigRequest, state s: State, encode: (any Encodable) -> ResultPayload) throws(ControlClientError) -> ResultPayload {
        func refuse(_ code: ErrorCode, _ message: String) -> ControlClientError {
            ControlClientError(.refused(ProtocolError(code, message)), "\(message) [\(code.rawValue)]")
        }
        let revision = String(format: "%016x", s.revision)
        switch request {
        case .show(let sources):
            return encode(ConfigResult(revision: revision, mainFile: "config/test.yaml", managedFile: Self.managedFile,
                                       files: ["config/test.yaml", Self.managedFile],
                                       values: s.values.map { ConfigEntry(key: $0.key, value: $0.value, source: sources ? $0.source : nil) }))
        case .audit:
            return encode(AuditResult(entries: []))
        case .taskAdd(let task, let settings, let based, _), .taskSet(let task, let settings, let based, _):
            guard based == revision else {
                throw refuse(.conflict, "the configuration changed since revision \(based): it is at \(revision) now; read it again (v6ctl config show) and retry; nothing was written")
            }
            if case .taskSet = request, !s.tasks.contains(where: { $0.name == task }) { throw refuse(.unknownTask, "no task \(task)") }
            if case .taskAdd = request, s.tasks.contains(where: { $0.name == task }) {
                throw refuse(.invalidConfig, "task \(task) already exists (defined in config/test.yaml); change it with v6ctl task set \(task) KEY=VALUE, or remove it first")
            }
            var problems: [String] = []
            for (line, setting) in settings.enumerated() {
                let place = "\(Self.managedFile):\(10 + line): scheduler.tasks.\(task).\(setting.key)"
                if setting.key == "timeout_seconds", setting.value == "0" { problems.append("\(place): 0 is out of range (from 1 to 604800 seconds)") }
                if setting.key == "retries", setting.value.hasPrefix("-") { problems.append("\(place): \(setting.value) is out of range (from 0 to 100)") }
            }
            guard problems.isEmpty else { throw refuse(.invalidConfig, problems.joined(separator: "\n")) }
            return apply(task: task, settings, basedOn: revision, encode: encode)
        case .settingsSet(let settings, let based, _):
            guard based == revision else { throw refuse(.conflict, "the configuration changed since revision \(based)") }
            return apply(task: nil, settings, basedOn: revision, encode: encode)
        case .taskRemove:
            throw refuse(.invalidValue, "not in the fake")
        }
    }

    /// Records the edit's values (and a new task), moves the revision on, answers the change.
    private func apply(task: String?, _ settings: [EditSetting], basedOn revision: String, encode: (any Encodable) -> ResultPayload) -> ResultPayload {
        let prefix = task.map { "scheduler.tasks.\($0)." } ?? "scheduler."
        let changes = update { state -> [ConfigChange] in
            if let task, !state.tasks.contains(where: { $0.name == task }) {
                state.tasks.append(TaskStatus(name: task, enabled: true, enabledSource: "yaml", schedule: "added", days: "trading days"))
            }
            state.revision += 1
            return settings.map { setting in
                let key = prefix + setting.key
                let before = state.values.first { $0.key == key }?.value
                state.values.removeAll { $0.key == key }
                state.values.append(ConfigEntry(key: key, value: setting.value, source: "\(Self.managedFile):9"))
                return ConfigChange(key: key, before: before, after: setting.value)
            }
        }
        let now = update { String(format: "%016x", $0.revision) }
        return encode(ConfigChangeResult(revision: now, basedOn: revision, file: Self.managedFile, changes: changes))
    }
}
