import ControlClient
import ControlProtocol
import DashboardViews
import Foundation
import Hummingbird
import MarketCalendar

extension Dashboard {
    func addPageRoutes(_ router: Router<DashboardRequestContext>) {
        router.get("/") { request, context in
            let query = request.uri.queryParameters
            let filter = query.get("q").flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 }
            let number = min(max(1, query.get("page").flatMap(Int.init) ?? 1), ProtocolLimits.maxListOffset / TodayPage.pageSize)
            return await self.todayPage(number, filter: filter, context: context)
        }
        router.get("/tasks/{name}") { _, context in
            let name = try context.parameters.require("name")
            return await self.taskPage(name, context: context, edit: FormsPage.State())
        }
        router.get("/history") { request, context in
            let page = await self.pageContext(context)
            var problems: [String] = []
            let query = Dashboard.query(request)
            let filter = HistoryPage.Filter(query: query, problems: &problems)
            let position = HistoryPage.Position(query: query)
            do {
                async let slice = self.historyPage(filter, cursor: position.cursor, time: page.time)
                async let tasks = self.gateway.call(.tasks(), as: TasksResult.self)
                return Responses.html(HistoryPage.render(try await slice, filter: filter, position: position,
                                                         taskNames: try await tasks.tasks.map(\.name), problems: problems, context: page))
            } catch let error as ControlClientError {
                return self.problemPage(error, context: page)
            }
        }
        router.get("/runs/{id}") { _, context in
            let page = await self.pageContext(context)
            guard let id = Int64(try context.parameters.require("id")), id > 0 else {
                return Responses.html(Layout.problem("Not found", message: "A run id is a positive number.", hint: nil, context: page), status: .notFound)
            }
            do {
                let result = try await self.gateway.call(.history(runID: id, output: true), as: HistoryResult.self)
                guard let run = result.runs.first else { throw ControlClientError(.refused(.init(.notFound, "no run \(id)")), "no run \(id)") }
                return Responses.html(HistoryPage.run(run, context: page))
            } catch {
                return self.problemPage(error, context: page)
            }
        }
        router.get("/calendar") { request, context in
            let page = await self.pageContext(context)
            let today = page.time.today
            let month = request.uri.queryParameters.get("month")
            guard let (year, number) = month.map(CalendarPage.parseMonth) ?? (today.year, today.month) else {
                return Responses.html(Layout.problem("Not a month", message: "'\(month ?? "")' is not a month the calendar covers (YYYY-MM, 1885-2200).", hint: nil, context: page), status: .badRequest)
            }
            return Responses.html(CalendarPage.render(year: year, month: number, context: page))
        }
        router.get("/timeline") { request, context in
            let page = await self.pageContext(context)
            let text = request.uri.queryParameters.get("date")
            guard let date = text.map({ LocalDate(parsing: $0) }) ?? page.time.today else {
                return Responses.html(Layout.problem("Not a date", message: "'\(text ?? "")' is not a date (YYYY-MM-DD).", hint: nil, context: page), status: .badRequest)
            }
            return await self.timelinePage(date, page: page)
        }
        router.get("/metrics") { request, context in
            if context.apiCaller != nil { return await self.prometheus() }
            let page = await self.pageContext(context)
            do {
                async let status = self.gateway.call(.status, as: StatusResult.self)
                async let tasks = self.gateway.call(.tasks(), as: TasksResult.self)
                async let history = self.runs(since: page.time.now - 7 * 86_400)
                async let exposition = self.gateway.call(.metrics, as: MetricsResult.self)
                let s = try await status
                let facts = MetricsPage.DaemonFacts(uptimeSeconds: s.uptimeSeconds, rssBytes: Dashboard.rss(pid: s.pid), version: s.version)
                let (runs, complete) = try await history
                return Responses.html(MetricsPage.render(tasks: try await tasks.tasks.map(\.name), runs: runs, complete: complete, daemon: facts,
                                                         exposition: (try? await exposition)?.text, context: page))
            } catch let error as ControlClientError {
                return self.problemPage(error, context: page)
            }
        }
        router.get("/logs") { request, context in
            let page = await self.pageContext(context)
            let query = Dashboard.query(request)
            let level = query["level"].flatMap { LogLine.levels.contains($0) ? $0 : nil }
            let task = query["task"].flatMap { $0.isEmpty ? nil : $0 }
            let status: StatusResult, names: [String]
            do {
                async let answer = self.gateway.call(.status, as: StatusResult.self)
                async let tasks = self.gateway.call(.tasks(), as: TasksResult.self)
                (status, names) = (try await answer, try await tasks.tasks.map(\.name))
            } catch { return self.problemPage(error, context: page) }
            var source: String? = nil
            var lines: [LogLine] = []
            if let file = status.logFile, let recent = LogTail.recent(path: file, limit: 2000) {
                source = "the daemon's log file \(file)"
                lines = recent
            } else if let journal = LogTail.journal(pid: status.pid, limit: 2000) {
                source = "the journal (entries of pid \(status.pid); no live tail)"
                lines = journal
            }
            lines = lines.filter { (level == nil || $0.isAtLeast(level!)) && (task == nil || $0.task == task) }.suffix(500)
            return Responses.html(LogsPage.render(lines, source: source, level: level, task: task,
                                                  taskNames: names, context: page))
        }
    }

    /// Today: `status` for the market and the counts (it lists only the tasks that need
    /// attention), and one page of `tasks`, filtered and paged by the daemon, so that a
    /// configuration of 10,000 tasks costs one page of them.
    func todayPage(_ number: Int, filter: String?, context: DashboardRequestContext) async -> Response {
        async let answer = gateway.call(.status, as: StatusResult.self)
        async let first = todayTasks(number, filter: filter)
        let status: StatusResult
        do { status = try await answer } catch { return problemPage(error, context: await pageContext(context)) }
        let page = await pageContext(context, mayChange: status.mayChange)
        do {
            var (number, tasks) = (number, try await first)
            let total = tasks.total ?? 0
            if tasks.tasks.isEmpty, total > 0 {
                // Past the last page (the list shrank, or a link made by hand): the last page.
                number = Pager(page: number, pageSize: TodayPage.pageSize, total: total).page
                tasks = try await todayTasks(number, filter: filter)
            }
            return Responses.html(TodayPage.render(status, tasks: tasks, context: page, page: number, filter: filter))
        } catch let error as ControlClientError where filter != nil && error.protocolError?.code == .invalidValue {
            // The daemon's filter syntax (TaskFilter): its message beside the box, what was typed kept.
            return Responses.html(TodayPage.render(status, tasks: TasksResult(tasks: [], total: 0, offset: 0), context: page, page: 1,
                                                   filter: filter, filterProblem: error.protocolError?.message ?? error.message), status: .badRequest)
        } catch {
            return problemPage(error, context: page)
        }
    }

    private func todayTasks(_ number: Int, filter: String?) async throws(ControlClientError) -> TasksResult {
        try await gateway.call(.tasks(limit: TodayPage.pageSize, offset: (number - 1) * TodayPage.pageSize, filter: filter), as: TasksResult.self)
    }

    func taskPage(_ name: String, context: DashboardRequestContext, edit: FormsPage.State, status: HTTPResponse.Status = .ok) async -> Response {
        let page = await pageContext(context)
        do {
            async let detail = gateway.call(.task(name: name, output: true), as: TaskDetail.self)
            async let config = configuration(sources: true)
            async let history = runs(task: name, since: page.time.now - 7 * 86_400)
            let task = try await detail
            return Responses.html(TaskPage.render(task, config: try? await config, history: (try? await history)?.runs ?? [], context: page, edit: edit),
                                  status: status)
        } catch let error as ControlClientError {
            return problemPage(error, context: page)
        } catch {
            return problemPage(ControlClientError(.failed, "\(error)"), context: page)
        }
    }

    func timelinePage(_ date: LocalDate, page: PageContext) async -> Response {
        let zone = page.time.zone
        do {
            async let tasks = gateway.call(.tasks(), as: TasksResult.self)
            async let history = runs(since: zone.startOfDay(date))
            async let plan = gateway.call(.plan(from: date.description), as: NextResult.self)
            let (read, complete) = try await history
            let runs = read.filter { run in
                guard let at = page.time.instant(run.startedAt ?? run.scheduledAt) else { return false }
                return zone.local(at).date == date
            }
            // Planned: the daemon's own engine for that day (what `v6-scheduler plan` prints).
            let planned = try await plan.runs.compactMap { item in page.time.instant(item.at).map { TimelineChart.Planned(task: item.task, at: $0) } }
            let names = try await tasks.tasks.map(\.name)
            let note = complete ? nil : "Only the newest \(read.count) runs since that day were read: older runs of it are not drawn."
            return Responses.html(TimelinePage.render(date: date, tasks: names, planned: planned, runs: runs, historyNote: note, context: page))
        } catch let error as ControlClientError {
            return problemPage(error, context: page)
        } catch {
            return problemPage(ControlClientError(.failed, "\(error)"), context: page)
        }
    }

    /// The query string's fields.
    static func query(_ request: Request) -> [String: String] {
        FormData.parse(request.uri.query ?? "")
    }

    /// The resident memory of a process on this host, from /proc.
    static func rss(pid: Int) -> Int64? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kib = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap({ Int64($0) })
        else { return nil }
        return kib * 1024
    }
}
