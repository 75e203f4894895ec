// The human form of a record, shared by stderr (`make run`, or a terminal) and the optional
// plain file: one line per entry, Eastern Time like everything else on a trading desk, with
// milliseconds, the task and run up front, and the remaining metadata as key=value:
//   2026-11-27T09:30:00.123-05:00 info  [collect_option_snapshots run=abc] finished outcome=succeeded
import Logging
import MarketCalendar

/// Formats records as single text lines.
public enum LogLineFormatter {
    /// The line for `record`, with its trailing newline.
    public static func line(_ record: LogRecord, zone: ZoneRules = .newYork) -> String {
        var line = timestamp(record.timestamp, zone: zone)
        line += " "
        let level = record.level.rawValue
        line += level
        if level.count < 5 { line += String(repeating: " ", count: 5 - level.count) }
        line += " "
        let task = record["task"], run = record["run_id"]
        if task != nil || run != nil {
            line += "["
            if let task { line += task }
            if let run { line += (task == nil ? "run=" : " run=") + run }
            line += "] "
        }
        line += escaped(record.message)
        for (key, value) in record.metadata {
            if key == "task" || key == "run_id" || (key == "syslog_identifier" && value == task) { continue }
            line += " " + key + "=" + quotedIfNeeded(value)
        }
        line += "\n"
        return line
    }

    /// `2026-11-27T09:30:00.123-05:00`: local time in `zone`, milliseconds, the offset then in force.
    public static func timestamp(_ time: LogTimestamp, zone: ZoneRules = .newYork) -> String {
        let (date, clock, offset) = zone.local(Instant(seconds: time.seconds))
        let millis = Int(time.nanoseconds / 1_000_000)
        let digits = String(millis)
        return date.description + "T" + clock.hhmmss + "."
            + String(repeating: "0", count: 3 - digits.count) + digits + ZoneRules.offsetString(offset)
    }

    /// One entry stays one line: newlines inside a message are written as `\n`.
    static func escaped(_ text: String) -> String {
        guard text.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return text }
        var out = ""
        for character in text {
            switch character {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\r\n": out += "\\r\\n"
            default: out.append(character)
            }
        }
        return out
    }

    /// Values with spaces, quotes, `=` or nothing at all are quoted so `key=value` pairs stay parseable.
    static func quotedIfNeeded(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\t" || $0.isNewline }
        guard needsQuotes else { return value }
        var out = "\""
        for character in value {
            switch character {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.append(character)
            }
        }
        return out + "\""
    }
}
