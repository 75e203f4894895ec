import MarketCalendar

/// Page 6, Calendar: a month grid of sessions, holidays and early closes, with their names,
/// for any month the calendar covers (years 1900-2200 are tabulated; others are computed).
public enum CalendarPage {
    public static let years = 1885...2200

    public static func render(year: Int, month: Int, context: PageContext, calendar: NYSECalendar = NYSECalendar()) -> HTML {
        guard let first = LocalDate(year: year, month: month, day: 1) else { return .empty }
        let days = LocalDate.daysIn(month: month, year: year)
        let today = context.time.today
        var cells: [HTML] = Array(repeating: "<td></td>", count: first.weekday.rawValue - 1)
        var sessions = 0
        for day in 1...days {
            let date = LocalDate(year: year, month: month, day: day)!
            let (cls, note): (String, String)
            switch calendar.day(date) {
            case .closed(_, .weekend): (cls, note) = ("weekend", "")
            case .closed(_, let reason): (cls, note) = ("closed", "Closed: \(reason.name)")
            case .session(let session):
                sessions += 1
                if let reason = session.earlyCloseReason {
                    (cls, note) = ("early", "\(session.openTime.hhmm)–\(session.closeTime.hhmm) early close (\(reason))")
                } else {
                    (cls, note) = ("session", "\(session.openTime.hhmm)–\(session.closeTime.hhmm)")
                }
            }
            let todayClass = date == today ? " today" : ""
            cells.append("<td class=\"\(cls)\(todayClass)\"><a class=\"day\" href=\"/timeline?date=\(date.description)\">\(day)</a><br><span class=\"muted\">\(note)</span></td>")
        }
        while cells.count % 7 != 0 { cells.append("<td></td>") }
        let rows = stride(from: 0, to: cells.count, by: 7).map { "<tr>\(HTML.join(Array(cells[$0..<$0 + 7])))</tr>" as HTML }
        let previous = month == 1 ? (year - 1, 12) : (year, month - 1)
        let next = month == 12 ? (year + 1, 1) : (year, month + 1)
        func link(_ ym: (Int, Int), _ label: String) -> HTML {
            years.contains(ym.0) ? "<a href=\"/calendar?month=\(monthKey(ym.0, ym.1))\">\(label)</a>" : .empty
        }
        let title = "\(monthNames[month - 1]) \(year)"
        return Layout.page("Calendar", section: .calendar, context: context, body: """
            <section>
            <form method="get" action="/calendar" class="filter"><label>Month <input type="month" name="month" value="\(monthKey(year, month))" min="1885-01" max="2200-12"></label> <button>Show</button></form>
            <p class="pager">\(link(previous, "‹ \(monthNames[previous.1 - 1])")) <strong>\(title)</strong>: \(sessions) sessions \(link(next, "\(monthNames[next.1 - 1]) ›"))</p>
            <table class="calendar"><thead><tr><th>Mon</th><th>Tue</th><th>Wed</th><th>Thu</th><th>Fri</th><th>Sat</th><th>Sun</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            <p class="muted">NYSE rules as every v6-scheduler binary applies them (XNYS); one-off closures the daemon's configuration adds (calendar.extra_closures) are not shown here.</p>
            </section>
            """)
    }

    /// `2026-11`.
    public static func monthKey(_ year: Int, _ month: Int) -> String {
        String(year).leftPadded(to: 4) + "-" + String(month).leftPadded(to: 2)
    }

    /// `2026-11` → (2026, 11), when the calendar covers it.
    public static func parseMonth(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let year = Int(parts[0]), let month = Int(parts[1]), years.contains(year), (1...12).contains(month) else { return nil }
        return (year, month)
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                             "October", "November", "December"]
}
