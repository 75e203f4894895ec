import Testing
@testable import MarketCalendar

@Suite struct SessionShortcutTests {
    /// `isSession` answers without building the session: the same answer as `session(on:)`.
    @Test func isSessionAgreesWithSessionOn() throws {
        let extra = SpecialDays(entries: [
            .init(date: LocalDate(year: 2027, month: 3, day: 3)!, kind: .closed, name: "a test closure"),
            .init(date: LocalDate(year: 2026, month: 11, day: 26)!, kind: .earlyClose(TimeOfDay(hour: 13, minute: 0)!), name: "open on a holiday"),
        ])
        for calendar in [NYSECalendar(), NYSECalendar(extra: extra)] {
            var sessions = 0
            for day in LocalDate(year: 1950, month: 1, day: 1)!.dayNumber...LocalDate(year: 2150, month: 12, day: 31)!.dayNumber {
                let date = LocalDate(dayNumber: day)
                #expect(calendar.isSession(date) == (calendar.session(on: date) != nil), "\(date)")
                if calendar.isSession(date) { sessions += 1 }
            }
            #expect(sessions > 50_000)
        }
    }
}
