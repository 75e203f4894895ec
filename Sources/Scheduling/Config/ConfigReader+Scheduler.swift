import Foundation
import MarketCalendar
import Yams

/// What tasks inherit from the `scheduler:` section.
struct TaskDefaults {
    var workingDirectory: String
    var killGraceSeconds: Int
    var historyLimit: Int
    var onFailure: [String]?
    /// `enable_holiday_check: false`.
    var ignoresHolidays: Bool
    /// `notify_default`, and every channel name (for tasks' `notify:`).
    var notify: [String] = []
    var channelNames: [String] = []
}

extension ConfigReader {
    static let schedulerKeys = [
        "timezone", "log_directory", "enable_holiday_check", "enable_logging", "working_directory",
        "state_directory", "control_socket", "control_group", "max_concurrent_tasks", "kill_grace_seconds",
        "history_limit", "on_failure", "calendar", "tasks",
    ] + notifySchedulerKeys + clusterSchedulerKeys
    static let supportedTimezone = "America/New_York"
    static let defaultStateDirectory = "/var/lib/v6-scheduler"
    static let defaultControlSocket = "/run/v6-scheduler/control.sock"
    /// sun_path holds 108 bytes including the terminating NUL.
    static let maxSocketPathBytes = 107

    /// Reads the `scheduler:` mapping. Returns a configuration even when issues were recorded
    /// (with defaults in place of bad values), so that later checks still run; tasks with
    /// issues are left out. `taskNames` lists every well-formed task name, valid body or not.
    mutating func readScheduler(_ node: Node, sourcePath: String) -> (config: SchedulerConfig, taskNames: [String])? {
        guard let m = mapping(node, path: "scheduler", known: Self.schedulerKeys) else { return nil }
        let base = ConfigPaths.directory(of: sourcePath)

        if let zone = string(m, "timezone"), zone != Self.supportedTimezone {
            error(m.keyLine("timezone"), m.child("timezone"),
                  "\"\(zone)\" is not supported (the only supported value is \(Self.supportedTimezone); the NYSE clock is Eastern time)")
        }
        let workingDirectory = path(m, "working_directory", base: base) ?? base
        var config = SchedulerConfig(
            sourcePath: sourcePath,
            logDirectory: path(m, "log_directory", base: base),
            enableHolidayCheck: bool(m, "enable_holiday_check") ?? true,
            enableLogging: bool(m, "enable_logging") ?? true,
            workingDirectory: workingDirectory,
            stateDirectory: path(m, "state_directory", base: base) ?? Self.defaultStateDirectory,
            controlSocket: path(m, "control_socket", base: base) ?? Self.defaultControlSocket,
            tasks: [])
        if m.has("control_socket"), config.controlSocket.utf8.count > Self.maxSocketPathBytes {
            error(m.keyLine("control_socket"), m.child("control_socket"),
                  "\"\(config.controlSocket)\" is \(config.controlSocket.utf8.count) bytes long; Unix socket paths are limited to \(Self.maxSocketPathBytes) (choose a shorter path)")
        }
        if let group = string(m, "control_group") {
            if group.isEmpty || group.contains(where: { $0.isWhitespace || $0 == ":" }) {
                error(m.keyLine("control_group"), m.child("control_group"),
                      "\"\(group)\" is not a group name (write a Unix group such as v6, or remove the key)")
            } else {
                config.controlGroup = group
            }
        }
        config.maxConcurrentTasks = int(m, "max_concurrent_tasks", in: ConfigRanges.maxConcurrentTasks) ?? 16
        config.killGraceSeconds = int(m, "kill_grace_seconds", in: ConfigRanges.killGraceSeconds, unit: "seconds") ?? 10
        config.historyLimit = int(m, "history_limit", in: ConfigRanges.historyLimit) ?? 1000
        if let hook = command(m, "on_failure", allowEmpty: true), !hook.isEmpty {
            config.onFailure = ConfigReader.resolveProgram(hook, in: workingDirectory)
        }
        if let calendar = m.value("calendar") {
            config.extraDays = readCalendar(calendar, path: m.child("calendar"))
        }

        let notify = readNotifySettings(m, base: base)
        config.notify = notify.settings
        config.cluster = readClusterSettings(m, base: base)
        let defaults = TaskDefaults(workingDirectory: workingDirectory, killGraceSeconds: config.killGraceSeconds,
                                    historyLimit: config.historyLimit, onFailure: config.onFailure,
                                    ignoresHolidays: !config.enableHolidayCheck, notify: config.notify.defaultChannels,
                                    channelNames: notify.names)
        var names: [String] = []
        if let tasksNode = m.value("tasks"),
           let tasks = mapping(tasksNode, path: m.child("tasks"), known: nil, expected: "a mapping of task names to tasks") {
            for pair in tasks.pairs {
                guard checkTaskName(pair.key, line: pair.keyLine, path: tasks.child(pair.key)) else { continue }
                names.append(pair.key)
                if let task = readTask(name: pair.key, line: pair.keyLine, node: pair.value, path: tasks.child(pair.key),
                                       defaults: defaults) {
                    config.tasks.append(task)
                }
            }
        }
        checkDependencies(names: names, tasksPath: m.child("tasks"))
        if names.isEmpty {
            warn(m.keyLine("tasks") ?? m.line, m.child("tasks"), "no tasks are defined (the scheduler will run nothing)")
        }
        config.tasks.sort { $0.name < $1.name }
        return (config, names)
    }

    /// `[a-z0-9_]+`: names become SCHEDULER_<NAME>_ENABLED variables and journald identifiers.
    mutating func checkTaskName(_ name: String, line: Int, path: String) -> Bool {
        if !name.isEmpty, name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }) {
            return true
        }
        var fixed = ""
        for c in Self.transliterated(name).lowercased().unicodeScalars {
            let ok = ("a"..."z").contains(c) || ("0"..."9").contains(c)
            if ok { fixed.unicodeScalars.append(c) } else if !fixed.hasSuffix("_"), !fixed.isEmpty { fixed += "_" }
        }
        while fixed.hasSuffix("_") { fixed.removeLast() }
        let hint = fixed.isEmpty ? "" : " (try \(fixed))"
        error(line, path, "task names use only a-z, 0-9 and _, since they become SCHEDULER_<NAME>_ENABLED variables\(hint)")
        return false
    }

    /// `name` in ASCII letters where it has others (`tâche_é` -> `tache_e`, `задача` -> `zadaca`),
    /// for the suggested fix; without ICU's transliterator, accents are at least dropped.
    static func transliterated(_ name: String) -> String {
        if let ascii = name.applyingTransform(StringTransform("Any-Latin; Latin-ASCII"), reverse: false) { return ascii }
        let marks = name.decomposedStringWithCompatibilityMapping.unicodeScalars.filter { $0.properties.generalCategory != .nonspacingMark }
        return String(String.UnicodeScalarView(marks))
    }

    /// A relative program path with a slash (`scripts/notify.sh`) names a file under the
    /// working directory, as it would for a shell started there; bare names go through PATH.
    static func resolveProgram(_ argv: [String], in workingDirectory: String) -> [String] {
        guard let program = argv.first, program.contains("/"), !program.hasPrefix("/") else { return argv }
        return [ConfigPaths.resolve(program, against: workingDirectory)] + argv.dropFirst()
    }
}
