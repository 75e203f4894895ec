import Yams

/// Turns a `ConfigEdit` into the managed drop-in's new text. Pure: the daemon reads the files,
/// validates the result with `ConfigLoader.parse` (the checker of `check-config`), writes the
/// file and reloads.
public enum ConfigEditor {
    /// What an edit makes of the managed drop-in.
    public struct Result: Sendable, Equatable {
        /// The file's new text.
        public let managedText: String
        /// The values the edit sets (`scheduler.tasks.collect.timeout_seconds`), to check that
        /// no later file overrides them.
        public let touched: [String]
    }

    /// `scheduler:` keys that `settings set` refuses: the daemon reads them once, at start.
    public static let restartOnly = ["timezone", "state_directory", "control_socket", "control_group", "log_directory",
                                     "store", "postgres_url", "host_id"]

    /// Applies `edit` to the managed drop-in of `inputs` (the files as on disk), checking it
    /// against `running`, the configuration those files gave.
    public static func apply(_ edit: ConfigEdit, inputs: ConfigInputs, running: LoadedConfig) throws(ConfigEditError) -> Result {
        let managedPath = inputs.managedPath
        var managed = try inputs.managed.map { file throws(ConfigEditError) in try ManagedDropIn(text: file.text, path: file.path) }
            ?? ManagedDropIn()
        var touched: [String] = []
        let taskNames = running.config.tasks.map(\.name)
        func existing(_ name: String) throws(ConfigEditError) {
            guard running.config.task(named: name) == nil else { return }
            throw ConfigEditError(.unknownTask, "no task named '\(name)'\(Suggestion.didYouMean(name, in: taskNames)); see: v6ctl list")
        }

        switch edit {
        case .addTask(let name, let settings):
            if running.config.task(named: name) != nil {
                let files = running.layers.taskFiles[name]?.joined(separator: ", ") ?? running.layers.mainPath
                throw ConfigEditError(.exists, "task \(name) already exists (defined in \(files)); change it with v6ctl task set \(name) KEY=VALUE, or remove it first")
            }
            // A task an earlier file defines and this file removed: define it anew beside the
            // `remove: true`, so that nothing of the earlier definition comes back.
            let redefining = managed.task(name)?.contains { $0.key == LayerMerger.removeKey } ?? false
            managed.setTask(name, keys: redefining ? [(LayerMerger.removeKey, Node("true", .implicit, .plain))] : [])
            for setting in settings {
                try managed.set(task: name, taskKey(setting), value(setting))
                touched.append("scheduler.tasks.\(name).\(setting.key)")
            }
        case .setTask(let name, let settings):
            try existing(name)
            for setting in settings {
                try managed.set(task: name, taskKey(setting), value(setting))
                touched.append("scheduler.tasks.\(name).\(setting.key)")
            }
        case .removeTask(let name):
            try existing(name)
            let elsewhere = running.layers.taskFiles[name, default: []].contains { $0 != managedPath }
            if elsewhere {
                managed.setTask(name, keys: [(LayerMerger.removeKey, Node("true", .implicit, .plain))])
            } else {
                managed.dropTask(name)
            }
        case .setSettings(let settings):
            for setting in settings {
                let key = try settingKey(setting)
                managed.set(setting: key, try value(setting))
                touched.append("scheduler.\(key)")
            }
        }
        return Result(managedText: managed.text(mainPath: inputs.mainPath), touched: touched)
    }

    /// The values an edit set that a file after the managed drop-in sets again (so the edit
    /// would change nothing), from the validated result.
    public static func overridden(_ touched: [String], in result: LoadedConfig) -> [ConfigValue] {
        result.layers.values.filter { value in
            guard touched.contains(value.key), case .file(let path, _) = value.source else { return false }
            return path != result.layers.managedPath
        }
    }

    // MARK: - Keys and values

    private static func isName(_ key: Substring) -> Bool {
        !key.isEmpty && key.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    private static func taskKey(_ setting: ConfigSetting) throws(ConfigEditError) -> String {
        guard isName(Substring(setting.key)) else {
            throw ConfigEditError(.invalidValue, "\"\(setting.key)\" is not a task key (write KEY=VALUE with the key's YAML name, e.g. timeout_seconds=300)")
        }
        if setting.key == LayerMerger.removeKey {
            throw ConfigEditError(.invalidValue, "remove is not a setting: drop the task with v6ctl task rm")
        }
        return setting.key
    }

    private static func settingKey(_ setting: ConfigSetting) throws(ConfigEditError) -> String {
        let parts = setting.key.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.allSatisfy(isName), parts.count == 1 || (parts.count == 2 && parts[0] == "calendar") else {
            throw ConfigEditError(.invalidValue, "\"\(setting.key)\" is not a scheduler key (write KEY=VALUE with the key's YAML name, e.g. max_concurrent_tasks=8, or calendar.extra_closures=[...])")
        }
        if setting.key == "tasks" {
            throw ConfigEditError(.invalidValue, "tasks are changed one by one: v6ctl task add|set|rm")
        }
        if setting.key == "calendar" {
            throw ConfigEditError(.invalidValue, "set the calendar's keys one by one: calendar.extra_closures=[...] or calendar.extra_early_closes={...}")
        }
        if restartOnly.contains(setting.key) {
            throw ConfigEditError(.invalidValue, "\(setting.key) takes effect only at a restart, so it cannot be set at run time: edit the configuration file, then systemctl restart v6-scheduler")
        }
        return setting.key
    }

    /// The YAML text as a node. Empty text or `~` is null: the key falls back to its default.
    /// A `*_seconds` key also takes a duration (`5min`), written as seconds.
    private static func value(_ setting: ConfigSetting) throws(ConfigEditError) -> Node {
        let node: Node?
        do {
            node = try Yams.compose(yaml: setting.value)
        } catch {
            let detail = ConfigLoader.yamlIssue(error, sources: ConfigSourceMap()).message
            throw ConfigEditError(.invalidValue, "\(setting.key)=\(setting.value): the value is not YAML (\(detail)); quote it: \(setting.key)='\"...\"'")
        }
        guard let node else { return Node("~", .implicit, .plain) }
        if setting.key.hasSuffix("_seconds"), case .scalar(let s) = node, s.style == .plain,
           !s.string.allSatisfy(\.isNumber), let seconds = DurationSyntax.seconds(s.string) {
            return Node(String(seconds), .implicit, .plain)
        }
        return node
    }
}
