import MarketCalendar

/// The decision of `v6ctl gate`: does a gated command run at an instant? Pure, so that the
/// exports' year-long proof asks it directly, and built on `TaskSchedule`, so that the gate
/// and the daemon read `days`, `force_run`, windows and `at:` times the same way.
public struct GateRule: Sendable {
    /// `--days`.
    public var days: DayRule
    /// `--ignore-holidays`: NYSE closures do not stop the command (a task's `force_run`).
    public var ignoresHolidays: Bool
    /// `--phase`.
    public var phase: GatePhase
    /// `--at`: when not empty, now must be within `tolerance` of one of these times.
    public var at: [AtTime]
    /// `--tolerance`, in seconds.
    public var tolerance: Int64
    /// `--extra-closure` and `--extra-early-close`: the configuration's `calendar:` additions.
    public var extraDays: SpecialDays

    public static let defaultTolerance: Int64 = 60

    public init(days: DayRule = .trading, ignoresHolidays: Bool = false, phase: GatePhase = .any, at: [AtTime] = [],
                tolerance: Int64 = GateRule.defaultTolerance, extraDays: SpecialDays = SpecialDays(entries: [])) {
        self.days = days
        self.ignoresHolidays = ignoresHolidays
        self.phase = phase
        self.at = at
        self.tolerance = tolerance
        self.extraDays = extraDays
    }

    /// Decides for `now`. Build a `GateRule.Decider` once to decide many instants.
    public func decide(at now: Instant) -> GateVerdict { Decider(self).decide(at: now) }

    /// A rule with its calendar and schedule built once.
    public struct Decider: Sendable {
        public let rule: GateRule
        let calendar: NYSECalendar
        /// The rule as a task: `TaskSchedule` resolves its `at:` times and windows.
        let schedule: TaskSchedule

        public init(_ rule: GateRule) {
            self.rule = rule
            calendar = NYSECalendar(extra: rule.extraDays)
            let task = TaskConfig(name: "gate", command: ["true"], schedule: .at(rule.at.isEmpty ? [.open(offset: 0)] : rule.at),
                                  days: rule.days, daysExplicit: true, ignoresHolidays: rule.ignoresHolidays)
            schedule = TaskSchedule(task: task, calendar: calendar)
        }

        public func decide(at now: Instant) -> GateVerdict {
            let zone = calendar.zone
            let today = zone.local(now).date
            if case .skip(let why) = rule.days.check(today, calendar: calendar, force: rule.ignoresHolidays) { return .skip(why) }
            if let why = phaseProblem(now, today: today) { return .skip(why) }
            if !rule.at.isEmpty {
                // Yesterday's and tomorrow's too: a time just before midnight, a run just after.
                let times = (-1...1).flatMap { schedule.occurrences(on: today.adding(days: $0)) }
                if !times.contains(where: { abs($0 - now) <= rule.tolerance }) {
                    let todays = schedule.occurrences(on: today).map { zone.iso8601($0) }
                    let listed = todays.isEmpty ? "none today" : "today: " + todays.joined(separator: ", ")
                    return .skip("\(zone.iso8601(now)) is not within \(DurationSyntax.compact(rule.tolerance)) of "
                                 + "\(rule.at.map(\.description).joined(separator: ", ")) (\(listed))")
                }
            }
            return .run
        }

        private func phaseProblem(_ now: Instant, today: LocalDate) -> String? {
            let zone = calendar.zone
            switch rule.phase {
            case .any:
                return nil
            case .closed:
                let current = calendar.phase(at: now).phase
                return current == .closed ? nil : "market phase at \(zone.iso8601(now)) is \(current.rawValue), not closed"
            default:
                guard let window = rule.phase.window else { return nil }
                let (start, end) = schedule.bounds(of: window, on: today)
                if now >= start && now < end { return nil }
                if calendar.session(on: today) != nil {
                    return "market phase at \(zone.iso8601(now)) is \(calendar.phase(at: now).phase.rawValue), not \(window.rawValue)"
                }
                // A day without a session that --days lets through: the daemon's windows use regular hours.
                let hours = "\(zone.local(start).time.hhmm)-\(zone.local(end).time.hhmm)"
                return "\(zone.iso8601(now)) is outside the \(window.rawValue) window of \(today), a day without a session (regular hours: \(hours) ET)"
            }
        }
    }
}

/// What the gate decides.
public enum GateVerdict: Sendable, Equatable {
    case run
    /// Skip, and why (one line for stderr).
    case skip(String)
}
