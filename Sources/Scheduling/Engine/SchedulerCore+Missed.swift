import MarketCalendar

/// Occurrences that passed while the daemon was down, for the `missed` alert.
public struct MissedOccurrences: Sendable, Equatable {
    public let task: String
    /// The first one missed.
    public let first: Instant
    /// How many (at most `SchedulerCore.missedCountLimit`; more are counted as that).
    public let count: Int
}

extension SchedulerCore {
    /// Counting stops here: a 1-second task down for a week is "at least 10000".
    public static let missedCountLimit = 10_000

    /// For each enabled task that claimed a slot before: the occurrences after its last claimed
    /// slot and before `now` that did not run. The latest of them is not counted for a
    /// `catch_up` task whose window is still open (`catchUp` runs it).
    public func missedWhileDown(lastSlots: [String: Instant], now: Instant) -> [MissedOccurrences] {
        var result: [MissedOccurrences] = []
        for (i, state) in states.enumerated() {
            let name = state.config.name
            guard runsHere(i), isEnabled(name, at: now), let last = lastSlots[name], last < now else { continue }
            var cursor = OccurrenceCursor(schedule: state.schedule, after: last)
            var first: Instant? = nil, latest: Instant? = nil, count = 0
            while count < Self.missedCountLimit, let t = cursor.next(), t < now {
                if first == nil { first = t }
                latest = t
                count += 1
            }
            if state.config.catchUp, let latest, count > 0 {
                let windowEnd = state.schedule.phaseWindowEnd(of: latest)
                if windowEnd == nil || windowEnd! > now { count -= 1 }
            }
            if let first, count > 0 { result.append(MissedOccurrences(task: name, first: first, count: count)) }
        }
        return result
    }
}
