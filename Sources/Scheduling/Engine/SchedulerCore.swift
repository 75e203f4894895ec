import HeapModule
import MarketCalendar

/// The scheduler's decisions, free of I/O: time comes in as instants, results of runs
/// come in as events, and out come `SchedulerAction`s for the daemon to carry out.
///
/// The daemon drives it with the wall clock; `Planner` drives it with a virtual one, so
/// the plan is what runs. Every occurrence is taken from `OccurrenceCursor`.
public struct SchedulerCore: Sendable {
    public internal(set) var config: SchedulerConfig
    public internal(set) var calendar: NYSECalendar
    /// Per-task state in `config.tasks` order (sorted by name), and each name's index:
    /// the hot path works on indices and mutates in place.
    var states: [TaskState] = []
    var indexOf: [String: Int] = [:]
    var due = Heap<DueEntry>()
    var active: [String: ActiveRun] = [:]            // by run id
    var activeByTask: [String: String] = [:]         // task -> its current (non-replaced) run id
    var waiting: [PendingStart] = []                 // for a concurrency slot, in order
    var queuedBehind: [String: PendingStart] = [:]   // task -> the one run waiting for it (overlap)
    var retries: [String: PendingRetry] = [:]        // task -> its next attempt
    public private(set) var toggles: [String: RuntimeToggle] = [:]
    /// `after:`: latest runs per run date, starts waiting for upstreams (see +Dependencies).
    var deps = DependencyTracker(tasks: [])
    /// Occurrences at or before this instant have been handled.
    public private(set) var processedUntil: Instant
    private var nextRunID: Int64
    /// Run ids handed out ahead for occurrences the daemon reserves (see +Reservations).
    var plannedRunIDs: [PlanKey: String] = [:]
    /// This daemon's `host_id`: tasks whose `hosts:` leave it out are never started here (another
    /// host runs them). Nil (the planner, tests): every task.
    public var hostID: String?
    /// The daemon starts runs asynchronously (a claim, then a spawn on another thread): with this
    /// set, a run's timeout counts from `runSpawned(_:at:)`, not from its start action, so a slow
    /// claim or spawn on a loaded machine never times a run out before it has started. Off (the
    /// planner, tests of the core alone): the timeout counts from the start action.
    public var timeoutsFromSpawn = false
    public private(set) var isShuttingDown = false

    /// - Parameters:
    ///   - now: occurrences from this instant on (inclusive) will fire.
    ///   - firstRunID: run ids are decimal numbers counting up from here (the daemon starts
    ///     above the largest id in its history, so ids stay unique across restarts).
    public init(config: SchedulerConfig, now: Instant, firstRunID: Int64 = 1, toggles: [String: RuntimeToggle] = [:]) {
        let prepared = Self.prepare(config, after: now - 1)
        self.config = config
        self.calendar = prepared.calendar
        self.processedUntil = now - 1
        self.nextRunID = firstRunID
        self.toggles = toggles
        states = prepared.states
        indexOf = prepared.indexOf
        due = prepared.due
        remapDependencies()
    }

    // MARK: - Queries

    /// When the daemon must call `advance(to:)` next: the earliest occurrence, retry or timeout.
    public var nextWakeUp: Instant? {
        var candidates: [Instant] = []
        if let top = due.min { candidates.append(top.instant) }
        candidates.append(contentsOf: retries.values.map(\.at))
        candidates.append(contentsOf: active.values.filter { $0.stopping == nil }.compactMap(\.deadline))
        if !deps.gates.isEmpty, let gate = deps.gates.map(\.deadline).min() { candidates.append(gate) }
        return candidates.min()
    }

    /// The next scheduled occurrence of a task (nil when none within eight years).
    public func nextOccurrence(of task: String) -> Instant? { indexOf[task].flatMap { states[$0].nextDue } }

