import ControlProtocol
import MarketCalendar

/// Prometheus exposition text computed from the run history (the daemon's own metrics command
/// supersedes it once it exists).
public enum PrometheusText {
    public static func render(status: StatusResult, runs: [RunInfo], now: Int64) -> String {
        var out = """
            # HELP v6_dashboard_daemon_uptime_seconds Seconds since the daemon started.
            # TYPE v6_dashboard_daemon_uptime_seconds gauge
            v6_dashboard_daemon_uptime_seconds \(status.uptimeSeconds)
            # HELP v6_dashboard_task_success_ratio Share of a task's runs that ended in success over the last 7 days.
            # TYPE v6_dashboard_task_success_ratio gauge

            """
        let byTask = Dictionary(grouping: runs, by: \.task)
        var durations = "# HELP v6_dashboard_task_duration_p95_seconds 95th percentile of a task's run duration over the last 7 days.\n# TYPE v6_dashboard_task_duration_p95_seconds gauge\n"
        for task in status.tasks.map(\.name) {
            let stats = RunStats(byTask[task] ?? [], since: Instant(seconds: now - 7 * 86_400))
            let label = "{task=\"\(task.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\"}"
            if let rate = stats.successRate { out += "v6_dashboard_task_success_ratio\(label) \(rate)\n" }
            if let p95 = stats.durationP95MS { durations += "v6_dashboard_task_duration_p95_seconds\(label) \(Double(p95) / 1000)\n" }
        }
        return out + durations
    }
}
