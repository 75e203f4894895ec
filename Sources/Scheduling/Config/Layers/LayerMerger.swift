import Yams

/// Composes every layer's YAML and merges the drop-ins into the main file's tree, key by key,
/// so that the readers read one tree whose nodes still carry their own file's lines (see
/// `ConfigSourceMap`).
///
/// Merging happens at three levels; anything below them is replaced as a whole:
/// - `scheduler.<key>`: a drop-in's value replaces the earlier one (`tasks` and `calendar` merge);
/// - `scheduler.calendar.<key>`: replaced (`extra_closures` is one list);
/// - `scheduler.tasks.<name>.<key>`: a new name adds a task; an existing one has its keys
///   overridden one by one. Setting one of `at`, `frequency`, `cron` drops the other two from
///   earlier layers (a task has exactly one), and `market_phase` with them unless the new key
///   is `frequency`. `remove: true` drops the task; with other keys beside it, those define
///   the task anew.
/// A key set to null (`timeout_seconds: ~`) falls back to the default, as if never written.
struct LayerMerger {
    private(set) var sources = ConfigSourceMap()
    private(set) var issues: [ConfigIssue] = []
    private(set) var warnings: [ConfigIssue] = []
    /// For each task of the merged tree, the files that define it, in order.
    private(set) var taskFiles: [String: [String]] = [:]

    static let scheduleKeys = ConfigReader.scheduleKeys
    static let removeKey = "remove"

    /// The merged tree, or nil when the main file has no content (an issue says so) or a
    /// file is not valid YAML (issues for every such file).
    mutating func merge(_ inputs: ConfigInputs) -> Node? {
        guard let main = inputs.main else { return nil }
        let mainRoot = compose(main)
        let dropIns = inputs.dropIns.map { ($0, compose($0)) }
        guard issues.isEmpty else { return nil }
        guard var root = mainRoot.flatMap({ ConfigReader.isNull($0) ? nil : $0 }) else {
            issues.append(ConfigIssue(file: main.path, line: 1, keyPath: "",
                                      message: "the file is empty (it needs a scheduler: section with tasks:)"))
            return nil
        }
        root = withoutRemoveKeys(root)
        for name in Self.taskNames(root) { taskFiles[name] = [main.path] }
        for (file, node) in dropIns {
            guard let node, !ConfigReader.isNull(node) else { continue }  // empty or only comments
            root = mergeRoot(root, node, file: file.path)
        }
        return root
    }

    /// Parses one file with its lines numbered globally (blank lines before its text).
    private mutating func compose(_ file: ConfigInputs.File) -> Node? {
        var text = Substring(file.text)
        if text.unicodeScalars.first == "\u{FEFF}" { text = Substring(text.unicodeScalars.dropFirst()) }
        let base = sources.add(path: file.path, text: String(text))
        do {
            // The basic resolver tags every scalar as a string without running Yams's regular
            // expressions (int, float, bool, timestamp...): the reader interprets scalars itself,
            // and the regexes were half of the start-up time of a 10,000-task file.
            return try Yams.compose(yaml: String(repeating: "\n", count: base) + text, .basic)
        } catch {
            issues.append(ConfigLoader.yamlIssue(error, sources: sources))
            return nil
        }
    }

    // MARK: - Levels

    private mutating func mergeRoot(_ base: Node, _ overlay: Node, file: String) -> Node {
        guard case .mapping(let top) = overlay else {
            error(overlay, "", "a drop-in expects a scheduler: section like the main file's, found \(ConfigReader.describe(overlay))")
            return base
        }
        guard case .mapping(let baseTop) = base else { return base }  // the reader reports the main file's shape
        var pairs = Array(baseTop.map { ($0.key, $0.value) })
        for (key, value) in top {
            if key.scalar?.string == "scheduler" {
                let index = pairs.firstIndex { $0.0.scalar?.string == "scheduler" }
                let merged = mergeMapping(index.map { pairs[$0].1 }, value, path: "scheduler", file: file) { m, key, base, value in
                    switch key {
                    case "tasks": return m.mergeMapping(base, value, path: "scheduler.tasks", file: file) { m, name, base, value in
                        m.mergeTask(name, base, value, file: file)
                    }
                    case "calendar": return m.mergeMapping(base, value, path: "scheduler.calendar", file: file) { _, _, _, value in value }
                    default: return value
                    }
                }
                if let index { pairs[index].1 = merged } else { pairs.append((key, merged)) }
            } else {
                pairs.removeAll { $0.0.scalar?.string == key.scalar?.string }
                pairs.append((key, value))  // the reader reports the unknown key at its line
            }
        }
        return .mapping(Node.Mapping(pairs, baseTop.tag, baseTop.style, baseTop.mark))
    }

