import ControlProtocol
import DashboardServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The daemon's newer commands in the dashboard: history pages (`cursor`), its own metrics,
/// dependencies (`after:`, `with_dependents`), and the run links its alerts carry.
@Suite struct DaemonCommandsTests {
    /// 120 runs of collect, one a minute back from 09:30 ET (ids 1-120, newest highest); every
    /// tenth failed.
    static let manyRuns: [RunInfo] = (1...120).map { id in
        let minute = 9 * 60 + 30 - (120 - id)
        let at = String(format: "2026-11-27T%02d:%02d:00-05:00", minute / 60, minute % 60)
        return RunInfo(runID: Int64(id), task: "collect", trigger: .schedule, scheduledAt: at, startedAt: at, outcome: id % 10 == 0 ? .failed : .success,
                       exitCode: id % 10 == 0 ? 1 : 0, durationMS: 1000, cpuMS: 250, maxRSSBytes: 48 * 1024 * 1024)
    }

    @Test func theHistoryPagesThroughTheDaemonsCursor() async throws {
        let harness = RouterHarness()
        harness.gateway.set { $0.runs = Self.manyRuns }
        try await harness.test { client in
            let browser = try await Browser.signIn(client)
            let first = try await browser.get(client, "/history").text
            #expect(first.contains("<a href=\"/runs/120\">120</a>") && first.contains("<a href=\"/runs/71\">71</a>") && !first.contains("/runs/70\""))
            #expect(first.contains("<span>50 runs</span>"))
            #expect(first.contains("<a rel=\"next\" href=\"/history?cursor=70&amp;prev=-\">older ›</a>"))
            #expect(!first.contains("newer"))
            let second = try await browser.get(client, "/history?cursor=70&prev=-").text
            #expect(second.contains("<a href=\"/runs/70\">70</a>") && second.contains("<a href=\"/runs/21\">21</a>"))
            #expect(second.contains("<a rel=\"prev\" href=\"/history\">‹ newer</a>"))
            #expect(second.contains("<a rel=\"next\" href=\"/history?cursor=20&amp;prev=-%2C70\">older ›</a>"))
            let third = try await browser.get(client, "/history?cursor=20&prev=-,70").text
            #expect(third.contains("<a rel=\"prev\" href=\"/history?cursor=70&amp;prev=-\">‹ newer</a>"))
            #expect(third.contains("<span>20 runs</span>") && !third.contains("older ›"))
            #expect(third.contains("250 ms CPU, 48.0 MiB"))
            // Outcome is filtered here: pages of the daemon's history are read until a screenful matched.
            let failed = try await browser.get(client, "/history?outcome=failed").text
            #expect(failed.contains("<span>12 runs (of 120 looked at)</span>"))
            #expect(failed.contains("<a href=\"/runs/110\">110</a>") && !failed.contains("<a href=\"/runs/111\">"))
        }
        // Each page is one bounded request (plus the scan's), never the whole history at once.
        let limits = harness.gateway.calls.compactMap { call -> Int? in
            if case .history(_, nil, let limit, _, _) = call.request { return limit }
            return nil
        }
        #expect(limits == [50, 50, 50, 200])
    }

    @Test func metricsAreTheDaemonsOwn() async throws {
        let harness = RouterHarness()
        harness.gateway.set { $0.runs = Self.manyRuns }
        try await harness.test { client in
            // A scraper with a key gets the daemon's exposition as it is, with its content type.
            let scrape = try await client.execute(uri: "/metrics", method: .get, headers: APITests.read)
            #expect(scrape.status == .ok)
            #expect(scrape.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            #expect(scrape.text.hasPrefix("# HELP v6_task_runs_total Finished runs.\n"))
            // The page: per-run CPU and peak memory, and the same exposition.
            let browser = try await Browser.signIn(client)
            let page = try await browser.get(client, "/metrics").text
            #expect(page.contains("<td>250 ms / 48.0 MiB</td>"))
            #expect(page.contains("v6_task_runs_total{task=&quot;collect&quot;,outcome=&quot;success&quot;} 1"))
            harness.gateway.set { $0.down = true }
            #expect(try await client.execute(uri: "/metrics", method: .get, headers: APITests.read).status == .serviceUnavailable)
        }
    }

    @Test func dependenciesShowAndRunNowCanTakeTheTasksAfter() async throws {
        let harness = RouterHarness()
        harness.gateway.set { state in
            state.tasks[0].dependents = ["report"]
            state.tasks[1].after = ["collect"]
            state.tasks[1].waitingFor = ["collect"]
            state.tasks[1].waitingUntil = "2026-11-27T10:30:00-05:00"
        }
        try await harness.test { client in
            let browser = try await Browser.signIn(client)
            let collect = try await browser.get(client, "/tasks/collect").text
            #expect(collect.contains("<li id=\"needed-by\">Needed by <a href=\"/tasks/report\">report</a>"))
            #expect(collect.contains("Run now with what runs after it"))
            let report = try await browser.get(client, "/tasks/report").text
            #expect(report.contains("<li id=\"runs-after\">Runs after <a href=\"/tasks/collect\">collect</a>"))
            #expect(report.contains("for <a href=\"/tasks/collect\">collect</a> until 2026-11-27 10:30:00 -05:00, then skipped"))
            #expect(!report.contains("Run now with what runs after it"))
            #expect(try await browser.get(client, "/").text.contains("<span class=\"badge waiting\">waiting</span> <span class=\"muted\">for collect until 10:30 -05:00</span>"))
            let run = try await browser.post(client, "/tasks/collect/run", [("with_dependents", "1")])
            #expect(run.status == .seeOther)
            #expect(harness.gateway.changes.last == .init(request: .runNow(task: "collect", wait: true, withDependents: true), user: "dashboard"))
            let api = try await client.execute(uri: "/api/v1/tasks/collect/run", method: .post, headers: APITests.operate,
                                               body: .init(string: #"{"with_dependents":true}"#))
            #expect(api.status == .ok)
            #expect(harness.gateway.changes.last == .init(request: .runNow(task: "collect", withDependents: true), user: "api:deployer"))
        }
    }

    @Test func anAlertsRunLinkLeadsToTheRunAfterSigningIn() async throws {
        try await RouterHarness().test { client in
            // `<dashboard_url>/runs/<run id>`, opened by someone not signed in yet.
            let link = try await client.execute(uri: "/runs/7", method: .get)
            #expect(link.status == .seeOther)
            #expect(link.headers[.location] == "/login?next=%2Fruns%2F7")
            let login = try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                 body: .init(string: "token=\(RouterHarness.token)&next=%2Fruns%2F7"))
            #expect(login.headers[.location] == "/runs/7")
            let cookie = String((login.headers[.setCookie] ?? "").split(separator: ";")[0])
            let run = try await client.execute(uri: "/runs/7", method: .get, headers: [.cookie: cookie])
            #expect(run.status == .ok)
            #expect(run.text.contains("<h1>Run 7</h1>") && run.text.contains("fetched 120 rows"))
        }
    }
}
