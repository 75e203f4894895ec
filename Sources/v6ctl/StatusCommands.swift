import ArgumentParser
import ControlProtocol
import Foundation

/// `v6ctl status`: the daemon, the market, a count of the tasks and those that need attention.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the daemon, the market phase, how many tasks are in each state, and the tasks that need attention.",
        discussion: """
            A task needs attention when it is running, its last run failed, a run of it is waiting to \
            start, or it is disabled. Every task: v6ctl list.

            Examples:
              v6ctl status
              v6ctl status --json | jq .task_counts
            """
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
        if let zone = status.zoneData { lines.append("zone data: " + Render.zoneData(zone)) }
        if let error = status.stateError { lines.append("STATE STORE FAILING: \(error)") }
        if let cluster = status.cluster { lines.append(contentsOf: Self.clusterLines(cluster)) }
        lines.append("")
        lines.append(contentsOf: Self.taskLines(status))
        Output.write(lines.joined(separator: "\n") + "\n")
    }

    /// The shared store and its hosts (`scheduler.store: postgres`).
    static func clusterLines(_ cluster: ClusterStatus) -> [String] {
        var lines = ["store: \(cluster.store) \(cluster.database), this host \(cluster.hostID)"]
        if let why = cluster.unreachable {
            lines.append("SHARED STORE UNREACHABLE: \(why); starting nothing that needs a claim")
        }
        let rows = cluster.hosts.map { host in
            [host.hostID + (host.thisHost ? " (this)" : ""), host.alive ? "alive" : "LAPSED",
             String(format: "%.1fs/%ds", host.leaseAgeSeconds, host.leaseSeconds),
             host.configRevision + (host.configDiffers ? " DIFFERS" : ""), host.runtimeRevision.map(String.init) ?? "-",
             String(host.running)]
        }
        lines.append(contentsOf: Output.table(["host", "state", "lease age", "config revision", "run-time rev", "running"], rows)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLast())
        let differing = cluster.hosts.filter(\.configDiffers).map(\.hostID)
        if !differing.isEmpty {
            lines.append("configuration differs on \(differing.joined(separator: ", ")): each slot still runs once; compare the files (v6ctl config show) and the run-time revisions (a host's journal says why it refused one)")
        }
        return lines
    }

    /// The counts, then the table of the tasks that need attention.
    static func taskLines(_ status: StatusResult) -> [String] {
        guard let counts = status.taskCounts else { return TaskTable.lines(status.tasks) }  // an older daemon
        let n = Render.count
        var summary = "tasks: \(n(counts.total)) (\(n(counts.enabled)) enabled, \(n(counts.disabled)) disabled); "
            + "\(n(counts.running)) running, \(n(counts.failed)) failed last time, \(n(counts.waiting)) waiting"
        guard counts.attention > 0 else {
            summary += "\nno task needs attention; every task: v6ctl list"
            return [summary]
        }
        var lines = [summary, "", counts.attention == 1 ? "the task that needs attention:" : "the \(n(counts.attention)) tasks that need attention:"]
        lines.append(contentsOf: TaskTable.lines(status.tasks))
        if counts.listed < counts.attention {
            lines.append("... and \(n(counts.attention - counts.listed)) more: v6ctl list --filter attention")
        }
        if counts.attention < counts.total {
            let others = counts.total - counts.attention
            lines.append((others == 1 ? "the other task is fine" : "the other \(n(others)) tasks are fine") + "; every task: v6ctl list")
        }
        return lines
    }
}

/// `v6ctl list`: the task table, by name, a page at a time if asked.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the tasks: enabled, schedule, last and next run.",
        discussion: """
            --filter takes comma-separated terms that a task must all match: a state (running, \
            failed, waiting, disabled, enabled, attention) or a pattern on the name (*, ?, [...] as \
            in the shell; without them, a part of the name).

            Examples:
              v6ctl list --filter failed
              v6ctl list --filter 'collect_*' --limit 50 --offset 50
            """
    )
    @OptionGroup var global: GlobalOptions
    @Option(help: "At most this many tasks (1-10000; default: all).") var limit: Int?
    @Option(help: "Skip this many matching tasks first (default 0).") var offset: Int?
    @Option(help: "Only the tasks matching this, e.g. failed, disabled, 'collect_*', 'failed,eod'.") var filter: String?

    func validate() throws {
        if let limit, !(1...ProtocolLimits.maxListLimit).contains(limit) {
            throw ValidationError("--limit must be between 1 and \(ProtocolLimits.maxListLimit)")
        }
        if let offset, !(0...ProtocolLimits.maxListOffset).contains(offset) {
            throw ValidationError("--offset must be between 0 and \(ProtocolLimits.maxListOffset)")
        }
        if let filter {
            do { _ = try TaskFilter(parsing: filter) } catch { throw ValidationError("--filter: " + error.message.replacingOccurrences(of: "\"filter\" ", with: "")) }
        }
    }

    func run() throws {
        let payload = try DaemonSession.call(.tasks(limit: limit, offset: offset, filter: filter), options: global)
        if global.json { return DaemonSession.printJSON(payload) }
        let result = try DaemonSession.decode(payload, as: TasksResult.self)
        var lines = result.tasks.isEmpty ? [] : TaskTable.lines(result.tasks)
        let total = result.total ?? result.tasks.count, first = result.offset ?? 0
        let matching = filter.map { " matching \($0)" } ?? ""
        if result.tasks.isEmpty {
            lines.append(total == 0 ? "no task\(matching.isEmpty ? "s" : matching)" : "no tasks past \(Render.count(total))\(matching) (--offset \(first))")
        } else if result.tasks.count < total {
            let last = first + result.tasks.count
            var note = "tasks \(Render.count(first + 1))-\(Render.count(last)) of \(Render.count(total))\(matching)"
            if last < total { note += "; next: --offset \(last)" + (limit.map { " --limit \($0)" } ?? "") }
            lines.append(note)
        }
        Output.write(lines.joined(separator: "\n") + "\n")
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
            // With the shared store each run names its host (run ids count per host).
            let host = run.host.map { "\($0) " } ?? ""
            lines.append("    \(host)\(run.runID)  \(run.startedAt ?? run.scheduledAt ?? "-")  \(Render.outcome(run.outcome))  \(Render.exit(run))  \(Render.duration(run.durationMS))"
                + (run.reason.map { "  \($0)" } ?? ""))
            for line in run.outputTail ?? [] { lines.append("      | \(line)") }
        }
        Output.write(lines.joined(separator: "\n") + "\n")
    }
}
