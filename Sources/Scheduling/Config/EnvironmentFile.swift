/// An environment file in systemd's `EnvironmentFile=` syntax, so the file the unit reads is
/// the file `--env-file` reads: `KEY=VALUE` lines; `#` or `;` comment lines; blank lines;
/// whitespace around the key and `=` ignored; the value in single quotes (literal), double
/// quotes (backslash escapes `"`, `\`, `` ` ``, `$`, newline) or bare (backslash escapes any
/// character, trailing whitespace dropped); a backslash at the end of a line continues it.
public struct EnvironmentFile: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let value: String
        /// Line of the key, 1-based.
        public let line: Int
    }

    /// The path as the operator gave it (used in messages).
    public let path: String
    /// In file order; a later entry for the same name wins, as in systemd.
    public let entries: [Entry]

    public init(path: String, entries: [Entry]) {
        self.path = path
        self.entries = entries
    }

    /// Name -> value, later entries winning.
    public var values: [String: String] {
        var result: [String: String] = [:]
        for entry in entries { result[entry.name] = entry.value }
        return result
    }

    /// The entry that sets `name` (the last one).
    public func entry(_ name: String) -> Entry? { entries.last { $0.name == name } }

    /// Parses the file's text; every malformed line is reported.
    public init(parsing text: String, path: String) throws(ConfigErrors) {
        // Unicode scalars, not Characters: "\r\n" is one Character and would hide the newline.
        var parser = Parser(chars: text.unicodeScalars.map(Character.init), path: path)
        parser.run()
        if !parser.issues.isEmpty { throw ConfigErrors(parser.issues) }
        self.init(path: path, entries: parser.entries)
    }

    /// Name -> value of the file's text (see `init(parsing:path:)`).
    public static func parse(_ text: String, path: String) throws(ConfigErrors) -> [String: String] {
        try EnvironmentFile(parsing: text, path: path).values
    }

    private struct Parser {
        let chars: [Character]
        let path: String
        var index = 0
        var line = 1
        var entries: [Entry] = []
        var issues: [ConfigIssue] = []

        init(chars: [Character], path: String) {
            self.chars = chars
            self.path = path
        }

        var atEnd: Bool { index >= chars.count }
        var current: Character { chars[index] }

        mutating func advance() {
            if chars[index] == "\n" { line += 1 }
            index += 1
        }

        mutating func skipBlanks() { while !atEnd, current == " " || current == "\t" || current == "\r" { advance() } }

        mutating func skipLine() { while !atEnd, current != "\n" { advance() }; if !atEnd { advance() } }

        mutating func fail(_ line: Int, _ key: String, _ message: String) {
            issues.append(ConfigIssue(file: path, line: line, keyPath: key, message: message))
        }

        mutating func run() {
            while !atEnd {
                skipBlanks()
                if atEnd { break }
                if current == "\n" { advance(); continue }
                if current == "#" || current == ";" { skipLine(); continue }
                let keyLine = line
                var key = ""
                while !atEnd, current != "=", current != "\n" { key.append(current); advance() }
                key = EnvironmentFile.trimmed(key)
                guard !atEnd, current == "=" else {
                    fail(keyLine, "", "\"\(key)\" is not a KEY=VALUE line (add =VALUE, or start the line with # to comment it out)")
                    continue
                }
                advance()
                guard EnvironmentFile.isValidName(key) else {
                    fail(keyLine, "", "\"\(key)\" is not a variable name (letters, digits and _, not starting with a digit)")
                    skipLine()
                    continue
                }
                skipBlanks()
                if let value = readValue(key: key, keyLine: keyLine) {
                    entries.append(Entry(name: key, value: value, line: keyLine))
                }
            }
        }

        /// Reads up to the end of the logical line; nil (and an issue) on an unclosed quote.
        mutating func readValue(key: String, keyLine: Int) -> String? {
            var value = ""
            var keep = 0  // length of `value` without trailing unquoted whitespace
            while !atEnd, current != "\n" {
                let c = current
                advance()
                switch c {
                case "\\":
                    if atEnd { break }
                    let next = current
                    advance()
                    if next != "\n" { value.append(next); keep = value.count }
                case "'", "\"":
                    var closed = false
                    while !atEnd {
                        let q = current
                        advance()
                        if q == c { closed = true; break }
                        if c == "\"", q == "\\", !atEnd {
                            let next = current
                            advance()
                            switch next {
                            case "\"", "\\", "`", "$": value.append(next)
                            case "\n": break
                            default: value.append("\\"); value.append(next)
                            }
                        } else {
                            value.append(q)
                        }
                    }
                    keep = value.count
                    if !closed {
                        fail(keyLine, key, "unbalanced \(c) in the value (close the quote)")
                        return nil
                    }
                case " ", "\t", "\r":
                    value.append(c)
                default:
                    value.append(c)
                    keep = value.count
                }
            }
            if !atEnd { advance() }
            return String(value.prefix(keep))
        }
    }

    static func trimmed(_ text: String) -> String {
        var s = Substring(text)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.first, first == "_" || (first.isASCII && first.isLetter) else { return false }
        return name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }
}
