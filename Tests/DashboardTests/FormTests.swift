import ControlProtocol
import DashboardServer
import HTTPTypes
import HummingbirdTesting
import Testing

/// Add task, Settings and task edit, as the daemon's configuration edits (a fake daemon here; the
/// real one in `RealDaemonTests` and the browser test).
@Suite struct FormTests {
    @Test func aRejectedValueShowsItsMessageBesideTheFieldAndKeepsWhatWasTyped() async throws {
        let harness = RouterHarness()
        try await harness.test { client in
            let browser = try await Browser.signIn(client)
            let response = try await browser.post(client, "/tasks/new", [("name", "nightly"), ("command", "python3 x.py <b>"),
                                                                          ("at", "18:00"), ("timeout_seconds", "0")])
            #expect(response.status == .unprocessableContent)
            let page = response.text
            // The checker's line, without its FILE:LINE and key path, beside the field it names.
            #expect(page.contains("id=\"timeout_seconds-error\" role=\"alert\">0 is out of range (from 1 to 604800 seconds)</span>"))
            #expect(page.contains("name=\"timeout_seconds\" type=\"text\" value=\"0\" aria-invalid=\"true\""))
            #expect(page.contains("value=\"nightly\"") && page.contains("value=\"python3 x.py &lt;b&gt;\"") && page.contains("value=\"18:00\""))
            let good = try await browser.post(client, "/tasks/new", [("name", "nightly"), ("command", "python3 x.py"), ("at", "18:00, close+15m"),
                                                                     ("days", "mon,wed"), ("timeout_seconds", "5min")])
            #expect(good.status == .seeOther)
            #expect(good.headers[.location] == "/tasks/nightly")
            #expect(try await browser.get(client, "/tasks/nightly").text.contains("nightly: command: (unset) → &quot;python3 x.py&quot;"))
        }
        // What reached the daemon: YAML texts, the running revision, the signed-in user.
        let add = try #require(harness.gateway.changes.last)
        #expect(add.request == .config(.taskAdd(task: "nightly", settings: [
            EditSetting(key: "command", value: "\"python3 x.py\""), EditSetting(key: "at", value: "[\"18:00\", \"close+15m\"]"),
            EditSetting(key: "days", value: "[\"mon\", \"wed\"]"), EditSetting(key: "timeout_seconds", value: "5min"),
        ], revision: "0000000000000001", onBehalfOf: "dashboard")))
    }

    @Test func whatTheFormCanTellItSaysItselfAndNothingReachesTheDaemon() async throws {
        let harness = RouterHarness()
        try await harness.test { client in
            let browser = try await Browser.signIn(client)
            let none = try await browser.post(client, "/tasks/new", [("name", ""), ("command", "x")])
            #expect(none.status == .unprocessableContent)
            #expect(none.text.contains("id=\"name-error\" role=\"alert\">a task needs a name"))
            #expect(none.text.contains("id=\"at-error\" role=\"alert\">give one schedule: at, frequency or cron"))
            let two = try await browser.post(client, "/tasks/new", [("name", "x"), ("at", "10:00"), ("cron", "* * * * *"), ("market_phase", "market_open")])
            #expect(two.text.contains("id=\"cron-error\" role=\"alert\">give only one of at, frequency and cron"))
            #expect(two.text.contains("id=\"market_phase-error\" role=\"alert\">a market phase limits a frequency"))
            #expect(two.text.contains("<option value=\"market_open\" selected>"))
            let exists = try await browser.post(client, "/tasks/new", [("name", "collect"), ("command", "x"), ("at", "10:00")])
            #expect(exists.status == .unprocessableContent)
            #expect(exists.text.contains("id=\"form-error\">task collect already exists"))
        }
        #expect(harness.gateway.changes.map(\.request.command) == [.taskAdd])  // only the one the daemon had to judge
    }

    @Test func taskEditSendsWhatChangedBasedOnTheRevisionItShowed() async throws {
        let harness = RouterHarness()
        try await harness.test { client in
            let browser = try await Browser.signIn(client)
            let page = try await browser.get(client, "/tasks/collect").text
            #expect(page.contains("<input type=\"hidden\" name=\"revision\" value=\"0000000000000001\">"))
            let bad = try await browser.post(client, "/tasks/collect/edit", [("revision", "0000000000000001"), ("timeout_seconds", "60"), ("retries", "-1")])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("id=\"retries-error\" role=\"alert\">-1 is out of range (from 0 to 100)</span>"))
            #expect(bad.text.contains("name=\"retries\" type=\"text\" value=\"-1\""))
            let schedule = try await browser.post(client, "/tasks/collect/edit", [("revision", "0000000000000001"), ("schedule", "every 5 minutes")])
            #expect(schedule.text.contains("id=\"schedule-error\" role=\"alert\">write at: 09:35"))
            let good = try await browser.post(client, "/tasks/collect/edit", [("revision", "0000000000000001"), ("timeout_seconds", "60"),
                                                                              ("retries", "3"), ("schedule", "frequency: 10min")])
            #expect(good.status == .seeOther)
            // Someone else saved meanwhile: the page says so at the top and keeps what was typed.
            let stale = try await browser.post(client, "/tasks/collect/edit", [("revision", "0000000000000001"), ("retries", "4")])
            #expect(stale.status == .conflict)
            #expect(stale.text.contains("id=\"form-error\">The configuration changed while this form was open"))
            #expect(stale.text.contains("name=\"retries\" type=\"text\" value=\"4\""))
            #expect(stale.text.contains("<input type=\"hidden\" name=\"revision\" value=\"0000000000000002\">"))
        }
        // Only what differs from the task as shown (timeout 60 was unchanged); the user named.
        #expect(harness.gateway.changes.map(\.request) == [
            .config(.taskSet(task: "collect", settings: [EditSetting(key: "retries", value: "-1")], revision: "0000000000000001", onBehalfOf: "dashboard")),
            .config(.taskSet(task: "collect", settings: [EditSetting(key: "retries", value: "3"), EditSetting(key: "frequency", value: "\"10min\"")],
                             revision: "0000000000000001", onBehalfOf: "dashboard")),
            .config(.taskSet(task: "collect", settings: [EditSetting(key: "retries", value: "4")], revision: "0000000000000001", onBehalfOf: "dashboard")),
        ])
    }

    @Test func theTaskPageShowsWhereEachValueComesFrom() async throws {
        try await RouterHarness().test { client in
            let browser = try await Browser.signIn(client)
            let page = try await browser.get(client, "/tasks/collect").text
            #expect(page.contains("<tr><th>retries</th><td><code>1</code></td><td class=\"source\">config/test.yaml.d/90-runtime.yaml:4</td></tr>"))
            #expect(page.contains("<tr><th>frequency</th><td><code>&quot;5min&quot;</code></td><td class=\"source\">config/test.yaml:7</td></tr>"))
            #expect(page.contains("<tr><th>timeout_seconds</th><td><code>60</code></td><td class=\"source\">default</td></tr>"))
            #expect(page.contains("<tr><th>enabled</th><td><code>enabled</code></td><td class=\"source\">from YAML</td></tr>"))
        }
    }

    @Test func settingsSaveOnlyWhatChanged() async throws {
        let harness = RouterHarness()
        try await harness.test { client in
            let browser = try await Browser.signIn(client)
            let page = try await browser.get(client, "/settings").text
            #expect(page.contains("<input type=\"hidden\" name=\"revision\" value=\"0000000000000001\">"))
            let same = try await browser.post(client, "/settings", [("revision", "0000000000000001"), ("enable_holiday_check", "true"), ("enable_logging", "true")])
            #expect(same.status == .seeOther)
            #expect(try await browser.get(client, "/settings").text.contains("settings: nothing to change"))
            let off = try await browser.post(client, "/settings", [("revision", "0000000000000001"), ("enable_holiday_check", "true"), ("enable_logging", "false")])
            #expect(off.status == .seeOther)
            #expect(try await browser.get(client, "/settings").text.contains("settings: enable_logging: (unset) → false"))
        }
        #expect(harness.gateway.changes.map(\.request) == [
            .config(.settingsSet(settings: [EditSetting(key: "enable_logging", value: "false")], revision: "0000000000000001", onBehalfOf: "dashboard")),
        ])
    }

    @Test func theDisplayZoneIsThisSessionsOwn() async throws {
        try await RouterHarness().test { client in
            let browser = try await Browser.signIn(client)
            let bad = try await browser.post(client, "/settings/display", [("display_zone", "Mars/Olympus")])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("not a time zone name"))
            #expect(try await browser.post(client, "/settings/display", [("display_zone", "Europe/London")]).status == .seeOther)
            let today = try await browser.get(client, "/").text
            #expect(today.contains("09:35 -05:00 (14:35 GMT)"))
        }
    }
}
