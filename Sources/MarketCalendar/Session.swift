/// One NYSE trading session: its date, and when it opens and closes.
public struct Session: Hashable, Sendable {
    public let date: LocalDate
    public let openTime: TimeOfDay
    public let closeTime: TimeOfDay
    public let open: Instant
    public let close: Instant
    /// Why the session closes early (nil on a regular 16:00 close).
    public let earlyCloseReason: String?

    public var isEarlyClose: Bool { earlyCloseReason != nil }
}

/// What the NYSE does on a date.
public enum MarketDay: Sendable, Equatable {
    case session(Session)
    case closed(LocalDate, ClosureReason)

    public var session: Session? {
        if case .session(let s) = self { return s }
        return nil
    }
}

/// Why there is no session on a date.
public enum ClosureReason: Sendable, Equatable, CustomStringConvertible {
    case weekend(Weekday)
    /// A regular holiday, e.g. "Independence Day (observed)".
    case holiday(String)
    /// A one-off closure: historical (shipped data) or added in the configuration.
    case special(String)

    public var name: String {
        switch self {
        case .weekend(let day): day == .saturday ? "Saturday" : "Sunday"
        case .holiday(let name), .special(let name): name
        }
    }

    /// `a weekend (Saturday)`, `an NYSE holiday (Thanksgiving Day)`, ...
    public var description: String {
        switch self {
        case .weekend: "a weekend (\(name))"
        case .holiday: "an NYSE holiday (\(name))"
        case .special: "an NYSE closure (\(name))"
        }
    }
}
