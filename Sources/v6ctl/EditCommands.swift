import ArgumentParser
import ControlProtocol
import Foundation

/// `--revision` and `--on-behalf-of`, on every command that changes the configuration.
struct EditOptions: ParsableArguments {
    @Option(help: "The configuration revision the change is based on (from v6ctl config show); without it, the running one.")
    var revision: String?
    @Option(name: .customLong("on-behalf-of"), help: "The person this change is made for, recorded in the audit as such.")
    var onBehalfOf: String?
}

/// `v6ctl task add|set|rm`.
struct TaskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "task", abstract: "Add, change or remove a task at run time (written to the managed drop-in, then reloaded).",
        discussion: """
            Changes go to <config>.d/90-runtime.yaml, checked like check-config first; a change \
            that would make the configuration invalid is refused with the checker's message and \
            writes nothing. Every change is in v6ctl audit.

            Examples:
              v6ctl task add eod_export --command "python3 scripts/eod_export.py" \\
                --at close+20m --timeout 10min
              v6ctl task set collect_option_snapshots timeout_seconds=300 retries=3
              v6ctl task rm eod_export
            """,
        subcommands: [TaskAddCommand.self, TaskSetCommand.self, TaskRemoveCommand.self])
}

/// `v6ctl task add NAME --command CMD (--at | --every | --cron) ...`.
struct TaskAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a task.",
        discussion: "Example: v6ctl task add eod_export --command \"python3 scripts/eod_export.py\" --at close+20m --days trading")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var edit: EditOptions
    @Argument(help: "The new task's name (a-z, 0-9, _).") var task: String
    @Option(help: "The command, split like a shell would (no shell runs).") var command: String
    @Option(help: "Times as the at: key takes them, comma-separated: 08:00,close+15m.") var at: String?
    @Option(help: "A frequency: 5min, 1h, 30s.") var every: String?
    @Option(help: "A 5-field cron expression on ET wall time.") var cron: String?
    @Option(help: "trading, weekdays, every_day, weekends, or weekdays such as mon,wed.") var days: String?
    @Option(help: "The window of an --every task: pre_market, market_open, after_hours, extended.") var phase: String?
    @Option(help: "Stop a run after this long: 300, 5min, 1h.") var timeout: String?
    @Option(help: "Extra attempts after a failure, 0-100.") var retries: String?
    @Flag(name: .customLong("force-run"), help: "Run on NYSE holidays too.") var forceRun = false

    func validate() throws {
        let schedules = [at, every, cron].compactMap { $0 }
        guard schedules.count == 1 else {
            throw ValidationError("give exactly one schedule: --at TIMES, --every DURATION or --cron EXPR")
        }
        if phase != nil, every == nil { throw ValidationError("--phase applies to --every tasks only") }
    }

    func run() throws {
        let settings = EditSetting.newTask(command: command, at: at, every: every, cron: cron, phase: phase, days: days,
                                           timeout: timeout, retries: retries, forceRun: forceRun)
        try Edit.send(global: global, edit: edit) { revision in
            .taskAdd(task: task, settings: settings, revision: revision, onBehalfOf: edit.onBehalfOf)
        }
    }
}

/// `v6ctl task set NAME KEY=VALUE...`.
struct TaskSetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Set keys of a task by their YAML names; values are read as YAML.",
        discussion: """
            A *_seconds key also takes a duration (timeout_seconds=5min). KEY= or KEY=~ falls \
            back to the default. A schedule key (at, frequency, cron) replaces the task's schedule.

            Examples:
              v6ctl task set collect_option_snapshots timeout_seconds=300 retries=3 \\
                market_phase=market_open
              v6ctl task set final_data_collection 'at=[close+15m, "18:00"]'
            """)
    @OptionGroup var global: GlobalOptions
    @OptionGroup var edit: EditOptions
    @Argument(help: "The task name.") var task: String
    @Argument(help: "KEY=VALUE pairs.") var settings: [String]

    func run() throws {
        let pairs = try Edit.pairs(settings)
        try Edit.send(global: global, edit: edit) { revision in
            .taskSet(task: task, settings: pairs, revision: revision, onBehalfOf: edit.onBehalfOf)
        }
    }
}

/// `v6ctl task rm NAME`.
struct TaskRemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm", abstract: "Remove a task (a task of another file gets remove: true in the managed drop-in).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var edit: EditOptions
    @Argument(help: "The task name.") var task: String

    func run() throws {
        try Edit.send(global: global, edit: edit) { revision in
            .taskRemove(task: task, revision: revision, onBehalfOf: edit.onBehalfOf)
        }
    }
}

/// `v6ctl settings set KEY=VALUE...`.
struct SettingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings", abstract: "Change scheduler settings at run time.", subcommands: [SettingsSetCommand.self])
}

struct SettingsSetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Set scheduler: keys that take effect without a restart.",
        discussion: """
            Keys such as enable_holiday_check, enable_logging, max_concurrent_tasks, \
            kill_grace_seconds, history_limit, on_failure, working_directory, \
            calendar.extra_closures and calendar.extra_early_closes. state_directory, \
            control_socket, control_group, log_directory and timezone need a restart and are \
            refused.

            Example:
              v6ctl settings set max_concurrent_tasks=8 'calendar.extra_closures=["2026-12-31"]'
            """)
    @OptionGroup var global: GlobalOptions
    @OptionGroup var edit: EditOptions
    @Argument(help: "KEY=VALUE pairs.") var settings: [String]

    func run() throws {
        let pairs = try Edit.pairs(settings)
        try Edit.send(global: global, edit: edit) { revision in
            .settingsSet(settings: pairs, revision: revision, onBehalfOf: edit.onBehalfOf)
        }
    }
}

enum Edit {
    /// `KEY=VALUE` arguments; the value is everything after the first `=`.
    static func pairs(_ arguments: [String]) throws -> [EditSetting] {
        guard !arguments.isEmpty else { throw CLIError.usage("give at least one KEY=VALUE (e.g. timeout_seconds=300)") }
        return try arguments.map { argument in
            guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
                throw CLIError.usage("'\(argument)' is not KEY=VALUE (e.g. retries=3)")
            }
            return EditSetting(key: String(argument[..<equals]), value: String(argument[argument.index(after: equals)...]))
        }
    }

    /// Sends the edit based on `--revision`, or on the running revision (read first).
    static func send(global: GlobalOptions, edit: EditOptions, _ request: (String) -> ConfigRequest) throws {
        let revision: String
        if let given = edit.revision {
            revision = given
        } else {
            let shown = try DaemonSession.call(.config(.show()), options: global)
            revision = try DaemonSession.decode(shown, as: ConfigResult.self).revision
        }
        let payload = try DaemonSession.call(.config(request(revision)), options: global)
        if global.json { return DaemonSession.printJSON(payload) }
        let result = try DaemonSession.decode(payload, as: ConfigChangeResult.self)
        var lines = result.changes.isEmpty
            ? ["no change (revision \(result.revision))"]
            : ["revision \(result.basedOn) -> \(result.revision) (\(result.file))"]
        for change in result.changes {
            lines.append("  \(change.key): \(change.before ?? "(unset)") -> \(change.after ?? "(unset)")")
        }
        Output.write(lines.joined(separator: "\n") + "\n")
        for warning in result.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
    }
}
