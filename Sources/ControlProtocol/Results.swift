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

/// The answer to `history`: runs, newest first, one page of them.
public struct HistoryResult: Codable, Sendable, Equatable {
    public var runs: [RunInfo]
    /// Present when older runs matching the request remain (the page reached its `limit` or
    /// `ProtocolLimits.maxHistoryPageBytes`): send it back as `cursor` for the next page.
    public var nextCursor: Int64?

    public init(runs: [RunInfo], nextCursor: Int64? = nil) {
        self.runs = runs
        self.nextCursor = nextCursor
    }

    enum CodingKeys: String, CodingKey {
        case runs
        case nextCursor = "next_cursor"
    }
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

/// The answer to `metrics`: the Prometheus text exposition (format 0.0.4), for `v6ctl metrics`
/// (node_exporter's textfile collector) and the dashboard's `/metrics`.
public struct MetricsResult: Codable, Sendable, Equatable {
    /// The exposition, `# HELP`/`# TYPE` lines and samples, ending in a newline.
    public var text: String
    /// What to send as the HTTP `Content-Type` with `text`.
    public var contentType: String

    public init(text: String, contentType: String) {
        self.text = text
        self.contentType = contentType
    }

    enum CodingKeys: String, CodingKey {
        case text
        case contentType = "content_type"
    }
}

/// The answer to `notify_test`.
public struct NotifyTestResult: Codable, Sendable, Equatable {
    public var channel: String
    /// `slack`, `discord`, `webhook`, `email`.
    public var type: String
    /// True when the endpoint accepted the message.
    public var delivered: Bool
    /// The endpoint's answer (`HTTP 200: ok`, `250 2.0.0 Ok: queued as 4F2`) or why it failed.
    public var answer: String

    public init(channel: String, type: String, delivered: Bool, answer: String) {
        self.channel = channel
        self.type = type
        self.delivered = delivered
        self.answer = answer
    }
}
