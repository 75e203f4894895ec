import ControlProtocol
import DashboardViews
import MarketCalendar
import Testing

/// The pure pieces: escaping, paging, figures, charts, calendar.
@Suite struct ViewTests {
    @Test func interpolatedTextIsEscapedAndMarkupIsNot() {
        let name = "<script>\"x\" & 'y'</script>"
        let html: HTML = "<td title=\"\(name)\">\(name)</td>\(HTML(trusted: "<br>"))"
        #expect(html.rendered == "<td title=\"&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;\">&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;</td><br>")
        #expect(URLText.encode("a b/ü&") == "a%20b%2F%C3%BC%26")
        #expect(URLText.link("/history", [("task", "x y"), ("outcome", nil), ("page", "")]) == "/history?task=x%20y")
    }

    @Test func pagerClampsAndSlices() {
        #expect(Pager(page: 1, pageSize: 100, total: 10_000).range == 0..<100)
        #expect(Pager(page: 100, pageSize: 100, total: 10_000).range == 9_900..<10_000)
        #expect(Pager(page: 500, pageSize: 100, total: 250).page == 3)
        #expect(Pager(page: 0, pageSize: 100, total: 0).range == 0..<0)
        let nav = Pager(page: 2, pageSize: 100, total: 250).nav { "/?page=\($0)" }.rendered
        #expect(nav.contains("href=\"/?page=1\"") && nav.contains("href=\"/?page=3\"") && nav.contains("101–200 of 250"))
    }

    @Test func runStatsCountOnlyEndedRunsAndUseNearestRank() {
        func run(_ id: Int64, _ outcome: RunOutcome, ms: Int64?, slot: String, start: String) -> RunInfo {
            RunInfo(runID: id, task: "t", trigger: .schedule, scheduledAt: slot, startedAt: start, outcome: outcome, durationMS: ms)
        }
        let runs = [
            run(1, .success, ms: 1000, slot: "2026-11-27T09:30:00-05:00", start: "2026-11-27T09:30:00-05:00"),
            run(2, .failed, ms: 3000, slot: "2026-11-27T09:35:00-05:00", start: "2026-11-27T09:35:02-05:00"),
            run(3, .success, ms: 2000, slot: "2026-11-26T09:35:00-05:00", start: "2026-11-26T09:35:01-05:00"),
            run(4, .skipped, ms: nil, slot: "2026-11-27T09:40:00-05:00", start: "2026-11-27T09:40:00-05:00"),
            run(5, .running, ms: nil, slot: "2026-11-27T09:45:00-05:00", start: "2026-11-27T09:45:00-05:00"),
        ]
        let stats = RunStats(runs)
        #expect(stats.finished == 3 && stats.succeeded == 2)
        #expect(RunStats.percent(stats.successRate) == "66.7%")
        #expect(stats.durationP50MS == 2000 && stats.durationP95MS == 3000)
        #expect(stats.latenessP50 == 0 && stats.latenessP99 == 2)
        #expect(stats.perDay.map(\.count) == [1, 4])
        let today = RunStats(runs, since: InstantParser.parse("2026-11-27T00:00:00-05:00", zone: .newYork))
        #expect(today.finished == 2)
        #expect(RunStats.percentile([], 50) == nil)
    }

    @Test func theTimelineDrawsPhasesPlannedRunsAndNow() {
        let zone = ZoneRules.newYork
        let date = LocalDate(year: 2026, month: 11, day: 27)!
        let at = zone.instant(date: date, time: TimeOfDay(hour: 9, minute: 30)!)
        let run = RunInfo(runID: 7, task: "collect", trigger: .retry, startedAt: zone.iso8601(at), finishedAt: zone.iso8601(at + 60),
                          outcome: .failed, attempt: 2)
        let svg = TimelineChart.render(date: date, tasks: ["collect", "<b>"], planned: [.init(task: "collect", at: at)],
                                       runs: [run], now: at + 3600).rendered
        #expect(svg.contains("open (early close)"))  // the day after Thanksgiving
        #expect(svg.contains("class=\"planned\""))
        #expect(svg.contains("class=\"run failed\"") && svg.contains("stroke=\"#000\""))  // a retry is outlined
        #expect(svg.contains("class=\"now\""))
        #expect(svg.contains("&lt;b&gt;") && !svg.contains("<b>"))
        let holiday = TimelineChart.render(date: LocalDate(year: 2026, month: 11, day: 26)!, tasks: [], planned: [], runs: [], now: at).rendered
        #expect(holiday.contains("no session: an NYSE holiday (Thanksgiving Day)") && !holiday.contains("class=\"now\""))
    }

    @Test func theCalendarNamesHolidaysAndEarlyCloses() {
        let context = PageContext(user: "u", readOnly: false, csrf: "c", time: TimeText(now: Instant(seconds: 1_795_789_860)))
        let page = CalendarPage.render(year: 2026, month: 11, context: context).rendered
        #expect(page.contains("Closed: Thanksgiving Day"))
        #expect(page.contains("09:30–13:00 early close (Day after Thanksgiving)"))
        #expect(page.contains("20 sessions"))
        #expect(CalendarPage.parseMonth("2026-13") == nil && CalendarPage.parseMonth("1800-01") == nil)
        #expect(CalendarPage.parseMonth("2200-12")! == (2200, 12))
    }

    @Test func logLinesOfTheDaemonsFileParse() {
        let line = LogLine.parse(fileLine: "2026-11-27T09:30:00.123-05:00 info  [collect run=12] fetched 3 rows stream=stdout")
        #expect(line == LogLine(time: "2026-11-27T09:30:00.123-05:00", level: "info", task: "collect", text: "fetched 3 rows stream=stdout"))
        let daemon = LogLine.parse(fileLine: "2026-11-27T09:30:00.123-05:00 warning [run=12] slow")
        #expect(daemon?.task == nil && daemon?.level == "warning")
        #expect(LogLine.parse(fileLine: "garbage") == nil)
        #expect(daemon!.isAtLeast("warning") && !daemon!.isAtLeast("error"))
    }
}
