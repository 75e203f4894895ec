/// The answer to `tasks`: one page of the tasks that match the filter, sorted by name.
public struct TasksResult: Codable, Sendable, Equatable {
    public var tasks: [TaskStatus]
    /// How many tasks match the filter (all pages); the daemon always sends it.
    public var total: Int?
    /// How many matching tasks come before this page (the request's `offset`, 0 by default).
    public var offset: Int?

    public init(tasks: [TaskStatus], total: Int? = nil, offset: Int? = nil) {
        self.tasks = tasks
        self.total = total
        self.offset = offset
    }
}

/// The answer to `history`: runs, newest first.
public struct HistoryResult: Codable, Sendable, Equatable {
    public var runs: [RunInfo]
    public init(runs: [RunInfo]) { self.runs = runs }
}

/// One upcoming run.
public struct NextRun: Codable, Sendable, Equatable {
    public var task: String
    /// ET instant.
    public var at: String
    public init(task: String, at: String) {
        self.task = task
        self.at = at
    }
}

/// The answer to `next`: upcoming runs across tasks, soonest first.
public struct NextResult: Codable, Sendable, Equatable {
    public var runs: [NextRun]
    public init(runs: [NextRun]) { self.runs = runs }
}

/// The answer to `enable`, `disable` and `clear`: the task's state after the change.
public struct ToggleResult: Codable, Sendable, Equatable {
    public var task: String
    public var enabled: Bool
    /// Where `enabled` now comes from (`runtime` after enable/disable; the YAML/env source after clear).
    public var source: String
    /// When the toggle expires (ET instant), if it does.
    public var until: String?

    public init(task: String, enabled: Bool, source: String, until: String? = nil) {
        self.task = task
        self.enabled = enabled
        self.source = source
        self.until = until
    }
}

/// The answer to `reload`.
public struct ReloadResult: Codable, Sendable, Equatable {
    /// How many tasks the new configuration has.
    public var tasks: Int
    /// Non-fatal findings of the configuration check.
    public var warnings: [String]

    public init(tasks: Int, warnings: [String] = []) {
        self.tasks = tasks
        self.warnings = warnings
    }
}
