/// The configuration commands: `config_show`, `audit`, and the edits `task_add`, `task_set`,
/// `task_rm`, `settings_set`. Every edit carries the `revision` it was based on (from
/// `config_show` or the previous edit's answer) and, when a client acts for a person (the
/// dashboard), that person's name in `on_behalf_of`, which the audit records as such.
public enum ConfigRequest: Sendable, Equatable {
    /// The effective configuration; `sources` adds where each value came from. Result: `ConfigResult`.
    case show(sources: Bool = false)
    /// Configuration changes, newest first. Result: `AuditResult`.
    case audit(limit: Int? = nil)
    /// A new task from YAML keys. Result: `ConfigChangeResult`.
    case taskAdd(task: String, settings: [EditSetting], revision: String, onBehalfOf: String? = nil)
    /// Keys of a task. Result: `ConfigChangeResult`.
    case taskSet(task: String, settings: [EditSetting], revision: String, onBehalfOf: String? = nil)
    /// Drops a task. Result: `ConfigChangeResult`.
    case taskRemove(task: String, revision: String, onBehalfOf: String? = nil)
    /// `scheduler:` keys that may change without a restart. Result: `ConfigChangeResult`.
    case settingsSet(settings: [EditSetting], revision: String, onBehalfOf: String? = nil)

    public var command: Command {
        switch self {
        case .show: .configShow
        case .audit: .audit
        case .taskAdd: .taskAdd
        case .taskSet: .taskSet
        case .taskRemove: .taskRemove
        case .settingsSet: .settingsSet
        }
    }

    public var taskName: String? {
        switch self {
        case .taskAdd(let task, _, _, _), .taskSet(let task, _, _, _), .taskRemove(let task, _, _): task
        case .show, .audit, .settingsSet: nil
        }
    }

    /// The arguments as JSON members, in documentation order; defaults left out.
    var arguments: [(String, JSONValue)] {
        var members: [(String, JSONValue)] = []
        func settings(_ list: [EditSetting]) -> JSONValue {
            var object = JSONObject()
            for setting in list { object.insert(setting.key, .string(setting.value)) }
            return .object(object)
        }
        func edit(_ task: String?, _ list: [EditSetting]?, _ revision: String, _ onBehalfOf: String?) {
            if let task { members.append(("task", .string(task))) }
            if let list { members.append(("settings", settings(list))) }
            members.append(("revision", .string(revision)))
            if let onBehalfOf { members.append(("on_behalf_of", .string(onBehalfOf))) }
        }
        switch self {
        case .show(let sources): if sources { members.append(("sources", .bool(true))) }
        case .audit(let limit): if let limit { members.append(("limit", .number(String(limit)))) }
        case .taskAdd(let task, let list, let revision, let who), .taskSet(let task, let list, let revision, let who):
            edit(task, list, revision, who)
        case .taskRemove(let task, let revision, let who): edit(task, nil, revision, who)
        case .settingsSet(let list, let revision, let who): edit(nil, list, revision, who)
        }
        return members
    }

    static func decode(_ command: Command, _ fields: Fields) throws(ProtocolError) -> ConfigRequest {
        switch command {
        case .configShow: return .show(sources: try fields.bool("sources"))
        case .audit: return .audit(limit: try fields.limit())
        case .taskAdd:
            return .taskAdd(task: try fields.task(), settings: try fields.settings(), revision: try fields.revision(),
                            onBehalfOf: try fields.onBehalfOf())
        case .taskSet:
            return .taskSet(task: try fields.task(), settings: try fields.settings(), revision: try fields.revision(),
                            onBehalfOf: try fields.onBehalfOf())
        case .taskRemove:
            return .taskRemove(task: try fields.task(), revision: try fields.revision(), onBehalfOf: try fields.onBehalfOf())
        default:
            return .settingsSet(settings: try fields.settings(), revision: try fields.revision(), onBehalfOf: try fields.onBehalfOf())
        }
    }
}

/// One `KEY=VALUE` of an edit: a YAML key name and the value as YAML text (`"300"`,
/// `"[mon, wed]"`, `"\"python3 x.py\""`), read by the daemon as it would read it in a file.
public struct EditSetting: Sendable, Equatable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

extension Fields {
    /// `settings`: an object of YAML key names to YAML texts, 1 to `maxSettings` of them.
    func settings() throws(ProtocolError) -> [EditSetting] {
        guard let value = present("settings") else {
            throw ProtocolError(.missingField, "\(command) needs \"settings\": an object of YAML keys to YAML values, e.g. {\"retries\":\"3\"}")
        }
        guard case .object(let object) = value else { throw wrongType("settings", "an object of keys to YAML values", value) }
        guard !object.keys.isEmpty, object.keys.count <= ProtocolLimits.maxSettings else {
            throw ProtocolError(.invalidValue, "\"settings\" must hold 1 to \(ProtocolLimits.maxSettings) keys")
        }
        var settings: [EditSetting] = []
        for key in object.keys {
            guard !key.isEmpty, key.count <= 64 else {
                throw ProtocolError(.invalidValue, "\"settings\" has a key of \(key.count) characters (1 to 64)")
            }
            guard case .string(let text)? = object[key] else {
                throw ProtocolError(.wrongType, "\"settings\".\"\(RequestDecoder.shown(key))\" must be a string of YAML text (\"300\", \"[mon, wed]\"), found \(object[key]?.kindName ?? "nothing")")
            }
            settings.append(EditSetting(key: key, value: text))
        }
        return settings
    }

    /// `revision`: the configuration revision the edit was based on.
    func revision() throws(ProtocolError) -> String {
        guard let value = present("revision") else {
            throw ProtocolError(.missingField, "\(command) needs \"revision\": the configuration revision the edit is based on (from config_show)")
        }
        guard case .string(let text) = value else { throw wrongType("revision", "a string (from config_show)", value) }
        guard !text.isEmpty, text.count <= ProtocolLimits.maxRevisionLength else {
            throw ProtocolError(.invalidValue, "\"revision\" must be 1 to \(ProtocolLimits.maxRevisionLength) characters (from config_show)")
        }
        return text
    }

    /// `on_behalf_of`: the person a client acts for; printable, 1 to `maxOnBehalfOfLength` characters.
    func onBehalfOf() throws(ProtocolError) -> String? {
        guard let value = present("on_behalf_of") else { return nil }
        guard case .string(let text) = value else { throw wrongType("on_behalf_of", "a string (a person's name)", value) }
        let printable = !text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
        guard printable, !text.allSatisfy(\.isWhitespace), text.count <= ProtocolLimits.maxOnBehalfOfLength else {
            throw ProtocolError(.invalidValue,
                "\"on_behalf_of\" must be a person's name: 1 to \(ProtocolLimits.maxOnBehalfOfLength) printable characters")
        }
        return text
    }
}
