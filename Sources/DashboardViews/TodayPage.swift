import ControlProtocol
import MarketCalendar

/// Page 1, Today: the market panel and the task table (paged), with the toggles and run-now.
public enum TodayPage {
    public static let pageSize = 100

    public static func render(_ status: StatusResult, context: PageContext, page: Int, filter: String?) -> HTML {
        let time = context.time
        let market = MarketPanel.render(status, time: time, specialDays: MarketPanel.specialDays(from: time.today, days: 60))
        let tasks = filter.map { f in status.tasks.filter { $0.name.localizedStandardContains(f) } } ?? status.tasks
        let pager = Pager(page: page, pageSize: pageSize, total: tasks.count)
        let rows = tasks[pager.range].map { row($0, context: context) }
        let nav = pager.nav { URLText.link("/", [("page", String($0)), ("q", filter)]) }
        return Layout.page("Today", section: .today, context: context, body: """
            \(market)
            <section id="tasks">
            <h2>Tasks</h2>
            <form method="get" action="/" class="filter"><label>Find <input type="search" name="q" value="\(filter)" placeholder="task name"></label> <button>Filter</button></form>
            \(nav)
            <table class="tasks">
            <thead><tr><th>Task</th><th>Enabled</th><th>Schedule</th><th>Last run</th><th>Next run</th><th>Running</th><th>Actions</th></tr></thead>
            <tbody>\(rows)</tbody>
            </table>
            \(nav)
            </section>
            """)
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
