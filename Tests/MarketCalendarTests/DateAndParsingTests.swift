import Testing
@testable import MarketCalendar

@Suite struct DateAndParsingTests {
    @Test func dayNumbersRoundTripFor1900Through2200() {
        var date = LocalDate(year: 1900, month: 1, day: 1)!
        var number = date.dayNumber
        #expect(number == -25567)
        while date.year <= 2200 {
            #expect(LocalDate(dayNumber: number) == date)
            let next = date.day < LocalDate.daysIn(month: date.month, year: date.year)
                ? LocalDate(year: date.year, month: date.month, day: date.day + 1)!
                : (date.month < 12 ? LocalDate(year: date.year, month: date.month + 1, day: 1)! : LocalDate(year: date.year + 1, month: 1, day: 1)!)
            #expect(next.dayNumber == number + 1)
            date = next
            number += 1
        }
        #expect(LocalDate(year: 2026, month: 11, day: 26)!.weekday == .thursday)
        #expect(LocalDate(year: 1900, month: 1, day: 1)!.weekday == .monday)
    }

    @Test(arguments: ["2026-02-29", "2026-13-01", "2026-1-01", "20261101", "2026-11-3x", "", "1900-02-29"])
    func invalidDatesAreRejected(_ text: String) {
        #expect(LocalDate(parsing: text) == nil)
    }

    @Test func instantsParseInAllAcceptedForms() {
        let zone = ZoneRules.newYork
        #expect(InstantParser.parse("2026-11-27T15:00:00Z", zone: zone)?.utcISO8601 == "2026-11-27T15:00:00Z")
        #expect(InstantParser.parse("2026-11-27T10:00:00-05:00", zone: zone)?.utcISO8601 == "2026-11-27T15:00:00Z")
        #expect(InstantParser.parse("2026-11-27T10:00", zone: zone)?.utcISO8601 == "2026-11-27T15:00:00Z")
        #expect(InstantParser.parse("2026-11-27 10:00:30", zone: zone)?.utcISO8601 == "2026-11-27T15:00:30Z")
        #expect(InstantParser.parse("2026-11-27", zone: zone)?.utcISO8601 == "2026-11-27T05:00:00Z")
        #expect(InstantParser.parse("2026-11-27T25:00", zone: zone) == nil)
        #expect(InstantParser.parse("tomorrow", zone: zone) == nil)
    }

    @Test func dayRules() {
        let calendar = NYSECalendar()
        let thanksgiving = LocalDate(parsing: "2026-11-26")!
        let saturday = LocalDate(parsing: "2026-11-28")!
        #expect(DayRule.trading.check(thanksgiving, calendar: calendar, force: false)
            == .skip("2026-11-26 is an NYSE holiday (Thanksgiving Day)"))
        #expect(DayRule.trading.check(thanksgiving, calendar: calendar, force: true) == .run)
        #expect(DayRule.weekdays.check(thanksgiving, calendar: calendar, force: false) != .run)
        #expect(DayRule.everyDay.check(thanksgiving, calendar: calendar, force: false) == .run)
        #expect(DayRule.weekends.check(saturday, calendar: calendar, force: false) == .run)
        #expect(DayRule.trading.check(saturday, calendar: calendar, force: true) != .run)
        #expect(DayRule.list([.saturday]).check(saturday, calendar: calendar, force: false) == .run)
        #expect(DayRule.list([.thursday]).check(thanksgiving, calendar: calendar, force: false) != .run)
    }
}
