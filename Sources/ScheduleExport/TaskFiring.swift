import MarketCalendar
import Scheduling

/// One task as timer patterns plus the gate that keeps exactly the daemon's occurrences:
/// the target-neutral half of an export. Patterns may fire more often than the task (both
/// 13:15 and 16:15 for `close+15m`; 09:00-09:25 for a `*/5 9-15` line in `market_open`); the
/// gate (`GateRule`, the same one `v6ctl gate` decides with) drops the extra firings.
struct TaskFiring: Sendable {
    let task: TaskConfig
    /// Each pattern with the `at:` entries its firings are checked against.
    var lines: [Line] = []
    /// The gate shared by the task's lines (`at` empty; each line adds its own).
    var gate: GateRule
    /// What the targets cannot express exactly, for this task.
    var notes: [ExportNote] = []

    struct Line: Sendable {
        var pattern: FirePattern
        var at: [AtTime] = []
        /// Only systemd can hold it (another zone, or both day fields at once): DST repairs.
        var systemdOnly = false
    }

    /// The gate of one line: the task's, with the line's `at:` entries.
    func gate(for line: Line) -> GateRule {
        var rule = gate
        rule.at = line.at
        return rule
    }

    /// The gate of a unit that holds every line (systemd's one service per task).
    var taskGate: GateRule {
        var rule = gate
        var seen = Set<AtTime>()
        rule.at = lines.flatMap(\.at).filter { seen.insert($0).inserted }
        return rule
    }

    init(task: TaskConfig, context: ExportContext) {
        self.task = task
        gate = GateRule(days: task.days, ignoresHolidays: task.ignoresHolidays, extraDays: context.config.extraDays)
        switch task.schedule {
        case .at(let times): planAt(times, context)
        case .frequency(let seconds, let window): planFrequency(seconds, window, context)
        case .cron(let expression): planCron(expression, context)
        case .afterUpstreams: break  // no time of its own: `Exporter` leaves it out with a note
        }
        gate.tolerance = tolerance()
    }

    /// The weekdays `days:` allows (NYSE closures are the gate's business).
    var weekdays: Set<Weekday> {
        switch task.days {
        case .trading, .weekdays: Set(Weekday.allCases.filter { $0 < .saturday })
        case .weekends: [.saturday, .sunday]
        case .everyDay: Set(Weekday.allCases)
        case .list(let days): days
        }
    }

    // MARK: - at

    private mutating func planAt(_ times: [AtTime], _ context: ExportContext) {
        // Entries with the same wall times share a line; session-relative ones fire at every close.
        var groups: [[Int]: [AtTime]] = [:]
        for entry in times {
            let walls: [Int]
            switch entry {
            case .wall(let t): walls = [t.seconds]
            case .open(let offset): walls = [NYSECalendar.regularOpen.seconds + Int(offset)]
            case .close(let offset): walls = context.closes.map { $0 + Int(offset) }
            }
            let inDay = Set(walls.filter { (0..<86_400).contains($0) })
            if inDay.count < walls.count {
                notes.append(.all(task.name, "at: \(entry) leaves the session's day with some closes; those runs are not exported"))
            }
            if case .wall = entry {} else if let spring = context.spring, weekdays.contains(spring.weekday),
                inDay.contains(where: { $0 < spring.wallStart + spring.shift }) {
                notes.append(.all(task.name, "at: \(entry) is elapsed time from the open or close: on the day the clocks change it is not the same wall time, and those runs are not exported exactly"))
            }
            groups[inDay.sorted(), default: []].append(entry)
        }
        let days = PatternDays.weekdays(weekdays)
        for (walls, entries) in groups.sorted(by: { $0.key.first ?? 0 < $1.key.first ?? 0 }) where !walls.isEmpty {
            for pattern in FirePattern.exact(Set(walls), days: days) {
                lines.append(Line(pattern: pattern, at: entries))
            }
            if let spring = context.spring, weekdays.contains(spring.weekday) {
                lines += springRepairs(walls, at: entries, onDays: spring.days, context)
            }
        }
    }

    /// systemd skips wall times in the spring gap; the daemon runs them an hour later (RFC 5545).
    private func springRepairs(_ walls: [Int], at: [AtTime], onDays days: PatternDays, _ context: ExportContext) -> [Line] {
        guard let spring = context.spring else { return [] }
        let moved = walls.filter { $0 >= spring.wallStart && $0 < spring.wallStart + spring.shift }.map { $0 + spring.shift }
        guard !moved.isEmpty else { return [] }
        return FirePattern.exact(Set(moved), days: days).map { Line(pattern: $0, at: at, systemdOnly: true) }
    }

    // MARK: - frequency

