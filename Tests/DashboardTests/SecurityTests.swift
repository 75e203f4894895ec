import ControlProtocol
import DashboardServer
import HTTPTypes
import HummingbirdTesting
import Testing

/// Hostile requests: no CSRF token, markup in names and output, oversized bodies, read-only mode.
@Suite struct SecurityTests {
    @Test func aPostWithoutTheSessionsCSRFTokenChangesNothing() async throws {
        let harness = RouterHarness()
        try await harness.test { client in
            let browser = try await Browser.signIn(client)
            for csrf in ["", "forged", String(browser.csrf.dropLast()) + "x"] {
                let response = try await browser.post(client, "/tasks/collect/disable", [("until", "today")], csrf: csrf)
                #expect(response.status == .forbidden)
                #expect(response.text.contains("CSRF"))
            }
            let crossSite = try await client.execute(uri: "/tasks/collect/disable", method: .post,
                headers: [.cookie: browser.cookie, .contentType: "application/x-www-form-urlencoded", HTTPField.Name("Sec-Fetch-Site")!: "cross-site"],
                body: .init(string: "csrf=\(browser.csrf)"))
            #expect(crossSite.status == .forbidden)
            #expect(harness.gateway.changes.isEmpty)
            let ok = try await browser.post(client, "/tasks/collect/disable", [("until", "today")])
            #expect(ok.status == .seeOther)
            // The signed-in user is named for the daemon's audit; "today" is resolved to midnight ET.
            #expect(harness.gateway.changes == [.init(request: .disable(task: "collect", until: "2026-11-28T00:00:00-05:00"), user: "dashboard")])
            let page = try await browser.get(client, "/")
            #expect(page.text.contains("collect: disabled until 2026-11-28T00:00:00-05:00 (runtime)"))
            // "until date…" without a date, and a date in the past, change nothing and say why.
            _ = try await browser.post(client, "/tasks/collect/disable", [("until", "date"), ("date", "")])
            #expect(try await browser.get(client, "/").text.contains("pick a date"))
            _ = try await browser.post(client, "/tasks/collect/disable", [("until", "date"), ("date", "2026-11-01")])
            #expect(try await browser.get(client, "/").text.contains("is in the past"))
            #expect(harness.gateway.changes.count == 1)
        }
    }

    @Test func noGetChangesAnything() async throws {
        let harness = RouterHarness()
        try await harness.test { client in
            let browser = try await Browser.signIn(client)
            for path in ["/tasks/collect/disable", "/tasks/collect/enable", "/tasks/collect/clear", "/tasks/collect/run", "/logout"] {
                let response = try await browser.get(client, path)
                #expect(response.status == .notFound || response.status == .methodNotAllowed, "\(path)")
            }
            #expect(harness.gateway.changes.isEmpty)
        }
    }

    @Test func markupInNamesAndOutputIsShownAsText() async throws {
        let harness = RouterHarness()
        let evil = "<script>alert(1)</script>"
        harness.gateway.set { state in
            state.tasks[0].name = "x\(evil)"
            state.tasks[0].schedule = "</textarea><img src=x onerror=alert(2)>"
            state.runs[0] = RunInfo(runID: 7, task: "x\(evil)", trigger: .manual, outcome: .failed, reason: "\"quoted\" & <b>",
                                    outputTail: ["</textarea>", evil, "' onmouseover='x"])
        }
        try await harness.test { client in
            let browser = try await Browser.signIn(client)
            for path in ["/", "/runs/7", "/history", "/metrics"] {
                let page = try await browser.get(client, path).text
                #expect(!page.contains(evil), "\(path)")
                #expect(!page.contains("<img src=x"), "\(path)")
                #expect(!page.contains("</textarea>"), "\(path)")
            }
            let run = try await browser.get(client, "/runs/7").text
            #expect(run.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(run.contains("&lt;/textarea&gt;"))
            #expect(run.contains("&#39; onmouseover=&#39;x"))
            #expect(run.contains("&quot;quoted&quot; &amp; &lt;b&gt;"))
        }
    }

    @Test func bodiesAreBounded() async throws {
        let harness = RouterHarness()
        try await harness.test { client in
            let browser = try await Browser.signIn(client)
            let big = String(repeating: "a", count: Limits.maxBody + 10)
            let response = try await browser.post(client, "/tasks/collect/disable", [("pad", big)])
            #expect(response.status == .contentTooLarge)
            let api = try await client.execute(uri: "/api/v1/tasks/collect/disable", method: .post,
                                               headers: [.authorization: "Bearer \(RouterHarness.operatorKey)"], body: .init(string: big))
            #expect(api.status == .badRequest)
            #expect(harness.gateway.changes.isEmpty)
        }
    }

    @Test func readOnlyModeSaysSoOnEveryPageAndChangesNothing() async throws {
        let harness = RouterHarness()
        harness.gateway.set { $0.mayChange = false }
        try await harness.test { client in
            let browser = try await Browser.signIn(client)
            for (path, _) in RouteTests.pages {
                let page = try await browser.get(client, path).text
                #expect(page.contains("class=\"banner readonly\""), "\(path)")
                #expect(page.contains("does not let this dashboard"), "\(path)")
            }
            let today = try await browser.get(client, "/").text
            #expect(today.contains("disabled title=\"read-only\""))
            for path in ["/tasks/collect/disable", "/tasks/collect/enable", "/tasks/collect/clear", "/tasks/collect/run"] {
                #expect(try await browser.post(client, path).status == .seeOther)
            }
            #expect(harness.gateway.changes.isEmpty)
            #expect(try await browser.get(client, "/").text.contains("read-only"))
        }
    }

    @Test func liveStreamsAreCapped() async throws {
        let harness = RouterHarness(maxStreams: 0)
        try await harness.test { client in
            let browser = try await Browser.signIn(client)
            let start = try await browser.post(client, "/tasks/collect/run")
            let live = try #require(start.headers[.location])
            #expect(try await browser.get(client, live + "/events").status == .serviceUnavailable)
            #expect(try await browser.get(client, live).status == .ok)  // the page itself still shows the output
        }
    }
}
