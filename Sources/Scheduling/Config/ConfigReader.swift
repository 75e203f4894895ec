import Yams

/// A YAML mapping being read, with the key path and lines needed for messages.
struct MappingNode {
    struct Pair {
        let key: String
        let keyLine: Int
        let value: Node
    }

    /// Dotted key path of this mapping (`scheduler.tasks.collect`).
    let path: String
    let line: Int
    let pairs: [Pair]

    /// The value of `key`, nil when absent or written as null (`key:` or `key: ~`).
    func value(_ key: String) -> Node? {
        // By index: `first(where:)` would copy every pair it passes (a 10,000-task file reads
        // this a quarter of a million times at start-up).
        for i in pairs.indices where pairs[i].key == key {
            return ConfigReader.isNull(pairs[i].value) ? nil : pairs[i].value
        }
        return nil
    }

    func keyLine(_ key: String) -> Int? {
        for i in pairs.indices where pairs[i].key == key { return pairs[i].keyLine }
        return nil
    }

    func has(_ key: String) -> Bool {
        for i in pairs.indices where pairs[i].key == key { return !ConfigReader.isNull(pairs[i].value) }
        return false
    }

    func child(_ key: String) -> String { path.isEmpty ? key : path + "." + key }
}

/// Collects issues while the loader walks the YAML tree, and reads typed values out of nodes.
/// Every reader returns nil after recording an issue, so one bad value never hides the next.
struct ConfigReader {
    /// The main configuration file as named by the operator.
    let file: String
    /// The files of the layered configuration: node lines are global, this turns them into
    /// `FILE:LINE` (see `ConfigSourceMap`).
    let sources: ConfigSourceMap
    private(set) var issues: [ConfigIssue] = []
    private(set) var warnings: [ConfigIssue] = []
    /// Where each task's `after:` entries are, for `checkDependencies`.
    var dependencyLines: [String: DependencyLines] = [:]

    init(file: String, sources: ConfigSourceMap) {
        self.file = file
        self.sources = sources
    }

    /// An issue at a node's (global) line: in the file that line belongs to.
    func issue(_ line: Int?, _ path: String, _ message: String) -> ConfigIssue {
        guard let line else { return ConfigIssue(file: file, line: nil, keyPath: path, message: message) }
        let located = sources.locate(line)
        return ConfigIssue(file: located.file, line: located.line, keyPath: path, message: message)
    }

    mutating func error(_ line: Int?, _ path: String, _ message: String) {
        issues.append(issue(line, path, message))
    }

    mutating func warn(_ line: Int?, _ path: String, _ message: String) {
        warnings.append(issue(line, path, message))
    }

    mutating func add(_ issue: ConfigIssue, warning: Bool = false) {
        if warning { warnings.append(issue) } else { issues.append(issue) }
    }

