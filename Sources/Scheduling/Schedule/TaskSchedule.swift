import MarketCalendar

/// When one task fires: the only implementation of "when", used by the daemon's state
/// machine and by `v6-scheduler plan` alike.
public struct TaskSchedule: Sendable {
    public let task: TaskConfig
    public let calendar: NYSECalendar

    public init(task: TaskConfig, calendar: NYSECalendar) {
        self.task = task
        self.calendar = calendar
    }

    /// Whether `date` is a day the task runs on (its `days`, the NYSE calendar, force).
    public func qualifies(_ date: LocalDate) -> Bool {
        let force = task.ignoresHolidays
        if case .cron(let cron) = task.schedule {
            guard cron.matches(date) else { return false }
            // Cron's fields choose the days; NYSE closures are skipped unless forced, and an
            // explicit `days:` narrows further.
            if !force, !date.isWeekend, !calendar.isSession(date) { return false }
            return !task.daysExplicit || task.days.runs(on: date, calendar: calendar, force: force)
        }
        return task.days.runs(on: date, calendar: calendar, force: force)
    }

    /// The fire instants belonging to `date` (ascending, no duplicates), empty when the
    /// day does not qualify.
    public func occurrences(on date: LocalDate) -> [Instant] {
        guard qualifies(date) else { return [] }
        let zone = calendar.zone
        var instants: [Instant]
        switch task.schedule {
        case .at(let times):
            let day = sessionOrRegular(date)
            instants = times.map { time in
                switch time {
                case .wall(let t): zone.instant(date: date, time: t)
                case .open(let offset): day.open + offset
                case .close(let offset): day.close + offset
                }
            }
        case .frequency(let seconds, let window):
            let (start, end) = bounds(of: window, on: date)
            instants = []
            var t = start
            while t < end {
                instants.append(t)
                t = t + seconds
            }
            return instants
        case .cron(let cron):
            // RFC 5545: a time in the spring gap moves forward, a repeated one is the first.
            instants = cron.times.map { zone.instant(date: date, time: $0) }
        case .afterUpstreams:
            return []
        }
        instants.sort()
        var unique: [Instant] = []
        unique.reserveCapacity(instants.count)
        for i in instants where unique.last != i { unique.append(i) }
        return unique
    }

    /// The first occurrence strictly after `instant` (nil if none within eight years, e.g.
    /// a cron for February 30).
    public func next(after instant: Instant) -> Instant? {
        if task.isEventDriven { return nil }
        let today = calendar.zone.local(instant).date
        // Session-relative offsets may cross midnight: look one day back and keep the
        // earliest candidate across the first two days that have one.
        var best: Instant? = nil
        var daysAfterFirst = 0
        for offset in -1...2922 {
            if let found = occurrences(on: today.adding(days: offset)).first(where: { $0 > instant }) {
                best = min(best ?? found, found)
            }
            if best != nil {
                daysAfterFirst += 1
                if daysAfterFirst > 1 { break }
            }
        }
        return best
    }

    /// The end of the phase window holding `occurrence` for a `frequency` task (retries
    /// never start at or after it); nil for `at` and `cron`, bounded by their next occurrence.
    public func phaseWindowEnd(of occurrence: Instant) -> Instant? {
        guard case .frequency(_, let window) = task.schedule else { return nil }
        let date = calendar.zone.local(occurrence).date
        let (start, end) = bounds(of: window, on: date)
        return occurrence >= start && occurrence < end ? end : nil
    }

    /// The session of `date`, or regular hours when a forced run falls on a closed weekday
    /// (so `close+15m` on a forced holiday is 16:15).
    func sessionOrRegular(_ date: LocalDate) -> (open: Instant, close: Instant) {
        if let s = calendar.session(on: date) { return (s.open, s.close) }
        let zone = calendar.zone
        return (zone.instant(date: date, time: NYSECalendar.regularOpen), zone.instant(date: date, time: NYSECalendar.regularClose))
    }

    /// [start, end) of a phase window on `date`.
    public func bounds(of window: Window, on date: LocalDate) -> (Instant, Instant) {
        let zone = calendar.zone
        if window == .any { return (zone.startOfDay(date), zone.startOfDay(date.adding(days: 1))) }
        let day = sessionOrRegular(date)
        let preMarket = zone.instant(date: date, time: MarketPhase.preMarketStart)
        let afterHoursEnd = day.close + MarketPhase.afterHoursLength
        switch window {
        case .preMarket: return (preMarket, day.open)
        case .marketOpen: return (day.open, day.close)
        case .afterHours: return (day.close, afterHoursEnd)
        case .extended, .any: return (preMarket, afterHoursEnd)
        }
    }
}
