/// One problem found in the configuration, the environment file or the environment, located
/// precisely enough for an operator to fix it: `FILE:LINE: key.path: message`.
public struct ConfigIssue: Sendable, Equatable, CustomStringConvertible {
    /// The file as the operator named it (`config/production.yaml`), or `environment` for a
    /// variable of the process environment.
    public var file: String
    /// 1-based line, nil when there is none (the process environment, an unreadable file).
    public var line: Int?
    /// Dotted path of the key (`scheduler.tasks.collect.frequency`), or a variable name; may be empty.
    public var keyPath: String
    /// What is wrong and how to fix it.
    public var message: String

    public init(file: String, line: Int?, keyPath: String, message: String) {
        self.file = file
        self.line = line
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if !keyPath.isEmpty { text += ": \(keyPath)" }
        return text + ": " + message
    }

    /// The file name used for variables of the process environment.
    public static let environmentFile = "environment"
}

/// The error of the configuration loader: every problem found, not only the first.
public struct ConfigErrors: Error, Sendable, Equatable, CustomStringConvertible {
    /// The errors, sorted (see `sorted`).
    public var issues: [ConfigIssue]
    /// Warnings found before the errors stopped the load (shown by `check-config` too).
    public var warnings: [ConfigIssue]

    public init(_ issues: [ConfigIssue], warnings: [ConfigIssue] = []) {
        self.issues = ConfigErrors.sorted(issues)
        self.warnings = ConfigErrors.sorted(warnings)
    }

    /// One issue per line, sorted by line within each file.
    public var description: String { issues.map(\.description).joined(separator: "\n") }

    /// Groups issues by file (in order of first appearance) and sorts each group by line;
    /// the order of issues on the same line is kept (stable).
    public static func sorted(_ issues: [ConfigIssue]) -> [ConfigIssue] {
        var fileOrder: [String: Int] = [:]
        for issue in issues where fileOrder[issue.file] == nil { fileOrder[issue.file] = fileOrder.count }
        return issues.enumerated().sorted { a, b in
            let ka = (fileOrder[a.element.file]!, a.element.line ?? 0, a.offset)
            let kb = (fileOrder[b.element.file]!, b.element.line ?? 0, b.offset)
            return ka < kb
        }.map(\.element)
    }
}
