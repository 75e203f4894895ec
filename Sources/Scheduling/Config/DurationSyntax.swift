/// A syntax problem in one value; the loader adds the file, line and key path.
struct SyntaxProblem: Error, Equatable {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Durations as written in the configuration: `30s`, `5min`, `1h30m`, `hourly`, ...
public enum DurationSyntax {
    static let unitSeconds: [String: Int64] = [
        "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
        "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
        "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    ]

    /// Parses a positive duration in seconds: one or more `<digits><unit>` parts, largest unit
    /// first, each unit once (`1h30m`), or `hourly`. Nil for anything else, including zero.
    public static func seconds(_ text: String) -> Int64? {
        if text == "hourly" { return 3600 }
        guard let total = parseParts(Array(text), lenient: false), total > 0 else { return nil }
        return total
    }

    /// Like `seconds`, but says what is wrong and suggests a fix.
    static func parse(_ text: String) -> Result<Int64, SyntaxProblem> {
        if let value = seconds(text) { return .success(value) }
        return .failure(SyntaxProblem(problem(text)))
    }

    /// The shortest canonical spelling: `30s`, `5min`, `1h`, `1h30m`, `2m30s`.
    public static func canonical(_ seconds: Int64) -> String {
        if seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds < 3600, seconds % 60 == 0 { return "\(seconds / 60)min" }
        if seconds < 60 { return "\(seconds)s" }
        return compact(seconds)
    }

    /// Compact spelling for tables: `30s`, `5m`, `1h`, `1h30m`.
    public static func compact(_ seconds: Int64) -> String {
        let h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60
        var text = ""
        if h > 0 { text += "\(h)h" }
        if m > 0 { text += "\(m)m" }
        if s > 0 || text.isEmpty { text += "\(s)s" }
        return text
    }

    static func problem(_ text: String) -> String {
        let quoted = "\"\(text)\""
        let trimmed = text.filter { !$0.isWhitespace }.lowercased()
        if trimmed.isEmpty { return "is empty (write a duration such as 30s, 5min, 1h or 1h30m)" }
        if trimmed.allSatisfy(\.isNumber) {
            return "\(quoted) has no unit (write \(trimmed)s, \(trimmed)min or \(trimmed)h)"
        }
        var candidate = trimmed
        if candidate.hasPrefix("every") { candidate.removeFirst(5) }
        if candidate == "hourly" || candidate == "anhour" { return "\(quoted) is not a duration (try hourly)" }
        if ["daily", "aday", "1d", "1day"].contains(candidate) {
            return "\(quoted) is not a duration (for once a day use at: \"HH:MM\" instead)"
        }
        if let value = parseParts(Array(candidate), lenient: true) {
            if value == 0 { return "\(quoted) is zero (a duration must be at least 1s)" }
            return "\(quoted) is not a duration (try \(canonical(value)))"
        }
        return "\(quoted) is not a duration (write a number and a unit: 30s, 5min, 1h, 1h30m)"
    }

    /// Strict: digits then a known unit, units strictly decreasing. Lenient (for suggestions only):
    /// also decimals (`1.5h`), more unit spellings, and any order.
    private static func parseParts(_ chars: [Character], lenient: Bool) -> Int64? {
        guard !chars.isEmpty else { return nil }
        var index = 0, total: Int64 = 0, lastUnit = Int64.max
        while index < chars.count {
            var number = ""
            while index < chars.count, chars[index].isASCII, chars[index].isNumber || (lenient && chars[index] == ".") {
                number.append(chars[index]); index += 1
            }
            var unit = ""
            while index < chars.count, chars[index].isLetter { unit.append(chars[index]); index += 1 }
            guard !number.isEmpty, number.count <= 7, !unit.isEmpty else { return nil }
            guard let perUnit = unitSeconds[unit] ?? (lenient ? lenientUnits[unit] : nil) else { return nil }
            if !lenient {
                guard perUnit < lastUnit, let whole = Int64(number) else { return nil }
                lastUnit = perUnit
                total += whole * perUnit
            } else {
                guard let value = Double(number) else { return nil }
                let seconds = value * Double(perUnit)
                guard seconds == seconds.rounded() else { return nil }
                total += Int64(seconds)
            }
        }
        return total
    }

    /// Spellings close enough to guess, never accepted as such.
    private static let lenientUnits: [String: Int64] = ["mn": 60, "mns": 60, "minuts": 60, "hs": 3600, "sek": 1]
}
