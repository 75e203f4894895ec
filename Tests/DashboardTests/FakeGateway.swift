import ControlClient
import ControlProtocol
import DashboardServer
import Foundation
import NIOConcurrencyHelpers

/// A daemon stand-in for the route tests: answers from fixed results, records what it was asked
/// (and for whom), and can be "down". The tests with a real daemon use `SocketGateway`.
final class FakeGateway: DaemonGateway {
    struct Call: Equatable {
        let request: ControlRequest
        let user: String?
    }

    private let state = NIOLockedValueBox(State())
    struct State {
        var down = false
        var mayChange = true
        var tasks: [TaskStatus] = FakeGateway.defaultTasks
        var runs: [RunInfo] = FakeGateway.defaultRuns
        var calls: [Call] = []
        var runEvents: [RunEvent] = [.started(RunInfo(runID: 9, task: "collect", trigger: .manual, outcome: .running)),
                                     .output(runID: 9, stream: .stdout, line: "fetched 120 rows")]
        /// The configuration's revision: each applied edit changes it.
        var revision = 1
        /// Values set by the fake's "files", `scheduler.tasks.collect.retries` = `1`.
        var values: [ConfigEntry] = FakeGateway.defaultValues
    }

    static let defaultTasks = [
        TaskStatus(name: "collect", enabled: true, enabledSource: "yaml", schedule: "every 5 minutes from 09:30 to 16:00", days: "trading days",
                   lastRun: RunInfo(runID: 7, task: "collect", trigger: .schedule, scheduledAt: "2026-11-27T09:30:00-05:00",
                                    startedAt: "2026-11-27T09:30:01-05:00", finishedAt: "2026-11-27T09:30:04-05:00",
                                    outcome: .success, exitCode: 0, durationMS: 3012),
                   nextRun: "2026-11-27T09:35:00-05:00"),
        TaskStatus(name: "report", enabled: false, enabledSource: "runtime", toggleUntil: "2026-11-28T00:00:00-05:00",
                   schedule: "at 18:00", days: "trading days"),
    ]
    static let defaultRuns = [
        RunInfo(runID: 7, task: "collect", trigger: .schedule, scheduledAt: "2026-11-27T09:30:00-05:00", startedAt: "2026-11-27T09:30:01-05:00",
                finishedAt: "2026-11-27T09:30:04-05:00", outcome: .success, exitCode: 0, durationMS: 3012, outputTail: ["fetched 120 rows"]),
        RunInfo(runID: 6, task: "collect", trigger: .schedule, scheduledAt: "2026-11-27T09:25:00-05:00", startedAt: "2026-11-27T09:25:02-05:00",
                finishedAt: "2026-11-27T09:25:03-05:00", outcome: .failed, exitCode: 2, durationMS: 1000, outputTail: ["error: upstream"]),
    ]

    /// What the daemon's filter and counts look at, from a task's brief.
    static func facts(_ task: TaskStatus) -> TaskFacts {
        TaskFacts(name: task.name, enabled: task.enabled, running: task.running,
                  failed: [.failed, .fatal, .timeout, .abandoned].contains(task.lastRun?.outcome), waiting: task.waiting != nil)
    }

    func set(_ change: (inout State) -> Void) { state.withLockedValue(change) }
    func update<T>(_ body: (inout State) -> T) -> T { state.withLockedValue(body) }
    var calls: [Call] { state.withLockedValue { $0.calls } }
    /// The calls that change something.
    var changes: [Call] { calls.filter { $0.request.command.isPrivileged } }

