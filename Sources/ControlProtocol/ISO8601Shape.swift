/// A syntactic check of the instants the protocol carries: `YYYY-MM-DDTHH:MM:SS` followed by `Z` or
/// `±HH:MM` (e.g. `2026-11-27T16:00:00-05:00`). The daemon converts them with its zone rules; this
/// only keeps obvious garbage (`tomorrow`, `16:00`) out, with a clear `invalid_value`.
enum ISO8601Shape {
    static func isInstant(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard b.count == 20 || b.count == 25 else { return false }
        func number(_ range: Range<Int>, max: Int, min: Int = 0) -> Bool {
            var value = 0
            for i in range {
                guard b[i] >= 48, b[i] <= 57 else { return false }
                value = value * 10 + Int(b[i] - 48)
            }
            return value >= min && value <= max
        }
        guard number(0..<4, max: 9999), b[4] == UInt8(ascii: "-"), number(5..<7, max: 12, min: 1),
              b[7] == UInt8(ascii: "-"), number(8..<10, max: 31, min: 1), b[10] == UInt8(ascii: "T"),
              number(11..<13, max: 23), b[13] == UInt8(ascii: ":"), number(14..<16, max: 59),
              b[16] == UInt8(ascii: ":"), number(17..<19, max: 60)
        else { return false }
        if b.count == 20 { return b[19] == UInt8(ascii: "Z") }
        return (b[19] == UInt8(ascii: "+") || b[19] == UInt8(ascii: "-")) && number(20..<22, max: 23)
            && b[22] == UInt8(ascii: ":") && number(23..<25, max: 59)
    }
}
