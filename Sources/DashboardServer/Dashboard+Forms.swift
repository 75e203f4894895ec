import DashboardViews
import Foundation
import Hummingbird

extension Dashboard {
    /// Add task, Settings and the task edit form: through `ConfigEditor`, never the socket directly.
    func addFormRoutes(_ router: Router<DashboardRequestContext>) {
        router.get("/tasks/new") { _, context in
            Responses.html(FormsPage.addTask(FormsPage.State(), available: self.editor.isAvailable, context: await self.pageContext(context)))
        }
        router.post("/tasks/new") { _, context in
            let values = Dashboard.editable(context.form)
            let outcome = await self.mayChange(context) ? await self.editor.addTask(values, actingFor: self.actor(context)) : .failed("read-only: nothing was changed")
            switch outcome {
            case .saved(let message):
                self.flash(context, message)
                return Responses.redirect("/tasks/\(URLText.encode(values["name"] ?? ""))")
            case .rejected(let errors):
                let page = await self.pageContext(context)
                return Responses.html(FormsPage.addTask(.init(values: values, errors: errors), available: self.editor.isAvailable, context: page), status: .unprocessableContent)
            case .failed(let message):
                let page = await self.pageContext(context)
                return Responses.html(FormsPage.addTask(.init(values: values, errors: ["": message]), available: self.editor.isAvailable, context: page), status: .conflict)
            }
        }
        router.post("/tasks/{name}/edit") { _, context in
            let name = try context.parameters.require("name")
            let values = Dashboard.editable(context.form).filter { !$0.value.isEmpty }
            let outcome = await self.mayChange(context) ? await self.editor.setTask(name, values, actingFor: self.actor(context)) : .failed("read-only: nothing was changed")
            switch outcome {
            case .saved(let message):
                self.flash(context, message)
                return Responses.redirect("/tasks/\(URLText.encode(name))")
            case .rejected(let errors):
                return await self.taskPage(name, context: context, edit: .init(values: values, errors: errors), status: .unprocessableContent)
            case .failed(let message):
                return await self.taskPage(name, context: context, edit: .init(values: values, errors: ["": message]), status: .conflict)
            }
        }
        router.get("/settings") { _, context in
            let page = await self.pageContext(context)
            return Responses.html(FormsPage.settings(.init(), current: await self.editor.settings(), displayZone: context.session?.displayZone,
                                                     available: self.editor.isAvailable, context: page))
        }
        router.post("/settings") { _, context in
            let values = Dashboard.editable(context.form)
            let outcome = await self.mayChange(context) ? await self.editor.setSettings(values, actingFor: self.actor(context)) : .failed("read-only: nothing was changed")
            let current = await self.editor.settings()
            switch outcome {
            case .saved(let message):
                self.flash(context, message)
                return Responses.redirect("/settings")
            case .rejected(let errors):
                return Responses.html(FormsPage.settings(.init(values: values, errors: errors), current: current, displayZone: context.session?.displayZone,
                                                         available: self.editor.isAvailable, context: await self.pageContext(context)), status: .unprocessableContent)
            case .failed(let message):
                return Responses.html(FormsPage.settings(.init(values: values, errors: ["": message]), current: current, displayZone: context.session?.displayZone,
                                                         available: self.editor.isAvailable, context: await self.pageContext(context)), status: .conflict)
            }
        }
        // The display zone is this browser session's own preference: no daemon involved.
        router.post("/settings/display") { _, context in
            let zone = (context.form["display_zone"] ?? "").trimmingCharacters(in: .whitespaces)
            guard zone.isEmpty || TimeZone(identifier: zone) != nil else {
                return Responses.html(FormsPage.settings(.init(values: ["display_zone": zone], errors: ["display_zone": "'\(zone)' is not a time zone name (try Europe/London or America/Chicago)"]),
                                                         current: await self.editor.settings(), displayZone: context.session?.displayZone,
                                                         available: self.editor.isAvailable, context: await self.pageContext(context)), status: .unprocessableContent)
            }
            if let id = context.session?.id { self.sessions.update(id) { $0.displayZone = zone.isEmpty ? nil : zone } }
            self.flash(context, zone.isEmpty ? "times in ET only" : "times in ET and \(zone)")
            return Responses.redirect("/settings")
        }
    }

    /// The form's fields without the CSRF token and navigation fields.
    static func editable(_ form: [String: String]) -> [String: String] {
        form.filter { $0.key != "csrf" && $0.key != "back" && $0.key != "confirmed" }
    }
}
