/// YAML text for the values of the configuration edits (`EditSetting.value`) from what a person
/// typed: v6ctl's options and the dashboard's forms build their requests with it, so both send
/// the same YAML for the same input. JSON's string syntax is YAML's double-quoted one.
public enum YAMLText {
    /// `python3 x.py` as `"python3 x.py"`.
    public static func quoted(_ text: String) -> String {
        var out: [UInt8] = []
        JSONWriter.writeString(text, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `08:00,close+15m` as `["08:00", "close+15m"]`.
    public static func list(_ commaSeparated: String) -> String {
        "[" + commaSeparated.split(separator: ",").map { quoted(trimmed($0)) }.joined(separator: ", ") + "]"
    }

    /// A number or a duration (`300`, `-1`, `5min`) plain, so the daemon can read it as either
    /// (and name a negative number as out of range rather than as text).
    public static func word(_ text: String) -> String {
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } ? text : quoted(text)
    }

    /// A `days:` rule: a YAML list as written (`[mon, wed]`), `mon,wed` as a list, one word quoted.
    public static func days(_ text: String) -> String {
        text.hasPrefix("[") ? text : text.contains(",") ? list(text) : quoted(text)
    }

    static func trimmed(_ text: Substring) -> String {
        String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

extension EditSetting {
    /// The settings of a new task (`task_add`) from plain values, as typed: a command line, one of
    /// `at` (comma-separated times), `every` (a frequency) or `cron`, and the optional rest. Values
    /// are passed on unchecked: the daemon's check of the whole configuration says what is wrong.
    public static func newTask(command: String, at: String? = nil, every: String? = nil, cron: String? = nil,
                               phase: String? = nil, days: String? = nil, timeout: String? = nil, retries: String? = nil,
                               retryBackoff: String? = nil, forceRun: Bool = false) -> [EditSetting] {
        var settings = [EditSetting(key: "command", value: YAMLText.quoted(command))]
        if let at { settings.append(EditSetting(key: "at", value: YAMLText.list(at))) }
        if let every { settings.append(EditSetting(key: "frequency", value: YAMLText.quoted(every))) }
        if let cron { settings.append(EditSetting(key: "cron", value: YAMLText.quoted(cron))) }
        if let phase { settings.append(EditSetting(key: "market_phase", value: YAMLText.quoted(phase))) }
        if let days { settings.append(EditSetting(key: "days", value: YAMLText.days(days))) }
        if let timeout { settings.append(EditSetting(key: "timeout_seconds", value: YAMLText.word(timeout))) }
        if let retries { settings.append(EditSetting(key: "retries", value: YAMLText.word(retries))) }
        if let retryBackoff { settings.append(EditSetting(key: "retry_backoff_seconds", value: YAMLText.word(retryBackoff))) }
        if forceRun { settings.append(EditSetting(key: "force_run", value: "true")) }
        return settings
    }
}
