import DashboardViews
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Who is asking, for every route but the open ones (`/healthz`, `/assets/`, `/login`, the
/// OpenAPI document): a session cookie for pages, a bearer key for `/api/v1/`. Every POST from a
/// browser also carries the session's CSRF token in its form, and its body is bounded.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = DashboardRequestContext
    let dashboard: Dashboard

    static let cookieName = "v6_session"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        var request = request
        let path = request.uri.path
        if path == "/healthz" || path.hasPrefix("/assets/") || path == "/login" || path == "/api/v1/openapi.yaml" {
            return try await next(request, context)
        }
        if path.hasPrefix("/api/") || (path == "/metrics" && request.headers[.authorization] != nil) {
            guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer "),
                  let caller = dashboard.credentials.apiKey(String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces))
            else {
                var response = Responses.apiError(.unauthorized, code: "unauthorized", "send Authorization: Bearer KEY with a key from the dashboard's API key file")
                response.headers[.wwwAuthenticate] = "Bearer realm=\"v6-dashboard\""
                return response
            }
            context.apiCaller = APICaller(name: caller.name, role: caller.role)
            return try await next(request, context)
        }
        let now = dashboard.clock()
        // The printed URL: exchange its token for a session cookie, then drop it from the address bar.
        if request.method == .get, path == "/", let token = request.uri.queryParameters.get("token") {
            guard dashboard.credentials.isToken(token) else {
                return Responses.html(LoginPage.render(error: "That link's token is not valid (it changes when the token file does). Sign in below or use the URL v6-dashboard printed."), status: .unauthorized)
            }
            let session = dashboard.sessions.create(user: "token", role: .operator_, now: now)
            return Responses.redirect("/", headers: [.setCookie: AuthMiddleware.cookie(session.id, request: request)])
        }
        guard let id = AuthMiddleware.sessionID(request), let session = dashboard.sessions.session(id, now: now) else {
            if request.method == .get || request.method == .head {
                return Responses.redirect(URLText.link("/login", [("next", path == "/login" ? nil : request.uri.description)]))
            }
            return Responses.html(Layout.problem("Signed out", message: "Your session has ended; nothing was changed.", hint: "Sign in again: /login", context: nil), status: .forbidden)
        }
        context.session = session
        if request.method == .post {
            guard let form = try await AuthMiddleware.form(&request) else {
                return Responses.html(Layout.problem("Too large", message: "The form is larger than \(Limits.maxBody / 1024) KiB.", hint: nil, context: nil), status: .contentTooLarge)
            }
            // Refuse cross-site posts outright, and any form without this session's token.
            let crossSite = request.headers[HTTPField.Name("Sec-Fetch-Site")!].map { $0 == "cross-site" } ?? false
            guard !crossSite, let csrf = form["csrf"], Credentials.constantTimeEqual(csrf, session.csrf) else {
                return Responses.html(Layout.problem("Refused", message: "This form did not come from this dashboard page (missing or stale CSRF token); nothing was changed.", hint: "Reload the page and try again.", context: nil), status: .forbidden)
            }
            context.form = form
        }
        return try await next(request, context)
    }

    /// The session cookie: HttpOnly, SameSite=Strict, Secure behind an HTTPS proxy.
    static func cookie(_ id: String, request: Request) -> String {
        let secure = request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https" ? "; Secure" : ""
        return "\(cookieName)=\(id); Path=/; HttpOnly; SameSite=Strict\(secure)"
    }

    static let expiredCookie = "\(cookieName)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"

    static func sessionID(_ request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces)
                if pair.hasPrefix(cookieName + "=") { return String(pair.dropFirst(cookieName.count + 1)) }
            }
        }
        return nil
    }

    /// The urlencoded form of a POST, or nil when the body is over the limit.
    static func form(_ request: inout Request) async throws -> [String: String]? {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: Limits.maxBody)
        } catch is NIOTooManyBytesError {
            return nil
        }
        request.body = .init(buffer: buffer)
        return FormData.parse(String(buffer: buffer))
    }
}

/// Security headers on every response: a strict Content-Security-Policy (our own script and
/// stylesheet only, no inline script, no other host), no framing, no sniffing, no referrer.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var policy: String {
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError {
            response = Responses.text("\(error.status.code) \(error.status.reasonPhrase)\n", status: error.status)
        }
        response.headers[.contentSecurityPolicy] = Self.policy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[HTTPField.Name("Cross-Origin-Opener-Policy")!] = "same-origin"
        return response
    }
}
