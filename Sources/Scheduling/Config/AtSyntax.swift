import MarketCalendar

/// `at:` entries: wall times `HH:MM` / `HH:MM:SS` (24-hour, ET), or `open` / `close` with an
/// optional signed offset (`open+5m`, `close-10m`, `close+1h30m`).
public enum AtSyntax {
    /// Offsets keep the time on the session's own calendar day for a regular session (09:30 to
    /// 16:00) and for a 13:00 early close, so a task never jumps to the next day.
    static let openOffsets: ClosedRange<Int64> = -(9 * 3600 + 30 * 60)...(14 * 3600 + 29 * 60 + 59)
    static let closeOffsets: ClosedRange<Int64> = -(13 * 3600)...(7 * 3600 + 59 * 60 + 59)

    /// Parses one entry; nil when it is not valid.
    public static func parse(_ text: String) -> AtTime? { try? check(text).get() }

    static func check(_ text: String) -> Result<AtTime, SyntaxProblem> {
        for (anchor, range) in [("open", openOffsets), ("close", closeOffsets)] where text.hasPrefix(anchor) {
            let rest = text.dropFirst(anchor.count)
            if rest.isEmpty { return .success(anchor == "open" ? .open(offset: 0) : .close(offset: 0)) }
            guard let sign = rest.first, sign == "+" || sign == "-" else { break }
            let amount = String(rest.dropFirst())
            guard let seconds = DurationSyntax.seconds(amount) else {
                if DurationSyntax.problem(amount).contains("is zero") {
                    return .failure(SyntaxProblem("\"\(text)\" has a zero offset (write \(anchor))"))
                }
                if amount.allSatisfy(\.isNumber), !amount.isEmpty {
                    return .failure(SyntaxProblem("\"\(text)\": the offset has no unit (try \(anchor)\(sign)\(amount)m)"))
                }
                return .failure(SyntaxProblem("\"\(text)\": \"\(amount)\" is not a duration (write \(anchor)\(sign)5m, \(anchor)\(sign)1h or \(anchor)\(sign)1h30m)"))
            }
            let offset = sign == "-" ? -seconds : seconds
            guard range.contains(offset) else {
                return .failure(SyntaxProblem("\"\(text)\" leaves the session's day (\(anchor) offsets go from \(anchor)-\(DurationSyntax.compact(-range.lowerBound)) to \(anchor)+\(DurationSyntax.compact(range.upperBound)))"))
            }
            return .success(anchor == "open" ? .open(offset: offset) : .close(offset: offset))
        }
        if let time = TimeOfDay(parsing: text) { return .success(.wall(time)) }
        return .failure(SyntaxProblem(problem(text)))
    }

    private static func problem(_ text: String) -> String {
        let quoted = "\"\(text)\""
        let compact = text.filter { !$0.isWhitespace }.lowercased()
        if compact != text, let fixed = parse(compact) {
            return "\(quoted) is not a time (try \(fixed))"
        }
        // 12-hour clock: 8am, 4:15pm.
        for (suffix, add) in [("am", 0), ("pm", 12)] where compact.hasSuffix(suffix) {
            let parts = compact.dropLast(2).split(separator: ":").map { Int($0) }
            if let h = parts.first ?? nil, (1...12).contains(h), parts.count <= 2,
               let time = TimeOfDay(hour: h % 12 + add, minute: parts.count == 2 ? (parts[1] ?? -1) : 0) {
                return "\(quoted) is not a 24-hour time (try \(time.hhmm))"
            }
        }
        let fields = text.split(separator: ":", omittingEmptySubsequences: false)
        // ASCII digits only: `isNumber` also holds for other scripts' digits and for a digit
        // carrying a combining mark ("5\u{0597}"), which Int() refuses (found by Tests/Fuzz).
        let numbers = fields.compactMap { $0.count <= 2 && $0.allSatisfy({ $0.isASCII && $0.isNumber }) ? Int($0) : nil }
        if (2...3).contains(fields.count), numbers.count == fields.count {
            if numbers[0] > 23 || numbers[1] > 59 || (numbers.count == 3 && numbers[2] > 59) {
                return "\(quoted) is out of range (hours 00-23, minutes and seconds 00-59)"
            }
            let padded = fields.map { $0.count == 1 ? "0" + $0 : String($0) }.joined(separator: ":")
            return "\(quoted) is not a time (write two digits each: \(padded))"
        }
        if let word = Suggestion.closest(to: compact.prefix { $0.isLetter }.description, in: ["open", "close"]),
           compact.first?.isLetter == true {
            let rest = compact.drop { $0.isLetter }
            return "\(quoted) is not a time (did you mean \(word)\(rest)?)"
        }
        return "\(quoted) is not a time (write HH:MM in 24-hour ET, or open, close, open+5m, close-10m)"
    }
}
