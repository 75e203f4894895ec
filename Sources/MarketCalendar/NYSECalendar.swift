/// The NYSE trading calendar: sessions, holidays, early closes and phases, for any date.
///
/// Rules come from `NYSERules`, one-off events from `SpecialDays` (shipped data plus the
/// configuration's `calendar.extra_closures` / `extra_early_closes`, which win). Years
/// 1900-2200 are tabulated once per process; other years are computed on demand.
public struct NYSECalendar: Sendable {
    public static let regularOpen = TimeOfDay(seconds: 9 * 3600 + 30 * 60)
    public static let regularClose = TimeOfDay(seconds: 16 * 3600)

    public let zone: ZoneRules
    private let overrides: Table

    /// The rule table for 1900-2200 with the shipped special days, built once.
    private static let builtIn = Table(years: 1900...2200, special: SpecialDays.builtIn)

    public init(zone: ZoneRules = .newYork, extra: SpecialDays = SpecialDays(entries: [])) {
        self.zone = zone
        self.overrides = Table(years: nil, special: extra)
    }

    // MARK: - Days

    public func day(_ date: LocalDate) -> MarketDay {
        if date.isWeekend { return .closed(date, .weekend(date.weekday)) }
        let entry = overrides.entry(date.dayNumber) ?? NYSECalendar.entry(for: date)
        switch entry {
        case .closed(let reason)?:
            return .closed(date, reason)
        case .earlyClose(let close, let name)?:
            return .session(makeSession(date, close: close, reason: name))
        case nil:
            return .session(makeSession(date, close: NYSECalendar.regularClose, reason: nil))
        }
    }

    public func session(on date: LocalDate) -> Session? { day(date).session }

    /// Whether the NYSE trades on `date`: `session(on:) != nil` without building the session
    /// (the schedule maths asks this for every task and day).
    public func isSession(_ date: LocalDate) -> Bool {
        if date.isWeekend { return false }
        if case .closed? = overrides.entry(date.dayNumber) ?? NYSECalendar.entry(for: date) { return false }
        return true
    }

    /// The first session strictly after `date` (nil only if none within ten years,
    /// which takes a configuration closing the market for a decade).
    public func nextSession(after date: LocalDate) -> Session? {
        for offset in 1...3660 { if let s = session(on: date.adding(days: offset)) { return s } }
        return nil
    }

    public func previousSession(before date: LocalDate) -> Session? {
        for offset in 1...3660 { if let s = session(on: date.adding(days: -offset)) { return s } }
        return nil
    }

    /// Every session from `start` through `end`, both inclusive.
    public func sessions(from start: LocalDate, through end: LocalDate) -> [Session] {
        guard start <= end else { return [] }
        return (start.dayNumber...end.dayNumber).compactMap { session(on: LocalDate(dayNumber: $0)) }
    }

    /// Every weekday of `year` on which the NYSE is closed, with the reason's name.
    public func closedWeekdays(in year: Int) -> [(date: LocalDate, name: String)] {
        let first = LocalDate(year: year, month: 1, day: 1)!.dayNumber
        let last = LocalDate(year: year, month: 12, day: 31)!.dayNumber
        return (first...last).compactMap { number in
            let date = LocalDate(dayNumber: number)
            if case .closed(_, let reason) = day(date), !date.isWeekend { return (date, reason.name) }
            return nil
        }
    }

    private func makeSession(_ date: LocalDate, close: TimeOfDay, reason: String?) -> Session {
        let open = NYSECalendar.regularOpen
        return Session(date: date, openTime: open, closeTime: close,
                       open: zone.instant(date: date, time: open), close: zone.instant(date: date, time: close),
                       earlyCloseReason: reason)
    }

    // MARK: - Tables

    enum Entry: Sendable {
        case closed(ClosureReason)
        case earlyClose(TimeOfDay, String)
    }

    private static func entry(for date: LocalDate) -> Entry? {
        if builtIn.covers(date.year) { return builtIn.entry(date.dayNumber) }
        return Table(years: date.year...date.year, special: SpecialDays(entries: [])).entry(date.dayNumber)
    }

    /// Day number -> closure or early close, for weekdays only.
    struct Table: Sendable {
        private var entries: [Int: Entry] = [:]
        private let years: ClosedRange<Int>?

        init(years: ClosedRange<Int>?, special: SpecialDays) {
            self.years = years
            if let years {
                for year in years {
                    // Early closes first: a holiday on the same date replaces them.
                    for e in NYSERules.earlyCloses(in: year) { entries[e.date.dayNumber] = .earlyClose(e.close, e.name) }
                    for h in NYSERules.holidays(in: year) { entries[h.date.dayNumber] = .closed(.holiday(h.name)) }
                }
            }
            for s in special.entries where !s.date.isWeekend {
                switch s.kind {
                case .closed:
                    // A regular holiday keeps its own name (1968-12-25 was both).
                    if case .closed(.holiday)? = entries[s.date.dayNumber] { continue }
                    entries[s.date.dayNumber] = .closed(.special(s.name))
                case .earlyClose(let close):
                    // A shipped early close never reopens a holiday.
                    if case .closed? = entries[s.date.dayNumber] { continue }
                    entries[s.date.dayNumber] = .earlyClose(close, s.name)
                }
            }
        }

        func covers(_ year: Int) -> Bool { years?.contains(year) ?? false }
        func entry(_ dayNumber: Int) -> Entry? { entries[dayNumber] }
    }
}
