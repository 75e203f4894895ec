import ArgumentParser
import ControlProtocol
import Foundation

/// `v6ctl status`: the daemon, the market, every task.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the daemon, the market phase, and every task with its last and next run.",
        discussion: "Example: v6ctl status; v6ctl status --json | jq '.tasks[] | select(.enabled == false)'"
    )
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let payload = try DaemonSession.call(.status, options: global)
        if global.json { return DaemonSession.printJSON(payload) }
        let status = try DaemonSession.decode(payload, as: StatusResult.self)
        var lines: [String] = []
        let uptime = Duration.words(Int64(status.uptimeSeconds)).replacingOccurrences(of: "in ", with: "")
        lines.append("v6-scheduler \(status.version) (pid \(status.pid)), up \(uptime), config \(status.configPath)")
        let until = status.phaseUntil.map { " until \(Render.short($0)) (\(Render.relative($0)))" } ?? ""
        let day = status.tradingDay ? "trading day" + (status.dayNote.map { ", \($0)" } ?? "") : "no session today: \(status.dayNote ?? "closed")"
        lines.append("market: \(status.marketPhase)\(until); \(day)")
        if let next = status.nextSession { lines.append("next session opens \(next)") }
        lines.append("running: \(status.running)")
        if let error = status.stateError { lines.append("STATE STORE FAILING: \(error)") }
        lines.append("")
        lines.append(contentsOf: TaskTable.lines(status.tasks))
        Output.write(lines.joined(separator: "\n") + "\n")
    }
}

/// `v6ctl list`: the task table alone.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the tasks: enabled, schedule, last and next run.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let payload = try DaemonSession.call(.tasks, options: global)
        if global.json { return DaemonSession.printJSON(payload) }
        let result = try DaemonSession.decode(payload, as: TasksResult.self)
        Output.write(TaskTable.lines(result.tasks).joined(separator: "\n") + "\n")
    }
}

enum TaskTable {
    static func lines(_ tasks: [TaskStatus]) -> [String] {
        let rows = tasks.map { task -> [String] in
            let enabled = (task.enabled ? "yes" : "no") + (task.enabledSource == "runtime" ? "*" : "")
            let next = task.nextRun.map { "\(Render.short($0)) \(Render.relative($0))" } ?? "-"
            let mark = task.running ? " ▶" : (task.waitingFor != nil ? " ⏸" : "")
            return [Render.cut(task.name, 26) + mark, enabled, Render.cut(task.schedule, 24), Render.lastRun(task.lastRun), next]
        }
        var lines = Output.table(["task", "enabled", "schedule", "last run", "next run"], rows)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let toggled = tasks.filter { $0.enabledSource == "runtime" }
        let waiting = tasks.filter { $0.waitingFor != nil }
        lines.append("(\(Render.offsetNote()); ▶ running" + (waiting.isEmpty ? "" : "; ⏸ waiting for an upstream")
                     + (toggled.isEmpty ? ")" : "; * set with v6ctl, undo with v6ctl clear TASK)"))
        for task in waiting { lines.append("  \(task.name): \(Render.waiting(task))") }
        for task in toggled {
            lines.append("  \(task.name): \(task.enabled ? "enabled" : "disabled") by v6ctl" + (task.toggleUntil.map { " until \($0)" } ?? " until cleared"))
        }
        return lines
    }
}

/// `v6ctl show TASK`.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one task: configuration, toggle, last runs, next runs.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The task name.") var task: String
    @Flag(help: "Include the output tail of the last runs.") var output = false

    func run() throws {
        let payload = try DaemonSession.call(.task(name: task, output: output), options: global)
        if global.json { return DaemonSession.printJSON(payload) }
        let detail = try DaemonSession.decode(payload, as: TaskDetail.self)
        let s = detail.status
        var lines = [
            "\(s.name)",
            "  enabled:   \(s.enabled ? "yes" : "no") (\(s.enabledSource)\(s.toggleUntil.map { ", until \($0)" } ?? ""))",
            "  schedule:  \(s.schedule), \(s.days)",
            "  command:   \(detail.command.joined(separator: " "))",
            "  timeout:   \(detail.timeoutSeconds)s; retries \(detail.retries) (backoff \(detail.retryBackoffSeconds)s); overlap \(detail.overlap)"
                + (detail.catchUp ? "; catch_up" : "") + (detail.forceRun ? "; force_run" : ""),
        ]
        if !detail.environmentKeys.isEmpty { lines.append("  env:       \(detail.environmentKeys.joined(separator: ", "))") }
        if let after = s.after {
            let wait = detail.afterWaitSeconds.map { "; waits at most \(Render.span($0))" } ?? ""
            lines.append("  after:     \(after.joined(separator: ", "))\(wait)")
        }
        if let dependents = s.dependents { lines.append("  needed by: \(dependents.joined(separator: ", "))") }
        if s.waitingFor != nil { lines.append("  now:       \(Render.waiting(s))") }
        lines.append("  next runs: " + (detail.nextRuns.isEmpty ? "none" : detail.nextRuns.joined(separator: ", ")))
        lines.append("  last runs:")
        if detail.lastRuns.isEmpty { lines.append("    none") }
        for run in detail.lastRuns {
            lines.append("    \(run.runID)  \(run.startedAt ?? run.scheduledAt ?? "-")  \(Render.outcome(run.outcome))  \(Render.exit(run))  \(Render.duration(run.durationMS))"
                + (run.reason.map { "  \($0)" } ?? ""))
            for line in run.outputTail ?? [] { lines.append("      | \(line)") }
        }
        Output.write(lines.joined(separator: "\n") + "\n")
    }
}
