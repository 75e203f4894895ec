import ControlClient
import ControlProtocol
import DashboardViews
import Hummingbird
import MarketCalendar

extension Dashboard {
    /// The buttons: each a POST with the session's CSRF token (checked by `AuthMiddleware`),
    /// answered with a redirect back and a one-line message.
    func addActionRoutes(_ router: Router<DashboardRequestContext>) {
        router.post("/tasks/{name}/enable") { request, context in
            try await self.toggle(request, context, enable: true)
        }
        router.post("/tasks/{name}/disable") { request, context in
            try await self.toggle(request, context, enable: false)
        }
        router.post("/tasks/{name}/clear") { request, context in
            let name = try context.parameters.require("name")
            return await self.change(context, back: Dashboard.back(request, context)) { user throws(ControlClientError) in
                let result = try await self.gateway.call(.clear(task: name), as: ToggleResult.self, actingFor: user)
                return "\(name): toggle cleared; \(result.enabled ? "enabled" : "disabled") (\(result.source))"
            }
        }
        router.post("/tasks/{name}/run") { request, context in
            let name = try context.parameters.require("name")
            let force = context.form["force"] == "1", withDependents = context.form["with_dependents"] == "1"
            guard await self.mayChange(context) else {
                self.flash(context, "read-only: \(name) was not run", error: true)
                return Responses.redirect(Dashboard.back(request, context))
            }
            // Forcing past the calendar asks once more, also without JavaScript.
            if force && context.form["confirmed"] != "1" {
                let page = await self.pageContext(context)
                return Responses.html(LivePage.confirmForce(task: name, withDependents: withDependents, context: page))
            }
            guard let key = self.startLiveRun(task: name, force: force, withDependents: withDependents, user: self.actor(context)) else {
                self.flash(context, "too many runs are being followed right now; try again in a minute", error: true)
                return Responses.redirect(Dashboard.back(request, context))
            }
            return Responses.redirect("/live/\(key)")
        }
    }

    private func toggle(_ request: Request, _ context: DashboardRequestContext, enable: Bool) async throws -> Response {
        let name = try context.parameters.require("name")
        var until: String? = context.form["until"].flatMap { $0.isEmpty ? nil : $0 }
        if until == "date" {
            guard let date = context.form["date"], !date.isEmpty else {
                flash(context, "\(name): pick a date for \"until date…\"; nothing was changed", error: true)
                return Responses.redirect(Dashboard.back(request, context))
            }
            until = date
        }
        let now = Instant(seconds: clock())
        return await change(context, back: Dashboard.back(request, context)) { user throws(ControlClientError) in
            let instant = try until.map { word throws(ControlClientError) in try ToggleUntil.resolve(word, now: now) }
            let request: ControlRequest = enable ? .enable(task: name, until: instant) : .disable(task: name, until: instant)
            let result = try await self.gateway.call(request, as: ToggleResult.self, actingFor: user)
            return "\(name): \(result.enabled ? "enabled" : "disabled")\(result.until.map { " until \($0)" } ?? "") (\(result.source))"
        }
    }

    /// Runs a change for an operator whom the daemon lets change things; the outcome becomes the
    /// next page's message.
    func change(_ context: DashboardRequestContext, back: String,
                _ body: (String) async throws(ControlClientError) -> String) async -> Response {
        guard await mayChange(context) else {
            flash(context, "read-only: nothing was changed", error: true)
            return Responses.redirect(back)
        }
        do {
            flash(context, try await body(actor(context)))
        } catch {
            flash(context, error.protocolError?.message ?? error.message, error: true)
        }
        return Responses.redirect(back)
    }

    /// Where to go after a button: the form's `back` when it is a local path, else Today.
    static func back(_ request: Request, _ context: DashboardRequestContext) -> String {
        safeNext(context.form["back"]) ?? "/"
    }
}
