import DashboardServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// A dashboard over a `FakeGateway`, driven through HummingbirdTesting's router framework (no
/// socket), with helpers to sign in and post forms as a browser does.
struct RouterHarness {
    static let token = "test-token-0123456789abcdef"
    static let readKey = "read-key-0123456789abcdefghij"
    static let operatorKey = "operator-key-0123456789abcdefghij"
    let gateway = FakeGateway()
    let dashboard: Dashboard

    init(users: [String: (hash: String, role: Role)] = [:], maxStreams: Int = 32) {
        dashboard = Dashboard(gateway: gateway,
                              credentials: Credentials(token: Self.token, users: users,
                                                       apiKeys: [Self.readKey: ("reader", .readOnly), Self.operatorKey: ("deployer", .operator_)]),
                              clock: { 1_795_789_860 },  // 2026-11-27T09:31:00-05:00
                              maxStreams: maxStreams)
    }

    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: dashboard.router())
        try await app.test(.router) { client in try await body(client) }
    }
}

/// A signed-in browser: its cookie and the CSRF token its pages carry.
struct Browser {
    let cookie: String
    let csrf: String

    static func signIn(_ client: any TestClientProtocol, token: String = RouterHarness.token) async throws -> Browser {
        let login = try await client.execute(uri: "/?token=\(token)", method: .get)
        #expect(login.status == .seeOther)
        let setCookie = login.headers[.setCookie] ?? ""
        let cookie = String(setCookie.split(separator: ";").first ?? "")
        let page = try await client.execute(uri: "/calendar", method: .get, headers: [.cookie: cookie])
        return Browser(cookie: cookie, csrf: csrfToken(in: String(buffer: page.body)) ?? "")
    }

    static func csrfToken(in html: String) -> String? {
        guard let range = html.range(of: "name=\"csrf\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    func get(_ client: any TestClientProtocol, _ uri: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: [.cookie: cookie])
    }

    /// A form POST with this session's CSRF token (unless `csrf` says otherwise).
    func post(_ client: any TestClientProtocol, _ uri: String, _ fields: [(String, String)] = [], csrf: String? = nil) async throws -> TestResponse {
        let all = [("csrf", csrf ?? self.csrf)] + fields
        let body = all.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        return try await client.execute(uri: uri, method: .post,
                                        headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                                        body: ByteBuffer(string: body))
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
}
