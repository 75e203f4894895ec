import ControlProtocol
import MarketCalendar

/// Page 8, Metrics: per task success rate, duration p50/p95, lateness p50/p99, CPU and peak
/// memory over a day and a week, runs per day; the daemon's memory and uptime, and its own
/// Prometheus exposition (what `/metrics` gives a scraper).
public enum MetricsPage {
    public struct DaemonFacts: Sendable {
        public let uptimeSeconds: Int
        public let rssBytes: Int64?
        public let version: String
        public init(uptimeSeconds: Int, rssBytes: Int64?, version: String) {
            self.uptimeSeconds = uptimeSeconds
            self.rssBytes = rssBytes
            self.version = version
        }
    }

    /// `runs`: the last 7 days' runs (`complete` false when only the newest of them were read);
    /// `exposition`: the daemon's `metrics` text, nil when it did not answer.
    public static func render(tasks: [String], runs: [RunInfo], complete: Bool, daemon: DaemonFacts, exposition: String?,
                              context: PageContext) -> HTML {
        let now = context.time.now
        let byTask = Dictionary(grouping: runs, by: \.task)
        let rows = HTML.join(tasks.map { name in
            let taskRuns = byTask[name] ?? []
            let day = RunStats(taskRuns, since: now - 86_400), week = RunStats(taskRuns, since: now - 7 * 86_400)
            let perDay = week.perDay.isEmpty ? 0 : Double(week.perDay.map(\.count).reduce(0, +)) / 7
            func s(_ v: Int64?) -> String { v.map { "\($0) s" } ?? "–" }
            return """
                <tr><td><a href="/tasks/\(URLText.encode(name))">\(name)</a></td>\
                <td>\(RunStats.percent(day.successRate))</td><td>\(RunStats.percent(week.successRate))</td>\
                <td>\(TimeText.duration(ms: day.durationP50MS)) / \(TimeText.duration(ms: day.durationP95MS))</td>\
                <td>\(TimeText.duration(ms: week.durationP50MS)) / \(TimeText.duration(ms: week.durationP95MS))</td>\
                <td>\(s(day.latenessP50)) / \(s(day.latenessP99))</td><td>\(s(week.latenessP50)) / \(s(week.latenessP99))</td>\
                <td>\(TimeText.duration(ms: week.cpuP50MS)) / \(week.maxRSSBytes.map(Badges.bytes) ?? "–")</td>\
                <td>\(Charts.format(perDay))</td></tr>
                """
        })
        let all = RunStats(runs, since: now - 7 * 86_400)
        let perDayChart = Charts.bars(all.perDay.map { Charts.Bar(value: Double($0.count), label: "\($0.date): \($0.count) runs", kind: "count") },
                                      title: "Runs per day, all tasks, last 7 days", unit: "")
        let rss = daemon.rssBytes.map(Badges.bytes) ?? "unknown (not readable from /proc)"
        let partial: HTML = complete ? .empty : "<p class=\"banner error\">Only the newest \(runs.count) runs of the last 7 days were read: the figures leave out older ones.</p>"
        let raw: HTML = exposition.map {
            "<details id=\"exposition\"><summary>The daemon's Prometheus exposition (what <code>/metrics</code> gives a scraper with an API key)</summary><pre class=\"output\">\($0)</pre></details>"
        } ?? "<p class=\"muted\">The daemon's metrics did not answer.</p>"
        return Layout.page("Metrics", section: .metrics, context: context, body: """
            <section><h2>Daemon</h2><p>v6-scheduler \(daemon.version): up \(TimeText.span(Int64(daemon.uptimeSeconds))), memory (RSS) \(rss).</p>\(raw)</section>
            <section><h2>Tasks</h2>\(partial)
            <table id="metrics"><thead><tr><th>task</th><th>success 24 h</th><th>success 7 d</th><th>duration p50/p95 24 h</th><th>duration p50/p95 7 d</th><th>lateness p50/p99 24 h</th><th>lateness p50/p99 7 d</th><th>CPU p50 / peak memory 7 d</th><th>runs/day (7 d)</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            <div class="charts">\(perDayChart)</div>
            <p class="muted">From the daemon's run history (history_limit runs per task). Lateness is the start minus the slot, in whole seconds, for scheduled runs. CPU and peak memory are the kernel's accounting of each run's processes (a small task's peak reads at least the daemon's own, see docs/alerts.md).</p>
            </section>
            """)
    }
}
