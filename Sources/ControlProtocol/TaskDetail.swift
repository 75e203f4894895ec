/// One task in detail (`task`): the fields of `TaskStatus` at the same level of the JSON object,
/// plus its configuration, recent runs and upcoming runs.
public struct TaskDetail: Codable, Sendable, Equatable {
    public var status: TaskStatus
    /// argv, as the daemon will run it.
    public var command: [String]
    public var timeoutSeconds: Int
    public var retries: Int
    public var retryBackoffSeconds: Int
    /// The overlap policy: `skip`, `queue` or `replace`.
    public var overlap: String
    public var catchUp: Bool
    /// Whether the task runs regardless of the calendar.
    public var forceRun: Bool
    /// The names of the variables set for it; values are never sent (they may be secrets).
    public var environmentKeys: [String]
    /// Newest first.
    public var lastRuns: [RunInfo]
    /// ET instants, soonest first.
    public var nextRuns: [String]
    /// `after_wait` in seconds, for a task with `after:`.
    public var afterWaitSeconds: Int?

    public init(status: TaskStatus, command: [String], timeoutSeconds: Int, retries: Int, retryBackoffSeconds: Int,
                overlap: String, catchUp: Bool, forceRun: Bool, environmentKeys: [String] = [],
                lastRuns: [RunInfo] = [], nextRuns: [String] = [], afterWaitSeconds: Int? = nil) {
        self.status = status
        self.command = command
        self.timeoutSeconds = timeoutSeconds
        self.retries = retries
        self.retryBackoffSeconds = retryBackoffSeconds
        self.overlap = overlap
        self.catchUp = catchUp
        self.forceRun = forceRun
        self.environmentKeys = environmentKeys
        self.lastRuns = lastRuns
        self.nextRuns = nextRuns
        self.afterWaitSeconds = afterWaitSeconds
    }

    enum CodingKeys: String, CodingKey {
        case command, timeoutSeconds = "timeout_seconds", retries, retryBackoffSeconds = "retry_backoff_seconds"
        case overlap, catchUp = "catch_up", forceRun = "force_run", environmentKeys = "environment_keys"
        case lastRuns = "last_runs", nextRuns = "next_runs", afterWaitSeconds = "after_wait_seconds"
    }

    // The status fields share the object with the detail fields: both keyed containers of one encoder
    // write into the same JSON object.
    public init(from decoder: any Decoder) throws {
        status = try TaskStatus(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        command = try c.decode([String].self, forKey: .command)
        timeoutSeconds = try c.decode(Int.self, forKey: .timeoutSeconds)
        retries = try c.decode(Int.self, forKey: .retries)
        retryBackoffSeconds = try c.decode(Int.self, forKey: .retryBackoffSeconds)
        overlap = try c.decode(String.self, forKey: .overlap)
        catchUp = try c.decode(Bool.self, forKey: .catchUp)
        forceRun = try c.decode(Bool.self, forKey: .forceRun)
        environmentKeys = try c.decode([String].self, forKey: .environmentKeys)
        lastRuns = try c.decode([RunInfo].self, forKey: .lastRuns)
        nextRuns = try c.decode([String].self, forKey: .nextRuns)
        afterWaitSeconds = try c.decodeIfPresent(Int.self, forKey: .afterWaitSeconds)
    }

    public func encode(to encoder: any Encoder) throws {
        try status.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(command, forKey: .command)
        try c.encode(timeoutSeconds, forKey: .timeoutSeconds)
        try c.encode(retries, forKey: .retries)
        try c.encode(retryBackoffSeconds, forKey: .retryBackoffSeconds)
        try c.encode(overlap, forKey: .overlap)
        try c.encode(catchUp, forKey: .catchUp)
        try c.encode(forceRun, forKey: .forceRun)
        try c.encode(environmentKeys, forKey: .environmentKeys)
        try c.encode(lastRuns, forKey: .lastRuns)
        try c.encode(nextRuns, forKey: .nextRuns)
        try c.encodeIfPresent(afterWaitSeconds, forKey: .afterWaitSeconds)
    }
}
