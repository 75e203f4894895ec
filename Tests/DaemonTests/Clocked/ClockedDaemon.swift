import ControlProtocol
import Foundation
import MarketCalendar
import Scheduling
import Synchronization
import Testing
import TestSupport
@testable import SchedulerDaemon

/// A real `Daemon` actor inside the test process, on a `ManualClock`: real task processes, a
/// real `state.db`, a real control socket (queried with the real `v6ctl`), and a clock that
/// only moves when the test moves it. It is embedded (`DaemonHosting.embedded`): no signal
/// handlers, no subreaper, no systemd notifications; its log is kept in `log`.
///
/// In the YAML template, `{{DIR}}` is the test's temporary directory.
final class ClockedDaemon: @unchecked Sendable {
    let directory: TemporaryDirectory
    let clock: ManualClock
    let configPath: String
    let log = RecordingSink()
    var socketPath: String { directory.file("control.sock") }
    var stateDirectory: String { directory.file("state") }
    private var daemon: Daemon?
    private var running: Task<Int32, Never>?

    /// Runs `body` with a started daemon and stops it afterwards, also when `body` throws.
    static func with<T>(_ template: String, at clock: ManualClock,
                        _ body: (ClockedDaemon) async throws -> T) async throws -> T {
        let daemon = try ClockedDaemon(template, clock: clock)
        try await daemon.start()
        do {
            let result = try await body(daemon)
            await daemon.stop()
            return result
        } catch {
            await daemon.stop()
            throw error
        }
    }

    init(_ template: String, clock: ManualClock) throws {
        directory = try TemporaryDirectory("v6clock")
        self.clock = clock
        configPath = try directory.write("config.yaml", template.replacingOccurrences(of: "{{DIR}}", with: directory.path))
    }

    /// The config header of these tests (state, socket and work in the temp dir; a 1 s kill grace).
    static let header = """
        scheduler:
          working_directory: "{{DIR}}"
          state_directory: "{{DIR}}/state"
          control_socket: "{{DIR}}/control.sock"
          kill_grace_seconds: 1
          tasks:

        """

