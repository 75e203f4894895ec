import MarketCalendar
import Scheduling

/// When a timer or cron line fires: every combination of `seconds` × `minutes` × `hours` of
/// wall time in `zone`, on the days `days` selects. The common shape of an OnCalendar= line
/// and a cron line; the targets render it.
struct FirePattern: Hashable, Sendable {
    var seconds: [Int]
    var minutes: [Int]
    var hours: [Int]
    var days: PatternDays
    var zone: PatternZone = .newYork

    /// Every wall time (seconds after midnight) the pattern selects within a day, ascending.
    var timesOfDay: [Int] {
        hours.flatMap { h in minutes.flatMap { m in seconds.map { s in h * 3600 + m * 60 + s } } }.sorted()
    }

    /// The pattern of a set of wall times that is a cross product of its seconds, minutes and hours.
    static func crossProduct(_ times: Set<Int>) -> (seconds: [Int], minutes: [Int], hours: [Int]) {
        (Set(times.map { $0 % 60 }).sorted(), Set(times.map { $0 / 60 % 60 }).sorted(), Set(times.map { $0 / 3600 }).sorted())
    }

    /// Splits wall times into patterns with no extra combination: hours grouped by their
    /// minute-and-second sets, minutes within them by their second sets.
    static func exact(_ times: Set<Int>, days: PatternDays, zone: PatternZone = .newYork) -> [FirePattern] {
        var byHour: [Int: Set<Int>] = [:]
        for t in times { byHour[t / 3600, default: []].insert(t % 3600) }
        // Hours with the same minute:second set share patterns.
        var hoursBySet: [[Int]: [Int]] = [:]
        for (hour, set) in byHour { hoursBySet[set.sorted(), default: []].append(hour) }
        var patterns: [FirePattern] = []
        for (set, hours) in hoursBySet {
            var minutesBySeconds: [[Int]: [Int]] = [:]
            var secondsOfMinute: [Int: [Int]] = [:]
            for t in set { secondsOfMinute[t / 60, default: []].append(t % 60) }
            for (minute, secs) in secondsOfMinute { minutesBySeconds[secs.sorted(), default: []].append(minute) }
            for (secs, minutes) in minutesBySeconds {
                patterns.append(FirePattern(seconds: secs, minutes: minutes.sorted(), hours: hours.sorted(), days: days, zone: zone))
            }
        }
        return patterns.sorted { ($0.hours.first ?? 0, $0.minutes.first ?? 0, $0.seconds.first ?? 0) < ($1.hours.first ?? 0, $1.minutes.first ?? 0, $1.seconds.first ?? 0) }
    }
}

/// The days a pattern fires on.
enum PatternDays: Hashable, Sendable {
    /// These weekdays (every day when all seven).
    case weekdays(Set<Weekday>)
    /// A cron expression's day-of-month, month and day-of-week fields, with Vixie's OR rule.
    case cron(CronExpression)
    /// Days that are in `months`, `daysOfMonth` and `weekdays` at once (systemd lines only).
    case all(months: [Int], daysOfMonth: [Int], weekdays: Set<Weekday>)

    static let everyDay = PatternDays.weekdays(Set(Weekday.allCases))
}

enum PatternZone: String, Hashable, Sendable {
    case newYork = "America/New_York"
    case utc = "UTC"
}

extension CronExpression: Hashable {
    public func hash(into hasher: inout Hasher) { hasher.combine(source) }
}