    /// Upcoming occurrences of a task, without moving the scheduler's own cursor.
    public func upcoming(of task: String, limit: Int) -> [Instant] {
        guard let i = indexOf[task], let first = states[i].nextDue else { return [] }
        let state = states[i]
        var cursor = OccurrenceCursor(schedule: state.schedule, after: first)
        var result = [first]
        while result.count < limit, let next = cursor.next() { result.append(next) }
        return result
    }

    /// Enabled after runtime toggles (lapsed ones ignored), environment and YAML.
    public func isEnabled(_ task: String, at now: Instant) -> Bool {
        guard let i = indexOf[task] else { return false }
        if !toggles.isEmpty, let toggle = effectiveToggle(task, at: now) { return toggle.enabled }
        return states[i].config.enabled
    }

    /// The runtime toggle in force at `now`, if any.
    public func effectiveToggle(_ task: String, at now: Instant) -> RuntimeToggle? {
        guard let toggle = toggles[task] else { return nil }
        if let until = toggle.until, now >= until { return nil }
        return toggle
    }

    public var runningRunIDs: [String] { Array(active.keys) }
    public func runningRun(of task: String) -> String? { activeByTask[task] }
    public var runningCount: Int { active.count }
    public func schedule(of task: String) -> TaskSchedule? { indexOf[task].map { states[$0].schedule } }

    // MARK: - Time

    /// Handles everything due at or before `now`: timeouts, retries, occurrences.
    public mutating func advance(to now: Instant) -> [SchedulerAction] {
        var actions: [SchedulerAction] = []
        if !deps.gates.isEmpty { expireGates(now: now, into: &actions) }
        for (id, run) in active where run.stopping == nil && run.deadline.map({ $0 <= now }) == true {
            active[id]?.stopping = .timeout
            actions.append(.stop(runID: id, reason: .timeout))
        }
        for (task, retry) in retries where retry.at <= now {
            retries[task] = nil
            guard indexOf[task] != nil else { continue }
            offer(PendingStart(runID: makeRunID(), task: task, trigger: .retry, scheduledAt: retry.scheduledAt,
                               attempt: retry.attempt, since: now, runDate: retry.runDate, chain: retry.chain, quiet: retry.quiet),
                  now: now, into: &actions)
        }
        while let top = due.min, top.instant <= now {
            _ = due.removeMin()
            let i = top.index
            guard let occurrence = states[i].nextDue else { continue }
            // Everything due by now: the latest runs, earlier ones (a clock step, a suspend) are skipped.
            var latest = occurrence, missed = 0
            var next = states[i].cursor.next()
            while let n = next, n <= now {
                missed += 1
                latest = n
                next = states[i].cursor.next()
            }
            states[i].nextDue = next
            if deps.tracked[i] { states[i].nextDueDate = next.map { calendar.zone.local($0).date } }
            if let next { due.insert(DueEntry(instant: next, index: i)) }
            let name = states[i].config.name
            guard !isShuttingDown, isEnabled(name, at: now) else { continue }
            if missed > 0 {
                skip(PendingStart(runID: makeRunID(), task: name, trigger: .schedule, scheduledAt: occurrence, attempt: 1, since: now),
                     reason: "\(missed) occurrence(s) from \(calendar.zone.iso8601(occurrence)) missed (clock step or suspend); running the latest only",
                     cause: .missed(count: missed), into: &actions)
            }
            offer(PendingStart(runID: runID(for: name, at: latest), task: name, trigger: .schedule, scheduledAt: latest, attempt: 1,
                               since: now), now: now, into: &actions)
        }
        processedUntil = max(processedUntil, now)
        dropHandledPlans()
        resolveDependencies(now: now, into: &actions)
        return actions
    }

    // MARK: - Runs

