/// Page 7, Add task and Settings: forms over the run-time configuration interface. A refused
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

    static func unavailableNote(_ available: Bool) -> HTML {
        available ? .empty : "<p class=\"banner readonly\">This daemon cannot change its configuration at run time yet: edit the YAML file and run <code>v6ctl reload</code>. The form is shown so you can see what it will take.</p>"
    }

    public static func addTask(_ state: State, available: Bool, context: PageContext) -> HTML {
        let v = state.values, e = state.errors
        let disabled: HTML = (context.readOnly || !available) ? " disabled" : .empty
        let formError: HTML = e[""].map { "<p class=\"banner error\" role=\"alert\">\($0)</p>" } ?? .empty
        let phase = v["market_phase"] ?? "any"
        let phases = ["any", "pre_market", "market_open", "after_hours", "closed"].map { "<option\($0 == phase ? HTML(trusted: " selected") : .empty)>\($0)</option>" as HTML }
        return Layout.page("Add task", section: .addTask, context: context, body: """
            \(unavailableNote(available))\(formError)
            <section><form method="post" action="/tasks/new" class="stack" id="add-task">\(context.csrfField)
            <fieldset\(disabled)>
            <legend>Task</legend>
            \(FormField("name", "Name", value: v["name"], error: e["name"], hint: "letters, digits, _").html)
            \(FormField("command", "Command", value: v["command"], error: e["command"], hint: "run in the working directory; e.g. python3 scripts/collect.py").html)
            </fieldset>
            <fieldset\(disabled)>
            <legend>Timing (one of at, frequency, cron)</legend>
            \(FormField("at", "At", value: v["at"], error: e["at"], hint: "09:35, close+15m, or several: 12:00, 18:30").html)
            \(FormField("frequency", "Frequency", value: v["frequency"], error: e["frequency"], hint: "30s, 5min, 1h").html)
            \(FormField("cron", "Cron", value: v["cron"], error: e["cron"], hint: "*/10 * * * * (ET wall time)").html)
            \(FormField("days", "Days", value: v["days"], error: e["days"], hint: "trading (default), every_day, or mon,wed,fri").html)
            <label for="f-market_phase">Market phase\(e["market_phase"].map { "<span class=\"field-error\" role=\"alert\">\($0)</span>" as HTML })</label><select id="f-market_phase" name="market_phase">\(phases)</select>
            </fieldset>
            <fieldset\(disabled)>
            <legend>Execution</legend>
            \(FormField("timeout_seconds", "Timeout (seconds)", value: v["timeout_seconds"], error: e["timeout_seconds"], hint: "default 3600").html)
            \(FormField("retries", "Retries", value: v["retries"], error: e["retries"], hint: "default 0").html)
            \(FormField("retry_backoff_seconds", "Retry backoff (seconds)", value: v["retry_backoff_seconds"], error: e["retry_backoff_seconds"]).html)
            <p><button class="primary">Add task</button></p>
            </fieldset>
            </form></section>
            """)
    }

    public static func settings(_ state: State, current: [String: String], displayZone: String?, available: Bool, context: PageContext) -> HTML {
        let e = state.errors
        let disabled: HTML = (context.readOnly || !available) ? " disabled" : .empty
        func checked(_ key: String) -> Bool { (state.values[key] ?? current[key] ?? "true") == "true" }
        let formError: HTML = e[""].map { "<p class=\"banner error\" role=\"alert\">\($0)</p>" } ?? .empty
        return Layout.page("Settings", section: .settings, context: context, body: """
            \(unavailableNote(available))\(formError)
            <section><h2>Scheduler</h2>
            <form method="post" action="/settings" class="stack" id="settings">\(context.csrfField)<fieldset\(disabled)>
            \(FormField.checkbox("enable_holiday_check", "Holiday check: trading-day tasks skip NYSE holidays", checked: checked("enable_holiday_check"), error: e["enable_holiday_check"]))
            \(FormField.checkbox("enable_logging", "Logging to the plain log file", checked: checked("enable_logging"), error: e["enable_logging"]))
            <p><button class="primary">Save</button></p></fieldset></form></section>
            <section><h2>Display</h2>
            <form method="post" action="/settings/display" class="stack">\(context.csrfField)
            \(FormField("display_zone", "Second time zone", value: state.values["display_zone"] ?? displayZone, error: e["display_zone"], hint: "e.g. Europe/London; empty for ET only. ET is always shown; this browser session only.").html)
            <p><button>Apply</button></p></form></section>
            """)
    }
}
