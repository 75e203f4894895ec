import ControlProtocol
import DashboardServer
import HTTPTypes
import HummingbirdTesting
import Testing

/// Every page route: status, the security headers, what the page shows.
@Suite struct RouteTests {
    static let pages: [(String, String)] = [
        ("/", "Market"), ("/?page=2&q=coll", "Tasks"), ("/timeline", "Timeline"), ("/timeline?date=2026-11-26", "no session"),
        ("/tasks/collect", "Configuration"), ("/history", "History"), ("/history?task=collect&outcome=failed", "exit 2"),
        ("/runs/7", "fetched 120 rows"), ("/logs", "Logs"), ("/calendar", "November 2026"), ("/calendar?month=1929-10", "October 1929"),
        ("/tasks/new", "Add task"), ("/settings", "Settings"), ("/metrics", "Metrics"),
    ]

    @Test func everyPageAnswersWithTheSecurityHeaders() async throws {
        try await RouterHarness().test { client in
            let browser = try await Browser.signIn(client)
            for (path, text) in Self.pages {
                let response = try await browser.get(client, path)
                #expect(response.status == .ok, "\(path)")
                #expect(response.text.contains(text), "\(path) should show \(text)")
                let csp = response.headers[.contentSecurityPolicy] ?? ""
                #expect(csp.contains("script-src 'self'") && csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"), "\(path)")
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(!response.text.contains("<script>"), "no inline script on \(path)")
            }
        }
    }

    @Test func theTodayPageShowsTheMarketAndEveryTask() async throws {
        try await RouterHarness().test { client in
            let page = try await Browser.signIn(client).get(client, "/").text
            #expect(page.contains("market open"))
            #expect(page.contains("early close at 13:00 (Day after Thanksgiving)"))
            #expect(page.contains("Christmas Day"))  // in the next 60 days
            #expect(page.contains("id=\"task-collect\""))
            #expect(page.contains("id=\"task-report\""))
            #expect(page.contains("runtime toggle until 11-28 00:00 -05:00"))
        }
    }

    @Test func unknownThingsAreNotFound() async throws {
        try await RouterHarness().test { client in
            let browser = try await Browser.signIn(client)
            #expect(try await browser.get(client, "/tasks/nope").status == .notFound)
            #expect(try await browser.get(client, "/runs/999").status == .notFound)
            #expect(try await browser.get(client, "/runs/abc").status == .notFound)
            #expect(try await browser.get(client, "/live/nope").status == .notFound)
            #expect(try await browser.get(client, "/calendar?month=1700-01").status == .badRequest)
            #expect(try await browser.get(client, "/timeline?date=tomorrow").status == .badRequest)
            #expect(try await browser.get(client, "/no/such/page").status == .notFound)
        }
    }

    @Test func theDaemonDownIsAClearPageThenItIsBack() async throws {
        let harness = RouterHarness()
        try await harness.test { client in
            let browser = try await Browser.signIn(client)
            harness.gateway.set { $0.down = true }
            for path in ["/", "/tasks/collect", "/history", "/metrics", "/timeline"] {
                let down = try await browser.get(client, path)
                #expect(down.status == .serviceUnavailable, "\(path)")
                #expect(down.text.contains("Daemon unreachable"))
                #expect(down.text.contains("is v6-scheduler running?"))
            }
            #expect(try await browser.get(client, "/calendar").status == .ok)  // offline pages still work
            harness.gateway.set { $0.down = false }
            #expect(try await browser.get(client, "/").status == .ok)
        }
    }

    @Test func assetsComeFromTheBinary() async throws {
        try await RouterHarness().test { client in
            let css = try await client.execute(uri: "/assets/app.css", method: .get)
            #expect(css.status == .ok)
            #expect(css.headers[.contentType]?.hasPrefix("text/css") == true)
            let js = try await client.execute(uri: "/assets/app.js", method: .get)
            #expect(js.text.contains("EventSource"))
            #expect(!js.text.contains("innerHTML"))  // output is added as text, never as markup
            let spec = try await client.execute(uri: "/api/v1/openapi.yaml", method: .get)
            #expect(spec.text.hasPrefix("openapi: 3"))
        }
    }

    @Test func aRunStartedHereStreamsItsOutputAndOutcome() async throws {
        let harness = RouterHarness()
        try await harness.test { client in
            let browser = try await Browser.signIn(client)
            let start = try await browser.post(client, "/tasks/collect/run")
            #expect(start.status == .seeOther)
            let live = try #require(start.headers[.location])
            #expect(live.hasPrefix("/live/"))
            let events = try await browser.get(client, live + "/events")
            #expect(events.headers[.contentType] == "text/event-stream")
            #expect(events.text.contains("event: output\ndata: {\"stream\":\"stdout\",\"text\":\"fetched 120 rows\"}"))
            #expect(events.text.contains("event: final\ndata: {\"outcome\":\"success\""))
            let page = try await browser.get(client, live)
            #expect(page.text.contains("fetched 120 rows"))
            #expect(page.text.contains("Final outcome"))
            #expect(harness.gateway.changes.last == .init(request: .runNow(task: "collect", force: false, wait: true), user: "dashboard"))
        }
    }

    @Test func forcingARunAsksOnceMore() async throws {
        let harness = RouterHarness()
        try await harness.test { client in
            let browser = try await Browser.signIn(client)
            let ask = try await browser.post(client, "/tasks/collect/run", [("force", "1")])
            #expect(ask.status == .ok)
            #expect(ask.text.contains("Yes, run it now"))
            #expect(harness.gateway.changes.isEmpty)
            let run = try await browser.post(client, "/tasks/collect/run", [("force", "1"), ("confirmed", "1")])
            #expect(run.status == .seeOther)
            #expect(harness.gateway.changes.last?.request == .runNow(task: "collect", force: true, wait: true))
        }
    }
}
