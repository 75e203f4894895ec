import ControlClient
import ControlProtocol
import Foundation
import Hummingbird
import DashboardViews
import MarketCalendar
import NIOCore

extension Dashboard {
    /// `/api/v1/`: the same operations as JSON for scripts, described by `openapi.yaml` (served at
    /// `/api/v1/openapi.yaml`). Results are the control protocol's, passed through unchanged.
    func addAPIRoutes(_ router: Router<DashboardRequestContext>) {
        let api = router.group("/api/v1")
        api.get("/status") { _, _ in await self.passThrough(.status) }
        api.get("/tasks") { request, _ in
            let query = Dashboard.query(request)
            // The filter's syntax is the daemon's (TaskFilter): its refusal comes back as a 400.
            return await Dashboard.checkingQuery { () async throws(BadQuery) in
                await self.passThrough(.tasks(limit: try Dashboard.number(query, "limit", in: 1...ProtocolLimits.maxListLimit, "the page size"),
                                              offset: try Dashboard.number(query, "offset", in: 0...ProtocolLimits.maxListOffset, "how many matching tasks to skip"),
                                              filter: query["filter"]))
            }
        }
        api.get("/tasks/{name}") { _, context in await self.passThrough(.task(name: try context.parameters.require("name"))) }
        api.get("/history") { request, _ in
            let query = Dashboard.query(request)
            return await Dashboard.checkingQuery { () async throws(BadQuery) in
                await self.passThrough(.history(task: query["task"].flatMap { $0.isEmpty ? nil : $0 },
                                                limit: try Dashboard.number(query, "limit", in: 1...ProtocolLimits.maxListLimit, "the page size") ?? 20,
                                                cursor: try Dashboard.number(query, "cursor", in: 1...Int.max, "a previous answer's next_cursor").map(Int64.init)))
            }
        }
        api.get("/runs/{id}") { _, context in
            guard let id = Int64(try context.parameters.require("id")), id > 0 else {
                return Responses.apiError(.badRequest, code: "invalid_value", "a run id is a positive whole number")
            }
            do {
                let result = try await self.gateway.call(.history(runID: id, output: true), as: HistoryResult.self)
                guard let run = result.runs.first else { return Responses.apiError(.notFound, code: "not_found", "no run \(id)") }
                return Responses.json(run)
            } catch let error as ControlClientError {
                return Dashboard.apiFailure(error)
            }
        }
        api.get("/calendar") { request, _ in
            let query = Dashboard.query(request)
            let today = TimeText(now: .init(seconds: self.clock())).today
            guard let from = query["from"].map({ LocalDate(parsing: $0) }) ?? today,
                  let to = query["to"].map({ LocalDate(parsing: $0) }) ?? from.adding(days: 30) else {
                return Responses.apiError(.badRequest, code: "invalid_value", "from and to are dates, YYYY-MM-DD")
            }
            guard from <= to, to.dayNumber - from.dayNumber <= 366, CalendarYears.contains(from.year), CalendarYears.contains(to.year) else {
                return Responses.apiError(.badRequest, code: "invalid_value", "from must not be after to, at most 367 days apart, in years 1885-2200")
            }
            return Responses.json(CalendarDays(from: from, to: to))
        }
        for (verb, enable) in [("enable", true), ("disable", false)] {
            api.post("/tasks/{name}/\(verb)") { request, context in
                let name = try context.parameters.require("name")
                guard let body = await Dashboard.jsonBody(request) else { return Dashboard.badBody() }
                guard await self.mayChange(context) else { return Dashboard.readOnly() }
                var until: String? = nil
                if let value = body["until"] {
                    guard let text = value as? String else { return Responses.apiError(.badRequest, code: "wrong_type", "until must be a string") }
                    do { until = try ToggleUntil.resolve(text, now: .init(seconds: self.clock())) } catch let error as ControlClientError {
                        return Responses.apiError(.badRequest, code: "invalid_value", error.message)
                    }
                }
                return await self.passThrough(enable ? .enable(task: name, until: until) : .disable(task: name, until: until), actingFor: self.actor(context))
            }
        }
        api.post("/tasks/{name}/clear") { request, context in
            guard await Dashboard.jsonBody(request) != nil else { return Dashboard.badBody() }
            guard await self.mayChange(context) else { return Dashboard.readOnly() }
            return await self.passThrough(.clear(task: try context.parameters.require("name")), actingFor: self.actor(context))
        }
        api.post("/tasks/{name}/run") { request, context in
            let name = try context.parameters.require("name")
            guard let body = await Dashboard.jsonBody(request) else { return Dashboard.badBody() }
            guard await self.mayChange(context) else { return Dashboard.readOnly() }
            for key in ["force", "wait", "with_dependents"] where body[key] != nil && !(body[key] is Bool) {
                return Responses.apiError(.badRequest, code: "wrong_type", "\(key) must be true or false")
            }
            let force = body["force"] as? Bool ?? false, wait = body["wait"] as? Bool ?? false
            let withDependents = body["with_dependents"] as? Bool ?? false
            guard wait else {
                return await self.passThrough(.runNow(task: name, force: force, withDependents: withDependents), actingFor: self.actor(context))
            }
            let final: FollowUpdate = await withCheckedContinuation { continuation in
                _ = self.gateway.follow(task: name, force: force, withDependents: withDependents, actingFor: self.actor(context)) { update in
                    switch update {
                    case .event: break
                    case .finished, .failed: continuation.resume(returning: update)
                    }
                }
            }
            switch final {
            case .finished(let run): return Responses.json(run)
            case .failed(let error): return Dashboard.apiFailure(error)
            case .event: return Responses.apiError(.internalServerError, code: "internal", "unexpected event")
            }
        }
    }

