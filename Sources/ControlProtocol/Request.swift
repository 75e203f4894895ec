/// One request of the control protocol, with its arguments, as `RequestDecoder` produces it and
/// `RequestEncoder` writes it. Instants (`until`) stay ISO-8601 strings here; the daemon interprets them.
public enum Request: Sendable, Equatable {
    /// The daemon, the market, a count of the tasks and those that need attention. Result: `StatusResult`.
    case status
    /// Tasks in brief, sorted by name: those matching `filter` (see `TaskFilter`), skipping
    /// `offset` of them, at most `limit`. Result: `TasksResult`.
    case tasks(limit: Int? = nil, offset: Int? = nil, filter: String? = nil)
    /// One task in detail; `output` adds the output tail of its last runs. Result: `TaskDetail`.
    case task(name: String, output: Bool = false)
    /// Turns a task on at run time, until an ET instant or until cleared. Result: `ToggleResult`.
    case enable(task: String, until: String? = nil)
    /// Turns a task off at run time, until an ET instant or until cleared. Result: `ToggleResult`.
    case disable(task: String, until: String? = nil)
    /// Drops the run-time toggle: the YAML/environment state applies again. Result: `ToggleResult`.
    case clear(task: String)
    /// Runs a task now. `force` ignores the task's `days:` (the calendar) and its upstreams (`after:`);
    /// `wait` streams the run's output as events and answers when the run (with its retries) is over;
    /// `withDependents` runs the tasks below it after it. Result: `RunInfo`.
    case runNow(task: String, force: Bool = false, wait: Bool = false, withDependents: Bool = false)
    /// Past runs, newest first: of one task, or one run by id, or of all tasks; `cursor` (a previous
    /// answer's `next_cursor`) continues after that answer's last run. Result: `HistoryResult`.
    case history(task: String? = nil, runID: Int64? = nil, limit: Int? = nil, output: Bool = false, cursor: Int64? = nil)
    /// Upcoming runs across tasks, soonest first. Result: `NextResult`.
    case next(limit: Int? = nil)
    /// Rereads the configuration; the old one stays if the new one is invalid. Result: `ReloadResult`.
    case reload
    /// Every planned occurrence of the enabled tasks on the ET dates `from` through `to` (YYYY-MM-DD;
    /// `to` defaults to `from`), from the daemon's own engine, as `v6-scheduler plan`. Result: `NextResult`.
    case plan(from: String, to: String? = nil)
    /// Shows or changes the configuration, or lists who changed it (see `ConfigRequest`).
    case config(ConfigRequest)
    /// The Prometheus text exposition of the daemon's metrics. Result: `MetricsResult`.
    case metrics
    /// Sends a test alert to one channel of `scheduler.notify`, past its queue, one attempt, and
    /// answers with the endpoint's answer. Result: `NotifyTestResult`.
    case notifyTest(channel: String)

    public var command: Command {
        switch self {
        case .status: return .status
        case .tasks: return .tasks
        case .task: return .task
        case .enable: return .enable
        case .disable: return .disable
        case .clear: return .clear
        case .runNow: return .runNow
        case .history: return .history
        case .next: return .next
        case .reload: return .reload
        case .plan: return .plan
        case .config(let request): return request.command
        case .metrics: return .metrics
        case .notifyTest: return .notifyTest
        }
    }

    /// The task the request is about, if it names one.
    public var taskName: String? {
        switch self {
        case .task(let name, _): return name
        case .enable(let task, _), .disable(let task, _), .clear(let task), .runNow(let task, _, _, _): return task
        case .history(let task, _, _, _, _): return task
        case .config(let request): return request.taskName
        case .status, .tasks, .next, .reload, .plan, .metrics, .notifyTest: return nil
        }
    }

    /// The request's arguments as JSON members, in documentation order; defaults are left out.
    var arguments: [(String, JSONValue)] {
        var members: [(String, JSONValue)] = []
        func add(_ key: String, _ value: JSONValue?) { if let value { members.append((key, value)) } }
        func flag(_ b: Bool) -> JSONValue? { b ? .bool(true) : nil }
        switch self {
        case .status, .reload, .metrics: break
        case .notifyTest(let channel):
            add("channel", .string(channel))
        case .tasks(let limit, let offset, let filter):
            add("limit", limit.map { .number(String($0)) })
            add("offset", offset.map { .number(String($0)) })
            add("filter", filter.map(JSONValue.string))
        case .task(let name, let output):
            add("task", .string(name))
            add("output", flag(output))
        case .enable(let task, let until), .disable(let task, let until):
            add("task", .string(task))
            add("until", until.map(JSONValue.string))
        case .clear(let task):
            add("task", .string(task))
        case .runNow(let task, let force, let wait, let withDependents):
            add("task", .string(task))
            add("force", flag(force))
            add("wait", flag(wait))
            add("with_dependents", flag(withDependents))
        case .history(let task, let runID, let limit, let output, let cursor):
            add("task", task.map(JSONValue.string))
            add("run_id", runID.map { .number(String($0)) })
            add("limit", limit.map { .number(String($0)) })
            add("output", flag(output))
            add("cursor", cursor.map { .number(String($0)) })
        case .next(let limit):
            add("limit", limit.map { .number(String($0)) })
        case .plan(let from, let to):
            add("from", .string(from))
            add("to", to.map(JSONValue.string))
        case .config(let request):
            members = request.arguments
        }
        return members
    }
}

/// What `RequestDecoder` made of one line: the request or the error to answer with, and the `id` to
/// echo, which is recovered whenever the line was a JSON object with a usable `id`, also on error.
public struct DecodedRequest: Sendable, Equatable {
    public let id: RequestID?
    public let result: Result<Request, ProtocolError>
    /// `on_behalf_of` of a command that takes it at the top level (`Command.takesOnBehalfOf`).
    public let onBehalfOf: String?

    public init(id: RequestID?, result: Result<Request, ProtocolError>, onBehalfOf: String? = nil) {
        self.id = id
        self.result = result
        self.onBehalfOf = onBehalfOf
    }

    public var request: Request? { try? result.get() }

    public var error: ProtocolError? {
        if case .failure(let error) = result { return error }
        return nil
    }
}

/// Writes request lines (the client's side).
public enum RequestEncoder {
    /// `{"v":1,"id":7,"cmd":"enable","task":"x"}` and a newline. `onBehalfOf` is sent with the
    /// commands that take it at the top level (`Command.takesOnBehalfOf`) and left out otherwise.
    public static func encode(_ request: Request, id: RequestID? = nil, onBehalfOf: String? = nil) -> [UInt8] {
        var object = JSONObject()
        object.insert("v", .number(String(ProtocolVersion.current)))
        if let id { object.insert("id", id.jsonValue) }
        object.insert("cmd", .string(request.command.rawValue))
        for (key, value) in request.arguments { object.insert(key, value) }
        if let onBehalfOf, request.command.takesOnBehalfOf { object.insert("on_behalf_of", .string(onBehalfOf)) }
        var out: [UInt8] = []
        JSONWriter.write(.object(object), into: &out)
        out.append(0x0A)
        return out
    }
}
