/// Which of a task's output streams a line came from.
public enum RunOutputStream: String, Sendable, Codable, CaseIterable {
    case stdout, stderr
}

/// What the daemon streams while it answers `run_now` with `wait`, before the final response.
/// On the wire each is one line with the request's `id` and an `event` member instead of `ok`:
///
///     {"id":7,"event":"started","run":{...RunInfo, outcome running...}}
///     {"id":7,"event":"output","run_id":12,"stream":"stdout","line":"fetched 120 rows"}
///     {"id":7,"event":"retrying","run":{...RunInfo, outcome retrying...}}
public enum RunEvent: Sendable, Equatable {
    /// An attempt started (the first, or a retry).
    case started(RunInfo)
    /// One line of output, without its newline; invalid UTF-8 is replaced by U+FFFD.
    case output(runID: Int64, stream: RunOutputStream, line: String)
    /// An attempt ended and another will follow after the backoff.
    case retrying(RunInfo)

    /// The `event` member's value.
    public var name: String {
        switch self {
        case .started: return "started"
        case .output: return "output"
        case .retrying: return "retrying"
        }
    }
}
