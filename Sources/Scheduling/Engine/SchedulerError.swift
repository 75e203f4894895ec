/// Requests the state machine refuses (from `v6ctl` through the daemon).
public struct SchedulerError: Error, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case unknownTask = "unknown_task"
        case notToday = "not_today"
        case busy
        /// The task's `hosts:` leave this daemon out: another host runs it.
        case otherHost = "other_host"
    }

    public let code: Code
    public let message: String

    public var description: String { message }

    static func unknownTask(_ name: String, known: [String]) -> SchedulerError {
        SchedulerError(code: .unknownTask, message: "no task named '\(name)'\(Suggestion.didYouMean(name, in: known.sorted())); see: v6ctl list")
    }
}
