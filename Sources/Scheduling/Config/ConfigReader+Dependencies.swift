import Yams

/// Where one task's `after:` entries are written, for the checks that need every task first.
struct DependencyLines {
    /// The line of `after:` itself.
    let key: Int
    /// The upstreams named, in order, and each one's line.
    var names: [String] = []
    var items: [String: Int] = [:]
}

extension ConfigReader {
    /// The longest `after_wait`: a run date's chain is over within a day.
    static let maxAfterWaitSeconds: Int64 = 86_400

    /// `after:` (task names, a list or one name) and `after_wait` (a duration). Problems within
    /// the task are reported here; names that match no task, and cycles, need every task and
    /// are reported by `checkDependencies`.
    ///
    /// - Parameter scheduled: whether the task has a schedule of its own (nil when its schedule
    ///   is invalid).
    mutating func readDependencies(_ m: MappingNode, name: String, scheduled: Bool?, catchUp: Bool?)
        -> (after: [String], afterWait: Int64?)
    {
        var after: [String] = []
        if let node = m.value("after") {
            let path = m.child("after")
            var lines = DependencyLines(key: m.keyLine("after") ?? Self.line(node))
            var items: [Node] = []
            switch node {
            case .scalar: items = [node]
            case .sequence(let list) where !list.isEmpty: items = Array(list)
            case .sequence:
                error(Self.line(node), path, "is an empty list (name the tasks this one runs after, e.g. [final_data_collection], or remove the key)")
            default:
                error(Self.line(node), path, "expects a list of task names, found \(Self.describe(node))")
            }
            for item in items {
                guard let upstream = scalarString(item, path: path, expected: "task names") else { continue }
                if upstream == name {
                    error(Self.line(item), path, "\(name) cannot run after itself (remove it from after:)")
                } else if after.contains(upstream) {
                    error(Self.line(item), path, "\(upstream) is listed twice (remove one)")
                } else {
                    after.append(upstream)
                    lines.names.append(upstream)
                    lines.items[upstream] = Self.line(item)
                }
            }
            dependencyLines[name] = lines
        }
        var afterWait: Int64? = nil
        if let node = m.value("after_wait") {
            let path = m.child("after_wait")
            if !m.has("after") {
                error(m.keyLine("after_wait"), path, "applies only to tasks with after: (remove it, or add after:)")
            } else if let text = scalarString(node, path: path, expected: "a duration such as 30min") {
                switch DurationSyntax.parse(text) {
                case .failure(let problem):
                    error(Self.line(node), path, problem.message)
                case .success(let seconds) where seconds > Self.maxAfterWaitSeconds:
                    error(Self.line(node), path, "\"\(text)\" is longer than a day (a run date's upstreams are waited for at most 24h)")
                case .success(let seconds):
                    afterWait = seconds
                }
            }
        }
        if scheduled == false, catchUp == true {
            error(m.keyLine("catch_up"), m.child("catch_up"),
                  "applies only to tasks with a schedule (a task with after: alone runs after a restart anyway, once its upstreams have succeeded)")
        }
        return (after, afterWait)
    }

    /// Checks that need every task: each `after:` name is a task, and no task waits for itself
    /// through others (`cycle: a -> b -> c -> a`, where b runs after a). Tasks whose own settings
    /// have problems are checked too, from what their `after:` says.
    ///
    /// - Parameter names: every well-formed task name, valid body or not (a task whose own
    ///   settings are wrong is reported for those, not again as unknown).
    mutating func checkDependencies(names: [String], tasksPath: String) {
        let known = Set(names)
        let sorted = names.sorted()
        for name in names {
            guard let lines = dependencyLines[name] else { continue }
            for upstream in lines.names where !known.contains(upstream) {
                let hint = Suggestion.closest(to: upstream, in: sorted).map { "did you mean \($0)?" } ?? "name a task defined under tasks:"
                error(lines.items[upstream] ?? lines.key, "\(tasksPath).\(name).after", "no task named \"\(upstream)\" (\(hint))")
            }
        }
        let graph = DependencyGraph(names: names, after: names.map { dependencyLines[$0]?.names ?? [] })
        for cycle in graph.cycles() {
            // Reported at the first task's entry that closes the loop (it runs after the last one).
            let first = cycle[0], last = cycle[cycle.count - 2]
            let line = dependencyLines[first].flatMap { $0.items[last] ?? $0.key }
            error(line, "\(tasksPath).\(first).after",
                  "cycle: \(cycle.joined(separator: " -> ")) (each runs after the one before it, so none can start: remove one of these after: entries)")
        }
    }
}
