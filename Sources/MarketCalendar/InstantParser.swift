/// Parses the instants and local date-times operators type.
public enum InstantParser {
    /// `2026-11-27T10:00:00-05:00`, `2026-11-27T15:00:00Z` (an instant), or
    /// `2026-11-27T10:00[:SS]` / `2026-11-27 10:00` (ET wall time, RFC 5545 rules),
    /// or a bare date (its local midnight).
    public static func parse(_ text: String, zone: ZoneRules) -> Instant? {
        let chars = Array(text.utf8)
        guard chars.count >= 10, let date = LocalDate(parsing: text.prefix(10)) else { return nil }
        if chars.count == 10 { return zone.startOfDay(date) }
        guard chars[10] == UInt8(ascii: "T") || chars[10] == UInt8(ascii: " ") else { return nil }
        var rest = Substring(text.dropFirst(11))
        var offset: Int? = nil
        if rest.hasSuffix("Z") || rest.hasSuffix("z") {
            offset = 0
            rest = rest.dropLast()
        } else if rest.count > 6, let signIndex = rest.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let suffix = rest[signIndex...]
            let sign = suffix.first == "-" ? -1 : 1
            let body = suffix.dropFirst().replacingColon()
            guard body.count == 4, let hh = Int(body.prefix(2)), let mm = Int(body.suffix(2)), hh < 24, mm < 60 else {
                return nil
            }
            offset = sign * (hh * 3600 + mm * 60)
            rest = rest[..<signIndex]
        }
        guard let time = TimeOfDay(parsing: rest) else { return nil }
        guard let offset else { return zone.instant(date: date, time: time) }
        return Instant(seconds: Int64(date.dayNumber) * 86_400 + Int64(time.seconds) - Int64(offset))
    }
}

extension Substring {
    fileprivate func replacingColon() -> String { String(filter { $0 != ":" }) }
}
