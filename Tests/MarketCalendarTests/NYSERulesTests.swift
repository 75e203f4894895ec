import Testing
@testable import MarketCalendar

@Suite struct NYSERulesTests {
    let calendar = NYSECalendar()

    func date(_ s: String) -> LocalDate { LocalDate(parsing: s)! }

    @Test func holidays2026WithNamesAndObservance() {
        let names = calendar.closedWeekdays(in: 2026).map { "\($0.date) \($0.name)" }
        #expect(names == [
            "2026-01-01 New Year's Day", "2026-01-19 Martin Luther King Jr. Day",
            "2026-02-16 Washington's Birthday", "2026-04-03 Good Friday", "2026-05-25 Memorial Day",
            "2026-06-19 Juneteenth National Independence Day", "2026-07-03 Independence Day (observed)",
            "2026-09-07 Labor Day", "2026-11-26 Thanksgiving Day", "2026-12-25 Christmas Day",
        ])
    }

    @Test func saturdayNewYearIsNotObservedOnFriday() {
        // 2022-01-01 was a Saturday: Dec 31, 2021 traded normally.
        #expect(calendar.session(on: date("2021-12-31"))?.closeTime == NYSECalendar.regularClose)
        // A Sunday New Year moves to Monday (2023-01-02).
        #expect(calendar.day(date("2023-01-02")) == .closed(date("2023-01-02"), .holiday("New Year's Day (observed)")))
    }

    @Test func historicalRuleChanges() {
        #expect(calendar.isSession(date("1997-01-20")))   // MLK Day: not an NYSE holiday before 1998
        #expect(!calendar.isSession(date("1998-01-19")))
        #expect(calendar.isSession(date("2021-06-18")))   // Juneteenth from 2022 only
        #expect(!calendar.isSession(date("2022-06-20")))  // 2022-06-19 Sunday -> Monday
        #expect(!calendar.isSession(date("2027-06-18")))  // Saturday -> Friday
        #expect(!calendar.isSession(date("1980-11-04")))  // Election Day, presidential years to 1980
        #expect(calendar.isSession(date("1984-11-06")))
    }

    @Test func earlyClosesAndTheirHistory() {
        #expect(calendar.session(on: date("2026-11-27"))?.closeTime == NYSERules.onePM)
        #expect(calendar.session(on: date("2026-12-24"))?.closeTime == NYSERules.onePM)
        #expect(calendar.session(on: date("1991-12-24"))?.closeTime == NYSERules.twoPM)   // 14:00 before 1993
        #expect(calendar.session(on: date("1992-11-27"))?.closeTime == NYSERules.twoPM)
        #expect(calendar.session(on: date("1991-11-29"))?.isEarlyClose == false)        // none before 1992
        #expect(calendar.session(on: date("2013-07-03"))?.closeTime == NYSERules.onePM)   // Wednesday from 2013
        #expect(calendar.session(on: date("2002-07-03"))?.isEarlyClose == false)
        #expect(calendar.session(on: date("2009-07-03")) == nil)                          // Friday: the holiday
        #expect(calendar.session(on: date("1999-12-31"))?.closeTime == NYSERules.onePM)   // shipped one-off
        #expect(calendar.session(on: date("2027-12-24")) == nil)                          // Christmas observed
    }

    @Test func shippedClosures() {
        for d in ["2001-09-11", "2001-09-14", "2012-10-29", "2012-10-30", "2018-12-05", "2025-01-09"] {
            #expect(!calendar.isSession(date(d)), "\(d)")
        }
        if case .closed(_, let reason) = calendar.day(date("2012-10-29")) {
            #expect(reason.description.contains("Sandy"))
        } else { Issue.record("2012-10-29 should be closed") }
    }

    @Test func configuredExtraDaysWin() {
        let extra = SpecialDays(entries: [
            .init(date: date("2031-01-10"), kind: .closed, name: "calendar.extra_closures"),
            .init(date: date("2031-07-02"), kind: .earlyClose(TimeOfDay(hour: 13, minute: 0)!), name: "calendar.extra_early_closes"),
        ])
        let configured = NYSECalendar(extra: extra)
        #expect(calendar.isSession(date("2031-01-10")))
        #expect(!configured.isSession(date("2031-01-10")))
        #expect(configured.session(on: date("2031-07-02"))?.closeTime == NYSERules.onePM)
    }

    @Test func easterAgainstKnownDates() {
        #expect(NYSERules.easterSunday(2026) == date("2026-04-05"))
        #expect(NYSERules.easterSunday(2000) == date("2000-04-23"))
        #expect(NYSERules.easterSunday(2200) == date("2200-04-06"))
        #expect(NYSERules.easterSunday(1943) == date("1943-04-25"))
    }

    @Test func rulesContinuePast2099() {
        let closed = calendar.closedWeekdays(in: 2150).map(\.name)
        #expect(closed.count == 10)
        #expect(closed.contains("Thanksgiving Day"))
        #expect(calendar.isSession(date("2200-12-31")))
    }

    @Test func nextAndPreviousSession() {
        #expect(calendar.nextSession(after: date("2026-11-25"))?.date == date("2026-11-27"))
        #expect(calendar.previousSession(before: date("2026-11-30"))?.date == date("2026-11-27"))
        #expect(calendar.nextSession(after: date("2001-09-10"))?.date == date("2001-09-17"))
    }
}