    /// The daemon reports how a started run ended.
    public mutating func runFinished(_ runID: String, result: RunResult, at now: Instant) -> [SchedulerAction] {
        guard let run = active.removeValue(forKey: runID) else { return [] }
        if activeByTask[run.task] == runID { activeByTask[run.task] = nil }
        var actions: [SchedulerAction] = [.completed(judge(run, result, now: now))]
        if case .completed(let c) = actions[0] {
            if c.outcome == .retrying, let at = c.retryAt {
                retries[run.task] = PendingRetry(at: at, scheduledAt: run.scheduledAt, attempt: run.attempt + 1,
                                                 runDate: run.runDate, chain: run.chain, quiet: run.quiet)
            }
            dependencyRunFinished(run, c, now: now)
        }
        if activeByTask[run.task] == nil, let queued = queuedBehind.removeValue(forKey: run.task) {
            startOrWait(queued, now: now, into: &actions)
        }
        drainWaiting(now: now, into: &actions)
        resolveDependencies(now: now, into: &actions)
        return actions
    }

    /// The daemon measured that a run has been going for its `timeout_seconds`, counted from its
    /// actual start to the millisecond (the deadline kept here is in whole seconds, rounded up, so
    /// it is only the backstop): the run is stopped as timed out, unless it is being stopped already.
    /// The run's process exists now (see `timeoutsFromSpawn`): its timeout counts from `now`.
    public mutating func runSpawned(_ runID: String, at now: Instant) {
        guard let run = active[runID], run.stopping == nil, let i = indexOf[run.task] else { return }
        let deadline = timeoutDeadline(of: i, from: now)
        active[runID]?.deadline = deadline
    }

    /// Whole seconds: `now` may be up to a second old, so the deadline is rounded up.
    private func timeoutDeadline(of index: Int, from now: Instant) -> Instant {
        now + Int64(states[index].config.timeoutSeconds) + 1
    }

    public mutating func timeoutElapsed(_ runID: String) -> [SchedulerAction] {
        guard let run = active[runID], run.stopping == nil else { return [] }
        active[runID]?.stopping = .timeout
        return [.stop(runID: runID, reason: .timeout)]
    }

    /// `v6ctl run-now`: a manual run, subject to the calendar unless forced, and to `overlap`.
    /// A task with `after:` first waits for its upstreams (unless forced), like an occurrence.
    /// `withDependents` starts the tasks below it after it (see +Chains); without it, the run
    /// counts for its dependents' checks but starts none of them.
    public mutating func runNow(_ task: String, force: Bool, withDependents: Bool = false,
                                at now: Instant) throws(SchedulerError) -> (runID: String, actions: [SchedulerAction]) {
        guard let index = indexOf[task] else { throw .unknownTask(task, known: Array(indexOf.keys)) }
        let state = states[index]
        guard runsHere(index) else {
            throw SchedulerError(code: .otherHost, message: "\(task) runs only on \(state.config.hosts.joined(separator: ", ")) (hosts:); this daemon is \(hostID ?? "-"): run it there")
        }
        if !force {
            let today = calendar.zone.local(now).date
            var verdict = state.config.days.check(today, calendar: calendar, force: state.config.ignoresHolidays)
            if case .cron = state.config.schedule, !state.config.daysExplicit {
                // A cron task's days come from its fields; for a manual run only NYSE closures count.
                verdict = today.isWeekend || state.config.ignoresHolidays ? .run
                    : DayRule.weekdays.check(today, calendar: calendar, force: false)
            }
            if case .skip(let why) = verdict {
                throw SchedulerError(code: .notToday, message: "\(task) does not run today: \(why); add --force to run it anyway")
            }
        }
        if let running = activeByTask[task], state.config.overlap == .skip {
            throw SchedulerError(code: .busy, message: "\(task) is already running (run \(running)); its overlap policy is skip")
        }
        if queuedBehind[task] != nil || waiting.contains(where: { $0.task == task }) || deps.gates.contains(where: { $0.start.task == task }) {
            throw SchedulerError(code: .busy, message: "\(task) already has a run waiting to start")
        }
        var actions: [SchedulerAction] = []
        let runID = makeRunID()
        var start = PendingStart(runID: runID, task: task, trigger: .manual, scheduledAt: nil, attempt: 1, since: now)
        start.ignoresUpstreams = force
        start.quiet = !withDependents
        if withDependents { start.chain = beginChain(below: index, on: calendar.zone.local(now).date) }
        offer(start, now: now, into: &actions)
        resolveDependencies(now: now, into: &actions)
        return (runID, actions)
    }