    static func line(_ node: Node) -> Int { node.mark?.line ?? 0 }

    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let s) = node else { return false }
        guard s.style == .plain else { return false }
        switch s.string {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }

    /// How a node looks in a message: `"text"`, `a list`, `a mapping`.
    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let s): "\"\(s.string)\""
        case .sequence: "a list"
        case .mapping: "a mapping"
        case .alias: "an alias"
        }
    }

    // MARK: - Structure

    /// `node` as a mapping with string keys; `known` keys only (others are reported with a
    /// suggestion). Nil when `node` is not a mapping.
    mutating func mapping(_ node: Node, path: String, known: [String]?, expected: String = "a mapping of keys to values") -> MappingNode? {
        guard case .mapping(let m) = node else {
            error(Self.line(node), path, "expects \(expected), found \(Self.describe(node))")
            return nil
        }
        var pairs: [MappingNode.Pair] = []
        for (key, value) in merged(m, path: path) {
            guard case .scalar(let k) = key else {
                error(Self.line(key), path, "keys must be plain names, found \(Self.describe(key))")
                continue
            }
            let pair = MappingNode.Pair(key: k.string, keyLine: Self.line(key), value: value)
            if let known, !known.contains(k.string) {
                let childPath = path.isEmpty ? k.string : path + "." + k.string
                let listed = known.filter { !$0.hasPrefix("x-") }
                let hint = Suggestion.closest(to: k.string, in: listed).map { "did you mean \($0)?" }
                    ?? "known keys: " + listed.joined(separator: ", ")
                    + (path.isEmpty ? "; keys starting with x- are ignored, a place for YAML anchors" : "")
                error(pair.keyLine, childPath, "unknown key \"\(k.string)\" (\(hint))")
                continue
            }
            pairs.append(pair)
        }
        return MappingNode(path: path, line: Self.line(node), pairs: pairs)
    }

    /// `m`'s pairs with YAML merge keys resolved (`<<: *defaults`, or `<<: [*a, *b]`): the merged
    /// mappings' keys are added where `m` does not set them itself, the first merged mapping
    /// winning over later ones, as YAML 1.1 has it.
    mutating func merged(_ m: Node.Mapping, path: String) -> [(key: Node, value: Node)] {
        var own: [(key: Node, value: Node)] = []
        var inherited: [(key: Node, value: Node)] = []
        for (key, value) in m {
            guard case .scalar(let k) = key, k.style == .plain, k.string == "<<" else {
                own.append((key, value))
                continue
            }
            let sources: [Node]
            switch value {
            case .mapping: sources = [value]
            case .sequence(let list): sources = Array(list)
            default: sources = [value]
            }
            for source in sources {
                guard case .mapping(let mapping) = source else {
                    error(Self.line(source), path.isEmpty ? "<<" : path + ".<<",
                          "a merge key takes a mapping or a list of mappings, usually an alias such as *defaults; found \(Self.describe(source))")
                    continue
                }
                inherited += merged(mapping, path: path)
            }
        }
        var seen = Set(own.compactMap { Self.scalarKey($0.key) })
        for pair in inherited {
            guard let key = Self.scalarKey(pair.key), seen.insert(key).inserted else { continue }
            own.append(pair)
        }
        return own
    }

    private static func scalarKey(_ node: Node) -> String? {
        if case .scalar(let s) = node { return s.string }
        return nil
    }

    // MARK: - Scalars

    mutating func string(_ m: MappingNode, _ key: String) -> String? {
        guard let node = m.value(key) else { return nil }
        return scalarString(node, path: m.child(key), expected: "a string")
    }

    mutating func scalarString(_ node: Node, path: String, expected: String) -> String? {
        guard case .scalar(let s) = node else {
            error(Self.line(node), path, "expects \(expected), found \(Self.describe(node))")
            return nil
        }
        return s.string
    }

    mutating func bool(_ m: MappingNode, _ key: String) -> Bool? {
        guard let node = m.value(key), let text = scalarString(node, path: m.child(key), expected: "true or false") else {
            return nil
        }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            error(Self.line(node), m.child(key), "expects true or false, found \"\(text)\"")
            return nil
        }
    }

    mutating func int(_ m: MappingNode, _ key: String, in range: ClosedRange<Int>, unit: String = "") -> Int? {
        guard let node = m.value(key), let text = scalarString(node, path: m.child(key), expected: "a whole number") else {
            return nil
        }
        let bounds = "from \(range.lowerBound) to \(range.upperBound)\(unit.isEmpty ? "" : " \(unit)")"
        guard let value = Int(text) else {
            // Digits that do not fit in 64 bits are a number too, just far out of range.
            let digits = text.drop { $0 == "-" || $0 == "+" }
            if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isWholeNumber }) {
                error(Self.line(node), m.child(key), "\(text) is out of range (\(bounds))")
                return nil
            }
            var hint = ""
            if unit == "seconds", let seconds = DurationSyntax.seconds(text) { hint = " (try \(seconds))" }
            error(Self.line(node), m.child(key), "expects a whole number\(unit.isEmpty ? "" : " of \(unit)"), found \"\(text)\"\(hint)")
            return nil
        }
        guard range.contains(value) else {
            error(Self.line(node), m.child(key), "\(value) is out of range (\(bounds))")
            return nil
        }
        return value
    }

    /// One of `choices`, with a suggestion when the value is close to one.
    mutating func choice(_ m: MappingNode, _ key: String, _ choices: [String], what: String) -> String? {
        guard let node = m.value(key), let text = string(m, key) else { return nil }
        if choices.contains(text) { return text }
        let hint = Suggestion.closest(to: text, in: choices).map { "did you mean \($0)?" } ?? "use one of " + choices.joined(separator: ", ")
        error(Self.line(node), m.child(key), "\"\(text)\" is not \(what) (\(hint))")
        return nil
    }
}
