import ControlProtocol
import MarketCalendar

/// Page 1, Today: the market panel, the daemon's task counts and the task table (one page of
/// the daemon's `tasks`, filtered by it), with the toggles and run-now.
public enum TodayPage {
    public static let pageSize = 100

    /// `tasks` is the page the daemon answered for `page` and `filter`; `filterProblem` is the
    /// daemon's word on a filter it refused (the table is then empty).
    public static func render(_ status: StatusResult, tasks: TasksResult, context: PageContext, page: Int, filter: String?,
                              filterProblem: String? = nil) -> HTML {
        let time = context.time
        let market = MarketPanel.render(status, time: time, specialDays: MarketPanel.specialDays(from: time.today, days: 60))
        let pager = Pager(page: page, pageSize: pageSize, total: tasks.total ?? tasks.tasks.count)
        let rows = tasks.tasks.map { row($0, context: context) }
        let nav = pager.nav { URLText.link("/", [("page", String($0)), ("q", filter)]) }
        let problem: HTML = filterProblem.map { "<p class=\"field-error\" id=\"q-error\">\($0)</p>" } ?? .empty
        let empty: HTML = rows.isEmpty && filterProblem == nil
            ? "<tr><td colspan=\"7\" class=\"muted\">\(filter == nil ? "No tasks in the configuration." : "No task matches this filter.")</td></tr>" : .empty
        return Layout.page("Today", section: .today, context: context, body: """
            \(market)
            <section id="tasks">
            <h2>Tasks</h2>
            \(counts(status.taskCounts))
            <form method="get" action="/" class="filter"><label>Find <input type="search" name="q" value="\(filter)" placeholder="name, collect_*, failed, running…" aria-describedby="q-help"></label> <button>Filter</button>
            <span id="q-help" class="muted">a part of a name or a pattern (<code>*</code>, <code>?</code>, <code>[a-z]</code>), or a state: running, failed, waiting, disabled, enabled, attention; several with commas, all must match</span></form>
            \(problem)
            \(nav)
            <table class="tasks">
            <thead><tr><th>Task</th><th>Enabled</th><th>Schedule</th><th>Last run</th><th>Next run</th><th>Running</th><th>Actions</th></tr></thead>
            <tbody>\(rows)\(empty)</tbody>
            </table>
            \(nav)
            </section>
            """)
    }

    /// The daemon's counts, each a link to the tasks it counts (`tasks` with that filter).
    static func counts(_ counts: TaskCounts?) -> HTML {
        guard let counts else { return .empty }
        let states: [(String, Int)] = [("enabled", counts.enabled), ("disabled", counts.disabled), ("running", counts.running),
                                       ("failed", counts.failed), ("waiting", counts.waiting), ("attention", counts.attention)]
        let links = states.map { word, n -> HTML in
            let label = word == "attention" ? (n == 1 ? "needs attention" : "need attention") : word
            return "<a href=\"\(URLText.link("/", [("q", word)]))\" class=\"count \(word)\">\(n) \(label)</a>"
        }
        return "<p class=\"counts\" id=\"task-counts\"><a href=\"/\">\(counts.total) \(counts.total == 1 ? "task" : "tasks")</a> · \(HTML.join(links, separator: " · "))</p>"
    }

    static func row(_ task: TaskStatus, context: PageContext) -> HTML {
        let time = context.time
        let name = URLText.encode(task.name)
        let enabled: HTML = "<span class=\"badge \(task.enabled ? "on" : "off")\">\(task.enabled ? "enabled" : "disabled")</span> <span class=\"muted\">\(source(task.enabledSource))\(task.toggleUntil.flatMap(time.instant).map { " until " + time.short($0) } ?? "")</span>"
        let last: HTML = task.lastRun.map { Badges.run($0, time: time) } ?? "<span class=\"muted\">never</span>"
        let next: HTML = task.nextRun.map { "\(time.element($0)) <span class=\"muted\">\(time.instant($0).map(time.relative) ?? "")</span>" } ?? "<span class=\"muted\">none</span>"
        var running: HTML = .empty
        if task.running {
            let since = task.lastRun.flatMap { $0.outcome == .running ? time.instant($0.startedAt) : nil }
            running = "<span class=\"badge running\">running</span>\(since.map { " <span class=\"elapsed\" data-since=\"\($0.seconds)\">\(TimeText.span(time.now - $0))</span>" } ?? "")"
        } else if let upstreams = task.waitingFor, !upstreams.isEmpty {
            // A run held back by its upstreams (`after:`), skipped if they have not succeeded by then.
            let until = task.waitingUntil.flatMap(time.instant).map { " until " + time.short($0) } ?? ""
            running = "<span class=\"badge waiting\">waiting</span> <span class=\"muted\">for \(upstreams.joined(separator: ", "))\(until)</span>"
        }
        return """
            <tr id="task-\(name)"><td><a href="/tasks/\(name)">\(task.name)</a></td><td>\(enabled)</td>\
            <td>\(task.schedule)<br><span class="muted">\(task.days)</span></td><td>\(last)</td><td>\(next)</td><td>\(running)</td>\
            <td class="actions">\(actions(task, context: context))</td></tr>
            """
    }

    /// Enable; disable for today, until the next session or until a date; clear; run now; force.
    static func actions(_ task: TaskStatus, context: PageContext) -> HTML {
        let base = "/tasks/\(URLText.encode(task.name))"
        let disabled: HTML = context.readOnly ? " disabled" : .empty
        let disable: HTML = """
            <form method="post" action="\(base)/disable" class="inline disable">\(context.csrfField)\
            <select name="until" aria-label="disable until"\(disabled)><option value="today">for today</option><option value="next-session">until the next session</option><option value="date">until date…</option><option value="">until cleared</option></select>\
            <input type="date" name="date" aria-label="date"\(disabled)>\
            <button\(disabled)>Disable</button></form>
            """
        return HTML.join([
            context.button("Enable", action: "\(base)/enable"),
            disable,
            task.enabledSource == "runtime" ? context.button("Clear", action: "\(base)/clear") : .empty,
            context.button("Run now", action: "\(base)/run", style: "primary"),
            context.button("Force", action: "\(base)/run", fields: [("force", "1")],
                           confirm: "Run \(task.name) now, ignoring the calendar (also on a closed day)?", style: "warn"),
        ], separator: " ")
    }

    /// `yaml`, `env SCHEDULER_X_ENABLED`, `default`, `runtime` in words.
    static func source(_ source: String) -> String {
        switch source {
        case "runtime": "runtime toggle"
        case "yaml": "from YAML"
        case "default": "default"
        default: "from \(source)"
        }
    }
}