    /// Loads the config and starts a daemon on it (a fresh one after `stop()`: a restart).
    func start() async throws {
        let environment = ["PATH": "/usr/local/bin:/usr/bin:/bin"]
        let loaded = try ConfigLoader.load(path: configPath, envFile: nil, environment: environment)
        let outputs = LogOutputs(target: .stderr, primary: log, fileDirectory: nil)
        let daemon = Daemon(options: DaemonOptions(configPath: configPath, envFile: nil, logTarget: .stderr, environment: environment),
                            loaded: loaded, clock: clock, hosting: .embedded(outputs))
        let ended = Atomic<Bool>(false)
        let running = Task {
            let code = await daemon.run()
            ended.store(true, ordering: .releasing)
            return code
        }
        self.daemon = daemon
        self.running = running
        // run() does everything up to its last line without suspending: once the timer exists,
        // the socket listens, catch-up has run and the first wake is handled.
        let deadline = ContinuousClock.now + .seconds(30)
        while await daemon.timer == nil {
            if ended.load(ordering: .acquiring) {
                throw HarnessError("the daemon stopped during start-up (exit \(await running.value)): \(logText)")
            }
            guard ContinuousClock.now < deadline else { throw HarnessError("the daemon did not start within 30 s: \(logText)") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Stops the daemon as SIGTERM would (its runs are stopped and recorded); returns run()'s code.
    @discardableResult
    func stop() async -> Int32 {
        guard let daemon, let running else { return 0 }
        self.daemon = nil
        self.running = nil
        await daemon.shutdown()
        let code = await withTaskGroup(of: Int32?.self) { group in
            group.addTask { await running.value }
            group.addTask {
                try? await Task.sleep(for: .seconds(60))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let code else {
            Issue.record("the daemon did not stop within 60 s of shutdown(): \(logText)")
            return -1
        }
        return code
    }

    /// Stops the daemon and starts a new one on the same state directory and clock.
    func restart() async throws {
        await stop()
        try await start()
    }

    // MARK: - Asking it, as an operator would

    /// `v6ctl --socket <this daemon's socket> ARGS`, on a thread of its own: the daemon answers on
    /// Swift's cooperative threads, which a blocking wait must not hold.
    func v6ctl(_ arguments: [String]) async throws -> CommandResult {
        let socket = socketPath
        return try await ProcessTestSupport.offPool { try Command.run("v6ctl", ["--socket", socket] + arguments) }
    }

    /// The task's runs, oldest first (`v6ctl history TASK --json`).
    func runs(of task: String) async throws -> [RunInfo] {
        // A run is recorded once it is spawned (off the actor): one that came due when the clock
        // last moved is in the history once its spawn is back.
        try await daemon?.launchesSettled()
        let result = try await v6ctl(["history", task, "--json", "--limit", "1000"])
        guard result.status == 0 else { throw HarnessError("v6ctl history \(task) exited \(result.status): \(result.stderr)") }
        return try JSONDecoder().decode(HistoryResult.self, from: Data(result.stdout.utf8)).runs.reversed()
    }

    /// Polls the task's history until `condition` holds; fails the test (and returns what there
    /// is) after `timeout` seconds. For runs of real processes, which end in real time.
    @discardableResult
    func waitForRuns(of task: String, timeout: Double = 30, sourceLocation: SourceLocation = #_sourceLocation,
                     until condition: ([RunInfo]) -> Bool) async throws -> [RunInfo] {
        let deadline = ContinuousClock.now + .seconds(timeout)
        while true {
            let runs = try await runs(of: task)
            if condition(runs) { return runs }
            if ContinuousClock.now >= deadline {
                Issue.record("\(task): the history did not reach the expected state within \(timeout) s: \(runs.map(Self.describe))",
                             sourceLocation: sourceLocation)
                return runs
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Waits until every run of the task has ended (none running or queued), at least `count` of them.
    @discardableResult
    func waitForFinishedRuns(of task: String, count: Int, timeout: Double = 30,
                             sourceLocation: SourceLocation = #_sourceLocation) async throws -> [RunInfo] {
        try await waitForRuns(of: task, timeout: timeout, sourceLocation: sourceLocation) { runs in
            runs.count >= count && runs.allSatisfy { $0.outcome != .running && $0.outcome != .queued }
        }
    }

    /// The daemon's log messages containing `text`.
    func logMessages(containing text: String) -> [LogRecord] { log.records.filter { $0.message.contains(text) } }

    var logText: String { log.records.map { "\($0.level) \($0.message) \($0.metadata)" }.joined(separator: "\n") }

    /// `schedule 2026-11-25T10:00:00-05:00 success` and the like, for failure messages.
    static func describe(_ run: RunInfo) -> String {
        "\(run.runID) \(run.trigger.rawValue) \(run.scheduledAt ?? "-") attempt \(run.attempt) \(run.outcome.rawValue)"
            + (run.reason.map { " (\($0))" } ?? "")
    }
}

extension Daemon {
    /// Returns once no run is on its way to its spawn (claims and spawns off the actor are back).
    func launchesSettled(timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !launching.isEmpty {
            guard ContinuousClock.now < deadline else { throw HarnessError("runs still launching after \(timeout): \(launching.keys.sorted())") }
            try await Task.sleep(for: .milliseconds(2))
        }
    }
}

/// Polls `condition` every 20 ms until it holds (true) or `timeout` seconds pass (false); for
/// real processes, whose ends come in real time.
func eventually(timeout: Double = 30, _ condition: () throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + .seconds(timeout)
    while true {
        if try condition() { return true }
        if ContinuousClock.now >= deadline { return false }
        try? await Task.sleep(for: .milliseconds(20))
    }
}