    /// Merges `overlay`'s keys into `base` (absent or null: nothing earlier). `merge` gives a
    /// key's new value from the earlier one (nil: none) and the overlay's; nil drops the key.
    private mutating func mergeMapping(_ base: Node?, _ overlay: Node, path: String, file: String,
                                       _ merge: (inout LayerMerger, String, Node?, Node) -> Node?) -> Node {
        if ConfigReader.isNull(overlay) { return base ?? overlay }
        guard case .mapping(let over) = overlay else {
            error(overlay, path, "expects a mapping of keys to override, found \(ConfigReader.describe(overlay))")
            return base ?? .mapping(Node.Mapping([], .implicit, .any, overlay.mark))
        }
        let earlier: Node.Mapping
        switch base {
        case .mapping(let m)?: earlier = m
        case let other? where !ConfigReader.isNull(other): return other  // the reader reports the earlier shape
        default: earlier = Node.Mapping([], over.tag, over.style, over.mark)
        }
        var pairs = Array(earlier.map { ($0.key, $0.value) })
        for (key, value) in over {
            guard let name = key.scalar?.string else {
                pairs.append((key, value))  // the reader reports a key that is not a name
                continue
            }
            let index = pairs.firstIndex { $0.0.scalar?.string == name }
            let result = merge(&self, name, index.map { pairs[$0].1 }, value)
            switch (index, result) {
            // The key keeps the line where it was first written (a task's definition), unless
            // the value is a plain replacement: then the new key's line is where it was set.
            case (let i?, let node?) where path.hasSuffix(".tasks") || (path == "scheduler" && ["tasks", "calendar"].contains(name)):
                pairs[i].1 = node
            case (let i?, let node?): pairs[i] = (key, node)
            case (let i?, nil): pairs.remove(at: i)
            case (nil, let node?): pairs.append((key, node))
            case (nil, nil): break
            }
        }
        return .mapping(Node.Mapping(pairs, earlier.tag, earlier.style, earlier.mark))
    }

    /// One task of a drop-in over the earlier definition (nil: none).
    private mutating func mergeTask(_ name: String, _ base: Node?, _ overlay: Node, file: String) -> Node? {
        let path = "scheduler.tasks.\(name)"
        guard case .mapping(let over) = overlay else {
            if ConfigReader.isNull(overlay) {
                error(overlay, path, "is empty (write the keys to change, or remove: true to drop the task)")
                return base
            }
            return overlay  // a new task's bad shape, reported by the reader at its line
        }
        var keep = base
        var pairs = Array(over.map { ($0.key, $0.value) })
        if let index = pairs.firstIndex(where: { $0.0.scalar?.string == Self.removeKey }) {
            let value = pairs.remove(at: index).1
            switch value.scalar?.string.lowercased() {
            case "true"?, "yes"?, "on"?:
                if base == nil {
                    warn(value, path, "remove: true removes nothing: no earlier file defines task \(name)")
                }
                keep = nil
                taskFiles[name] = nil
                if pairs.isEmpty { return nil }
            case "false"?, "no"?, "off"?:
                break
            default:
                error(value, path + ".remove", "expects true (drop the task defined earlier), found \(ConfigReader.describe(value))")
            }
        }
        let rest = Node.mapping(Node.Mapping(pairs, over.tag, over.style, over.mark))
        taskFiles[name, default: []].append(file)
        guard let keep else { return rest }
        let setsSchedule = pairs.compactMap { $0.0.scalar?.string }.first { Self.scheduleKeys.contains($0) }
        return mergeMapping(keep, rest, path: path, file: file) { _, key, earlier, value in value }
            .droppingScheduleKeys(except: setsSchedule, keeping: pairs.compactMap { $0.0.scalar?.string })
    }

