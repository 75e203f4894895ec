/// Every metric the daemon exports, defined once: name, type, labels, help text and, for
/// histograms, buckets. The daemon creates its metrics from these, the docs table and
/// `docs/alerts.yml` use these names, and a test checks the exposition against this list.
public struct MetricSpec: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    public let name: String
    public let kind: Kind
    public let labels: [String]
    public let help: String
    /// Upper bounds of a histogram's buckets (`+Inf` is implied).
    public let buckets: [Double]

    init(_ name: String, _ kind: Kind, labels: [String] = [], help: String, buckets: [Double] = []) {
        self.name = name
        self.kind = kind
        self.labels = labels
        self.help = help
        self.buckets = buckets
    }
}

public enum MetricCatalog {
    public static let taskRuns = MetricSpec("v6_task_runs_total", .counter, labels: ["task", "outcome"],
        help: "Finished runs and attempts by outcome (success, failed, fatal, timeout, retrying, skipped, abandoned).")
    public static let taskDuration = MetricSpec("v6_task_duration_seconds", .histogram, labels: ["task"],
        help: "Wall-clock duration of finished runs.",
        buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200])
    public static let taskLateness = MetricSpec("v6_task_lateness_seconds", .histogram, labels: ["task"],
        help: "How late scheduled runs started after their due instant.",
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60])
    public static let taskLastSuccess = MetricSpec("v6_task_last_success_timestamp_seconds", .gauge, labels: ["task"],
        help: "Unix time of the task's last successful run (0 if none in the history).")
    public static let taskNextRun = MetricSpec("v6_task_next_run_timestamp_seconds", .gauge, labels: ["task"],
        help: "Unix time of the task's next scheduled run (0 if none, or disabled).")
    public static let taskRunning = MetricSpec("v6_task_running", .gauge, labels: ["task"],
        help: "1 while a run of the task is in progress.")
    public static let taskEnabled = MetricSpec("v6_task_enabled", .gauge, labels: ["task"],
        help: "1 if the task is enabled (YAML, environment and runtime toggles applied).")
    public static let taskCPU = MetricSpec("v6_task_cpu_seconds", .gauge, labels: ["task"],
        help: "CPU time (user + system) of the task's last finished run, as the kernel accounted it.")
    public static let taskMaxRSS = MetricSpec("v6_task_max_rss_bytes", .gauge, labels: ["task"],
        help: "Peak resident memory of the task's last finished run (largest process), in bytes.")
    public static let marketPhase = MetricSpec("v6_market_phase", .gauge, labels: ["phase"],
        help: "1 for the current NYSE market phase, 0 for the others.")
    public static let tradingDay = MetricSpec("v6_trading_day", .gauge,
        help: "1 if today (ET) is an NYSE trading day.")
    public static let notifications = MetricSpec("v6_notifications_total", .counter, labels: ["channel", "result"],
        help: "Alerts by channel and result (sent, failed: given up after retries, dropped: queue full, suppressed: within notify_repeat).")
    public static let configReloads = MetricSpec("v6_config_reloads_total", .counter, labels: ["result"],
        help: "Configuration reloads by result (success, failure).")
    public static let controlRequests = MetricSpec("v6_control_requests_total", .counter, labels: ["command", "result"],
        help: "Control-socket requests by command and result (ok, or the error code).")
    public static let buildInfo = MetricSpec("v6_build_info", .gauge, labels: ["version", "tzdata"],
        help: "Always 1; the daemon's version and its time-zone data version.")

    public static let all: [MetricSpec] = [
        taskRuns, taskDuration, taskLateness, taskLastSuccess, taskNextRun, taskRunning, taskEnabled, taskCPU, taskMaxRSS,
        marketPhase, tradingDay, notifications, configReloads, controlRequests, buildInfo,
    ]

    public static func spec(named name: String) -> MetricSpec? { all.first { $0.name == name } }

    /// The Prometheus content type of the text exposition.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"
}
