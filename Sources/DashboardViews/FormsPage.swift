/// Page 7, Add task and Settings: forms over the daemon's run-time configuration edits. A refused
/// value shows the validator's message beside its field, and the form keeps what was typed.
public enum FormsPage {
    /// The values typed and the validator's messages (by field; `""` for the whole form), after a refusal.
    public struct State: Sendable {
        public var values: [String: String]
        public var errors: [String: String]
        public init(values: [String: String] = [:], errors: [String: String] = [:]) {
            self.values = values
            self.errors = errors
        }
    }

    /// The form-wide message (a conflict, the daemon down, a line without a field) at the top.
    static func formError(_ state: State) -> HTML {
        state.errors[""].map { "<p class=\"banner error\" role=\"alert\" id=\"form-error\">\($0)</p>" } ?? .empty
    }

    /// The hidden revision a form's change is based on.
    static func revisionField(_ revision: String?) -> HTML {
        revision.map { "<input type=\"hidden\" name=\"revision\" value=\"\($0)\">" } ?? .empty
    }

    public static func addTask(_ state: State, context: PageContext) -> HTML {
        let v = state.values, e = state.errors
        let disabled: HTML = context.readOnly ? " disabled" : .empty
        let phase = v["market_phase"] ?? ""
        let phases = ConfigForm.phases.map { value in
            "<option value=\"\(value)\"\(value == phase ? HTML(trusted: " selected") : .empty)>\(value.isEmpty ? "(default: any)" : value)</option>" as HTML
        }
        let phaseError: HTML = e["market_phase"].map { "<span class=\"field-error\" id=\"market_phase-error\" role=\"alert\">\($0)</span>" } ?? .empty
        return Layout.page("Add task", section: .addTask, context: context, body: """
            \(formError(state))
            <section><p class="muted">The task is added to the configuration's run-time drop-in and runs from now on, checked first like <code>v6-scheduler check-config</code>; every change is in <code>v6ctl audit</code> with your name.</p>
            <form method="post" action="/tasks/new" class="stack" id="add-task">\(context.csrfField)
            <fieldset\(disabled)>
            <legend>Task</legend>
            \(FormField("name", "Name", value: v["name"], error: e["name"], hint: "a-z, 0-9 and _").html)
            \(FormField("command", "Command", value: v["command"], error: e["command"], hint: "run in the working directory without a shell; e.g. python3 scripts/collect.py").html)
            </fieldset>
            <fieldset\(disabled)>
            <legend>Timing (one of at, frequency, cron)</legend>
            \(FormField("at", "At", value: v["at"], error: e["at"], hint: "09:35, close+15m, or several: 12:00, 18:30").html)
            \(FormField("frequency", "Frequency", value: v["frequency"], error: e["frequency"], hint: "30s, 5min, 1h").html)
            \(FormField("cron", "Cron", value: v["cron"], error: e["cron"], hint: "*/10 * * * * (ET wall time)").html)
            \(FormField("days", "Days", value: v["days"], error: e["days"], hint: "trading (default), every_day, weekdays, weekends, or mon,wed,fri").html)
            <label for="f-market_phase">Market phase (with a frequency)\(phaseError)</label><select id="f-market_phase" name="market_phase">\(phases)</select>
            </fieldset>
            <fieldset\(disabled)>
            <legend>Execution</legend>
            \(FormField("timeout_seconds", "Timeout", value: v["timeout_seconds"], error: e["timeout_seconds"], hint: "seconds or a duration (300, 5min); default 3600").html)
            \(FormField("retries", "Retries", value: v["retries"], error: e["retries"], hint: "default 0").html)
            \(FormField("retry_backoff_seconds", "Retry backoff", value: v["retry_backoff_seconds"], error: e["retry_backoff_seconds"], hint: "seconds or a duration").html)
            <p><button class="primary">Add task</button></p>
            </fieldset>
            </form></section>
            """)
    }

    public static func settings(_ state: State, current: [String: String], revision: String?, displayZone: String?, context: PageContext) -> HTML {
        let e = state.errors
        let disabled: HTML = (context.readOnly || revision == nil) ? " disabled" : .empty
        func checked(_ key: String) -> Bool { (state.values[key] ?? current[key] ?? "true") == "true" }
        return Layout.page("Settings", section: .settings, context: context, body: """
            \(formError(state))
            <section><h2>Scheduler</h2>
            <form method="post" action="/settings" class="stack" id="settings">\(context.csrfField)\(revisionField(revision))<fieldset\(disabled)>
            \(FormField.checkbox("enable_holiday_check", "Holiday check: trading-day tasks skip NYSE holidays", checked: checked("enable_holiday_check"), error: e["enable_holiday_check"]))
            \(FormField.checkbox("enable_logging", "Logging to the plain log file", checked: checked("enable_logging"), error: e["enable_logging"]))
            <p><button class="primary">Save</button></p></fieldset></form>
            <p class="muted">Saved to the configuration's run-time drop-in and applied at once; other scheduler keys: <code>v6ctl settings set</code>. A key set again in a later drop-in, or by the environment, wins over this form.</p></section>
            <section><h2>Display</h2>
            <form method="post" action="/settings/display" class="stack">\(context.csrfField)
            \(FormField("display_zone", "Second time zone", value: state.values["display_zone"] ?? displayZone, error: e["display_zone"], hint: "e.g. Europe/London; empty for ET only. ET is always shown; this browser session only.").html)
            <p><button>Apply</button></p></form></section>
            """)
    }
}
