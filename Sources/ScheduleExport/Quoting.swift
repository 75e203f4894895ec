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

    /// A YAML scalar: always a double-quoted string (JSON escapes are valid YAML).
    static func yaml(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A comment line's text: one line, whatever the message holds.
    static func commentLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\n", with: " ")
    }
}