    private mutating func planFrequency(_ step: Int64, _ window: Window, _ context: ExportContext) {
        gate.phase = GatePhase(window: window)
        let f = Int(step)
        // The window of each kind of day, as wall seconds: [start, end).
        let open = NYSECalendar.regularOpen.seconds, preMarket = MarketPhase.preMarketStart.seconds
        let afterHours = Int(MarketPhase.afterHoursLength)
        let variants: [(start: Int, end: Int)] = window == .any ? [(0, 86_400)] : context.closes.map { close in
            switch window {
            case .preMarket: (preMarket, open)
            case .marketOpen: (open, close)
            case .afterHours: (close, close + afterHours)
            case .extended, .any: (preMarket, close + afterHours)
            }
        }
        let grids = variants.map { v in Set(stride(from: v.start, to: v.end, by: f)) }
        let union = grids.reduce(into: Set<Int>()) { $0.formUnion($1) }
        for (v, grid) in zip(variants, grids) where union.filter({ $0 >= v.start && $0 < v.end }) != grid {
            notes.append(.all(task.name, "every \(DurationSyntax.compact(step)) in \(window.rawValue): the runs after a "
                + "\(TimeOfDay(seconds: v.start % 86_400).hhmm) start do not line up with the regular day's; on such days it runs at both days' times"))
            break
        }
        let days = PatternDays.weekdays(weekdays)
        // One line over every hour and minute used, if the extra combinations fall outside every window.
        let cross = FirePattern.crossProduct(union)
        let single = FirePattern(seconds: cross.seconds, minutes: cross.minutes, hours: cross.hours, days: days)
        let extra = Set(single.timesOfDay).subtracting(union)
        if extra.allSatisfy({ t in variants.allSatisfy { t < $0.start || t >= $0.end } }) {
            lines.append(Line(pattern: single))
        } else {
            lines += FirePattern.exact(union, days: days).map { Line(pattern: $0) }
        }
        guard window == .any else { return }
        for change in [context.spring, context.autumn].compactMap({ $0 }) where weekdays.contains(change.weekday) {
            guard 3600 % f == 0, abs(change.shift) % f == 0 else {
                notes.append(.all(task.name, "every \(DurationSyntax.compact(step)) all day is elapsed time: on the day the clocks change "
                    + "its wall times shift, and that day's runs are not exported exactly"))
                break
            }
            guard change.shift < 0 else { continue }
            // The repeated hour's second pass: wall time cannot name it, UTC can.
            let midnight: Int64 = context.calendar.zone.startOfDay(change.sample).seconds
            let from: Int64 = change.instant.seconds, to: Int64 = change.instant.seconds - Int64(change.shift)
            var utc = Set<Int>()
            for t in stride(from: midnight, to: midnight + 86_400, by: Int(step)) where t >= from && t < to {
                utc.insert(Int((t % 86_400 + 86_400) % 86_400))
            }
            let weekday = context.calendar.zone.local(change.instant).date.weekday
            let utcDays = PatternDays.all(months: monthsOf(change.days), daysOfMonth: daysOf(change.days), weekdays: [weekday])
            lines += FirePattern.exact(utc, days: utcDays, zone: .utc).map { Line(pattern: $0, systemdOnly: true) }
            notes.append(.cronLike(task.name, "every \(DurationSyntax.compact(step)) all day: the \(utc.count) runs in the repeated hour of the autumn clock change "
                + "(\(TimeOfDay(seconds: change.wallStart + change.shift).hhmm)-\(TimeOfDay(seconds: change.wallStart - 1).hhmm) the second time) are not exported: cron reads wall time"))
        }
    }

    private func monthsOf(_ days: PatternDays) -> [Int] { if case .all(let m, _, _) = days { m } else { Array(1...12) } }
    private func daysOf(_ days: PatternDays) -> [Int] { if case .all(_, let d, _) = days { d } else { Array(1...31) } }

    // MARK: - cron

    private mutating func planCron(_ cron: CronExpression, _ context: ExportContext) {
        // The fields choose the days; weekday closures are skipped unless forced, and an explicit
        // `days:` narrows: the gate's --days is that rule (every_day would not skip closures).
        let allDays = DayRule.list(Set(Weekday.allCases))
        gate.days = !task.daysExplicit || task.days == .everyDay ? allDays : task.days
        let walls = cron.times.map(\.seconds)
        let hours = Set(walls.map { $0 / 3600 }).sorted(), minutes = Set(walls.map { $0 / 60 % 60 }).sorted()
        lines.append(Line(pattern: FirePattern(seconds: [0], minutes: minutes, hours: hours, days: .cron(cron))))
        guard let spring = context.spring, case .all(let months, let doms, let weekdays) = spring.days,
              let weekday = weekdays.first else { return }
        // The spring days the expression selects, with Vixie's rule.
        let cronWeekday = weekday.rawValue % 7
        let weekdayMatches = cron.weekdayNumbers.contains(cronWeekday)
        let inMonth = months.filter(cron.monthNumbers.contains)
        var selected = doms.filter(cron.daysOfMonth.contains)
        if cron.requiresBothDayFields {
            if !weekdayMatches { selected = [] }
        } else if weekdayMatches {
            selected = doms
        }
        guard !inMonth.isEmpty, !selected.isEmpty else { return }
        lines += springRepairs(walls, at: [], onDays: .all(months: inMonth, daysOfMonth: selected, weekdays: [weekday]), context)
    }

    // MARK: - tolerance

    /// 60 s, or for a task whose retries and catch-up runs start late, as wide as the `at:`
    /// lines allow: just under the smallest distance between two times they fire at (so that
    /// 16:15 is never taken for an early close's 13:15), at most 12 h.
    private func tolerance() -> Int64 {
        guard case .at = task.schedule, task.retries > 0 || task.catchUp else { return GateRule.defaultTolerance }
        return Int64(min(max(shortestGap - 60, 60), 43_200))
    }
}
