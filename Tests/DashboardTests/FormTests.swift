import DashboardServer
import HTTPTypes
import HummingbirdTesting
import Testing

/// Add task, Settings and task edit, over the `ConfigEditor` seam.
@Suite struct FormTests {
    @Test func aRejectedValueShowsItsMessageBesideTheFieldAndKeepsWhatWasTyped() async throws {
        try await RouterHarness(editor: FakeEditor()).test { client in
            let browser = try await Browser.signIn(client)
            let response = try await browser.post(client, "/tasks/new", [("name", "nightly_<b>"), ("command", "python3 x.py"),
                                                                          ("at", "18:00"), ("timeout_seconds", "0")])
            #expect(response.status == .unprocessableContent)
            let page = response.text
            #expect(page.contains("id=\"timeout_seconds-error\" role=\"alert\">timeout_seconds: 0 is not a positive number of seconds (try 60)</span>"))
            #expect(page.contains("name=\"timeout_seconds\" type=\"text\" value=\"0\" aria-invalid=\"true\""))
            #expect(page.contains("value=\"nightly_&lt;b&gt;\""))
            #expect(page.contains("value=\"python3 x.py\""))
            let good = try await browser.post(client, "/tasks/new", [("name", "nightly"), ("command", "python3 x.py"), ("at", "18:00")])
            #expect(good.status == .seeOther)
            #expect(good.headers[.location] == "/tasks/nightly")
        }
    }

    @Test func withoutTheDaemonsEditCommandsTheFormsSaySo() async throws {
        try await RouterHarness().test { client in
            let browser = try await Browser.signIn(client)
            #expect(try await browser.get(client, "/tasks/new").text.contains("cannot change its configuration at run time yet"))
            let response = try await browser.post(client, "/tasks/new", [("name", "nightly")])
            #expect(response.status == .conflict)
            #expect(response.text.contains("v6ctl reload"))
        }
    }

    @Test func taskEditAndSettingsGoThroughTheEditor() async throws {
        try await RouterHarness(editor: FakeEditor()).test { client in
            let browser = try await Browser.signIn(client)
            let bad = try await browser.post(client, "/tasks/collect/edit", [("retries", "-1")])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("retries: -1 is below 0 (try 2)"))
            #expect(try await browser.post(client, "/tasks/collect/edit", [("retries", "3")]).status == .seeOther)
            #expect(try await browser.post(client, "/settings", [("enable_logging", "false")]).status == .seeOther)
            #expect(try await browser.get(client, "/settings").text.contains("settings saved"))
        }
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