    /// The task names of a tree's `scheduler.tasks` mapping.
    static func taskNames(_ root: Node) -> [String] {
        guard case .mapping(let top) = root,
              case .mapping(let s)? = top.first(where: { $0.key.scalar?.string == "scheduler" })?.value,
              case .mapping(let tasks)? = s.first(where: { $0.key.scalar?.string == "tasks" })?.value else { return [] }
        return tasks.compactMap { $0.key.scalar?.string }
    }

    /// The main file's tasks may not say `remove:` (there is nothing earlier to remove).
    private mutating func withoutRemoveKeys(_ root: Node) -> Node {
        guard case .mapping(let top) = root,
              let scheduler = top.first(where: { $0.key.scalar?.string == "scheduler" })?.value,
              case .mapping(let s) = scheduler,
              let tasksNode = s.first(where: { $0.key.scalar?.string == "tasks" })?.value,
              case .mapping(let tasks) = tasksNode else { return root }
        var changed = false
        var taskPairs: [(Node, Node)] = []
        for (key, value) in tasks {
            guard case .mapping(let task) = value,
                  let remove = task.first(where: { $0.key.scalar?.string == Self.removeKey }) else {
                taskPairs.append((key, value))
                continue
            }
            changed = true
            error(remove.key, "scheduler.tasks.\(key.scalar?.string ?? "").remove",
                  "remove: drops a task defined in an earlier file and belongs in a drop-in (<main>.d/*.yaml); here, delete the task instead")
            let kept = task.filter { $0.key.scalar?.string != Self.removeKey }.map { ($0.key, $0.value) }
            taskPairs.append((key, .mapping(Node.Mapping(kept, task.tag, task.style, task.mark))))
        }
        guard changed else { return root }
        let newTasks = Node.mapping(Node.Mapping(taskPairs, tasks.tag, tasks.style, tasks.mark))
        let sPairs = s.map { ($0.key, $0.key.scalar?.string == "tasks" ? newTasks : $0.value) }
        let newScheduler = Node.mapping(Node.Mapping(sPairs, s.tag, s.style, s.mark))
        let topPairs = top.map { ($0.key, $0.key.scalar?.string == "scheduler" ? newScheduler : $0.value) }
        return .mapping(Node.Mapping(topPairs, top.tag, top.style, top.mark))
    }

    // MARK: - Issues

    private mutating func error(_ node: Node, _ path: String, _ message: String) {
        issues.append(issue(node, path, message))
    }

    private mutating func warn(_ node: Node, _ path: String, _ message: String) {
        warnings.append(issue(node, path, message))
    }

    private func issue(_ node: Node, _ path: String, _ message: String) -> ConfigIssue {
        let (file, line) = sources.locate(ConfigReader.line(node))
        return ConfigIssue(file: file, line: line, keyPath: path, message: message)
    }
}

private extension Node {
    /// A task's mapping after a layer set `kept` keys: when that layer chose a schedule key,
    /// the other schedule keys of earlier layers go, and `market_phase` too unless the new key
    /// is `frequency` (or the layer set `market_phase` itself).
    func droppingScheduleKeys(except chosen: String?, keeping kept: [String]) -> Node {
        guard let chosen, case .mapping(let m) = self else { return self }
        let pairs = m.filter { pair in
            guard let key = pair.key.scalar?.string, !kept.contains(key) else { return true }
            if LayerMerger.scheduleKeys.contains(key) { return false }
            if key == "market_phase" { return chosen == "frequency" }
            return true
        }.map { ($0.key, $0.value) }
        return .mapping(Node.Mapping(pairs, m.tag, m.style, m.mark))
    }
}
