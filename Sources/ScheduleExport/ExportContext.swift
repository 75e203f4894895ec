import MarketCalendar
import Scheduling

/// What every task's export needs from the calendar: the closes a session can have, and the
/// daylight-saving changes as day patterns. Computed once per export, from `asOf` on.
struct ExportContext: Sendable {
    let config: SchedulerConfig
    let calendar: NYSECalendar
    /// Seconds after midnight of every close a day can have from `asOf` on: the regular 16:00
    /// (also used on days without a session), built-in and configured early closes.
    let closes: [Int]
    /// The spring change (wall times in a gap are skipped by systemd), when it follows a weekday rule.
    let spring: DSTChange?
    /// The autumn change (wall times repeat), when it follows a weekday rule.
    let autumn: DSTChange?
    /// False when the zone's changes from `asOf` on follow no weekday rule (tasks then get a note).
    let dstIsRegular: Bool

    init(config: SchedulerConfig, asOf: LocalDate) {
        self.config = config
        calendar = config.makeCalendar()
        let horizon = asOf.adding(days: 366 * 3)
        var closes: Set<Int> = [NYSECalendar.regularClose.seconds]
        for session in calendar.sessions(from: asOf, through: horizon) { closes.insert(session.closeTime.seconds) }
        for entry in config.extraDays.entries where entry.date >= asOf {
            if case .earlyClose(let time) = entry.kind { closes.insert(time.seconds) }
        }
        self.closes = closes.sorted()
        let changes = DSTChange.changes(zone: calendar.zone, from: asOf, years: 10)
        spring = changes.spring
        autumn = changes.autumn
        dstIsRegular = changes.regular
    }
}

/// One kind of daylight-saving change, as it happens every year in the horizon.
struct DSTChange: Sendable {
    /// The days it happens on, as a pattern (e.g. Sunday, March 8-14).
    let days: PatternDays
    let weekday: Weekday
    /// Wall time (seconds after midnight) where the change starts, and how far the clock moves (seconds).
    let wallStart: Int
    let shift: Int
    /// An example date (the first in the horizon) and the change's instant on it.
    let sample: LocalDate
    let instant: Instant

    /// The changes between `from` and `years` later; nil for a kind whose dates follow no
    /// weekday-of-a-week rule (then `regular` is false).
    static func changes(zone: ZoneRules, from: LocalDate, years: Int) -> (spring: DSTChange?, autumn: DSTChange?, regular: Bool) {
        let start = zone.startOfDay(from), end = zone.startOfDay(from.adding(days: 366 * years))
        let transitions = zone.allTransitions.filter { $0.instant >= start && $0.instant < end }
        var regular = true
        func rule(_ list: [(instant: Instant, before: Int, after: Int)]) -> DSTChange? {
            guard let first = list.first else { return nil }
            let dates = list.map { zone.local($0.instant).date }
            let walls = list.map { Int(($0.instant.seconds + Int64($0.before)) % 86_400 + 86_400) % 86_400 }
            let week = (dates[0].day - 1) / 7
            guard dates.allSatisfy({ $0.weekday == dates[0].weekday && $0.month == dates[0].month && ($0.day - 1) / 7 == week }),
                  Set(walls).count == 1, Set(list.map { $0.after - $0.before }).count == 1
            else { regular = false; return nil }
            let doms = Array(week * 7 + 1...min(week * 7 + 7, 31))
            return DSTChange(days: .all(months: [dates[0].month], daysOfMonth: doms, weekdays: [dates[0].weekday]),
                             weekday: dates[0].weekday, wallStart: walls[0], shift: first.after - first.before,
                             sample: dates[0], instant: first.instant)
        }
        let spring = rule(transitions.filter { $0.after > $0.before })
        let autumn = rule(transitions.filter { $0.after < $0.before })
        return (spring, autumn, regular)
    }
}
