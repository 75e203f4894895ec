import Foundation
import MarketCalendar
import Testing
@testable import Scheduling

/// When `cron` tasks fire, through `TaskSchedule` (the calendar, `days:`, `force_run`, DST), and
/// the dates docs/configuration.md ("cron") promises, read from the document itself.
@Suite struct CronScheduleTests {
    static func cron(_ name: String, _ expression: String, days: DayRule = .trading, daysExplicit: Bool = false,
                     force: Bool = false) throws -> TaskConfig {
        Build.task(name, .cron(try CronExpression(parsing: expression)), days: days, daysExplicit: daysExplicit, force: force)
    }

    /// The dates from `first` to `last` (inclusive) on which `task` fires at least once.
    static func dates(_ task: TaskConfig, from first: String, to last: String, calendar: NYSECalendar = NYSECalendar()) -> [String] {
        let schedule = TaskSchedule(task: task, calendar: calendar)
        var dates: [String] = []
        var day = Build.date(first)
        while day <= Build.date(last) {
            if !schedule.occurrences(on: day).isEmpty { dates.append(day.description) }
            day = day.adding(days: 1)
        }
        return dates
    }

    // MARK: - The document's own examples

    static let document: String = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/configuration.md")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    /// The "## cron" section's first YAML block and the date lines after it (`task: date date ...`).
    static func documentedExample() throws -> (yaml: String, dates: [String: [String]]) {
        let section = try #require(document.range(of: "\n## cron\n").map { document[$0.upperBound...] }, "no cron section")
        let body = section[..<(section.range(of: "\n## ")?.lowerBound ?? section.endIndex)]
        let blocks = body.components(separatedBy: "```")
        // blocks[1] is "yaml\n...", blocks[3] the check-config output, blocks[5] the dates.
        try #require(blocks.count > 5, "the cron section's code blocks changed")
        let yaml = String(blocks[1].drop { $0 != "\n" })
        var dates: [String: [String]] = [:]
        for line in blocks[5].split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let name = parts.first, name.hasSuffix(":") else { continue }
            dates[String(name.dropLast())] = parts.dropFirst().map(String.init)
        }
        return (yaml, dates)
    }

    @Test func theDocumentedWeekIsWhatTheTasksFire() throws {
        let (yaml, documented) = try Self.documentedExample()
        let config = try #require(ConfigTest.load(yaml)?.config)
        #expect(Set(documented.keys) == ["weekday_cron", "weekday_forced", "daily_cron", "daily_trading"])
        let calendar = config.makeCalendar()
        for (name, dates) in documented {
            let task = try #require(config.task(named: name))
            #expect(Self.dates(task, from: "2026-11-23", to: "2026-11-29", calendar: calendar) == dates, "\(name)")
        }
        // "and `or_rule` from 2026-11-30 to 2027-01-05: 2026-11-30 (Mon), 2026-12-01 (the 1st),
        // 12-07, 12-14, 12-21, 12-28 (Mondays), 2027-01-04 (Mon); not 2027-01-01".
        #expect(Self.document.contains("not 2027-01-01, the 1st but New Year's Day"))
        let orRule = try #require(config.task(named: "or_rule"))
        #expect(Self.dates(orRule, from: "2026-11-30", to: "2027-01-05", calendar: calendar) == [
            "2026-11-30", "2026-12-01", "2026-12-07", "2026-12-14", "2026-12-21", "2026-12-28", "2027-01-04",
        ])
    }

    // MARK: - Calendar, days and force

    @Test func aHolidayOnAWeekdayIsSkippedUnlessForced() throws {
        let plain = try Self.cron("t", "30 9 * * 1-5")
        #expect(Build.occurrences(plain, on: "2026-11-26").isEmpty)  // Thanksgiving
        #expect(Build.occurrences(plain, on: "2026-11-25") == ["2026-11-25T09:30:00-05:00"])
        let forced = try Self.cron("t", "30 9 * * 1-5", force: true)
        #expect(Build.occurrences(forced, on: "2026-11-26") == ["2026-11-26T09:30:00-05:00"])
        // An early close changes nothing for a wall-clock cron time: 14:00 still fires on 11-27.
        #expect(Build.occurrences(try Self.cron("t", "0 14 * * *"), on: "2026-11-27") == ["2026-11-27T14:00:00-05:00"])
    }

    @Test func weekendDaysTheFieldsChooseRun() throws {
        let weekends = try Self.cron("t", "0 10 * * sat,sun")
        #expect(Self.dates(weekends, from: "2026-11-23", to: "2026-11-29") == ["2026-11-28", "2026-11-29"])
        // Every day: the weekend runs, the holiday does not.
        #expect(Self.dates(try Self.cron("t", "0 10 * * *"), from: "2026-11-23", to: "2026-11-29")
            == ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-27", "2026-11-28", "2026-11-29"])
        // Christmas Day 2027 is a Saturday: a weekend day, not a weekday closure, so it runs.
        #expect(Build.occurrences(try Self.cron("t", "0 10 25 12 *"), on: "2027-12-25") == ["2027-12-25T10:00:00-05:00"])
    }

    @Test func anExplicitDaysRuleNarrowsTheFields() throws {
        // Fields: every day; days: [mon, sat]: only those two weekdays.
        let narrowed = try Self.cron("t", "0 10 * * *", days: .list([.monday, .saturday]), daysExplicit: true)
        #expect(Self.dates(narrowed, from: "2026-11-23", to: "2026-11-29") == ["2026-11-23", "2026-11-28"])
        // Fields: the 1st of the month; days: trading: 2026-11-01 is a Sunday, 2027-01-01 a holiday.
        let firstTrading = try Self.cron("t", "0 10 1 * *", days: .trading, daysExplicit: true)
        #expect(Self.dates(firstTrading, from: "2026-10-01", to: "2027-02-28") == ["2026-10-01", "2026-12-01", "2027-02-01"])
        // Without an explicit rule the default (trading) does not apply: the fields alone decide.
        #expect(Self.dates(try Self.cron("t", "0 10 1 * *"), from: "2026-10-01", to: "2027-02-28")
            == ["2026-10-01", "2026-11-01", "2026-12-01", "2027-02-01"])
    }

    // MARK: - Daylight saving time (RFC 5545, as for `at`)

    @Test func aTimeInTheSpringGapFiresOnceMovedForward() throws {
        let task = try Self.cron("t", "30 2 * * *")
        #expect(Build.occurrences(task, on: "2026-03-08") == ["2026-03-08T03:30:00-04:00"])
        #expect(Build.occurrences(task, on: "2026-03-07") == ["2026-03-07T02:30:00-05:00"])
        // 02:30 and 03:30 are one instant that day: it fires once.
        #expect(Build.occurrences(try Self.cron("t", "30 2,3 * * *"), on: "2026-03-08") == ["2026-03-08T03:30:00-04:00"])
        // Every minute of the night: the gap's 60 minutes collapse onto 03:00-03:59, no duplicates.
        let night = Build.occurrences(try Self.cron("t", "* 1-3 * * *"), on: "2026-03-08")
        #expect(night.count == 120)
        #expect(night.first == "2026-03-08T01:00:00-05:00" && night.last == "2026-03-08T03:59:00-04:00")
    }

    @Test func aRepeatedTimeFiresOnceAtItsFirstOccurrence() throws {
        let task = try Self.cron("t", "30 1 * * *")
        #expect(Build.occurrences(task, on: "2026-11-01") == ["2026-11-01T01:30:00-04:00"])
        // Hourly through the fall-back night: 01:00 once (EDT), then 02:00 EST, an hour later than 01:00 EST.
        let hourly = Build.occurrences(try Self.cron("t", "0 0-3 * * *"), on: "2026-11-01")
        #expect(hourly == ["2026-11-01T00:00:00-04:00", "2026-11-01T01:00:00-04:00",
                           "2026-11-01T02:00:00-05:00", "2026-11-01T03:00:00-05:00"])
    }

    @Test func theSchedulerFiresACronTaskAcrossAWeekAsTheScheduleSays() throws {
        // Through SchedulerCore (what the daemon runs), not only TaskSchedule: the documented
        // weekday_cron over Thanksgiving week.
        let task = try Self.cron("weekday_cron", "0 8 * * 1-5")
        let plan = Planner.plan(Build.config([task]), from: Build.date("2026-11-23"), through: Build.date("2026-11-29"))
        #expect(plan.map { Build.iso($0.time) } == [
            "2026-11-23T08:00:00-05:00", "2026-11-24T08:00:00-05:00", "2026-11-25T08:00:00-05:00", "2026-11-27T08:00:00-05:00",
        ])
    }
}
