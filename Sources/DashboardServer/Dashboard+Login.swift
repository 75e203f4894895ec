import DashboardViews
import Hummingbird
import NIOCore

extension Dashboard {
    func addLoginRoutes(_ router: Router<DashboardRequestContext>) {
        router.get("/login") { request, _ in
            Responses.html(LoginPage.render(next: Dashboard.safeNext(request.uri.queryParameters.get("next")), users: !self.credentials.users.isEmpty))
        }
        router.post("/login") { request, _ in
            var request = request
            guard let form = try await AuthMiddleware.form(&request) else {
                return Responses.html(LoginPage.render(error: "The form is too large."), status: .contentTooLarge)
            }
            let next = Dashboard.safeNext(form["next"])
            let now = self.clock()
            var signedIn: Session? = nil
            if let token = form["token"], !token.isEmpty, self.credentials.isToken(token) {
                signedIn = self.sessions.create(user: "token", role: .operator_, now: now)
            } else if let user = form["user"], !user.isEmpty, let password = form["password"],
                      let role = self.credentials.user(user, password: password) {
                signedIn = self.sessions.create(user: user, role: role, now: now)
            }
            guard let session = signedIn else {
                self.logger.warning("failed sign-in", metadata: ["user": "\(form["user"] ?? "")"])
                return Responses.html(LoginPage.render(error: "Wrong token, user or password.", next: next,
                                                       users: !self.credentials.users.isEmpty, name: form["user"] ?? ""),
                                      status: .unauthorized)
            }
            return Responses.redirect(next ?? "/", headers: [.setCookie: AuthMiddleware.cookie(session.id, request: request)])
        }
        router.post("/logout") { request, context in
            if let id = context.session?.id { self.sessions.remove(id) }
            return Responses.redirect("/login", headers: [.setCookie: AuthMiddleware.expiredCookie])
        }
    }

    /// A `next` that stays on this host (a path, not `//host` or a URL), else nil.
    static func safeNext(_ next: String?) -> String? {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), !next.hasPrefix("/login") else { return nil }
        return next
    }
}
