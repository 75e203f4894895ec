/// The five fields of a cron expression, with their ranges and names, and the parser of one field.
///
/// The grammar is cronie's (Vixie cron 4): `*`, `a`, `a-b`, each optionally `/step`, joined by commas;
/// names (three letters, any case) in the month and day-of-week fields, also inside ranges.
/// Two deliberate differences, both documented in `CronExpression`: `a/n` is accepted and means
/// `a-max/n` (as FreeBSD cron; cronie rejects it), and backwards ranges are an error (cronie silently
/// selects nothing), except day-of-week ranges ending on Sunday-as-0 (`fri-sun`, `5-0`), which
/// mean `5-7`, as in cronie 1.6+.
enum CronField: Int, CaseIterable, Sendable {
    case minute = 1, hour, dayOfMonth, month, dayOfWeek

    var low: Int {
        switch self {
        case .minute, .hour, .dayOfWeek: return 0
        case .dayOfMonth, .month: return 1
        }
    }

    var high: Int {
        switch self {
        case .minute: return 59
        case .hour: return 23
        case .dayOfMonth: return 31
        case .month: return 12
        case .dayOfWeek: return 7
        }
    }

    var label: String {
        switch self {
        case .minute: return "minute"
        case .hour: return "hour"
        case .dayOfMonth: return "day of month"
        case .month: return "month"
        case .dayOfWeek: return "day of week"
        }
    }

    static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    /// Names for the values, starting at `low`; nil where the field has none.
    var names: [String]? {
        switch self {
        case .month: return CronField.monthNames
        case .dayOfWeek: return CronField.dayNames
        default: return nil
        }
    }

    var nameKind: String { self == .month ? "month" : "day" }

    /// The range as error messages show it.
    var range: String {
        self == .dayOfWeek ? "0-7 (0 and 7 are Sunday)" : "\(low)-\(high)"
    }

    /// What may be written, as error messages suggest it.
    var allowed: String {
        switch self {
        case .month: return "1-12 or jan, feb, ..., dec"
        case .dayOfWeek: return "0-7, where 0 and 7 are Sunday, or sun, mon, tue, wed, thu, fri, sat"
        default: return "\(low)-\(high)"
        }
    }

    /// The selected values as a bitset (bit `v` for value `v`), and whether the field starts with `*`
    /// (which is what Vixie cron's day-of-month/day-of-week rule looks at, not the values).
    func parse(_ text: Substring) throws(CronError) -> (bits: UInt64, starred: Bool) {
        var bits: UInt64 = 0
        for element in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !element.isEmpty else { throw .emptyElement(self, String(text)) }
            bits |= try parseElement(element)
        }
        return (bits, text.first == "*")
    }

    private func parseElement(_ element: Substring) throws(CronError) -> UInt64 {
        let parts = element.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw .malformed(self, String(element), "more than one \"/\"") }
        var step = 1
        if parts.count == 2 {
            let text = parts[1]
            guard text.utf8.allSatisfy(CronField.isDigit), !text.isEmpty, let n = Int(text), n >= 1, n <= high - low
            else { throw .badStep(self, String(text), in: String(element)) }
            step = n
        }
        let base = parts[0]
        var first: Int
        var last: Int
        if base == "*" {
            (first, last) = (low, high)
        } else if base.isEmpty {
            throw .malformed(self, String(element), "a step needs a start before the \"/\" (write \"*/n\" or \"a-b/n\")")
        } else if base.contains("*") {
            throw .malformed(self, String(element), "\"*\" stands alone (write \"*\", \"*/n\" or a range \"a-b\")")
        } else {
            let ends = base.split(separator: "-", omittingEmptySubsequences: false)
            guard ends.count <= 2 else { throw .malformed(self, String(element), "a range has exactly one \"-\"") }
            guard ends.allSatisfy({ !$0.isEmpty }) else {
                throw .malformed(self, String(element), "a range needs a start and an end, as in \"1-5\"")
            }
            first = try value(ends[0])
            if ends.count == 1 {
                // `a/n` runs from a to the field's maximum (FreeBSD's reading); a plain `a` is just a.
                last = parts.count == 2 ? high : first
            } else {
                last = try value(ends[1])
                if last < first {
                    // Sunday is both 0 and 7: `fri-sun` means 5-7, as in cronie 1.6+.
                    guard self == .dayOfWeek, last == 0 else {
                        throw .backwards(self, String(element), suggestion: wrapSuggestion(ends[0], ends[1], parts))
                    }
                    last = 7
                }
            }
        }
        var bits: UInt64 = 0
        for v in stride(from: first, through: last, by: step) { bits |= 1 << UInt64(v) }
        return bits
    }

    /// One value: digits, or a three-letter name in the fields that have names.
    private func value(_ token: Substring) throws(CronError) -> Int {
        if token.utf8.allSatisfy(CronField.isDigit) {
            guard let n = Int(token), n >= low, n <= high else { throw .outOfRange(self, String(token)) }
            return n
        }
        if let names {
            let lower = token.lowercased()
            if let index = names.firstIndex(of: lower) { return index + low }
            if lower.count > 3, let index = names.firstIndex(of: String(lower.prefix(3))) {
                throw CronError(field: self, "\"\(token)\": names are three letters (write \"\(names[index])\")")
            }
        }
        throw .notAValue(self, String(token))
    }

    /// For a backwards range `a-b`: the two ranges it probably meant, `a-max,min-b`, in the style written.
    private func wrapSuggestion(_ start: Substring, _ end: Substring, _ parts: [Substring]) -> String {
        let byName = names != nil && !start.utf8.allSatisfy(CronField.isDigit)
        // Day of week: 7 already covers Sunday, so the second range starts on Monday.
        let wrapStart = self == .dayOfWeek ? 1 : low
        func spell(_ v: Int) -> String {
            guard byName, let names else { return String(v) }
            return names[(v - low) % names.count]
        }
        let suffix = parts.count == 2 ? "/" + parts[1] : ""
        let startValue = (try? value(start)) ?? low
        let head = startValue == high ? "\(start)" : "\(start)-\(spell(high))\(suffix)"
        let endValue = (try? value(end)) ?? wrapStart
        let tail = endValue == wrapStart ? "\(end)" : "\(spell(wrapStart))-\(end)\(suffix)"
        return head + "," + tail
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
}
