import MarketCalendar

/// The values of `v6ctl gate`'s options, read and written in one place: the gate parses what
/// the exports write.
extension GateRule {
    /// `trading`, `every_day`, `weekdays`, `weekends`, or weekday names separated by commas
    /// (`sat`, `mon,wed,fri`), as the YAML's `days:` takes them.
    public static func parseDays(_ text: String) -> Result<DayRule, GateArgumentError> {
        if let rule = DayRule(keyword: text) { return .success(rule) }
        var days = Set<Weekday>()
        for name in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let day = Weekday(name: String(name)) else {
                let hint = Suggestion.closest(to: text, in: DayRule.keywords).map { " (did you mean \($0)?)" } ?? ""
                return .failure(GateArgumentError("--days: '\(text)' is not one of \(DayRule.keywords.joined(separator: ", ")) "
                                                  + "or a list of weekdays such as mon,wed\(hint)"))
            }
            days.insert(day)
        }
        return .success(.list(days))
    }

    /// The `--days` value for a rule (`parseDays` reads it back).
    public static func daysArgument(_ rule: DayRule) -> String {
        switch rule {
        case .trading: "trading"
        case .everyDay: "every_day"
        case .weekdays: "weekdays"
        case .weekends: "weekends"
        case .list(let days): days.sorted().map(\.shortName).joined(separator: ",")
        }
    }

    /// One `--at` value: `HH:MM[:SS]`, `open`, `close`, `close+15m`, ... as in the YAML.
    public static func parseAt(_ text: String) -> Result<AtTime, GateArgumentError> {
        AtSyntax.check(text).mapError { GateArgumentError("--at: \($0.message)") }
    }

    /// `--tolerance`: a duration (`60s`, `2h59m`) or whole seconds.
    public static func parseTolerance(_ text: String) -> Result<Int64, GateArgumentError> {
        if let seconds = Int64(text), seconds >= 0 { return .success(seconds) }
        if let seconds = DurationSyntax.seconds(text) { return .success(seconds) }
        return .failure(GateArgumentError("--tolerance: '\(text)' is not a duration (write 60s, 5m or 2h)"))
    }

    /// `--extra-closure YYYY-MM-DD`.
    public static func parseExtraClosure(_ text: String) -> Result<SpecialDays.Entry, GateArgumentError> {
        guard let date = LocalDate(parsing: text) else {
            return .failure(GateArgumentError("--extra-closure: '\(text)' is not a date (write YYYY-MM-DD)"))
        }
        return .success(SpecialDays.Entry(date: date, kind: .closed, name: "calendar.extra_closures"))
    }

    /// `--extra-early-close YYYY-MM-DD=HH:MM`.
    public static func parseExtraEarlyClose(_ text: String) -> Result<SpecialDays.Entry, GateArgumentError> {
        let parts = text.split(separator: "=", maxSplits: 1)
        guard parts.count == 2, let date = LocalDate(parsing: parts[0]), let time = TimeOfDay(parsing: parts[1]) else {
            return .failure(GateArgumentError("--extra-early-close: '\(text)' is not DATE=HH:MM (write 2026-07-02=13:00)"))
        }
        return .success(SpecialDays.Entry(date: date, kind: .earlyClose(time), name: "calendar.extra_early_closes"))
    }

    /// The gate's options that state this rule (defaults left out), in the order `--help` lists them.
    public var arguments: [String] {
        var args = ["--days", GateRule.daysArgument(days)]
        if ignoresHolidays { args.append("--ignore-holidays") }
        if phase != .any { args += ["--phase", phase.rawValue] }
        for time in at { args += ["--at", time.description] }
        if tolerance != GateRule.defaultTolerance { args += ["--tolerance", DurationSyntax.compact(tolerance)] }
        for entry in extraDays.entries {
            switch entry.kind {
            case .closed: args += ["--extra-closure", entry.date.description]
            case .earlyClose(let close): args += ["--extra-early-close", "\(entry.date)=\(close)"]
            }
        }
        return args
    }
}

/// A bad value for one of the gate's options: one line naming the option and the fix.
public struct GateArgumentError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
