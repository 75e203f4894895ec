import ControlProtocol
import MarketCalendar

/// Page 3, Task: configuration with each value's source, toggle, dependencies, next runs, last
/// runs with output, charts, edit form.
public enum TaskPage {
    /// `config` is `config_show` with sources (nil when the daemon could not say): each value's
    /// source, and the revision the edit form is based on.
    public static func render(_ task: TaskDetail, config: ConfigResult?, history: [RunInfo], context: PageContext,
                              edit: FormsPage.State = FormsPage.State()) -> HTML {
        let time = context.time
        let nextRuns: HTML = task.nextRuns.isEmpty ? "<p class=\"muted\">No run ahead (disabled, after other tasks only, or none within a year).</p>"
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
            <section><p><span class="badge \(task.status.enabled ? "on" : "off")">\(task.status.enabled ? "enabled" : "disabled")</span> \(task.status.running ? HTML(trusted: "<span class=\"badge running\">running</span>") : .empty) \(actions(task.status, context: context))</p>
            <p>\(task.status.schedule) <span class="muted">· \(task.status.days)</span></p>
            <p><a href="\(URLText.link("/history", [("task", task.status.name)]))">All runs</a> · <a href="\(URLText.link("/logs", [("task", task.status.name)]))">Logs</a> · <a href="/timeline">Timeline</a></p></section>
            \(dependencies(task, time: time))
            <section><h2>Configuration</h2>\(configuration(task, config: config, time: time))</section>
            <section><h2>Next runs</h2>\(nextRuns)</section>
            <section><h2>Success and timing</h2>
            <table><thead><tr><th></th><th>runs ended</th><th>success rate</th><th>duration p50</th><th>duration p95</th><th>lateness p50</th><th>lateness p99</th></tr></thead><tbody>
            \(statsRow("last 24 hours", day))\(statsRow("last 7 days", week))</tbody></table>
            <div class="charts">\(durationChart)\(latenessChart)</div></section>
            <section><h2>Last runs</h2><table><thead><tr><th>run</th><th>trigger</th><th>time</th><th>outcome</th><th>output (tail)</th></tr></thead><tbody>\(lastRuns)</tbody></table></section>
            \(editForm(task, revision: config?.revision, context: context, edit: edit))
            """)
    }

    /// The buttons; "with what runs after it" when other tasks run after this one (`after:`).
    static func actions(_ task: TaskStatus, context: PageContext) -> HTML {
        let name = URLText.encode(task.name)
        let back = [("back", "/tasks/\(name)")]
        let dependents = task.dependents ?? []
        return HTML.join([
            context.button("Enable", action: "/tasks/\(name)/enable", fields: back),
            context.button("Disable until cleared", action: "/tasks/\(name)/disable", fields: back),
            context.button("Disable for today", action: "/tasks/\(name)/disable", fields: back + [("until", "today")]),
            task.enabledSource == "runtime" ? context.button("Clear toggle", action: "/tasks/\(name)/clear", fields: back) : .empty,
            context.button("Run now", action: "/tasks/\(name)/run", style: "primary"),
            dependents.isEmpty ? .empty : context.button("Run now with what runs after it", action: "/tasks/\(name)/run",
                                                         fields: [("with_dependents", "1")], style: "primary"),
            context.button("Force", action: "/tasks/\(name)/run", fields: [("force", "1")],
                           confirm: "Run \(task.name) now, ignoring the calendar and its upstreams?", style: "warn"),
        ], separator: " ")
    }

    /// Upstreams (`after:`), dependents, and what a run waits for now.
    static func dependencies(_ task: TaskDetail, time: TimeText) -> HTML {
        let after = task.status.after ?? [], dependents = task.status.dependents ?? [], waiting = task.status.waitingFor ?? []
        guard !after.isEmpty || !dependents.isEmpty || !waiting.isEmpty else { return .empty }
        func links(_ names: [String]) -> HTML { HTML.join(names.map { "<a href=\"/tasks/\(URLText.encode($0))\">\($0)</a>" }, separator: ", ") }
        var items: [HTML] = []
        if !after.isEmpty {
            let wait = task.afterWaitSeconds.map { " waiting for them at most \(TimeText.span(Int64($0)))" } ?? ""
            items.append("<li id=\"runs-after\">Runs after \(links(after)): each of their runs of the same day must have succeeded\(wait); otherwise this run is skipped with the reason.</li>")
        }
        if !dependents.isEmpty { items.append("<li id=\"needed-by\">Needed by \(links(dependents)): they run after this task.</li>") }
        if !waiting.isEmpty {
            let until = task.status.waitingUntil.flatMap(time.instant).map { " until \(time.full($0)), then skipped" } ?? ""
            items.append("<li id=\"waiting\"><span class=\"badge waiting\">waiting</span> for \(links(waiting))\(until)</li>")
        }
        return "<section><h2>Dependencies</h2><ul>\(items)</ul></section>"
    }

    /// Each value with where it came from (`FILE:LINE`, `env SCHEDULER_X`, `runtime`); the keys
    /// no layer sets show their default.
    static func configuration(_ task: TaskDetail, config: ConfigResult?, time: TimeText) -> HTML {
        let status = task.status
        let toggle = "\(status.enabled ? "enabled" : "disabled")\(status.toggleUntil.flatMap(time.instant).map { ", until " + time.full($0) } ?? "")"
        var rows: [(key: String, value: String, source: String)] = [("enabled", toggle, TodayPage.source(status.enabledSource))]
        let effective: [(String, String)] = [
            ("days", status.days), ("timeout_seconds", String(task.timeoutSeconds)), ("retries", String(task.retries)),
            ("retry_backoff_seconds", String(task.retryBackoffSeconds)), ("overlap", task.overlap), ("catch_up", String(task.catchUp)),
            ("force_run", String(task.forceRun)),
        ] + (task.afterWaitSeconds.map { [("after_wait", TimeText.span(Int64($0)))] } ?? [])
        guard let config else {
            rows += [("command", task.command.joined(separator: " "), "configuration"), ("schedule", status.schedule, "configuration")]
            rows += effective.map { ($0.0, $0.1, "configuration") }
            rows.append(("environment", task.environmentKeys.isEmpty ? "–" : task.environmentKeys.joined(separator: ", ") + " (values hidden)", "configuration"))
            return table(rows, note: "The daemon did not say where each value comes from (config_show failed).")
        }
        let entries = ConfigForm.entries(of: status.name, in: config).filter { $0.key != "enabled" }
        rows += entries.map { ($0.key, $0.entry.value, $0.entry.source ?? "–") }
        let set = Set(entries.map(\.key))
        rows += effective.filter { !set.contains($0.0) }.map { ($0.0, $0.1, "default") }
        return table(rows, note: "Values as YAML; secrets are masked. Files in the order they apply: \(config.files.joined(separator: ", ")).")
    }

    static func table(_ rows: [(key: String, value: String, source: String)], note: String) -> HTML {
        let body = HTML.join(rows.map { "<tr><th>\($0.key)</th><td><code>\($0.value)</code></td><td class=\"source\">\($0.source)</td></tr>" })
        return "<table id=\"config\"><thead><tr><th>key</th><th>value</th><th>source</th></tr></thead><tbody>\(body)</tbody></table><p class=\"muted\">\(note)</p>"
    }

    static func statsRow(_ label: String, _ stats: RunStats) -> HTML {
        func seconds(_ value: Int64?) -> String { value.map { "\($0) s" } ?? "–" }
        return "<tr><th>\(label)</th><td>\(stats.finished)</td><td>\(RunStats.percent(stats.successRate))</td><td>\(TimeText.duration(ms: stats.durationP50MS))</td><td>\(TimeText.duration(ms: stats.durationP95MS))</td><td>\(seconds(stats.latenessP50))</td><td>\(seconds(stats.latenessP99))</td></tr>"
    }

    /// Timeout, retries and schedule, through the daemon's `task_set`, based on `revision`.
    static func editForm(_ task: TaskDetail, revision: String?, context: PageContext, edit: FormsPage.State) -> HTML {
        let name = URLText.encode(task.status.name)
        let disabled: HTML = context.readOnly ? " disabled" : .empty
        return """
            <section><h2>Edit</h2>\(FormsPage.formError(edit))
            <form method="post" action="/tasks/\(name)/edit" class="stack" id="edit-task">\(context.csrfField)\(FormsPage.revisionField(revision))
            <fieldset\(disabled)>
            \(FormField("timeout_seconds", "Timeout (seconds)", value: edit.values["timeout_seconds"] ?? String(task.timeoutSeconds), error: edit.errors["timeout_seconds"], hint: "or a duration: 5min").html)
            \(FormField("retries", "Retries", value: edit.values["retries"] ?? String(task.retries), error: edit.errors["retries"]).html)
            \(FormField("schedule", "Schedule", value: edit.values["schedule"] ?? "", error: edit.errors["schedule"], hint: "at: 09:35, frequency: 5min or cron: */10 * * * * (empty: unchanged; now: \(task.status.schedule))").html)
            <p><button class="primary">Save</button></p>
            </fieldset></form>
            <p class="muted">Saved to the configuration's run-time drop-in and applied at once, for you (<code>v6ctl audit</code>).</p></section>
            """
    }
}
