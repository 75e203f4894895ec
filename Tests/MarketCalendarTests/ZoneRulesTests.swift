import Testing
import TestSupport
@testable import MarketCalendar

@Suite struct ZoneRulesTests {
    let zone = ZoneRules.newYork

    @Test func transitions1970to2100MatchZoneinfo() throws {
        let expected = try Fixtures.rows("ny-transitions.csv").map { "\($0[0]),\($0[1]),\($0[2])" }
        let lower = InstantParser.parse("1970-01-01T00:00:00Z", zone: zone)!
        let upper = InstantParser.parse("2101-01-01T00:00:00Z", zone: zone)!
        let actual = zone.allTransitions
            .filter { $0.instant >= lower && $0.instant < upper }
            .map { "\($0.instant.utcISO8601),\($0.before),\($0.after)" }
        #expect(actual.count == 262)
        #expect(actual == expected)
    }

    @Test func localTimesAroundEveryTransitionFollowRFC5545() throws {
        let rows = try Fixtures.rows("ny-local-conversions.csv")
        #expect(rows.count > 2000)
        for row in rows {
            let local = InstantParser.parse(String(row[0]), zone: zone)!
            #expect(local.utcISO8601 == String(row[1]), "\(row[0])")
        }
    }

    @Test func gapUsesOffsetBeforeAndOverlapMeansFirstOccurrence() {
        let gap = zone.instant(date: LocalDate(year: 2026, month: 3, day: 8)!, time: TimeOfDay(hour: 2, minute: 30)!)
        #expect(zone.iso8601(gap) == "2026-03-08T03:30:00-04:00")
        let overlap = zone.instant(date: LocalDate(year: 2026, month: 11, day: 1)!, time: TimeOfDay(hour: 1, minute: 30)!)
        #expect(zone.iso8601(overlap) == "2026-11-01T01:30:00-04:00")
        #expect(zone.iso8601(overlap + 3600) == "2026-11-01T01:30:00-05:00")
    }

    @Test func tableReachesPast2200() {
        let july = InstantParser.parse("2200-07-01T12:00", zone: zone)!
        #expect(zone.offset(at: july) == -14400)
        let january = InstantParser.parse("2200-01-15T12:00", zone: zone)!
        #expect(zone.offset(at: january) == -18000)
    }
}