    // MARK: - Toggles, reload, shutdown

    public mutating func setToggle(_ task: String, _ toggle: RuntimeToggle?) throws(SchedulerError) {
        guard indexOf[task] != nil else { throw .unknownTask(task, known: Array(indexOf.keys)) }
        toggles[task] = toggle
    }

    /// Stop scheduling; stop every running run. Completions still come through `runFinished`.
    public mutating func shutdown() -> [SchedulerAction] {
        isShuttingDown = true
        // Starts waiting for upstreams leave no record: after a restart they are taken up again.
        deps.gates.removeAll()
        deps.open.removeAll()
        deps.chains.removeAll()
        retries.removeAll()
        queuedBehind.removeAll()
        waiting.removeAll()
        var actions: [SchedulerAction] = []
        for (id, run) in active where run.stopping != .shutdown {
            active[id]?.stopping = .shutdown
            actions.append(.stop(runID: id, reason: .shutdown))
        }
        return actions
    }

    /// Occurrences missed while the daemon was down, for tasks with `catch_up: true`: the
    /// latest one after the last claimed slot runs once if its window has not passed.
    public mutating func catchUp(lastSlots: [String: Instant], now: Instant) -> [SchedulerAction] {
        var actions: [SchedulerAction] = []
        for state in states {
            let name = state.config.name
            guard state.config.catchUp, isEnabled(name, at: now), let last = lastSlots[name] else { continue }
            var cursor = OccurrenceCursor(schedule: state.schedule, after: last)
            var missed: Instant? = nil
            while let t = cursor.next(), t < now { missed = t }
            guard let occurrence = missed else { continue }
            if let windowEnd = state.schedule.phaseWindowEnd(of: occurrence), windowEnd <= now { continue }
            offer(PendingStart(runID: makeRunID(), task: name, trigger: .catchUp, scheduledAt: occurrence, attempt: 1, since: now),
                  now: now, into: &actions)
        }
        resolveDependencies(now: now, into: &actions)
        return actions
    }

    // MARK: - Internals

    /// Run ids from now on are above `largest` (the shared store knows this host's earlier runs,
    /// which a fresh `state.db` does not).
    public mutating func continueRunIDs(after largest: Int64) {
        nextRunID = max(nextRunID, largest + 1)
    }

    /// A fresh run id for a run the daemon records without the state machine (a refused run-now).
    public mutating func reserveRunID() -> String { makeRunID() }

    mutating func makeRunID() -> String {
        defer { nextRunID += 1 }
        return String(nextRunID)
    }

    /// A run that is due: through its upstreams' gate first (see +Dependencies), then `admit`.
    mutating func offer(_ start: PendingStart, now: Instant, into actions: inout [SchedulerAction]) {
        // Another host's task (hosts:): not started, not recorded here.
        guard let i = indexOf[start.task], runsHere(i) else { return }
        if deps.linked[i], needsGate(start, index: i) { return gate(start, index: i, now: now, into: &actions) }
        admit(start, index: i, now: now, into: &actions)
    }

    /// Applies the task's overlap policy to a run that is due and whose upstreams allow it.
    mutating func admit(_ start: PendingStart, index i: Int, now: Instant, into actions: inout [SchedulerAction]) {
        let linked = deps.linked[i]
        let overlap = states[i].config.overlap
        let busy = activeByTask[start.task] != nil || waiting.contains { $0.task == start.task }
        guard busy else {
            if linked { notePending(start, index: i) }
            return startOrWait(start, now: now, into: &actions)
        }
        switch overlap {
        case .skip:
            skip(start, reason: "previous run still running (overlap: skip)", cause: .overlap, into: &actions)
        case .queue, .replace:
            if queuedBehind[start.task] != nil {
                skip(start, reason: "a run is already waiting for the running one (overlap: \(overlap.rawValue))", cause: .overlap, into: &actions)
                return
            }
            if linked { notePending(start, index: i) }
            queuedBehind[start.task] = start
            actions.append(.queued(runID: start.runID, task: start.task, reason: "waiting for the running run (overlap: \(overlap.rawValue))"))
            if overlap == .replace, let current = activeByTask[start.task], active[current]?.stopping == nil {
                active[current]?.stopping = .replaced
                actions.append(.stop(runID: current, reason: .replaced))
            }
        }
    }

