import ControlProtocol

/// The Add task, task edit and Settings forms as configuration edits (`task_add`, `task_set`,
/// `settings_set`), and the daemon's refusals back as messages beside the fields. Pure: form
/// fields in, `EditSetting`s or messages out.
public enum ConfigForm {
    /// The Add task form's fields, each named as the task key it sets (`name` aside).
    public static let newTaskFields: Set<String> = ["name", "command", "at", "frequency", "cron", "days", "market_phase",
                                                    "timeout_seconds", "retries", "retry_backoff_seconds"]

    /// The market phases a frequency may be limited to (the form's choices; empty: the default).
    public static let phases = ["", "pre_market", "market_open", "after_hours", "extended", "any"]

    /// The settings of the Add task form's new task, or the messages of what the form itself can
    /// tell (no name, not exactly one schedule); every other check is the daemon's.
    public static func newTask(_ fields: [String: String]) -> Result<(name: String, settings: [EditSetting]), Refusal> {
        func value(_ key: String) -> String? { fields[key].map(trimmed).flatMap { $0.isEmpty ? nil : $0 } }
        var errors: [String: String] = [:]
        let name = value("name") ?? ""
        if name.isEmpty { errors["name"] = "a task needs a name (a-z, 0-9 and _, e.g. eod_export)" }
        let schedules = ["at", "frequency", "cron"].filter { value($0) != nil }
        if schedules.count != 1 {
            let field = schedules.isEmpty ? "at" : schedules[1]
            errors[field] = schedules.isEmpty ? "give one schedule: at, frequency or cron" : "give only one of at, frequency and cron"
        }
        if value("market_phase") != nil, value("frequency") == nil {
            errors["market_phase"] = "a market phase limits a frequency: give a frequency, or no phase"
        }
        guard errors.isEmpty else { return .failure(Refusal(fields: errors)) }
        return .success((name, EditSetting.newTask(command: fields["command"].map(trimmed) ?? "", at: value("at"), every: value("frequency"),
                                                   cron: value("cron"), phase: value("market_phase"), days: value("days"),
                                                   timeout: value("timeout_seconds"), retries: value("retries"),
                                                   retryBackoff: value("retry_backoff_seconds"))))
    }

    /// The task edit form's changes against the task as shown: only what differs is sent, so a
    /// value left as it was is not written into the run-time drop-in. `schedule` is `at: 09:35`,
    /// `frequency: 5min` or `cron: */10 * * * *`.
    public static func taskChanges(_ fields: [String: String], current: TaskDetail) -> Result<[EditSetting], Refusal> {
        var settings: [EditSetting] = []
        for (key, now) in [("timeout_seconds", String(current.timeoutSeconds)), ("retries", String(current.retries))] {
            let typed = fields[key].map(trimmed) ?? ""
            if !typed.isEmpty, typed != now { settings.append(EditSetting(key: key, value: YAMLText.word(typed))) }
        }
        let schedule = fields["schedule"].map(trimmed) ?? ""
        if !schedule.isEmpty {
            guard let colon = schedule.firstIndex(of: ":"), case let key = trimmed(String(schedule[..<colon])),
                  ["at", "frequency", "cron"].contains(key), case let text = trimmed(String(schedule[schedule.index(after: colon)...])), !text.isEmpty
            else {
                return .failure(Refusal(fields: ["schedule": "write at: 09:35 (or several: at: 12:00, 18:30), frequency: 5min or cron: */10 * * * *"]))
            }
            settings.append(EditSetting(key: key, value: key == "at" ? YAMLText.list(text) : YAMLText.quoted(text)))
        }
        return .success(settings)
    }

    /// The Settings form's checkboxes that differ from the running configuration.
    public static func settingsChanges(_ fields: [String: String], current: [String: String]) -> [EditSetting] {
        settingKeys.compactMap { key in
            guard let typed = fields[key], typed == "true" || typed == "false", typed != (current[key] ?? "true") else { return nil }
            return EditSetting(key: key, value: typed)
        }
    }

    /// The scheduler keys the Settings form changes (both default to true).
    public static let settingKeys = ["enable_holiday_check", "enable_logging"]

    /// The running values of `settingKeys` in a `config_show` answer.
    public static func settings(in result: ConfigResult) -> [String: String] {
        var values: [String: String] = [:]
        for entry in result.values {
            for key in settingKeys where entry.key == "scheduler.\(key)" { values[key] = entry.value }
        }
        return values
    }

    /// The entries of one task in a `config_show` answer, by key (`timeout_seconds`), in document order.
    public static func entries(of task: String, in result: ConfigResult) -> [(key: String, entry: ConfigEntry)] {
        let prefix = "scheduler.tasks.\(task)."
        return result.values.compactMap { entry in entry.key.hasPrefix(prefix) ? (String(entry.key.dropFirst(prefix.count)), entry) : nil }
    }

    /// What the daemon refused, for a form: its checker's lines (`FILE:LINE: scheduler.tasks.x.at:
    /// message`) each beside the field of that key (`field` maps a key to the form's field, nil
    /// when the form has none: then the line goes to the top of the form with its key).
    public static func refusal(_ message: String, task: String?, field: (String) -> String?) -> Refusal {
        var fields: [String: String] = [:]
        var general: [String] = []
        for line in message.split(separator: "\n").map(String.init) where !trimmed(line).isEmpty {
            guard let (path, text) = checkerLine(line) else {
                general.append(trimmed(line))
                continue
            }
            let key: String?
            if let task, path == "scheduler.tasks.\(task)" {
                key = "name"
            } else if let task, path.hasPrefix("scheduler.tasks.\(task).") {
                key = path.dropFirst("scheduler.tasks.\(task).".count).split(separator: ".").first.map(String.init)
            } else if task == nil, path.hasPrefix("scheduler."), !path.hasPrefix("scheduler.tasks") {
                key = String(path.dropFirst("scheduler.".count))
            } else {
                key = nil
            }
            if let key, let name = field(key) {
                fields[name] = fields[name].map { $0 + "; " + text } ?? text
            } else {
                general.append("\(key ?? path): \(text)")
            }
        }
        return Refusal(fields: fields, general: general.isEmpty ? nil : general.joined(separator: "\n"))
    }

    /// `config/x.yaml.d/90-runtime.yaml:12: scheduler.tasks.x1.at: "25:00" is out of range` as
    /// (`scheduler.tasks.x1.at`, `"25:00" is out of range`); nil for a line without a key path.
    static func checkerLine(_ line: String) -> (path: String, text: String)? {
        var rest = Substring(line)
        // FILE:LINE: first, when there (a file name has no ": ").
        if let first = rest.range(of: ": "), rest[..<first.lowerBound].split(separator: ":").last?.allSatisfy(\.isNumber) == true,
           rest[..<first.lowerBound].contains(":") {
            rest = rest[first.upperBound...]
        }
        guard rest.hasPrefix("scheduler"), let end = rest.range(of: ": ") else { return nil }
        return (String(rest[..<end.lowerBound]), String(rest[end.upperBound...]))
    }

    /// The Add task form's name as it is sent.
    public static func trimmedName(_ fields: [String: String]) -> String { trimmed(fields["name"] ?? "") }

    static func trimmed(_ text: String) -> String {
        String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }

    /// Messages for a form: by field, and for the form as a whole.
    public struct Refusal: Error, Sendable, Equatable {
        public var fields: [String: String]
        public var general: String?
        public init(fields: [String: String] = [:], general: String? = nil) {
            self.fields = fields
            self.general = general
        }
    }
}
