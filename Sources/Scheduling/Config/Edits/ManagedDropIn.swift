import Yams

/// The drop-in the daemon writes run-time edits to (`<main>.d/90-runtime.yaml`), as an ordered
/// model it can change and write back: `scheduler:` keys, `calendar.<key>`s and per-task keys.
struct ManagedDropIn {
    /// The header of the written file.
    static func header(mainPath: String) -> String {
        """
        # Managed by v6-scheduler: run-time edits (v6ctl task add|set|rm, v6ctl settings set, the
        # dashboard) are written here, then the daemon reloads. A drop-in over \(mainPath):
        # what it sets wins over that file and the drop-ins before it. Change it through v6ctl;
        # a hand edit needs `v6ctl reload`, and the next run-time edit rewrites this file.
        # See docs/operations.md, "Change a task at run time".


        """
    }

    /// `scheduler:` keys other than `tasks`, in order; `calendar.<key>` for the calendar's.
    var settings: [(key: String, value: Node)] = []
    /// Tasks in order, each with its keys in order (`remove` included).
    var tasks: [(name: String, keys: [(key: String, value: Node)])] = []

    init() {}

    /// Reads the file's text as the daemon wrote it (or as a person kept it in that shape).
    init(text: String, path: String) throws(ConfigEditError) {
        func refuse(_ why: String) -> ConfigEditError {
            ConfigEditError(.invalidConfig, "\(path) cannot be rewritten: \(why); fix it (or remove it) and run v6ctl reload")
        }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch { throw refuse("it is not valid YAML") }
        guard let root, !ConfigReader.isNull(root) else { return }
        guard case .mapping(let top) = root, top.count == 1, let scheduler = top.first, scheduler.key.scalar?.string == "scheduler"
        else { throw refuse("it must hold one scheduler: section") }
        if ConfigReader.isNull(scheduler.value) { return }
        guard case .mapping(let s) = scheduler.value else { throw refuse("scheduler: is not a mapping") }
        for (keyNode, value) in s {
            guard let key = keyNode.scalar?.string else { throw refuse("a key is not a name") }
            switch key {
            case "tasks":
                if ConfigReader.isNull(value) { continue }
                guard case .mapping(let tasks) = value else { throw refuse("tasks: is not a mapping") }
                for (nameNode, task) in tasks {
                    guard let name = nameNode.scalar?.string, case .mapping(let keys) = task else {
                        throw refuse("a task is not a mapping of keys")
                    }
                    self.tasks.append((name, keys.compactMap { pair in pair.key.scalar.map { ($0.string, pair.value) } }))
                }
            case "calendar":
                guard case .mapping(let calendar) = value else { throw refuse("calendar: is not a mapping") }
                for (k, v) in calendar { if let k = k.scalar?.string { settings.append(("calendar.\(k)", v)) } }
            default:
                settings.append((key, value))
            }
        }
    }

    // MARK: - Changes

    func task(_ name: String) -> [(key: String, value: Node)]? { tasks.first { $0.name == name }?.keys }

    mutating func setTask(_ name: String, keys: [(key: String, value: Node)]) {
        if let index = tasks.firstIndex(where: { $0.name == name }) { tasks[index].keys = keys } else { tasks.append((name, keys)) }
    }

    mutating func dropTask(_ name: String) { tasks.removeAll { $0.name == name } }

    /// Sets `key` of a task's entry (creating it). A schedule key replaces the entry's other
    /// schedule keys, as it replaces earlier layers' (see `LayerMerger`).
    mutating func set(task name: String, _ key: String, _ value: Node) {
        var keys = task(name) ?? []
        if LayerMerger.scheduleKeys.contains(key) {
            keys.removeAll { LayerMerger.scheduleKeys.contains($0.key) && $0.key != key }
            if key != "frequency" { keys.removeAll { $0.key == "market_phase" } }
        }
        if let index = keys.firstIndex(where: { $0.key == key }) { keys[index].value = value } else { keys.append((key, value)) }
        setTask(name, keys: keys)
    }

    mutating func set(setting key: String, _ value: Node) {
        if let index = settings.firstIndex(where: { $0.key == key }) { settings[index].value = value } else { settings.append((key, value)) }
    }

    // MARK: - Writing

    /// The file's text: the header, then the keys in block style with flow values.
    func text(mainPath: String) -> String {
        var lines: [String] = []
        let calendar = settings.filter { $0.key.hasPrefix("calendar.") }
        var wroteCalendar = false
        for (key, value) in settings {
            if key.hasPrefix("calendar.") {
                guard !wroteCalendar else { continue }
                wroteCalendar = true
                lines.append("  calendar:")
                for (k, v) in calendar { lines.append("    \(k.dropFirst("calendar.".count)): \(YAMLFlow.text(v))") }
            } else {
                lines.append("  \(key): \(YAMLFlow.text(value))")
            }
        }
        if !tasks.isEmpty {
            lines.append("  tasks:")
            for (name, keys) in tasks {
                lines.append("    \(YAMLFlow.scalar(name, plain: true)):")
                for (key, value) in keys { lines.append("      \(YAMLFlow.scalar(key, plain: true)): \(YAMLFlow.text(value))") }
            }
        }
        let body = lines.isEmpty ? "scheduler: {}\n" : "scheduler:\n" + lines.joined(separator: "\n") + "\n"
        return Self.header(mainPath: mainPath) + body
    }
}
