import Testing
@testable import MarketCalendar

/// TZif footers: POSIX TZ strings with RFC 8536's extensions.
@Suite struct PosixTZRuleTests {
    @Test func newYorkRule() throws {
        let rule = try PosixTZRule(parsing: "EST5EDT,M3.2.0,M11.1.0")
        #expect(rule.standardOffset == -18000)
        #expect(rule.daylight?.offset == -14400)
        let t = rule.transitions(in: 2026).map { (Instant(seconds: $0.at).utcISO8601, $0.offset) }
        #expect(t.map(\.0) == ["2026-03-08T07:00:00Z", "2026-11-01T06:00:00Z"])
        #expect(t.map(\.1) == [-14400, -18000])
    }

    @Test func otherForms() throws {
        // Southern hemisphere: the end comes first in the year.
        let santiago = try PosixTZRule(parsing: "<-04>4<-03>,M9.1.6/24,M4.1.6/24")
        #expect(santiago.transitions(in: 2026).map(\.offset) == [-14400, -10800])
        // RFC 8536's extension: negative times and hours past 24.
        let godthab = try PosixTZRule(parsing: "<-02>2<-01>,M3.5.0/-1,M10.5.0/0")
        #expect(godthab.daylight?.start.time == -3600)
        let hours = try PosixTZRule(parsing: "XXX3YYY,M3.2.0/167,J365/25")
        #expect(hours.daylight?.start.time == 167 * 3600)
        // Jn skips February 29; n counts it.
        let julian = try PosixTZRule(parsing: "AAA-1BBB-2:30,J60/0,300")
        #expect(julian.daylight?.offset == 9000)
        #expect(julian.daylight?.start.date(in: 2024) == LocalDate(year: 2024, month: 3, day: 1))
        #expect(julian.daylight?.end.date(in: 2024) == LocalDate(year: 2024, month: 10, day: 27))
        // No daylight time.
        let fixed = try PosixTZRule(parsing: "EST5")
        #expect(fixed.daylight == nil && fixed.transitions(in: 2026).isEmpty)
    }

    @Test func invalidStringsAreRefused() {
        for text in ["", "EST", "ES5", "EST5EDT", "EST5EDT,M3.2.0", "EST5EDT,M13.2.0,M11.1.0", "EST5EDT,M3.6.0,M11.1.0",
                     "EST5EDT,M3.2.7,M11.1.0", "EST5EDT,J0,J365", "EST5EDT,366,1", "EST25", "EST5EDT,M3.2.0/168,M11.1.0",
                     "<E1>5EDT,M3.2.0,M11.1.0", "<EST5", "EST5:60", "EST5EDT,M3.2.0,M11.1.0x"] {
            #expect(throws: TZifError.self, "\(text)") { try PosixTZRule(parsing: text) }
        }
    }
}
