import MarketCalendar

/// Walks a task's occurrences in order, one day's list at a time, so that stepping to
/// the next occurrence is O(1) amortized (the state machine and `plan` step millions).
public struct OccurrenceCursor: Sendable {
    public let schedule: TaskSchedule
    private var date: LocalDate
    private var list: [Instant]
    private var index = 0
    private var last: Instant

    /// Positions the cursor so that `next()` returns the first occurrence strictly after `instant`.
    public init(schedule: TaskSchedule, after instant: Instant) {
        self.schedule = schedule
        // Start a day early: session-relative offsets may put a day's occurrence before its midnight.
        date = schedule.calendar.zone.local(instant).date.adding(days: -1)
        list = schedule.occurrences(on: date)
        last = instant
    }

    /// The next occurrence, or nil when none comes within eight years.
    public mutating func next() -> Instant? {
        var emptyDays = 0
        while true {
            while index < list.count {
                let t = list[index]
                index += 1
                if t > last {
                    last = t
                    return t
                }
            }
            emptyDays += 1
            // A task without a schedule of its own (`after:` alone) has no occurrences.
            if emptyDays > 2922 || schedule.task.isEventDriven { return nil }
            date = date.adding(days: 1)
            list = schedule.occurrences(on: date)
            index = 0
        }
    }
}
