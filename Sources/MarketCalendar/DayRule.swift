/// Which calendar days a task (or `v6ctl gate`) runs on: the `days:` setting.
public enum DayRule: Sendable, Equatable, CustomStringConvertible {
    /// NYSE sessions (the default).
    case trading
    case everyDay
    /// Monday to Friday, skipping NYSE holidays and closures unless forced.
    case weekdays
    case weekends
    /// Listed weekdays; NYSE closures among them are skipped unless forced.
    case list(Set<Weekday>)

    /// Parses `trading`, `every_day`, `weekdays`, `weekends`.
    public init?(keyword: String) {
        switch keyword {
        case "trading": self = .trading
        case "every_day": self = .everyDay
        case "weekdays": self = .weekdays
        case "weekends": self = .weekends
        default: return nil
        }
    }

    public static let keywords = ["trading", "every_day", "weekdays", "weekends"]

    public var description: String {
        switch self {
        case .trading: "trading days"
        case .everyDay: "every day"
        case .weekdays: "weekdays"
        case .weekends: "weekends"
        case .list(let days): days.sorted().map(\.shortName).joined(separator: ",")
        }
    }

    /// Whether `date` qualifies, without the reason: `check` spelled out, for the schedule maths,
    /// which asks this for every task and day and must not build messages nobody reads.
    public func runs(on date: LocalDate, calendar: NYSECalendar, force: Bool) -> Bool {
        let weekend = date.isWeekend
        switch self {
        case .everyDay: return true
        case .weekends: return weekend
        case .trading, .weekdays: if weekend { return false }
        case .list(let days): if !days.contains(date.weekday) { return false }
        }
        return force || weekend || calendar.isSession(date)
    }

    /// Whether `date` qualifies. `force` ignores NYSE closures (the holiday check), so
    /// `trading` then means Monday to Friday.
    public func check(_ date: LocalDate, calendar: NYSECalendar, force: Bool) -> DayVerdict {
        let weekday = date.weekday
        switch self {
        case .everyDay:
            return .run
        case .weekends:
            return date.isWeekend ? .run : .skip("\(date) is a \(weekday.description.capitalized), not a weekend day")
        case .trading, .weekdays:
            if date.isWeekend { return .skip("\(date) is a weekend (\(weekday.description.capitalized))") }
        case .list(let days):
            if !days.contains(weekday) {
                return .skip("\(date) is a \(weekday.description.capitalized), not one of \(description)")
            }
        }
        if !force, !date.isWeekend, case .closed(_, let reason) = calendar.day(date) {
            return .skip("\(date) is \(reason)")
        }
        return .run
    }
}

public enum DayVerdict: Sendable, Equatable {
    case run
    case skip(String)
}
