import ControlProtocol
import MarketCalendar

/// Page 3, Task: configuration, toggle, next runs, last runs with output, charts, edit form.
public enum TaskPage {
    public static func render(_ task: TaskDetail, history: [RunInfo], context: PageContext, edit: FormsPage.State = FormsPage.State(),
                              editorAvailable: Bool) -> HTML {
        let time = context.time
        let name = URLText.encode(task.status.name)
        let back = [("back", "/tasks/\(name)")]
        let actions = HTML.join([
            context.button("Enable", action: "/tasks/\(name)/enable", fields: back),
            context.button("Disable until cleared", action: "/tasks/\(name)/disable", fields: back),
            context.button("Disable for today", action: "/tasks/\(name)/disable", fields: back + [("until", "today")]),
            task.status.enabledSource == "runtime" ? context.button("Clear toggle", action: "/tasks/\(name)/clear", fields: back) : .empty,
            context.button("Run now", action: "/tasks/\(name)/run", style: "primary"),
            context.button("Force", action: "/tasks/\(name)/run", fields: [("force", "1")],
                           confirm: "Run \(task.status.name) now, ignoring the calendar?", style: "warn"),
        ], separator: " ")
        let toggle = "\(task.status.enabled ? "enabled" : "disabled") (\(TodayPage.source(task.status.enabledSource))\(task.status.toggleUntil.flatMap(time.instant).map { ", until " + time.full($0) } ?? ""))"
        let config: [(String, String, String)] = [
            ("enabled", toggle, task.status.enabledSource == "runtime" ? "runtime toggle" : TodayPage.source(task.status.enabledSource)),
            ("command", task.command.joined(separator: " "), "configuration"),
            ("schedule", task.status.schedule, "configuration"),
            ("days", task.status.days, "configuration"),
            ("timeout_seconds", String(task.timeoutSeconds), "configuration"),
            ("retries", String(task.retries), "configuration"),
            ("retry_backoff_seconds", String(task.retryBackoffSeconds), "configuration"),
            ("overlap", task.overlap, "configuration"),
            ("catch_up", String(task.catchUp), "configuration"),
            ("force_run", String(task.forceRun), "configuration"),
            ("environment", task.environmentKeys.isEmpty ? "–" : task.environmentKeys.joined(separator: ", ") + " (values hidden)", "configuration"),
        ]
        let configHTML = HTML.join(config.map { "<dt>\($0.0)</dt><dd>\($0.1)</dd><dd class=\"muted\">\($0.2)</dd>" })
        let nextRuns: HTML = task.nextRuns.isEmpty ? "<p class=\"muted\">No run ahead (disabled, or none within a year).</p>"
            : "<ol>\(task.nextRuns.map { "<li>\(time.element($0)) <span class=\"muted\">\(time.instant($0).map(time.relative) ?? "")</span></li>" as HTML })</ol>"
        let now = time.now
        let day = RunStats(history, since: now - 86_400), week = RunStats(history, since: now - 7 * 86_400)
        let recent = Array(history.prefix(60).reversed())
        let durationChart = Charts.bars(recent.compactMap { run in run.durationMS.map {
            Charts.Bar(value: Double($0) / 1000, label: "run \(run.runID): \(run.outcome.rawValue), \(TimeText.duration(ms: $0))", kind: run.outcome.rawValue) } },
            title: "Duration, last runs", unit: "s")
        let latenessChart = Charts.bars(recent.compactMap { run in
            guard run.trigger == .schedule, let start = time.instant(run.startedAt), let slot = time.instant(run.scheduledAt) else { return nil }
            return Charts.Bar(value: Double(max(0, start - slot)), label: "run \(run.runID): \(start - slot) s late", kind: run.outcome.rawValue)
        }, title: "Lateness (start − slot), last scheduled runs", unit: "s")
        let lastRuns = HTML.join(task.lastRuns.map { run in
            let tail = run.outputTail ?? []
            return """
                <tr><td><a href="/runs/\(run.runID)">\(run.runID)</a></td><td>\(run.trigger.rawValue)</td><td>\(time.element(run.startedAt ?? run.scheduledAt))</td>\
                <td>\(LivePage.summary(run))</td><td>\(tail.isEmpty ? HTML(stringLiteral: "<span class=\"muted\">no output</span>") : "<details><summary>\(tail.count) lines</summary><pre class=\"output\">\(tail.suffix(40).joined(separator: "\n"))</pre></details>")</td></tr>
                """
        })
        return Layout.page("Task: \(task.status.name)", section: nil, context: context, body: """
            <section><p><span class="badge \(task.status.enabled ? "on" : "off")">\(task.status.enabled ? "enabled" : "disabled")</span> \(task.status.running ? HTML(trusted: "<span class=\"badge running\">running</span>") : .empty) \(actions)</p>
            <p><a href="\(URLText.link("/history", [("task", task.status.name)]))">All runs</a> · <a href="\(URLText.link("/logs", [("task", task.status.name)]))">Logs</a> · <a href="/timeline">Timeline</a></p></section>
            <section><h2>Configuration</h2><dl class="config">\(configHTML)</dl></section>
            <section><h2>Next runs</h2>\(nextRuns)</section>
            <section><h2>Success and timing</h2>
            <table><thead><tr><th></th><th>runs ended</th><th>success rate</th><th>duration p50</th><th>duration p95</th><th>lateness p50</th><th>lateness p99</th></tr></thead><tbody>
            \(statsRow("last 24 hours", day))\(statsRow("last 7 days", week))</tbody></table>
            <div class="charts">\(durationChart)\(latenessChart)</div></section>
            <section><h2>Last runs</h2><table><thead><tr><th>run</th><th>trigger</th><th>time</th><th>outcome</th><th>output (tail)</th></tr></thead><tbody>\(lastRuns)</tbody></table></section>
            \(editForm(task, context: context, edit: edit, available: editorAvailable))
            """)
    }

    static func statsRow(_ label: String, _ stats: RunStats) -> HTML {
        func seconds(_ value: Int64?) -> String { value.map { "\($0) s" } ?? "–" }
        return "<tr><th>\(label)</th><td>\(stats.finished)</td><td>\(RunStats.percent(stats.successRate))</td><td>\(TimeText.duration(ms: stats.durationP50MS))</td><td>\(TimeText.duration(ms: stats.durationP95MS))</td><td>\(seconds(stats.latenessP50))</td><td>\(seconds(stats.latenessP99))</td></tr>"
    }

    /// Timeout, retries and schedule, through the run-time configuration interface.
    static func editForm(_ task: TaskDetail, context: PageContext, edit: FormsPage.State, available: Bool) -> HTML {
        let name = URLText.encode(task.status.name)
        let disabled: HTML = (context.readOnly || !available) ? " disabled" : .empty
        let note: HTML = available ? .empty : "<p class=\"muted\">The daemon cannot change a task at run time yet: edit the YAML and run <code>v6ctl reload</code>.</p>"
        let formError: HTML = edit.errors[""].map { "<p class=\"banner error\" role=\"alert\">\($0)</p>" } ?? .empty
        return """
            <section><h2>Edit</h2>\(note)\(formError)
            <form method="post" action="/tasks/\(name)/edit" class="stack">\(context.csrfField)
            <fieldset\(disabled)>
            \(FormField("timeout_seconds", "Timeout (seconds)", value: edit.values["timeout_seconds"] ?? String(task.timeoutSeconds), error: edit.errors["timeout_seconds"]).html)
            \(FormField("retries", "Retries", value: edit.values["retries"] ?? String(task.retries), error: edit.errors["retries"]).html)
            \(FormField("schedule", "Schedule", value: edit.values["schedule"] ?? "", error: edit.errors["schedule"], hint: "e.g. at: 09:35, frequency: 5min, cron: */10 * * * * (empty: unchanged; now: \(task.status.schedule))").html)
            <p><button class="primary">Save</button></p>
            </fieldset></form></section>
            """
    }
}
