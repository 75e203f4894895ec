import MarketCalendar

/// Where a task's latest run for one run date stands, as its dependents see it.
enum RunStanding: Sendable, Equatable {
    /// Waiting for its own upstreams, queued, running, or between attempts (`retrying`).
    case pending(runID: String, retrying: Bool)
    case succeeded(runID: String)
    /// `failed`, `fatal`, `timeout` or `abandoned`.
    case failed(runID: String, outcome: Outcome)
    case skipped(runID: String)

    var runID: String {
        switch self {
        case .pending(let id, _), .succeeded(let id), .failed(let id, _), .skipped(let id): id
        }
    }

    var isPending: Bool {
        if case .pending = self { return true }
        return false
    }

    /// The standing a finished run (or attempt) leaves.
    init(_ outcome: Outcome, runID: String) {
        switch outcome {
        case .success: self = .succeeded(runID: runID)
        case .skipped: self = .skipped(runID: runID)
        case .retrying: self = .pending(runID: runID, retrying: true)
        case .running, .queued: self = .pending(runID: runID, retrying: false)
        case .failed, .fatal, .timeout, .abandoned: self = .failed(runID: runID, outcome: outcome)
        }
    }
}

/// A start held back until its upstreams have succeeded for its run date (`after:`).
struct Gate: Sendable {
    var start: PendingStart
    let index: Int
    let runDate: LocalDate
    /// The occurrence's instant: an upstream's occurrences up to it must have been handled.
    /// Nil for a manual run, which looks at the upstreams' whole day so far.
    let slot: Instant?
    /// When it stops waiting and is skipped.
    let deadline: Instant
    /// The deadline is the task's next occurrence, before `after_wait` was used up.
    let endsAtNextOccurrence: Bool
}

/// A run date of a task without a schedule of its own, waiting to be decided (run or skip).
struct OpenDate: Hashable, Sendable {
    let index: Int
    let date: LocalDate
}

/// `run-now TASK --with-dependents`: the tasks below TASK, started (or skipped) as manual
/// runs once their upstreams within the chain are over.
struct ManualChain: Sendable {
    let date: LocalDate
    /// The task run-now named, and every task below it.
    let members: Set<String>
    /// Tasks of the chain not handed to a gate yet.
    var waiting: Set<String>
    /// Tasks of the chain whose run is over (any outcome).
    var finished: Set<String> = []
}

/// `SchedulerCore`'s dependency state: each linked task's latest run per run date, the starts
/// waiting for upstreams, the open run dates of tasks with `after:` alone, and the manual
/// chains. Empty (and free) when no task has `after:`.
struct DependencyTracker: Sendable {
    var graph: DependencyGraph
    /// `graph.isLinked`, by task index: only these tasks pay for dependencies at all.
    var linked: [Bool]
    /// Tasks whose standings anyone reads: upstreams, and tasks with `after:` alone (once per
    /// run date). A dependent that is neither is gated, but its own runs are not tracked.
    var tracked: [Bool]
    /// `graph.topologicalOrder`, and each task's position in it: upstreams are decided first.
    let order: [Int]
    var rank: [Int]
    private var standings: [StandingKey: RunStanding] = [:]
    var gates: [Gate] = []
    var open: [OpenDate] = []
    var chains: [Int: ManualChain] = [:]
    var nextChainID = 1
    private var newestDay = Int.min
    /// The day the last `date(of:)` fell in: gates ask for the same day over and over.
    private var lastDay: (start: Instant, end: Instant, date: LocalDate)?

    /// How many days of standings are kept behind the newest one seen: longer than any wait
    /// (`after_wait` is at most a day) and the restart look-back.
    static let retainedDays = 4

    struct StandingKey: Hashable, Sendable {
        let index: Int
        let day: Int
    }

    init(tasks: [TaskConfig]) {
        graph = DependencyGraph(tasks: tasks)
        linked = tasks.indices.map(graph.isLinked)
        let graph = self.graph
        tracked = tasks.indices.map { !graph.dependents[$0].isEmpty || tasks[$0].isEventDriven }
        order = graph.topologicalOrder
        rank = [Int](repeating: 0, count: tasks.count)
        for (position, i) in order.enumerated() { rank[i] = position }
    }

    var isIdle: Bool { gates.isEmpty && open.isEmpty }

    /// The ET date of `instant`; remembers the day's bounds, so that the next instant of the
    /// same day costs no conversion.
    mutating func date(of instant: Instant, zone: ZoneRules) -> LocalDate {
        if let day = lastDay, instant >= day.start, instant < day.end { return day.date }
        let date = zone.local(instant).date
        lastDay = (zone.startOfDay(date), zone.startOfDay(date.adding(days: 1)), date)
        return date
    }

    func standing(_ index: Int, on date: LocalDate) -> RunStanding? {
        standings[StandingKey(index: index, day: date.dayNumber)]
    }

    /// Records `standing` as the task's latest for `date`. A skipped duplicate (an overlap skip)
    /// does not hide a run of the same date that is still going.
    mutating func note(_ index: Int, on date: LocalDate, _ standing: RunStanding) {
        let key = StandingKey(index: index, day: date.dayNumber)
        if case .skipped(let id) = standing, let current = standings[key], current.isPending, current.runID != id { return }
        standings[key] = standing
        if key.day > newestDay {
            newestDay = key.day
            standings = standings.filter { $0.key.day >= newestDay - Self.retainedDays }
        }
    }

    /// A finished run (or attempt) updates its date's standing only if it is the one standing
    /// there: a later run of the same date has already taken its place otherwise.
    mutating func noteFinished(_ index: Int, on date: LocalDate, runID: String, _ standing: RunStanding) {
        let key = StandingKey(index: index, day: date.dayNumber)
        guard standings[key]?.runID == runID || standings[key] == nil else { return }
        standings[key] = standing
    }

    /// The same state for a new configuration: standings, open dates and gates follow their
    /// tasks by name; what belongs to tasks that are gone is dropped.
    func remapped(to tasks: [TaskConfig]) -> DependencyTracker {
        var fresh = DependencyTracker(tasks: tasks)
        let newIndex = graph.names.map { fresh.graph.index(of: $0) }
        for (key, standing) in standings {
            if let i = newIndex[key.index], fresh.tracked[i] { fresh.standings[StandingKey(index: i, day: key.day)] = standing }
        }
        fresh.newestDay = newestDay
        fresh.open = open.compactMap { o in
            newIndex[o.index].flatMap { tasks[$0].isEventDriven ? OpenDate(index: $0, date: o.date) : nil }
        }
        fresh.gates = gates.compactMap { g in
            newIndex[g.index].map { Gate(start: g.start, index: $0, runDate: g.runDate, slot: g.slot, deadline: g.deadline,
                                        endsAtNextOccurrence: g.endsAtNextOccurrence) }
        }
        fresh.chains = chains
        fresh.nextChainID = nextChainID
        return fresh
    }
}
