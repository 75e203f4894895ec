import ControlProtocol
import MarketCalendar

/// One trading day as SVG: a row per task with its planned occurrences (ticks) and its actual
/// runs (bars from start to finish, coloured by outcome, retries outlined), the market phases
/// shaded, a line at now. Pure: data in, markup out.
public enum TimelineChart {
    public struct Planned: Sendable, Equatable {
        public let task: String
        public let at: Instant
        public init(task: String, at: Instant) {
            self.task = task
            self.at = at
        }
    }

    public static func render(date: LocalDate, tasks: [String], planned: [Planned], runs: [RunInfo], now: Instant,
                              calendar: NYSECalendar = NYSECalendar()) -> HTML {
        let zone = calendar.zone
        let dayStart = zone.startOfDay(date), dayEnd = zone.startOfDay(date.adding(days: 1))
        let length = Double(dayEnd - dayStart)
        let left = 210.0, right = 10.0, top = 26.0, rowH = 18.0, width = 1240.0
        let plotW = width - left - right
        let height = top + rowH * Double(max(tasks.count, 1)) + 24
        func x(_ instant: Instant) -> Double { left + plotW * Double(min(max(instant - dayStart, 0), dayEnd - dayStart)) / length }
        func f(_ v: Double) -> String { Charts.format(v) }
        var parts: [HTML] = []
        // Phases.
        if let session = calendar.session(on: date) {
            let phases: [(Instant, Instant, String, String)] = [
                (calendar.preMarketStart(session), session.open, "#fff6e0", "pre-market"),
                (session.open, session.close, "#e3f4e7", session.isEarlyClose ? "open (early close)" : "open"),
                (session.close, calendar.afterHoursEnd(session), "#eef0fa", "after hours"),
            ]
            for (start, end, colour, label) in phases {
                parts.append("<rect x=\"\(f(x(start)))\" y=\"\(f(top - 6))\" width=\"\(f(x(end) - x(start)))\" height=\"\(f(height - top - 18))\" fill=\"\(colour)\"><title>\(label) \(zone.local(start).time.hhmm)–\(zone.local(end).time.hhmm)</title></rect>")
                parts.append("<text x=\"\(f(x(start) + 3))\" y=\"\(f(top - 10))\">\(label)</text>")
            }
        } else if case .closed(_, let reason) = calendar.day(date) {
            parts.append("<text x=\"\(f(left))\" y=\"12\">no session: \(reason.description)</text>")
        }
        // Hour grid.
        var hour = dayStart
        while hour < dayEnd {
            let local = zone.local(hour).time
            if local.minute == 0 && local.hour % 2 == 0 {
                parts.append("<line x1=\"\(f(x(hour)))\" x2=\"\(f(x(hour)))\" y1=\"\(f(top - 6))\" y2=\"\(f(height - 18))\" stroke=\"#e3e6ec\"/>")
                parts.append("<text x=\"\(f(x(hour) - 12))\" y=\"\(f(height - 6))\">\(local.hhmm)</text>")
            }
            hour = hour + 3600
        }
        let rowOf = Dictionary(tasks.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        for (index, task) in tasks.enumerated() {
            let y = top + rowH * Double(index)
            parts.append("<text x=\"4\" y=\"\(f(y + 12))\"><a href=\"/tasks/\(URLText.encode(task))\">\(String(task.prefix(30)))</a></text>")
            parts.append("<line x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y + rowH))\" y2=\"\(f(y + rowH))\" stroke=\"#f0f1f4\"/>")
        }
        for item in planned {
            guard let row = rowOf[item.task], item.at >= dayStart, item.at < dayEnd else { continue }
            let y = top + rowH * Double(row)
            parts.append("<line class=\"planned\" x1=\"\(f(x(item.at)))\" x2=\"\(f(x(item.at)))\" y1=\"\(f(y + 2))\" y2=\"\(f(y + rowH - 2))\" stroke=\"#5b6478\" stroke-width=\"1\"><title>planned \(zone.local(item.at).time.hhmm)</title></line>")
        }
        for run in runs {
            guard let row = rowOf[run.task], let start = run.startedAt.flatMap({ InstantParser.parse($0, zone: zone) }) else { continue }
            let end = run.finishedAt.flatMap { InstantParser.parse($0, zone: zone) } ?? (run.outcome == .running ? max(now, start) : start)
            guard end >= dayStart, start < dayEnd else { continue }
            let y = top + rowH * Double(row)
            let w = max(2, x(end) - x(start))
            let colour = Charts.colours[run.outcome.rawValue] ?? "#888"
            let stroke: HTML = run.attempt > 1 ? " stroke=\"#000\" stroke-width=\"1\"" : .empty
            parts.append("<a href=\"/runs/\(run.runID)\"><rect class=\"run \(run.outcome.rawValue)\" x=\"\(f(x(start)))\" y=\"\(f(y + 4))\" width=\"\(f(w))\" height=\"\(f(rowH - 8))\" fill=\"\(colour)\"\(stroke)><title>run \(run.runID) \(run.outcome.rawValue), attempt \(run.attempt), \(zone.local(start).time.hhmmss), \(TimeText.duration(ms: run.durationMS))</title></rect></a>")
        }
        if now >= dayStart && now < dayEnd {
            parts.append("<line class=\"now\" x1=\"\(f(x(now)))\" x2=\"\(f(x(now)))\" y1=\"\(f(top - 20))\" y2=\"\(f(height - 18))\" stroke=\"#d0463b\" stroke-width=\"2\"><title>now \(zone.local(now).time.hhmm)</title></line>")
        }
        return "<svg id=\"timeline\" role=\"img\" aria-label=\"timeline of \(date.description)\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\" xmlns=\"http://www.w3.org/2000/svg\">\(parts)</svg>"
    }
}

/// Page 2, Timeline.
public enum TimelinePage {
    public static func render(date: LocalDate, tasks: [String], planned: [TimelineChart.Planned], runs: [RunInfo],
                              historyNote: String?, context: PageContext) -> HTML {
        let time = context.time
        let previous = date.adding(days: -1), next = date.adding(days: 1)
        let nextLink: HTML = next <= time.today.adding(days: 7) ? "<a href=\"/timeline?date=\(next.description)\">\(next.description) ›</a>" : .empty
        let chart = TimelineChart.render(date: date, tasks: tasks, planned: planned, runs: runs, now: time.now)
        let counts = Dictionary(grouping: runs, by: \.outcome).map { "\($0.value.count) \($0.key.rawValue)" }.sorted().joined(separator: ", ")
        return Layout.page("Timeline", section: .timeline, context: context, body: """
            <section>
            <form method="get" action="/timeline" class="filter"><label>Day <input type="date" name="date" value="\(date.description)"></label> <button>Show</button></form>
            <p class="pager"><a href="/timeline?date=\(previous.description)">‹ \(previous.description)</a> <strong>\(date.description) \(date.weekday.description.capitalized)</strong> \(nextLink)</p>
            <p class="muted">Ticks: planned occurrences (the scheduler's own engine); bars: actual runs (outlined: retries); red line: now. \(planned.count) planned, \(runs.count) runs\(counts.isEmpty ? "" : ": " + counts).\(historyNote.map { " " + $0 } ?? "")</p>
            \(chart)
            </section>
            """)
    }
}
