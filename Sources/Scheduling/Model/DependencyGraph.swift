/// The `after:` relation of a task list: which task runs after which, by index into the list
/// (the configuration's name order). The configuration check uses it to find cycles, the
/// scheduler core (and so `plan`) to know whom a finished run concerns.
///
/// Edges point the way runs flow: from an upstream to its dependent (`a -> b`: b runs after a).
public struct DependencyGraph: Sendable, Equatable {
    /// Task names, in the list's order.
    public let names: [String]
    /// `upstreams[i]`: the tasks task `i` runs after, in the order `after:` names them.
    public let upstreams: [[Int]]
    /// `dependents[i]`: the tasks that run after task `i`, in list order.
    public let dependents: [[Int]]
    /// `missing[i]`: names in task `i`'s `after:` that are not in the list. The configuration
    /// check rejects those; a plan leaves disabled tasks out, and their dependents then find
    /// that the upstream did not run.
    public let missing: [[String]]
    private let indexOf: [String: Int]

    public init(tasks: [TaskConfig]) {
        self.init(names: tasks.map(\.name), after: tasks.map(\.after))
    }

    /// - Parameters:
    ///   - names: the tasks' names, unique.
    ///   - after: each task's `after:` list.
    public init(names: [String], after: [[String]]) {
        self.names = names
        var indexOf: [String: Int] = [:]
        for (i, name) in names.enumerated() { indexOf[name] = i }
        self.indexOf = indexOf
        var upstreams = [[Int]](repeating: [], count: names.count)
        var dependents = [[Int]](repeating: [], count: names.count)
        var missing = [[String]](repeating: [], count: names.count)
        for (i, list) in after.enumerated() {
            for name in list {
                guard let u = indexOf[name] else {
                    missing[i].append(name)
                    continue
                }
                // A task after itself is a configuration error; it adds no edge here.
                guard u != i, !upstreams[i].contains(u) else { continue }
                upstreams[i].append(u)
                dependents[u].append(i)
            }
        }
        self.upstreams = upstreams
        self.dependents = dependents.map { $0.sorted() }
        self.missing = missing
    }

    public func index(of name: String) -> Int? { indexOf[name] }

    /// Whether no task has `after:`: then nothing about dependencies costs anything.
    public var isEmpty: Bool { upstreams.allSatisfy(\.isEmpty) && missing.allSatisfy(\.isEmpty) }

    /// Whether task `i` takes part in a dependency, as upstream or as dependent.
    public func isLinked(_ i: Int) -> Bool { !upstreams[i].isEmpty || !dependents[i].isEmpty || !missing[i].isEmpty }

    /// Cycles, each as names from its smallest name round to it again (`["a", "b", "c", "a"]`:
    /// b after a, c after b, a after c), sorted. Every task in a cycle is in at least one of them.
    public func cycles() -> [[String]] {
        enum Mark { case new, onPath, done }
        var mark = [Mark](repeating: .new, count: names.count)
        var path: [Int] = []
        var found: Set<[String]> = []

        func visit(_ u: Int) {
            mark[u] = .onPath
            path.append(u)
            for v in dependents[u] {
                switch mark[v] {
                case .new: visit(v)
                case .onPath:
                    // The path from v to u, then the edge back to v.
                    let loop = Array(path[path.lastIndex(of: v)!...]).map { names[$0] }
                    let start = loop.indices.min { loop[$0] < loop[$1] }!
                    let rotated = Array(loop[start...] + loop[..<start])
                    found.insert(rotated + [rotated[0]])
                case .done: break
                }
            }
            path.removeLast()
            mark[u] = .done
        }
        for i in names.indices where mark[i] == .new { visit(i) }
        return found.sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// Every task below `i` (its dependents, theirs, ...), each once, each after those of its
    /// upstreams that are among them.
    public func descendants(of i: Int) -> [Int] {
        var below = Set<Int>()
        var stack = dependents[i]
        while let d = stack.popLast() {
            if d != i, below.insert(d).inserted { stack += dependents[d] }
        }
        return topologicalOrder.filter(below.contains)
    }

    /// All tasks, each after its upstreams (the same order every time); tasks on a cycle last.
    public var topologicalOrder: [Int] {
        var remaining = upstreams.map(\.count)
        var ready = names.indices.filter { remaining[$0] == 0 }.reversed().map { $0 }
        var order: [Int] = []
        order.reserveCapacity(names.count)
        while let u = ready.popLast() {
            order.append(u)
            for d in dependents[u].reversed() {
                remaining[d] -= 1
                if remaining[d] == 0 { ready.append(d) }
            }
        }
        if order.count < names.count {
            let placed = Set(order)
            order += names.indices.filter { !placed.contains($0) }
        }
        return order
    }
}
