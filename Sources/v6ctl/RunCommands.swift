import ArgumentParser
import ControlProtocol
import Foundation

/// `v6ctl run-now TASK [--force] [--wait] [--with-dependents]`.
struct RunNowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run-now", abstract: "Run a task now (manual trigger).",
        discussion: """
            Without --force, a task does not run on a day its `days:` excludes (e.g. a holiday), \
            and a task with after: first waits for its upstreams (at most its after_wait) and is \
            skipped if one of them failed or did not run today.

            The tasks that run after it are not started unless --with-dependents is given: then \
            each runs after it, once its upstreams within the chain are over (skipped if one of \
            them failed).

            With --wait, the task's output is streamed (stdout to stdout, stderr to stderr) and \
            v6ctl exits with the task's own exit code: 124 on timeout (like timeout(1)), 128+N \
            when killed by signal N, 127 when its program could not be started at all (outcome \
            fatal: missing, not executable; as a shell does). --wait follows the named task only; \
            see the chain with v6ctl history.

            Examples: v6ctl run-now final_data_collection --wait
                      v6ctl run-now final_data_collection --with-dependents
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The task name.") var task: String
    @Flag(help: "Ignore the calendar (the task's days: rule) and its upstreams (after:).") var force = false
    @Flag(help: "Stream the output and exit with the task's exit code.") var wait = false
    @Flag(name: .customLong("with-dependents"), help: "Then run the tasks that run after it (after:), in order.")
    var withDependents = false

    func run() throws {
        let payload = try DaemonSession.call(.runNow(task: task, force: force, wait: wait, withDependents: withDependents),
                                             options: global) { event in
            guard !global.json else { return Output.write(eventJSON(event)) }
            switch event {
            case .output(_, let stream, let line):
                if stream == .stdout { Output.write(line + "\n") } else { FileHandle.standardError.write(Data((line + "\n").utf8)) }
            case .started(let run):
                FileHandle.standardError.write(Data("v6ctl: \(run.task) started (run \(run.runID), attempt \(run.attempt))\n".utf8))
            case .retrying(let run):
                FileHandle.standardError.write(Data("v6ctl: attempt \(run.attempt) \(run.outcome.rawValue): \(run.reason ?? "")\n".utf8))
            }
        }
        if global.json { DaemonSession.printJSON(payload) }
        let run = try DaemonSession.decode(payload, as: RunInfo.self)
        if !global.json {
            let detail = [Render.exit(run), Render.duration(run.durationMS), run.reason ?? ""].filter { !$0.isEmpty }.joined(separator: ", ")
            let message = "\(run.task): \(run.outcome.rawValue)" + (run.runID > 0 ? " (run \(run.runID))" : "") + (detail.isEmpty ? "" : ": \(detail)")
            if wait { FileHandle.standardError.write(Data("v6ctl: \(message)\n".utf8)) } else { Output.write(message + "\n") }
        }
        if run.outcome == .skipped { throw ExitCode(CLIError.failed) }
        guard wait else { return }
        switch run.outcome {
        case .success: return
        case .timeout: throw ExitCode(124)
        default:
            if let code = run.exitCode { throw ExitCode(Int32(code)) }
            if let signal = run.signal { throw ExitCode(Int32(128 + signal)) }
            // Never started (fatal without an exit status): what a shell says of a command it cannot run.
            if run.outcome == .fatal { throw ExitCode(127) }
            throw ExitCode(CLIError.failed)
        }
    }

    private func eventJSON(_ event: RunEvent) -> String {
        String(decoding: ResponseEncoder.event(id: nil, event), as: UTF8.self)
    }
}

/// `v6ctl history [TASK] [--limit N]`.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "Past runs, newest first.",
                                                    discussion: "Example: v6ctl history collect_option_snapshots --limit 5")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Only this task.") var task: String?
    // .unconditional: `--limit -1` is a wrong number, not a missing one.
    @Option(parsing: .unconditional, help: "How many runs (1-10000, default 20).") var limit: Int = 20

    func validate() throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000, not \(limit)") }
    }

    func run() throws {
        let result = try DaemonSession.history(task: task, limit: limit, output: false, options: global)
        if global.json { return try DaemonSession.printJSON(result) }
        let hosts = result.runs.contains { $0.host != nil }
        let rows = result.runs.map { run in
            // An upstream run's slot is its run date's 00:00: when it started (or was skipped) says more.
            let time = run.trigger == .upstream ? run.startedAt ?? run.finishedAt ?? run.scheduledAt : run.scheduledAt ?? run.startedAt
            let row = [String(run.runID), Render.cut(run.task, 26), run.trigger.rawValue, Render.short(time),
                       Render.outcome(run.outcome), Render.exit(run), Render.duration(run.durationMS), Render.duration(run.cpuMS),
                       Render.bytes(run.maxRSSBytes)]
            // With the shared store the history is every host's: which one ran it.
            return hosts ? [run.host ?? "-"] + row : row
        }
        let header = ["run", "task", "trigger", "time", "outcome", "exit", "took", "cpu", "peak rss"]
        Output.write(Output.table(hosts ? ["host"] + header : header, rows)
                     + "(\(Render.offsetNote()); cpu: user + system time of the run's processes)\n")
    }
}

/// `v6ctl next [--limit N]`.
struct NextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "next", abstract: "Upcoming runs across tasks, soonest first.")
    @OptionGroup var global: GlobalOptions
    @Option(parsing: .unconditional, help: "How many (1-10000, default 20).") var limit: Int = 20

    func validate() throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000, not \(limit)") }
    }

    func run() throws {
        let payload = try DaemonSession.call(.next(limit: limit), options: global)
        if global.json { return DaemonSession.printJSON(payload) }
        let result = try DaemonSession.decode(payload, as: NextResult.self)
        Output.write(Output.table(["time", "in", "task"], result.runs.map { [$0.at, Render.relative($0.at), $0.task] }))
    }
}

/// `v6ctl reload`.
struct ReloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reload",
        abstract: "Reload the daemon's configuration (like systemctl reload); an invalid one is rejected and reported.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let payload = try DaemonSession.call(.reload, options: global)
        if global.json { return DaemonSession.printJSON(payload) }
        let result = try DaemonSession.decode(payload, as: ReloadResult.self)
        Output.write("reloaded: \(result.tasks) tasks\n")
        for warning in result.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
    }
}
