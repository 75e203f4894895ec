import DashboardServer
import HTTPTypes
import HummingbirdBcrypt
import HummingbirdTesting
import Testing

/// Signing in: the printed URL's token, users with bcrypt hashes, sessions, signing out.
@Suite struct LoginTests {
    @Test func healthzAnswersWithoutLogin() async throws {
        try await RouterHarness().test { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .ok)
            #expect(response.text == "ok\n")
        }
    }

    @Test func pagesRedirectToLoginWithoutASession() async throws {
        try await RouterHarness().test { client in
            for path in ["/", "/timeline", "/tasks/collect", "/history", "/runs/7", "/logs", "/calendar", "/tasks/new", "/settings", "/metrics"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .seeOther, "\(path)")
                #expect(response.headers[.location]?.hasPrefix("/login") == true, "\(path)")
            }
            let post = try await client.execute(uri: "/tasks/collect/disable", method: .post)
            #expect(post.status == .forbidden)
        }
    }

    @Test func theTokenBecomesAnHttpOnlyStrictSessionCookie() async throws {
        try await RouterHarness().test { client in
            let login = try await client.execute(uri: "/?token=\(RouterHarness.token)", method: .get)
            #expect(login.status == .seeOther)
            #expect(login.headers[.location] == "/")  // the token leaves the address bar
            let cookie = login.headers[.setCookie] ?? ""
            #expect(cookie.hasPrefix("v6_session="))
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            let today = try await client.execute(uri: "/", method: .get, headers: [.cookie: String(cookie.split(separator: ";")[0])])
            #expect(today.status == .ok)
            #expect(today.text.contains("collect"))
        }
    }

    @Test func aWrongTokenIsRefused() async throws {
        try await RouterHarness().test { client in
            let response = try await client.execute(uri: "/?token=wrong-token-0123456789", method: .get)
            #expect(response.status == .unauthorized)
            #expect(response.headers[.setCookie] == nil)
            let form = try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                body: .init(string: "token=nope"))
            #expect(form.status == .unauthorized)
            #expect(form.text.contains("Wrong token"))
        }
    }

    @Test func usersSignInWithTheirPasswordAndRole() async throws {
        let users: [String: (hash: String, role: Role)] = ["ann": (Bcrypt.hash("s3cret", cost: 4), .operator_),
                                                           "bob": (Bcrypt.hash("hunter2", cost: 4), .readOnly)]
        try await RouterHarness(users: users).test { client in
            func signIn(_ user: String, _ password: String) async throws -> TestResponse {
                try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                         body: .init(string: "user=\(user)&password=\(password)&next=%2Fhistory"))
            }
            #expect(try await signIn("ann", "wrong").status == .unauthorized)
            #expect(try await signIn("nobody", "s3cret").status == .unauthorized)
            let ann = try await signIn("ann", "s3cret")
            #expect(ann.status == .seeOther)
            #expect(ann.headers[.location] == "/history")
            let bob = try await signIn("bob", "hunter2")
            let cookie = String((bob.headers[.setCookie] ?? "").split(separator: ";")[0])
            let page = try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie])
            #expect(page.text.contains("Read-only:"))
            #expect(page.text.contains("bob, a read-only user"))
        }
    }

    @Test func nextMustStayOnThisHost() async throws {
        try await RouterHarness().test { client in
            let response = try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                    body: .init(string: "token=\(RouterHarness.token)&next=%2F%2Fevil.example%2F"))
            #expect(response.headers[.location] == "/")
        }
    }

    @Test func signingOutEndsTheSession() async throws {
        try await RouterHarness().test { client in
            let browser = try await Browser.signIn(client)
            let out = try await browser.post(client, "/logout")
            #expect(out.status == .seeOther)
            #expect(out.headers[.setCookie]?.contains("Max-Age=0") == true)
            #expect(try await browser.get(client, "/").status == .seeOther)
        }
    }
}
