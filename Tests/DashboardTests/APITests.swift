import ControlProtocol
import DashboardServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// `/api/v1/`: bearer keys, read-only keys, the daemon's results and errors as HTTP.
@Suite struct APITests {
    static let read: HTTPFields = [.authorization: "Bearer \(RouterHarness.readKey)"]
    static let operate: HTTPFields = [.authorization: "Bearer \(RouterHarness.operatorKey)", .contentType: "application/json"]

    @Test func aKeyIsRequired() async throws {
        try await RouterHarness().test { client in
            for headers: HTTPFields in [[:], [.authorization: "Bearer wrong-key-0123456789abcdefgh"], [.authorization: "Basic eDp5"]] {
                let response = try await client.execute(uri: "/api/v1/status", method: .get, headers: headers)
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            }
            // A browser session is no API key.
            let browser = try await Browser.signIn(client)
            #expect(try await browser.get(client, "/api/v1/tasks").status == .unauthorized)
        }
    }

    @Test func readsPassTheDaemonsResultsThrough() async throws {
        try await RouterHarness().test { client in
            let status = try await client.execute(uri: "/api/v1/status", method: .get, headers: Self.read)
            #expect(status.status == .ok)
            let decoded = try JSONDecoder().decode(StatusResult.self, from: Data(buffer: status.body))
            #expect(decoded.tasks.map(\.name) == ["report"] && decoded.taskCounts?.total == 2)  // status: those that need attention
            // tasks: paged and filtered by the daemon; the query's numbers checked here, the filter there.
            let page = try await client.execute(uri: "/api/v1/tasks?limit=1&offset=1", method: .get, headers: Self.read)
            let tasks = try JSONDecoder().decode(TasksResult.self, from: Data(buffer: page.body))
            #expect(tasks.tasks.map(\.name) == ["report"] && tasks.total == 2 && tasks.offset == 1)
            let disabled = try await client.execute(uri: "/api/v1/tasks?filter=disabled", method: .get, headers: Self.read)
            #expect(try JSONDecoder().decode(TasksResult.self, from: Data(buffer: disabled.body)).tasks.map(\.name) == ["report"])
            for bad in ["limit=0", "limit=x", "offset=-1", "filter=%5Bx", "filter="] {
                let refused = try await client.execute(uri: "/api/v1/tasks?\(bad)", method: .get, headers: Self.read)
                #expect(refused.status == .badRequest && refused.text.contains("invalid_value"), "\(bad): \(refused.text)")
            }
            #expect(try await client.execute(uri: "/api/v1/tasks/collect", method: .get, headers: Self.read).status == .ok)
            #expect(try await client.execute(uri: "/api/v1/tasks/nope", method: .get, headers: Self.read).status == .notFound)
            #expect(try await client.execute(uri: "/api/v1/history?task=collect&limit=5", method: .get, headers: Self.read).status == .ok)
            #expect(try await client.execute(uri: "/api/v1/history?limit=0", method: .get, headers: Self.read).status == .badRequest)
            // Paged as the daemon pages: next_cursor back as cursor.
            let first = try JSONDecoder().decode(HistoryResult.self, from: Data(buffer: try await client.execute(uri: "/api/v1/history?limit=1", method: .get, headers: Self.read).body))
            #expect(first.runs.map(\.runID) == [7] && first.nextCursor == 6)
            let second = try await client.execute(uri: "/api/v1/history?limit=1&cursor=6", method: .get, headers: Self.read)
            #expect(try JSONDecoder().decode(HistoryResult.self, from: Data(buffer: second.body)).runs.map(\.runID) == [6])
            #expect(try await client.execute(uri: "/api/v1/history?cursor=0", method: .get, headers: Self.read).status == .badRequest)
            let run = try await client.execute(uri: "/api/v1/runs/7", method: .get, headers: Self.read)
            #expect(try JSONDecoder().decode(RunInfo.self, from: Data(buffer: run.body)).outputTail == ["fetched 120 rows"])
            let calendar = try await client.execute(uri: "/api/v1/calendar?from=2026-11-26&to=2026-11-27", method: .get, headers: Self.read)
            #expect(calendar.text.contains("Thanksgiving Day"))
            #expect(calendar.text.contains("\"close\":\"2026-11-27T13:00:00-05:00\""))
            #expect(try await client.execute(uri: "/api/v1/calendar?from=2026-01-01&to=2028-01-01", method: .get, headers: Self.read).status == .badRequest)
        }
    }

    @Test func aReadOnlyKeyCannotChangeAnything() async throws {
        let harness = RouterHarness()
        try await harness.test { client in
            for path in ["enable", "disable", "clear", "run"] {
                let response = try await client.execute(uri: "/api/v1/tasks/collect/\(path)", method: .post, headers: Self.read)
                #expect(response.status == .forbidden, "\(path)")
            }
            #expect(harness.gateway.changes.isEmpty)
        }
    }

    @Test func anOperatorKeyChangesAndIsNamedForTheAudit() async throws {
        let harness = RouterHarness()
        try await harness.test { client in
            let disable = try await client.execute(uri: "/api/v1/tasks/collect/disable", method: .post, headers: Self.operate,
                                                   body: .init(string: #"{"until":"2026-11-30"}"#))
            #expect(disable.status == .ok)
            #expect(disable.text.contains("\"until\":\"2026-11-30T00:00:00-05:00\""))
            #expect(harness.gateway.changes.last == .init(request: .disable(task: "collect", until: "2026-11-30T00:00:00-05:00"), user: "api:deployer"))
            let bad = try await client.execute(uri: "/api/v1/tasks/collect/disable", method: .post, headers: Self.operate, body: .init(string: #"{"until":"yesterday"}"#))
            #expect(bad.status == .badRequest)
            let run = try await client.execute(uri: "/api/v1/tasks/collect/run", method: .post, headers: Self.operate, body: .init(string: #"{"wait":true}"#))
            #expect(run.status == .ok)
            #expect(try JSONDecoder().decode(RunInfo.self, from: Data(buffer: run.body)).outcome == .success)
            let wrong = try await client.execute(uri: "/api/v1/tasks/collect/run", method: .post, headers: Self.operate, body: .init(string: #"{"wait":"yes"}"#))
            #expect(wrong.status == .badRequest)
            #expect(try await client.execute(uri: "/api/v1/tasks/nope/clear", method: .post, headers: Self.operate).status == .notFound)
        }
    }

    @Test func theDaemonDownIs503() async throws {
        let harness = RouterHarness()
        harness.gateway.set { $0.down = true }
        try await harness.test { client in
            let response = try await client.execute(uri: "/api/v1/status", method: .get, headers: Self.read)
            #expect(response.status == .serviceUnavailable)
            #expect(response.text.contains("\"code\":\"daemon_unreachable\""))
        }
    }
}