    /// The daemon's result as it is, or its error as an HTTP status.
    func passThrough(_ request: ControlRequest, actingFor user: String? = nil) async -> Response {
        do {
            return Responses.jsonBytes(try await gateway.call(request, actingFor: user).json)
        } catch {
            return Dashboard.apiFailure(error)
        }
    }

    /// A query field that must be a whole number in `range` (absent: nil); `what` is it in words.
    static func number(_ query: [String: String], _ key: String, in range: ClosedRange<Int>, _ what: String) throws(BadQuery) -> Int? {
        guard let text = query[key] else { return nil }
        guard let n = Int(text), range.contains(n) else {
            let bounds = range.upperBound == Int.max ? "at least \(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
            throw BadQuery(message: "\(key) must be a whole number \(bounds) (\(what)), found \"\(text.prefix(40))\"")
        }
        return n
    }

    /// `body`'s answer, or 400 for the query field it refused.
    static func checkingQuery(_ body: () async throws(BadQuery) -> Response) async -> Response {
        do { return try await body() } catch { return error.response }
    }

    /// A query field the API refuses (400 `invalid_value`).
    struct BadQuery: Error {
        let message: String
        var response: Response { Responses.apiError(.badRequest, code: "invalid_value", message) }
    }

    static func apiFailure(_ failure: any Error) -> Response {
        let error = failure as? ControlClientError ?? ControlClientError(.failed, "\(failure)")
        switch error.reason {
        case .unreachable, .accessDenied: return Responses.apiError(.serviceUnavailable, code: "daemon_unreachable", error.message)
        case .badArgument: return Responses.apiError(.badRequest, code: "invalid_value", error.message)
        case .refused(let e):
            let status: HTTPResponse.Status = switch e.code {
            case .unknownTask, .notFound: .notFound
            case .permissionDenied: .forbidden
            case .busy: .conflict
            case .invalidValue, .wrongType, .missingField, .unknownField: .badRequest
            case .stateError: .serviceUnavailable
            default: .badGateway
            }
            return Responses.apiError(status, code: e.code.rawValue, e.message)
        case .invalidResponse, .failed: return Responses.apiError(.badGateway, code: "internal", error.message)
        }
    }

    static func readOnly() -> Response {
        Responses.apiError(.forbidden, code: "permission_denied", "this key is read-only, or the daemon does not let the dashboard change anything")
    }

    static func badBody() -> Response {
        Responses.apiError(.badRequest, code: "invalid_json", "the body must be a JSON object (or empty), at most \(Limits.maxBody / 1024) KiB")
    }

    /// The request's JSON object; an empty body is an empty object; nil for anything else.
    static func jsonBody(_ request: Request) async -> [String: Any]? {
        guard let buffer = try? await request.body.collect(upTo: Limits.maxBody) else { return nil }
        if buffer.readableBytes == 0 { return [:] }
        return (try? JSONSerialization.jsonObject(with: Data(buffer: buffer))) as? [String: Any]
    }

    /// `/metrics` with a bearer key: the daemon's own Prometheus exposition (the `metrics`
    /// command), passed through with its content type, for a scraper on another host.
    func prometheus() async -> Response {
        do {
            let result = try await gateway.call(.metrics, as: MetricsResult.self)
            return Responses.text(result.text, type: result.contentType)
        } catch {
            return Responses.text("# v6-scheduler metrics unavailable: \(error.protocolError?.message ?? error.message)\n", status: .serviceUnavailable)
        }
    }
}

let CalendarYears = 1885...2200

/// `GET /api/v1/calendar`: each date with its session (open, close, early close) or closure.
struct CalendarDays: Encodable {
    struct Day: Encodable {
        let date: String
        let session: Bool
        let open: String?
        let close: String?
        let note: String?
    }
    let days: [Day]

    init(from: LocalDate, to: LocalDate, calendar: NYSECalendar = NYSECalendar()) {
        days = (0...(to.dayNumber - from.dayNumber)).map { offset in
            let date = from.adding(days: offset)
            switch calendar.day(date) {
            case .session(let s):
                return Day(date: date.description, session: true, open: calendar.zone.iso8601(s.open), close: calendar.zone.iso8601(s.close),
                           note: s.earlyCloseReason.map { "early close (\($0))" })
            case .closed(_, let reason):
                return Day(date: date.description, session: false, open: nil, close: nil, note: reason.description)
            }
        }
    }
}