    private mutating func startOrWait(_ start: PendingStart, now: Instant, into actions: inout [SchedulerAction]) {
        if active.count < config.maxConcurrentTasks && waiting.isEmpty {
            begin(start, now: now, into: &actions)
        } else {
            waiting.append(start)
            actions.append(.queued(runID: start.runID, task: start.task,
                                   reason: "max_concurrent_tasks (\(config.maxConcurrentTasks)) runs are running"))
        }
    }

    private mutating func drainWaiting(now: Instant, into actions: inout [SchedulerAction]) {
        while active.count < config.maxConcurrentTasks, !waiting.isEmpty {
            begin(waiting.removeFirst(), now: now, into: &actions)
        }
    }

    private mutating func begin(_ start: PendingStart, now: Instant, into actions: inout [SchedulerAction]) {
        guard let i = indexOf[start.task] else { return }
        let timeout = states[i].config.timeoutSeconds
        active[start.runID] = ActiveRun(runID: start.runID, task: start.task, trigger: start.trigger, scheduledAt: start.scheduledAt,
                                        attempt: start.attempt, deadline: timeoutsFromSpawn ? nil : timeoutDeadline(of: i, from: now), stopping: nil,
                                        runDate: deps.linked[i] ? runDate(of: start) : nil, chain: start.chain, quiet: start.quiet)
        activeByTask[start.task] = start.runID
        actions.append(.start(RunStart(runID: start.runID, task: start.task, trigger: start.trigger, scheduledAt: start.scheduledAt,
                                       attempt: start.attempt, waitedSeconds: now - start.since, timeoutSeconds: timeout)))
    }
}

// MARK: - State

struct TaskState: Sendable {
    var config: TaskConfig
    var schedule: TaskSchedule
    var cursor: OccurrenceCursor
    var nextDue: Instant?
    /// The ET date of `nextDue`, kept for tasks others run after (their dependents ask for it).
    var nextDueDate: LocalDate? = nil
}

/// A task's next occurrence in the heap. Indices follow the tasks' name order, so ties
/// at one instant pop in task-name order.
struct DueEntry: Comparable, Sendable {
    let instant: Instant
    let index: Int

    static func < (a: DueEntry, b: DueEntry) -> Bool { (a.instant, a.index) < (b.instant, b.index) }
}

struct PendingStart: Sendable {
    let runID: String
    let task: String
    let trigger: Trigger
    let scheduledAt: Instant?
    let attempt: Int
    /// When it became due (the wait for a slot is measured from here).
    let since: Instant
    /// The run date it serves, when not the ET date of `scheduledAt` (or of `since`): a retry
    /// of a manual run, a chain's runs.
    var runDate: LocalDate? = nil
    /// The `run-now --with-dependents` chain it belongs to.
    var chain: Int? = nil
    /// A plain run-now (or its retry): it counts for its dependents' checks, starts none of them.
    var quiet = false
    /// Starts without looking at its upstreams (`run-now --force`; already checked).
    var ignoresUpstreams = false
}

struct ActiveRun: Sendable {
    let runID: String
    let task: String
    let trigger: Trigger
    let scheduledAt: Instant?
    let attempt: Int
    /// When the core stops it for its timeout; nil until it is spawned (`timeoutsFromSpawn`).
    var deadline: Instant?
    var stopping: StopReason?
    var runDate: LocalDate? = nil
    var chain: Int? = nil
    var quiet = false
}

struct PendingRetry: Sendable {
    let at: Instant
    let scheduledAt: Instant?
    let attempt: Int
    var runDate: LocalDate? = nil
    var chain: Int? = nil
    var quiet = false
}
