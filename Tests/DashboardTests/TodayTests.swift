import ControlProtocol
import DashboardServer
import HummingbirdTesting
import Testing

/// The Today page over a large configuration: the daemon's `status` gives the market and the
/// counts (it lists only the tasks that need attention), and the table is one page of `tasks`,
/// paged and filtered by the daemon.
@Suite struct TodayTests {
    /// 250 tasks: every 10th disabled, every 25th's last run failed.
    static func manyTasks() -> [TaskStatus] {
        (0..<250).map { i in
            let name = String(format: "task_%03d", i)
            let failed = i % 25 == 0 ? RunInfo(runID: Int64(i + 1), task: name, trigger: .schedule, outcome: .failed, exitCode: 1) : nil
            return TaskStatus(name: name, enabled: i % 10 != 0, enabledSource: i % 10 == 0 ? "runtime" : "yaml",
                              schedule: "at 09:35", days: "trading days", lastRun: failed)
        }
    }

    static func rows(_ page: String) -> [String] {
        page.components(separatedBy: "<tr id=\"task-").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }

    @Test func theTableIsOnePageOfTheDaemonsTasks() async throws {
        let harness = RouterHarness()
        harness.gateway.set { $0.tasks = Self.manyTasks() }
        try await harness.test { client in
            let browser = try await Browser.signIn(client)
            let first = try await browser.get(client, "/").text
            #expect(Self.rows(first) == (0..<100).map { String(format: "task_%03d", $0) })
            #expect(first.contains("1–100 of 250") && first.contains("href=\"/?page=2\""))
            // Not every task: status lists only those that need attention, so the table asks for its page.
            #expect(harness.gateway.calls.contains { $0.request == .tasks(limit: 100, offset: 0, filter: nil) })

            let third = try await browser.get(client, "/?page=3").text
            #expect(Self.rows(third) == (200..<250).map { String(format: "task_%03d", $0) })
            #expect(third.contains("201–250 of 250") && !third.contains("rel=\"next\""))
            #expect(harness.gateway.calls.contains { $0.request == .tasks(limit: 100, offset: 200, filter: nil) })

            // Past the end (a stale link): the last page, not an empty table.
            let beyond = try await browser.get(client, "/?page=40").text
            #expect(Self.rows(beyond).first == "task_200" && beyond.contains("201–250 of 250"))
            #expect(try await browser.get(client, "/?page=99999999999999999999").status == .ok)
        }
    }

    @Test func theCountsComeFromTheDaemonAndLinkToTheirTasks() async throws {
        let harness = RouterHarness()
        harness.gateway.set { $0.tasks = Self.manyTasks() }
        try await harness.test { client in
            let page = try await Browser.signIn(client).get(client, "/").text
            let counts = String(page[page.range(of: "id=\"task-counts\"")!.lowerBound...].prefix { $0 != "\n" })
            for text in ["250 tasks", "225 enabled", "25 disabled", "0 running", "10 failed", "0 waiting", "30 need attention"] {
                #expect(counts.contains(text), "\(text) in \(counts)")
            }
            #expect(counts.contains("href=\"/?q=failed\"") && counts.contains("href=\"/?q=attention\""))
        }
    }

    @Test func theFilterIsTheDaemonsAndARefusalStaysBesideTheBox() async throws {
        let harness = RouterHarness()
        harness.gateway.set { $0.tasks = Self.manyTasks() }
        try await harness.test { client in
            let browser = try await Browser.signIn(client)
            let failed = try await browser.get(client, "/?q=failed").text
            #expect(Self.rows(failed) == stride(from: 0, to: 250, by: 25).map { String(format: "task_%03d", $0) })
            #expect(failed.contains("1–10 of 10"))
            let pattern = try await browser.get(client, "/?q=task_1%3F5,enabled").text  // task_1?5, enabled
            #expect(Self.rows(pattern) == stride(from: 105, to: 200, by: 10).map { String(format: "task_%03d", $0) })
            let none = try await browser.get(client, "/?q=nothing_like_this").text
            #expect(Self.rows(none).isEmpty && none.contains("No task matches this filter."))

            let refused = try await browser.get(client, "/?q=%5Bx%3Cb%3E")  // "[x<b>": an unclosed bracket
            #expect(refused.status == .badRequest)
            #expect(refused.text.contains("id=\"q-error\""))
            #expect(refused.text.contains("value=\"[x&lt;b&gt;\""))  // what was typed, escaped
            #expect(!refused.text.contains("<b>"))
            #expect(refused.text.contains("Market"))  // the rest of the page is still there
        }
    }
}
