import MarketCalendar
import Testing
@testable import Scheduling

/// The day fields: which dates an expression selects, including Vixie's day-of-month/day-of-week rule.
/// November 2026 starts on a Sunday: Mondays 2, 9, 16, 23, 30; Fridays 6, 13, 20, 27.
@Suite struct CronMatchingTests {
    private func days(_ text: String, _ year: Int = 2026, _ month: Int = 11) throws -> [Int] {
        let cron = try CronExpression(parsing: text)
        return (1...LocalDate.daysIn(month: month, year: year)).filter { cron.matches(LocalDate(year: year, month: month, day: $0)!) }
    }

    private let sundays = [1, 8, 15, 22, 29]
    private let weekdays = [2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 16, 17, 18, 19, 20, 23, 24, 25, 26, 27, 30]

    @Test func everyDay() throws {
        #expect(try days("0 9 * * *") == Array(1...30))
    }

    @Test func dayOfWeekAlone() throws {
        #expect(try days("0 9 * * 1-5") == weekdays)
        #expect(try days("0 9 * * mon-fri") == weekdays)
        #expect(try days("0 9 * * MON-Fri") == weekdays, "names in any case")
        #expect(try days("0 9 * * 1,2,3,4,5") == weekdays)
        #expect(try days("0 9 * * mon,tue,wed-fri") == weekdays)
    }

    @Test func sundayIsZeroAndSeven() throws {
        #expect(try days("0 9 * * 0") == sundays)
        #expect(try days("0 9 * * 7") == sundays)
        #expect(try days("0 9 * * sun") == sundays)
        #expect(try days("0 9 * * 0,7") == sundays)
        let weekend = [1, 7, 8, 14, 15, 21, 22, 28, 29]
        #expect(try days("0 9 * * 6-7") == weekend)
        #expect(try days("0 9 * * sat,sun") == weekend)
    }

    @Test func rangesEndingOnSundayAsZero() throws {
        // Fri-Sun: cronie 1.6+ reads `5-0` as 5-7; we do too.
        let friToSun = [1, 6, 7, 8, 13, 14, 15, 20, 21, 22, 27, 28, 29]
        #expect(try days("0 9 * * fri-sun") == friToSun)
        #expect(try days("0 9 * * 5-0") == friToSun)
        #expect(try days("0 9 * * 5-7") == friToSun)
    }

    @Test func dayOfWeekSteps() throws {
        // 0-7/2 = 0, 2, 4, 6: Sunday, Tuesday, Thursday, Saturday.
        let expected = [1, 3, 5, 7, 8, 10, 12, 14, 15, 17, 19, 21, 22, 24, 26, 28, 29]
        #expect(try days("0 9 * * */2") == expected)
        #expect(try days("0 9 * * 1-5/2") == [2, 4, 6, 9, 11, 13, 16, 18, 20, 23, 25, 27, 30], "Mon, Wed, Fri")
        #expect(try days("0 9 * * mon-fri/2") == [2, 4, 6, 9, 11, 13, 16, 18, 20, 23, 25, 27, 30])
    }

    @Test func dayOfMonthAlone() throws {
        #expect(try days("0 9 1 * *") == [1])
        #expect(try days("0 9 1,15 * *") == [1, 15])
        #expect(try days("0 9 10-12 * *") == [10, 11, 12])
        #expect(try days("0 9 */10 * *") == [1, 11, 21])
        #expect(try days("0 9 5/10 * *") == [5, 15, 25])
        #expect(try days("0 9 31 * *") == [], "November has no 31st")
        #expect(try days("0 9 31 * *", 2026, 12) == [31])
    }

    @Test func bothDayFieldsRestrictedMeansEither() throws {
        // Vixie: neither field starts with `*`, so a day matches when either field matches.
        #expect(try days("0 9 13 * fri") == [6, 13, 20, 27])
        #expect(try days("0 9 13 * fri", 2026, 12) == [4, 11, 13, 18, 25], "Dec 13 is a Sunday")
        #expect(try days("0 9 1,15 * mon-fri") == ([1, 15] + weekdays).sorted())
        #expect(try days("0 9 1-7 * 0-6").count == 30, "with every weekday, every day")
    }

    @Test func aStarLedDayFieldMeansBoth() throws {
        // `*/2` starts with `*`: cronie sets DOM_STAR, so both fields must match (odd days that are Mondays).
        #expect(try days("0 9 */2 * mon") == [9, 23])
        #expect(try days("0 9 */2 * 1") == [9, 23])
        // `*/7` in day of week is {0, 7}, Sunday, and starred: the first Sunday of the month.
        #expect(try days("0 9 1-7 * */7") == [1])
        #expect(try days("0 9 1-7 * */7", 2026, 12) == [6])
        // A plain `*` is of course unrestricted: the other field decides.
        #expect(try days("0 9 13 * *") == [13])
        #expect(try days("0 9 * * fri") == [6, 13, 20, 27])
    }

    @Test func theRuleReadsTheTextNotTheValues() throws {
        // `1-31` selects every day but does not start with `*`: with a restricted day of week, OR applies,
        // so every day matches (cronie agrees).
        #expect(try days("0 9 1-31 * mon").count == 30)
        #expect(try days("0 9 * * mon") == [2, 9, 16, 23, 30])
    }

    @Test func months() throws {
        #expect(try days("0 9 * 12 *") == [])
        #expect(try days("0 9 * 11 *").count == 30)
        #expect(try days("0 9 * nov *").count == 30)
        #expect(try days("0 9 * sep-dec/2 *").count == 30, "sep, nov")
        #expect(try days("0 9 * oct-dec/2 *") == [], "oct, dec")
        #expect(try days("0 9 1 JAN,jul *", 2026, 7) == [1])
        #expect(try days("0 9 1 jan,jul *", 2026, 8) == [])
    }

    @Test func leapDay() throws {
        let cron = try CronExpression(parsing: "0 9 29 2 *")
        #expect(cron.matches(LocalDate(year: 2028, month: 2, day: 29)!))
        #expect(!cron.matches(LocalDate(year: 2027, month: 2, day: 28)!))
        #expect(!cron.matches(LocalDate(year: 2027, month: 3, day: 1)!))
    }

    @Test func macrosDays() throws {
        #expect(try days("@daily") == Array(1...30))
        #expect(try days("@midnight") == Array(1...30))
        #expect(try days("@hourly") == Array(1...30))
        #expect(try days("@weekly") == sundays)
        #expect(try days("@monthly") == [1])
        #expect(try days("@yearly") == [])
        #expect(try days("@annually", 2027, 1) == [1])
    }

    @Test func matchesAgreesWithTheFieldsOverTwoYears() throws {
        // Independent check of the rule over 730 days for a few shapes.
        let cases: [(String, (LocalDate) -> Bool)] = [
            ("0 9 13 * fri", { $0.day == 13 || $0.weekday == .friday }),
            ("0 9 */2 * mon", { $0.day % 2 == 1 && $0.weekday == .monday }),
            ("0 9 1-7 * */7", { $0.day <= 7 && $0.weekday == .sunday }),
            ("0 9 * 1-3 sat", { $0.month <= 3 && $0.weekday == .saturday }),
            ("0 9 1,15 * *", { $0.day == 1 || $0.day == 15 }),
        ]
        for (text, expected) in cases {
            let cron = try CronExpression(parsing: text)
            var date = LocalDate(year: 2026, month: 1, day: 1)!
            for _ in 0..<730 {
                #expect(cron.matches(date) == expected(date), "\(text) on \(date)")
                date = date.adding(days: 1)
            }
        }
    }
}
