import Yams

/// What `config show` and the audit need to know about a loaded configuration besides its
/// typed values: the files it came from, its revision, and every value with its source.
public struct ConfigLayers: Sendable, Equatable {
    /// A file of the configuration and the revision of its text alone (to say which changed).
    public struct FileRevision: Sendable, Equatable {
        public let path: String
        public let revision: String
    }

    /// The revision of all files together (see `ConfigRevision`).
    public var revision: String
    /// The main file, as named.
    public var mainPath: String
    /// `<main>.d/90-runtime.yaml`, where run-time edits go.
    public var managedPath: String
    /// Every file read, in order: main, drop-ins, environment file.
    public var files: [FileRevision]
    /// Every value of the merged YAML, in document order, with the file and line that set it.
    /// Environment overrides are not in here (see `effectiveValues(_:)`).
    public var values: [ConfigValue]
    /// For each task, the files that define it, in order (after `remove: true`, only the later ones).
    public var taskFiles: [String: [String]]

    public init(revision: String, mainPath: String, managedPath: String, files: [FileRevision], values: [ConfigValue],
                taskFiles: [String: [String]]) {
        self.revision = revision
        self.mainPath = mainPath
        self.managedPath = managedPath
        self.files = files
        self.values = values
        self.taskFiles = taskFiles
    }

    /// The YAML values with the environment's overrides of `config` in place (`enabled` from
    /// `SCHEDULER_*_ENABLED` or `SCHEDULER_ENABLE_ALL`, `force_run` from `SCHEDULER_FORCE_RUN`).
    public func effectiveValues(_ config: SchedulerConfig) -> [ConfigValue] {
        var values = self.values
        for task in config.tasks {
            if case .environment(let variable) = task.enabledSource {
                values.set(ConfigValue(key: "scheduler.tasks.\(task.name).enabled", text: task.enabled ? "true" : "false",
                                       source: .environment(variable)))
            }
            if config.forceAll {
                values.set(ConfigValue(key: "scheduler.tasks.\(task.name).force_run", text: "true",
                                       source: .environment(ConfigReader.forceRunVariable)))
            }
        }
        return values
    }

    /// Which files changed between two loads (added, removed or edited), as named.
    public func changedFiles(since old: ConfigLayers) -> [String] { Self.changedFiles(from: old.files, to: files) }

    /// Which files differ between two lists (added, removed or edited), as named.
    public static func changedFiles(from old: [FileRevision], to new: [FileRevision]) -> [String] {
        let before = Dictionary(old.map { ($0.path, $0.revision) }, uniquingKeysWith: { $1 })
        let after = Dictionary(new.map { ($0.path, $0.revision) }, uniquingKeysWith: { $1 })
        return (new.map(\.path) + old.map(\.path).filter { after[$0] == nil }).filter { before[$0] != after[$0] }
    }

    /// Flattens a merged tree into values: one per `scheduler.<key>`, `scheduler.calendar.<key>`
    /// and `scheduler.tasks.<name>.<key>` (the levels drop-ins merge at).
    static func values(of root: Node, sources: ConfigSourceMap) -> [ConfigValue] {
        var values: [ConfigValue] = []
        func walk(_ node: Node, _ path: [String], depthLimit: (([String]) -> Bool)) {
            guard case .mapping(let m) = node else { return }
            for (key, value) in m {
                guard let name = key.scalar?.string else { continue }
                let keyPath = path + [name]
                if case .mapping = value, depthLimit(keyPath) {
                    walk(value, keyPath, depthLimit: depthLimit)
                    continue
                }
                let (file, line) = sources.locate(ConfigReader.line(key))
                let dotted = keyPath.joined(separator: ".")
                let secret = ConfigSecrets.valueIsSecret(dotted)
                values.append(ConfigValue(key: dotted, text: YAMLFlow.text(value),
                                          shown: secret ? YAMLFlow.mask : YAMLFlow.text(value, secret: ConfigSecrets.keyIsSecret(in: dotted)),
                                          source: .file(file, line: line)))
            }
        }
        walk(root, []) { path in
            path == ["scheduler"] || path == ["scheduler", "tasks"] || path == ["scheduler", "calendar"]
                || (path.count == 3 && path[0] == "scheduler" && path[1] == "tasks")
        }
        return values
    }
}

/// One value of the effective configuration and where it came from.
public struct ConfigValue: Sendable, Equatable {
    /// `scheduler.tasks.collect.timeout_seconds`.
    public var key: String
    /// The value as flow YAML (`300`, `[mon, wed]`), secrets included: for comparisons only.
    public var text: String
    /// The value as shown to clients: secrets masked.
    public var shown: String
    public var source: ConfigValueSource

    public init(key: String, text: String, shown: String? = nil, source: ConfigValueSource) {
        self.key = key
        self.text = text
        self.shown = shown ?? text
        self.source = source
    }
}

/// Where a value came from.
public enum ConfigValueSource: Sendable, Equatable, CustomStringConvertible {
    /// A file and line (1-based).
    case file(String, line: Int)
    /// An environment variable (`SCHEDULER_COLLECT_ENABLED`).
    case environment(String)
    /// A run-time toggle (`v6ctl enable|disable`).
    case runtime

    /// `config/production.yaml:14`, `env SCHEDULER_X_ENABLED`, `runtime`.
    public var description: String {
        switch self {
        case .file(let path, let line): "\(path):\(line)"
        case .environment(let variable): "env \(variable)"
        case .runtime: "runtime"
        }
    }
}

extension [ConfigValue] {
    /// Replaces the value of `value.key`, or inserts it after the last value of the same
    /// parent (its task), or at the end.
    mutating func set(_ value: ConfigValue) {
        if let index = firstIndex(where: { $0.key == value.key }) {
            self[index] = value
            return
        }
        let parent = value.key.split(separator: ".").dropLast().joined(separator: ".") + "."
        if let last = lastIndex(where: { $0.key.hasPrefix(parent) }) {
            insert(value, at: last + 1)
        } else {
            append(value)
        }
    }

    /// Overrides as a run-time toggle does (for `config show`).
    public func overriding(_ key: String, with text: String, source: ConfigValueSource) -> [ConfigValue] {
        var copy = self
        copy.set(ConfigValue(key: key, text: text, source: source))
        return copy
    }
}
