import Testing
@testable import MarketCalendar

@Suite struct PhaseTests {
    let calendar = NYSECalendar()

    func at(_ s: String) -> Instant { InstantParser.parse(s, zone: calendar.zone)! }

    @Test(arguments: [
        ("2026-11-25T03:59:59", MarketPhase.closed, "2026-11-25T04:00:00-05:00", MarketPhase.preMarket),
        ("2026-11-25T04:00", .preMarket, "2026-11-25T09:30:00-05:00", .marketOpen),
        ("2026-11-25T09:30", .marketOpen, "2026-11-25T16:00:00-05:00", .afterHours),
        ("2026-11-25T16:00", .afterHours, "2026-11-25T20:00:00-05:00", .closed),
        ("2026-11-25T20:00", .closed, "2026-11-27T04:00:00-05:00", .preMarket),   // skips Thanksgiving
        ("2026-11-26T12:00", .closed, "2026-11-27T04:00:00-05:00", .preMarket),
        ("2026-11-27T12:59:59", .marketOpen, "2026-11-27T13:00:00-05:00", .afterHours),  // early close
        ("2026-11-27T16:30", .afterHours, "2026-11-27T17:00:00-05:00", .closed),
        ("2026-11-28T10:00", .closed, "2026-11-30T04:00:00-05:00", .preMarket),
    ])
    func phaseAt(_ when: String, phase: MarketPhase, until: String, next: MarketPhase) {
        let info = calendar.phase(at: at(when))
        #expect(info.phase == phase)
        #expect(calendar.zone.iso8601(info.end) == until)
        #expect(info.next == next)
    }

    @Test func phasesAcrossDSTUseLocalWallTimes() {
        // Monday after spring-forward: open is 09:30 EDT.
        let info = calendar.phase(at: at("2026-03-09T09:30"))
        #expect(info.phase == .marketOpen)
        #expect(calendar.zone.iso8601(info.start!) == "2026-03-09T09:30:00-04:00")
    }
}
