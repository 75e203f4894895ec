import ControlClient
import ControlProtocol
import DashboardViews
import Foundation
import Hummingbird

extension Dashboard {
    /// Add task, Settings and the task edit form: the daemon's configuration edits, each for the
    /// signed-in user. A refusal shows the form again with what was typed and the messages.
    func addFormRoutes(_ router: Router<DashboardRequestContext>) {
        router.get("/tasks/new") { _, context in
            Responses.html(FormsPage.addTask(FormsPage.State(), context: await self.pageContext(context)))
        }
        router.post("/tasks/new") { _, context in
            let values = Dashboard.editable(context.form)
            switch await self.addTask(values, context: context) {
            case .saved(let message):
                self.flash(context, message)
                return Responses.redirect("/tasks/\(URLText.encode(ConfigForm.trimmedName(values)))")
            case .refused(let refusal, let status):
                return Responses.html(FormsPage.addTask(.init(values: values, refusal: refusal), context: await self.pageContext(context)), status: status)
            }
        }
        router.post("/tasks/{name}/edit") { _, context in
            let name = try context.parameters.require("name")
            let values = Dashboard.editable(context.form)
            let current: TaskDetail
            do { current = try await self.gateway.call(.task(name: name), as: TaskDetail.self) } catch {
                return self.problemPage(error, context: await self.pageContext(context))
            }
            switch await self.setTask(current, values, context: context) {
            case .saved(let message):
                self.flash(context, message)
                return Responses.redirect("/tasks/\(URLText.encode(name))")
            case .refused(let refusal, let status):
                return await self.taskPage(name, context: context, edit: .init(values: values, refusal: refusal), status: status)
            }
        }
        router.get("/settings") { _, context in
            await self.settingsPage(context, state: FormsPage.State())
        }
        router.post("/settings") { _, context in
            let values = Dashboard.editable(context.form)
            let current = (try? await self.configuration()).map(ConfigForm.settings) ?? [:]
            switch await self.setSettings(values, current: current, context: context) {
            case .saved(let message):
                self.flash(context, message)
                return Responses.redirect("/settings")
            case .refused(let refusal, let status):
                return await self.settingsPage(context, state: .init(values: values, refusal: refusal), status: status)
            }
        }
        // The display zone is this browser session's own preference: no daemon involved.
        router.post("/settings/display") { _, context in
            let zone = (context.form["display_zone"] ?? "").trimmingCharacters(in: .whitespaces)
            guard zone.isEmpty || TimeZone(identifier: zone) != nil else {
                let state = FormsPage.State(values: ["display_zone": zone],
                                            errors: ["display_zone": "'\(zone)' is not a time zone name (try Europe/London or America/Chicago)"])
                return await self.settingsPage(context, state: state, status: .unprocessableContent)
            }
            if let id = context.session?.id { self.sessions.update(id) { $0.displayZone = zone.isEmpty ? nil : zone } }
            self.flash(context, zone.isEmpty ? "times in ET only" : "times in ET and \(zone)")
            return Responses.redirect("/settings")
        }
    }

    /// The Settings page with the running values and revision (what a save is based on).
    func settingsPage(_ context: DashboardRequestContext, state: FormsPage.State, status: HTTPResponse.Status = .ok) async -> Response {
        let page = await pageContext(context)
        let config: ConfigResult?
        var state = state
        do { config = try await configuration() } catch {
            config = nil
            if state.errors[""] == nil { state.errors[""] = "The scheduler settings cannot be read now: \(error.protocolError?.message ?? error.message)" }
        }
        return Responses.html(FormsPage.settings(state, current: config.map(ConfigForm.settings) ?? [:], revision: config?.revision,
                                                 displayZone: context.session?.displayZone, context: page), status: status)
    }

    /// The form's fields without the CSRF token and navigation fields.
    static func editable(_ form: [String: String]) -> [String: String] {
        form.filter { $0.key != "csrf" && $0.key != "back" && $0.key != "confirmed" }
    }
}
