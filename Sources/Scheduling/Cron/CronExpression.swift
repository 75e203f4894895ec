import MarketCalendar

/// A 5-field cron expression (`minute hour day-of-month month day-of-week`), evaluated on ET wall
/// time; the schedule code turns the wall times into instants.
///
/// Semantics are cronie's (the Vixie cron shipped on Linux):
/// - `*`, lists `a,b`, ranges `a-b`, steps `*/n` and `a-b/n`; names `jan`-`dec` and `sun`-`sat` in any
///   case, also in ranges and lists; day of week 0-7, where 0 and 7 are Sunday.
/// - The day rule: when both day-of-month and day-of-week are restricted (neither field *starts* with
///   `*`), a day matches when either matches; otherwise both must. `*/2` starts with `*`, so it counts
///   as unrestricted here (cronie's `DOM_STAR`/`DOW_STAR` flags, set from the first character).
/// - Macros `@yearly`/`@annually`, `@monthly`, `@weekly`, `@daily`/`@midnight`, `@hourly`.
///
/// Stricter or wider than cronie, on purpose: `a/n` means `a-max/n` (FreeBSD's reading; cronie rejects
/// it); backwards ranges (`22-2`) are an error (cronie silently selects nothing), except day-of-week
/// ranges ending on Sunday written as 0 (`fri-sun`); steps larger than the field's span, and day
/// fields that can never occur (`0 0 30 feb *`), are errors; `@reboot` is an error.
public struct CronExpression: Sendable, Equatable, CustomStringConvertible {
    /// The text as written.
    public let source: String
    public var description: String { source }

    /// Bit `d` set for each selected day of month (1-31).
    private let days: UInt64
    /// Bit `m` set for each selected month (1-12).
    private let months: UInt64
    /// Bit `w` set for each selected weekday, cron numbering (0 Sunday ... 6 Saturday).
    private let weekdays: UInt64
    /// Vixie's rule: true when a day must match both day fields, false when either suffices.
    private let bothDayFields: Bool
    /// Whether the day-of-month / day-of-week field starts with `*` (what decides Vixie's rule).
    public let dayOfMonthStarred: Bool
    public let dayOfWeekStarred: Bool

    /// Every hour:minute the expression selects within a day, ascending.
    public let times: [TimeOfDay]

    /// Parses `text`; throws `CronError` with a message naming the field and the fix.
    public init(parsing text: String) throws {
        source = text
        let words = text.split(whereSeparator: \.isWhitespace)
        guard let first = words.first else { throw CronError.empty }
        var fields = words
        if first.hasPrefix("@") {
            guard words.count == 1 else { throw CronError.macroWithFields(text) }
            fields = try CronExpression.expand(macro: first).split(separator: " ")
        }
        guard fields.count == 5 else { throw CronError.fieldCount(fields.count) }

        let minutes = try CronField.minute.parse(fields[0]).bits
        let hours = try CronField.hour.parse(fields[1]).bits
        let dayField = try CronField.dayOfMonth.parse(fields[2])
        months = try CronField.month.parse(fields[3]).bits
        let weekdayField = try CronField.dayOfWeek.parse(fields[4])
        days = dayField.bits
        // Sunday is 0 and 7; fold 7 onto 0 so a date's weekday needs one lookup.
        weekdays = (weekdayField.bits | (weekdayField.bits >> 7)) & 0x7F
        bothDayFields = dayField.starred || weekdayField.starred
        dayOfMonthStarred = dayField.starred
        dayOfWeekStarred = weekdayField.starred

        if bothDayFields, !CronExpression.someDayExists(days: days, months: months) {
            throw CronError.neverFires(dayText: String(fields[2]), monthText: String(fields[3]))
        }

        var times: [TimeOfDay] = []
        for hour in 0..<24 where hours >> UInt64(hour) & 1 == 1 {
            for minute in 0..<60 where minutes >> UInt64(minute) & 1 == 1 {
                times.append(TimeOfDay(seconds: hour * 3600 + minute * 60))
            }
        }
        self.times = times
    }

    /// Whether the day-of-month, month and day-of-week fields select `date` (Vixie OR rule).
    public func matches(_ date: LocalDate) -> Bool {
        guard months >> UInt64(date.month) & 1 == 1 else { return false }
        let byDay = days >> UInt64(date.day) & 1 == 1
        // ISO weekday 1 (Monday) ... 7 (Sunday) to cron's 1 ... 0.
        let byWeekday = weekdays >> UInt64(date.weekday.rawValue % 7) & 1 == 1
        return bothDayFields ? (byDay && byWeekday) : (byDay || byWeekday)
    }

    /// The selected days of month (1-31), ascending.
    public var daysOfMonth: [Int] { (1...31).filter { days >> UInt64($0) & 1 == 1 } }
    /// The selected months (1-12), ascending.
    public var monthNumbers: [Int] { (1...12).filter { months >> UInt64($0) & 1 == 1 } }
    /// The selected weekdays in cron numbering (0 Sunday ... 6 Saturday), ascending.
    public var weekdayNumbers: [Int] { (0...6).filter { weekdays >> UInt64($0) & 1 == 1 } }
    /// Vixie's rule: true when a day must match both day fields, false when either suffices.
    public var requiresBothDayFields: Bool { bothDayFields }

    /// Whether the day fields choose days at all; false for `* * *` in the three day fields (and for
    /// `@daily`, `@hourly`), where the task's `days:` rule alone decides.
    public var restrictsDays: Bool {
        let everyDay: UInt64 = 0xFFFF_FFFE   // bits 1-31
        let everyMonth: UInt64 = 0x1FFE      // bits 1-12
        return !(days == everyDay && months == everyMonth && weekdays == 0x7F)
    }

    /// The five fields a macro stands for, as in cronie's `load_entry`.
    private static func expand(macro: Substring) throws(CronError) -> String {
        switch macro.lowercased() {
        case "@yearly", "@annually": return "0 0 1 1 *"
        case "@monthly": return "0 0 1 * *"
        case "@weekly": return "0 0 * * 0"
        case "@daily", "@midnight": return "0 0 * * *"
        case "@hourly": return "0 * * * *"
        case "@reboot": throw .reboot
        default: throw .unknownMacro(String(macro))
        }
    }

    /// Whether some selected day of month occurs in some selected month (February counts 29 days).
    private static func someDayExists(days: UInt64, months: UInt64) -> Bool {
        for month in 1...12 where months >> UInt64(month) & 1 == 1 {
            let length = LocalDate.daysIn(month: month, year: 2024)
            let inMonth: UInt64 = (1 << UInt64(length + 1)) - 2
            if days & inMonth != 0 { return true }
        }
        return false
    }
}
