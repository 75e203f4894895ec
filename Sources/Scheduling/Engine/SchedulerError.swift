/// Requests the state machine refuses (from `v6ctl` through the daemon).
public struct SchedulerError: Error, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case unknownTask = "unknown_task"
        case notToday = "not_today"
        case busy
    }

    public let code: Code
    public let message: String

    public var description: String { message }

    static func unknownTask(_ name: String, known: [String]) -> SchedulerError {
        let hint = known.min { editDistance($0, name) < editDistance($1, name) }
            .flatMap { editDistance($0, name) <= max(2, name.count / 3) ? " (did you mean \($0)?)" : nil } ?? ""
        return SchedulerError(code: .unknownTask, message: "no task named '\(name)'\(hint); see: v6ctl list")
    }
}

/// Levenshtein distance, for did-you-mean hints.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
