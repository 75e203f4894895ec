import MarketCalendar
import Testing
@testable import Scheduling

@Suite struct ScheduleSemanticsTests {
    @Test func atFixedTimesOnTradingDaysOnly() {
        let task = Build.task("t", .at([Build.wall("08:00"), Build.wall("12:00")]))
        #expect(Build.occurrences(task, on: "2026-11-25") == ["2026-11-25T08:00:00-05:00", "2026-11-25T12:00:00-05:00"])
        #expect(Build.occurrences(task, on: "2026-11-26").isEmpty)   // Thanksgiving
        #expect(Build.occurrences(task, on: "2026-11-28").isEmpty)   // Saturday
    }

    @Test func atInTheSpringGapFiresOnceAtTheShiftedTime() {
        let task = Build.task("t", .at([Build.wall("02:30")]), days: .everyDay)
        #expect(Build.occurrences(task, on: "2026-03-08") == ["2026-03-08T03:30:00-04:00"])
        let both = Build.task("t", .at([Build.wall("02:30"), Build.wall("03:30")]), days: .everyDay)
        #expect(Build.occurrences(both, on: "2026-03-08") == ["2026-03-08T03:30:00-04:00"])  // never twice
    }

    @Test func atInTheRepeatedHourFiresOnceAtTheFirstOccurrence() {
        let task = Build.task("t", .at([Build.wall("01:30")]), days: .everyDay)
        #expect(Build.occurrences(task, on: "2026-11-01") == ["2026-11-01T01:30:00-04:00"])
    }

    @Test func sessionRelativeTimesFollowTheActualSession() {
        let task = Build.task("t", .at([.close(offset: 15 * 60), .open(offset: 5 * 60), .close(offset: -600)]))
        #expect(Build.occurrences(task, on: "2026-11-27") == [
            "2026-11-27T09:35:00-05:00", "2026-11-27T12:50:00-05:00", "2026-11-27T13:15:00-05:00",
        ])
        #expect(Build.occurrences(task, on: "2026-11-25").last == "2026-11-25T16:15:00-05:00")
    }

    @Test func frequencyInTheMarketWindow() {
        let task = Build.task("t", .frequency(seconds: 300, window: .marketOpen))
        let normal = Build.occurrences(task, on: "2026-11-25")
        #expect(normal.count == 78)
        #expect(normal.first == "2026-11-25T09:30:00-05:00")
        #expect(normal.last == "2026-11-25T15:55:00-05:00")
        let early = Build.occurrences(task, on: "2026-11-27")
        #expect(early.count == 42)
        #expect(early.last == "2026-11-27T12:55:00-05:00")
    }

    @Test func frequencyAllDayCountsElapsedTimeAcrossDST() {
        let task = Build.task("t", .frequency(seconds: 900, window: .any), days: .everyDay)
        #expect(Build.occurrences(task, on: "2026-03-08").count == 92)
        #expect(Build.occurrences(task, on: "2026-11-01").count == 100)
        #expect(Build.occurrences(task, on: "2026-11-02").count == 96)
        let fallBack = Build.occurrences(task, on: "2026-11-01")
        #expect(fallBack.contains("2026-11-01T01:45:00-04:00") && fallBack.contains("2026-11-01T01:45:00-05:00"))
    }

    @Test func otherWindows() {
        let pre = Build.task("t", .frequency(seconds: 3600, window: .preMarket))
        #expect(Build.occurrences(pre, on: "2026-11-25") == (4...9).map { "2026-11-25T0\($0):00:00-05:00" })
        let after = Build.task("t", .frequency(seconds: 3600, window: .afterHours))
        #expect(Build.occurrences(after, on: "2026-11-27") == (13...16).map { "2026-11-27T\($0):00:00-05:00" })
        let extended = Build.task("t", .frequency(seconds: 3600, window: .extended))
        #expect(Build.occurrences(extended, on: "2026-11-25").count == 16)   // 04:00 ... 19:00
    }

    @Test func dayRulesAndForce() {
        let weekdays = Build.task("t", .at([Build.wall("10:00")]), days: .weekdays)
        #expect(Build.occurrences(weekdays, on: "2026-11-26").isEmpty)
        let forced = Build.task("t", .at([Build.wall("10:00")]), days: .trading, force: true)
        #expect(Build.occurrences(forced, on: "2026-11-26") == ["2026-11-26T10:00:00-05:00"])
        #expect(Build.occurrences(forced, on: "2026-11-28").isEmpty)
        let saturday = Build.task("t", .at([Build.wall("11:00")]), days: .list([.saturday]))
        #expect(Build.occurrences(saturday, on: "2026-11-28") == ["2026-11-28T11:00:00-05:00"])
        let everyDay = Build.task("t", .at([Build.wall("11:00")]), days: .everyDay)
        #expect(Build.occurrences(everyDay, on: "2026-11-26").count == 1)
        let weekends = Build.task("t", .at([Build.wall("11:00")]), days: .weekends)
        #expect(Build.occurrences(weekends, on: "2026-11-29").count == 1)
        #expect(Build.occurrences(weekends, on: "2026-11-27").isEmpty)
    }

    @Test func forcedSessionRelativeTimesUseRegularHoursOnAHoliday() {
        let task = Build.task("t", .at([.close(offset: 900)]), force: true)
        #expect(Build.occurrences(task, on: "2026-11-26") == ["2026-11-26T16:15:00-05:00"])
    }

    @Test func configuredClosuresAreHonoured() {
        var config = Build.config([Build.task("t", .at([Build.wall("10:00")]))])
        config.extraDays = SpecialDays(entries: [.init(date: Build.date("2031-01-10"), kind: .closed, name: "test")])
        let schedule = TaskSchedule(task: config.tasks[0], calendar: config.makeCalendar())
        #expect(schedule.occurrences(on: Build.date("2031-01-10")).isEmpty)
        #expect(schedule.occurrences(on: Build.date("2031-01-09")).count == 1)
    }

    @Test func nextAfterSkipsClosedDaysAndIsStrict() {
        let task = Build.task("t", .at([Build.wall("09:35")]))
        let schedule = TaskSchedule(task: task, calendar: NYSECalendar())
        #expect(schedule.next(after: Build.at("2026-11-25T09:35")).map(Build.iso) == "2026-11-27T09:35:00-05:00")
        var cursor = OccurrenceCursor(schedule: schedule, after: Build.at("2026-11-25T09:34:59"))
        #expect(cursor.next().map(Build.iso) == "2026-11-25T09:35:00-05:00")
        #expect(cursor.next().map(Build.iso) == "2026-11-27T09:35:00-05:00")
        #expect(cursor.next().map(Build.iso) == "2026-11-30T09:35:00-05:00")
    }
}
