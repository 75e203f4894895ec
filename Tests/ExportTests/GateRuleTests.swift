import MarketCalendar
import Scheduling
import Testing

/// `GateRule`, the decision of `v6ctl gate`, on the cases the exports lean on.
@Suite struct GateRuleTests {
    static let zone = ZoneRules.newYork
    static func at(_ text: String) -> Instant { InstantParser.parse(text, zone: zone)! }
    static func spec(_ text: String) -> AtTime { try! GateRule.parseAt(text).get() }

    @Test func closePlusFifteenKeepsTheTimeOfTheDaysClose() {
        let rule = GateRule(at: [Self.spec("close+15m")])
        #expect(rule.decide(at: Self.at("2026-11-25T16:15")) == .run)
        #expect(rule.decide(at: Self.at("2026-11-25T13:15")) != .run)      // regular day: 16:15 only
        #expect(rule.decide(at: Self.at("2026-11-27T13:15")) == .run)      // early close
        #expect(rule.decide(at: Self.at("2026-11-27T16:15")) != .run)
        #expect(rule.decide(at: Self.at("2026-11-27T13:16:00")) == .run)   // 60 s late: within the default tolerance
        #expect(rule.decide(at: Self.at("2026-11-27T13:16:01")) != .run)
        #expect(rule.decide(at: Self.at("2026-11-26T16:15")) == .skip("2026-11-26 is an NYSE holiday (Thanksgiving Day)"))
    }

    @Test func aWallTimeInTheSpringGapIsTheHourAfter() {
        let rule = GateRule(days: .everyDay, at: [Self.spec("02:30")])
        #expect(rule.decide(at: Self.at("2026-03-08T03:30")) == .run)
        #expect(rule.decide(at: Self.at("2026-03-09T02:30")) == .run)
        #expect(rule.decide(at: Self.at("2026-03-09T03:30")) != .run)
    }

    @Test func phaseWindowsFollowTheSessionAndRegularHoursWithoutOne() {
        let open = GateRule(days: .everyDay, phase: .marketOpen)
        #expect(open.decide(at: Self.at("2026-11-27T12:55")) == .run)
        if case .skip(let why) = open.decide(at: Self.at("2026-11-27T13:00")) {
            #expect(why == "market phase at 2026-11-27T13:00:00-05:00 is after_hours, not market_open")
        } else { Issue.record("13:00 on an early close is after hours") }
        #expect(open.decide(at: Self.at("2026-11-28T10:00")) == .run)      // Saturday, every_day: regular hours
        #expect(GateRule(days: .trading, phase: .marketOpen).decide(at: Self.at("2026-11-28T10:00")) != .run)
        #expect(GateRule(days: .everyDay, phase: .closed).decide(at: Self.at("2026-11-28T10:00")) == .run)
    }

    @Test func ignoringHolidaysRunsOnAClosedWeekdayAtRegularHours() {
        let rule = GateRule(days: .trading, ignoresHolidays: true, at: [Self.spec("close+15m")])
        #expect(rule.decide(at: Self.at("2026-11-26T16:15")) == .run)
        #expect(rule.decide(at: Self.at("2026-11-28T16:15")) != .run)      // Saturday is still not a trading day
    }

    @Test func extraDaysReachTheGate() throws {
        let extra = SpecialDays(entries: [try GateRule.parseExtraClosure("2026-08-14").get(),
                                          try GateRule.parseExtraEarlyClose("2026-07-02=14:00").get()])
        let rule = GateRule(at: [Self.spec("close+15m")], extraDays: extra)
        #expect(rule.decide(at: Self.at("2026-07-02T14:15")) == .run)
        #expect(rule.decide(at: Self.at("2026-08-14T16:15")) != .run)
        #expect(GateRule(at: [Self.spec("close+15m")]).decide(at: Self.at("2026-08-14T16:15")) == .run)
    }

    @Test func argumentsRoundTrip() throws {
        let rule = GateRule(days: .list([.saturday, .monday]), ignoresHolidays: true, phase: .afterHours,
                            at: [Self.spec("close+15m"), Self.spec("09:35:30")], tolerance: 10_740)
        #expect(rule.arguments == ["--days", "mon,sat", "--ignore-holidays", "--phase", "after_hours",
                                   "--at", "close+15m", "--at", "09:35:30", "--tolerance", "2h59m"])
        #expect(try GateRule.parseDays("mon,sat").get() == rule.days)
        #expect(try GateRule.parseTolerance("2h59m").get() == 10_740)
    }
}
