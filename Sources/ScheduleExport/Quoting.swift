import Scheduling

/// Quoting for the three kinds of text an export writes.
enum Quoting {
    /// A POSIX shell word: as is when it is plain, else in single quotes.
    static func shell(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy { c in
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || "-_./=:,+@%".unicodeScalars.contains(c)
        }
        return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// A crontab command: cron turns an unescaped `%` into a newline.
    static func crontab(_ words: [String]) -> String {
        words.map(shell).joined(separator: " ").replacingOccurrences(of: "%", with: "\\%")
    }

    /// One word of a systemd Exec*= line: `%` and `$` doubled (specifiers, variables), quoted
    /// with C-style escapes when it holds spaces, quotes or backslashes.
    static func systemd(_ word: String) -> String {
        var escaped = word.replacingOccurrences(of: "%", with: "%%").replacingOccurrences(of: "$", with: "$$")
        let special = escaped.isEmpty || escaped.contains { $0 == " " || $0 == "\t" || $0 == "\"" || $0 == "'" || $0 == "\\" || $0 == ";" }
        guard special else { return escaped }
        escaped = escaped.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"" + escaped + "\""
    }

    /// A value of Environment= (`"NAME=value"`, quoted as one word).
    static func systemdAssignment(_ name: String, _ value: String) -> String { systemd("\(name)=\(value)") }

    /// A YAML scalar: always a double-quoted string (the configuration's own quoting).
    static func yaml(_ text: String) -> String { YAMLFlow.quoted(text) }

    /// A comment line's text: one line, whatever the message holds.
    static func commentLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\n", with: " ")
    }
}
