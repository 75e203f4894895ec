/// ISO weekday numbering: Monday is 1, Sunday is 7.
public enum Weekday: Int, CaseIterable, Sendable, Comparable, CustomStringConvertible {
    case monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday

    public var description: String { Weekday.names[rawValue - 1] }

    /// Three-letter form, as cron and tables use it.
    public var shortName: String { String(description.prefix(3)) }

    static let names = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// Accepts `mon`/`monday` in any case.
    public init?(name: String) {
        let lower = name.lowercased()
        guard let index = Weekday.names.firstIndex(where: { $0 == lower || $0.prefix(3) == lower }) else {
            return nil
        }
        self.init(rawValue: index + 1)
    }

    public static func < (a: Weekday, b: Weekday) -> Bool { a.rawValue < b.rawValue }
}