    func call(_ request: ControlRequest, actingFor user: String?) async throws(ControlClientError) -> ResultPayload {
        let s = state.withLockedValue { state in
            state.calls.append(Call(request: request, user: user))
            return state
        }
        if s.down { throw ControlClientError(.unreachable, "cannot connect to /run/test.sock: No such file or directory; is v6-scheduler running?") }
        func encode<T: Encodable>(_ value: T) -> ResultPayload {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return ResultPayload(json: Array(try! encoder.encode(value)))
        }
        func unknown(_ name: String) -> ControlClientError {
            ControlClientError(.refused(ProtocolError(.unknownTask, "no task named \"\(name)\"")), "no task named \"\(name)\" [unknown_task]")
        }
        switch request {
        case .status:
            return encode(StatusResult(version: "test", pid: Int(getpid()), startedAt: "2026-11-27T04:00:00-05:00", uptimeSeconds: 100,
                                       configPath: "/etc/v6-scheduler/production.yaml", now: "2026-11-27T09:31:00-05:00",
                                       marketPhase: "market_open", phaseUntil: "2026-11-27T13:00:00-05:00", tradingDay: true,
                                       dayNote: "early close at 13:00 (Day after Thanksgiving)", nextSession: "2026-11-30T09:30:00-05:00",
                                       tasks: s.tasks.filter { Self.facts($0).needsAttention }, mayChange: s.mayChange,
                                       taskCounts: s.tasks.reduce(into: TaskCounts()) { $0.add(Self.facts($1)) }))
        case .tasks(let limit, let offset, let filter):
            // As the daemon pages: filter, then offset and limit, with the total that matched.
            var matching = s.tasks
            if let filter {
                do {
                    let parsed = try TaskFilter(parsing: filter)
                    matching = matching.filter { parsed.matches(Self.facts($0)) }
                } catch {
                    throw ControlClientError(.refused(error), "\(error.message) [\(error.code.rawValue)]")
                }
            }
            let page = matching.dropFirst(offset ?? 0).prefix(limit ?? matching.count)
            return encode(TasksResult(tasks: Array(page), total: matching.count, offset: offset ?? 0))
        case .task(let name, _):
            guard let task = s.tasks.first(where: { $0.name == name }) else { throw unknown(name) }
            return encode(TaskDetail(status: task, command: ["/bin/echo", name], timeoutSeconds: 60, retries: 1, retryBackoffSeconds: 5,
                                     overlap: "skip", catchUp: false, forceRun: false, lastRuns: s.runs.filter { $0.task == name },
                                     nextRuns: ["2026-11-27T09:35:00-05:00"]))
        case .history(let task, let runID, let limit, _, let cursor):
            if let task, !s.tasks.contains(where: { $0.name == task }) { throw unknown(task) }
            if let runID {
                guard let run = s.runs.first(where: { $0.runID == runID }) else {
                    throw ControlClientError(.refused(ProtocolError(.notFound, "no run \(runID) in the history")), "no run \(runID) [not_found]")
                }
                return encode(HistoryResult(runs: [run]))
            }
            // Pages as the daemon gives them: newest first, `next_cursor` where the next one starts.
            let all = s.runs.filter { (task == nil || $0.task == task) && (cursor == nil || $0.runID <= cursor!) }.sorted { $0.runID > $1.runID }
            let page = Array(all.prefix(limit ?? 20))
            return encode(HistoryResult(runs: page, nextCursor: all.count > page.count ? all[page.count].runID : nil))
        case .next, .plan: return encode(NextResult(runs: [NextRun(task: "collect", at: "2026-11-27T09:35:00-05:00")]))
        case .enable(let name, let until), .disable(let name, let until):
            guard s.tasks.contains(where: { $0.name == name }) else { throw unknown(name) }
            if case .enable = request { return encode(ToggleResult(task: name, enabled: true, source: "runtime", until: until)) }
            return encode(ToggleResult(task: name, enabled: false, source: "runtime", until: until))
        case .clear(let name):
            guard s.tasks.contains(where: { $0.name == name }) else { throw unknown(name) }
            return encode(ToggleResult(task: name, enabled: true, source: "yaml"))
        case .runNow(let name, _, _, _):
            guard s.tasks.contains(where: { $0.name == name }) else { throw unknown(name) }
            return encode(RunInfo(runID: 9, task: name, trigger: .manual, outcome: .running))
        case .reload: return encode(ReloadResult(tasks: s.tasks.count))
        case .config(let config): return try configAnswer(config, state: s, encode: { encode($0) })
        case .metrics:
            return encode(MetricsResult(text: "# HELP v6_task_runs_total Finished runs.\n# TYPE v6_task_runs_total counter\nv6_task_runs_total{task=\"collect\",outcome=\"success\"} 1\n",
                                        contentType: "text/plain; version=0.0.4; charset=utf-8"))
        case .notifyTest:
            throw ControlClientError(.refused(ProtocolError(.unknownCommand, "not in the fake")), "not in the fake")
        }
    }

    func follow(task: String, force: Bool, withDependents: Bool, actingFor user: String?, update: @escaping @Sendable (FollowUpdate) -> Void) -> FollowHandle {
        let s = state.withLockedValue { state in
            state.calls.append(Call(request: .runNow(task: task, force: force, wait: true, withDependents: withDependents), user: user))
            return state
        }
        Thread {
            if s.down { return update(.failed(ControlClientError(.unreachable, "cannot connect"))) }
            for event in s.runEvents { update(.event(event)) }
            update(.finished(RunInfo(runID: 9, task: task, trigger: .manual, startedAt: "2026-11-27T09:31:00-05:00",
                                     finishedAt: "2026-11-27T09:31:03-05:00", outcome: .success, exitCode: 0, durationMS: 3000)))
        }.start()
        return FollowHandle {}
    }
}
