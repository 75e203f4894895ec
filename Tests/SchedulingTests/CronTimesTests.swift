import MarketCalendar
import Testing
@testable import Scheduling

/// The minute and hour fields: which times of day an expression selects.
@Suite struct CronTimesTests {
    private func times(_ text: String) throws -> [String] {
        try CronExpression(parsing: text).times.map(\.hhmm)
    }

    @Test func singleTime() throws {
        #expect(try times("0 9 * * *") == ["09:00"])
        #expect(try times("30 16 * * 1-5") == ["16:30"])
    }

    @Test func everyMinuteIsAllDayAscending() throws {
        let all = try CronExpression(parsing: "* * * * *").times
        #expect(all.count == 1440)
        #expect(all.first == TimeOfDay(hour: 0, minute: 0))
        #expect(all.last == TimeOfDay(hour: 23, minute: 59))
        #expect(zip(all, all.dropFirst()).allSatisfy { $0.seconds + 60 == $1.seconds })
    }

    @Test func listsAndRanges() throws {
        #expect(try times("0,30 9 * * *") == ["09:00", "09:30"])
        #expect(try times("15 9-11 * * *") == ["09:15", "10:15", "11:15"])
        #expect(try times("0,45 9,12-13 * * *") == ["09:00", "09:45", "12:00", "12:45", "13:00", "13:45"])
        // Lists need not be sorted nor distinct; the result is.
        #expect(try times("30,0,30 10,9 * * *") == ["09:00", "09:30", "10:00", "10:30"])
    }

    @Test func steps() throws {
        #expect(try times("*/15 9-10 * * *") == ["09:00", "09:15", "09:30", "09:45", "10:00", "10:15", "10:30", "10:45"])
        #expect(try times("10-30/7 9 * * *") == ["09:10", "09:17", "09:24"])
        #expect(try times("0 */6 * * *") == ["00:00", "06:00", "12:00", "18:00"])
        #expect(try times("0 1-23/11 * * *") == ["01:00", "12:00", "23:00"])
        // A step larger than what is left of the range selects just its start.
        #expect(try times("50-55/30 9 * * *") == ["09:50"])
        #expect(try times("*/59 0 * * *") == ["00:00", "00:59"])
        #expect(try times("0 */23 * * *") == ["00:00", "23:00"])
    }

    @Test func startWithStepRunsToTheFieldMaximum() throws {
        // `a/n` = `a-max/n` (FreeBSD's reading; cronie rejects it).
        #expect(try times("5/15 9 * * *") == ["09:05", "09:20", "09:35", "09:50"])
        #expect(try times("0 20/2 * * *") == ["20:00", "22:00"])
        #expect(try times("59/1 23 * * *") == ["23:59"])
    }

    @Test func edgeValues() throws {
        #expect(try times("0 0 * * *") == ["00:00"])
        #expect(try times("59 23 * * *") == ["23:59"])
        #expect(try times("0-59 23 * * *").count == 60)
        #expect(try times("00 09 * * *") == ["09:00"], "leading zeros are numbers, as atoi reads them")
        #expect(try times("007 009 * * *") == ["09:07"])
    }

    @Test func whitespaceBetweenAndAroundFields() throws {
        let spaced = try CronExpression(parsing: "  0\t9   *  * \t mon-fri  ")
        #expect(spaced.times.map(\.hhmm) == ["09:00"])
        #expect(spaced.source == "  0\t9   *  * \t mon-fri  ", "the source is kept as written")
        #expect(spaced.description == spaced.source)
    }

    @Test func macros() throws {
        #expect(try times("@hourly") == (0..<24).map { ($0 < 10 ? "0" : "") + "\($0):00" })
        for macro in ["@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually"] {
            #expect(try times(macro) == ["00:00"], "\(macro)")
        }
        #expect(try times("@DAILY") == ["00:00"], "macros are case-insensitive, like names")
        #expect(try times("  @hourly ").count == 24)
    }

    @Test func equalityFollowsTheSource() throws {
        #expect(try CronExpression(parsing: "0 9 * * 1-5") == CronExpression(parsing: "0 9 * * 1-5"))
        #expect(try CronExpression(parsing: "0 9 * * 1-5") != CronExpression(parsing: "0 9 * * 1-4"))
    }

    @Test func restrictsDaysOnlyWhenADayFieldChooses() throws {
        #expect(try !CronExpression(parsing: "*/5 * * * *").restrictsDays)
        #expect(try !CronExpression(parsing: "@daily").restrictsDays)
        #expect(try !CronExpression(parsing: "@hourly").restrictsDays)
        #expect(try !CronExpression(parsing: "0 9 1-31 1-12 0-6").restrictsDays, "full sets, whatever the spelling")
        #expect(try CronExpression(parsing: "0 9 * * 1-5").restrictsDays)
        #expect(try CronExpression(parsing: "0 9 1 * *").restrictsDays)
        #expect(try CronExpression(parsing: "0 9 * 3 *").restrictsDays)
        #expect(try CronExpression(parsing: "@weekly").restrictsDays)
    }
}
