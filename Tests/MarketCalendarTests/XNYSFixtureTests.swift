import Testing
import TestSupport
@testable import MarketCalendar

/// The correctness bar: every session and its open and close equal exchange_calendars' XNYS.
@Suite struct XNYSFixtureTests {
    func compare(fixture: String, from: String, to: String) throws {
        let calendar = NYSECalendar()
        let expected = try Fixtures.text(fixture)
        var actual = "date,open,close,early_close\n"
        for s in calendar.sessions(from: LocalDate(parsing: from)!, through: LocalDate(parsing: to)!) {
            actual += "\(s.date),\(s.openTime.hhmm),\(s.closeTime.hhmm),\(s.isEarlyClose ? 1 : 0)\n"
        }
        let e = expected.split(separator: "\n"), a = actual.split(separator: "\n")
        // Report the first difference rather than two 700 kB strings.
        if let i = zip(e, a).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            Issue.record("line \(i + 1): expected \(e[i]) but computed \(a[i])")
        }
        #expect(e.count == a.count)
    }

    @Test func sessions1990to2099MatchXNYS() throws {
        try compare(fixture: "xnys-sessions.csv", from: "1990-01-01", to: "2099-12-31")
    }

    @Test func sessions1900to1989MatchXNYSRules() throws {
        try compare(fixture: "xnys-sessions-1900-1989.csv", from: "1900-01-01", to: "1989-12-31")
    }

    @Test func shippedSpecialDaysParseAndApply() throws {
        let special = SpecialDays.builtIn.entries
        #expect(special.count > 60)
        let calendar = NYSECalendar()
        for entry in special {
            switch entry.kind {
            case .closed: #expect(!calendar.isSession(entry.date), "\(entry.date)")
            case .earlyClose(let close): #expect(calendar.session(on: entry.date)?.closeTime == close, "\(entry.date)")
            }
        }
    }
}
