/// A wall-clock time of day, in seconds after local midnight (0..<86400).
public struct TimeOfDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let seconds: Int

    public init(seconds: Int) { self.seconds = seconds }

    public init?(hour: Int, minute: Int, second: Int = 0) {
        guard (0..<24).contains(hour), (0..<60).contains(minute), (0..<60).contains(second) else { return nil }
        seconds = hour * 3600 + minute * 60 + second
    }

    public var hour: Int { seconds / 3600 }
    public var minute: Int { seconds / 60 % 60 }
    public var second: Int { seconds % 60 }

    /// `HH:MM`, or `HH:MM:SS` when the seconds are not zero.
    public var description: String { second == 0 ? hhmm : hhmmss }
    public var hhmm: String { pad(hour, 2) + ":" + pad(minute, 2) }
    public var hhmmss: String { hhmm + ":" + pad(second, 2) }

    /// Parses `HH:MM` or `HH:MM:SS` (24-hour, two digits each).
    public init?(parsing text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 5 || bytes.count == 8, bytes[2] == UInt8(ascii: ":"),
              let h = LocalDate.digits(bytes[0..<2]), let m = LocalDate.digits(bytes[3..<5])
        else { return nil }
        var s = 0
        if bytes.count == 8 {
            guard bytes[5] == UInt8(ascii: ":"), let parsed = LocalDate.digits(bytes[6..<8]) else { return nil }
            s = parsed
        }
        self.init(hour: h, minute: m, second: s)
    }

    public static func < (a: TimeOfDay, b: TimeOfDay) -> Bool { a.seconds < b.seconds }
}
