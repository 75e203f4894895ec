import ControlProtocol
import MarketCalendar

/// The market now (from the daemon's status) and the closures and early closes ahead (from the
/// calendar rules every binary shares).
public enum MarketPanel {
    /// One non-ordinary day ahead.
    public struct SpecialDay: Sendable, Equatable {
        public let date: LocalDate
        /// `Thanksgiving Day`, or `early close 13:00 (Day after Thanksgiving)`.
        public let note: String
        public let closed: Bool
    }

    /// Holidays and early closes in the `days` days from `from` (weekends left out).
    public static func specialDays(from: LocalDate, days: Int, calendar: NYSECalendar = NYSECalendar()) -> [SpecialDay] {
        (0..<days).compactMap { offset in
            let date = from.adding(days: offset)
            switch calendar.day(date) {
            case .closed(_, .weekend): return nil
            case .closed(_, let reason): return SpecialDay(date: date, note: reason.name, closed: true)
            case .session(let session):
                guard let reason = session.earlyCloseReason else { return nil }
                return SpecialDay(date: date, note: "early close \(session.closeTime.hhmm) (\(reason))", closed: false)
            }
        }
    }

    public static func render(_ status: StatusResult, time: TimeText, specialDays: [SpecialDay]) -> HTML {
        let phase = status.marketPhase.replacingOccurrences(of: "_", with: " ")
        let until: HTML = status.phaseUntil.flatMap(time.instant).map { "until \(time.element(time.zone.iso8601($0))) (\(time.relative($0)))" } ?? .empty
        let day: HTML = status.tradingDay
            ? "Today is a trading day\(status.dayNote.map { ": \($0)" } ?? "")."
            : "No session today: \(status.dayNote ?? "the market is closed")."
        let next: HTML = status.nextSession.map { "Next session opens \(time.element($0))." } ?? .empty
        let ahead: HTML = specialDays.isEmpty ? "<p class=\"muted\">No holidays or early closes in the next 60 days.</p>" : """
            <ul class="special-days">\(specialDays.map { day -> HTML in
                "<li class=\"\(day.closed ? "closed" : "early")\"><a href=\"/calendar?month=\(String(day.date.description.prefix(7)))\">\(day.date.description) \(day.date.weekday.shortName)</a> \(day.note)</li>"
            })</ul>
            """
        let stateError: HTML = status.stateError.map { "<p class=\"banner error\">STATE STORE FAILING: \($0)</p>" } ?? .empty
        return """
            <section class="market" id="market">
            <h2>Market</h2>
            <p class="phase"><span class="badge phase-\(status.marketPhase)">\(phase)</span> \(until)</p>
            <p>\(day) \(next)</p>
            \(stateError)
            <details open><summary>Holidays and early closes, next 60 days</summary>\(ahead)</details>
            <p class="muted">v6-scheduler \(status.version), pid \(status.pid), up \(TimeText.span(Int64(status.uptimeSeconds))); \(status.running) running; config \(status.configPath)</p>
            </section>
            """
    }
}

extension Weekday {
    var shortName: String { String(String(describing: self).prefix(3)).capitalized }
}
