/// The task table of `v6-scheduler check-config`.
public enum ConfigSummary {
    /// The widest line this produces.
    public static let maxWidth = 100

    /// One line per task, columns aligned: name, schedule, days, `force_run` when the task
    /// ignores the holiday check, then the enabled state and its source. For example:
    /// `collect_option_snapshots  every 5m in market_open  trading days  enabled (yaml)`.
    /// Lines longer than `maxWidth` are cut with "..." (only very long names and variables).
    public static func lines(_ config: SchedulerConfig) -> [String] {
        let rows = config.tasks.map { task in
            [task.name, schedule(of: task), days(task), task.ignoresHolidays ? "force_run" : "", state(task)]
        }
        // Caps keep one long cell from pushing every other line past the width.
        let caps = [30, 26, 14, 9]
        var widths = [Int](repeating: 0, count: caps.count)
        for row in rows { for i in caps.indices { widths[i] = min(caps[i], max(widths[i], row[i].count)) } }
        return rows.map { row in
            let cells = caps.indices.filter { widths[$0] > 0 }.map { fit(row[$0], widths[$0]) } + [row[4]]
            return fit(cells.joined(separator: "  "), maxWidth, pad: false)
        }
    }

    /// What `after:` says, one line per task that has it, under a heading; empty when no task
    /// has it. For example:
    /// `  calculate_daily_statistics  after final_data_collection (waits at most 1h)`.
    public static func dependencyLines(_ config: SchedulerConfig) -> [String] {
        let dependents = config.tasks.filter { !$0.after.isEmpty }
        guard !dependents.isEmpty else { return [] }
        let width = min(30, dependents.map(\.name.count).max() ?? 0)
        return ["dependencies (after:):"] + dependents.map { task in
            let wait = task.isEventDriven
                ? "once a day, when \(task.after.count == 1 ? "it has" : "all have") succeeded"
                : "waits at most \(DurationSyntax.canonical(task.afterWaitSeconds))"
            return fit("  " + fit(task.name, width) + "  after " + task.after.joined(separator: ", ") + " (\(wait))", maxWidth, pad: false)
        }
    }

    /// `at 08:00`, `at 08:00, 12:00`, `at close+15m`, `every 5m in market_open`, `every 15m all day`,
    /// `cron "0 8 * * 1-5"`.
    public static func schedule(_ spec: ScheduleSpec) -> String {
        switch spec {
        case .at(let times): "at " + times.map(\.description).joined(separator: ", ")
        case .frequency(let seconds, let window):
            "every \(DurationSyntax.compact(seconds)) " + (window == .any ? "all day" : "in \(window.rawValue)")
        case .cron(let expression): "cron \"\(expression)\""
        case .afterUpstreams: "after its upstreams"
        }
    }

    /// ``schedule(_:)``, and for a task with `after:` alone, `after a, b`.
    public static func schedule(of task: TaskConfig) -> String {
        task.isEventDriven ? "after " + task.after.joined(separator: ", ") : schedule(task.schedule)
    }

    /// `trading days`, `every day`, `sat`, `mon,wed`; `cron fields` for a cron task without `days:`.
    public static func days(_ task: TaskConfig) -> String {
        if case .cron = task.schedule, !task.daysExplicit { return "cron fields" }
        return task.days.description
    }

    /// `enabled (yaml)`, `disabled (env SCHEDULER_X_ENABLED)`, `enabled (default)`.
    public static func state(_ task: TaskConfig) -> String {
        "\(task.enabled ? "enabled" : "disabled") (\(task.enabledSource))"
    }

    private static func fit(_ text: String, _ width: Int, pad: Bool = true) -> String {
        if text.count > width { return String(text.prefix(max(0, width - 3))) + "..." }
        return pad ? text + String(repeating: " ", count: width - text.count) : text
    }
}
