import HeapModule
import MarketCalendar

/// Reloads: a new configuration's tasks are prepared from the configuration alone (the daemon
/// does it off its actor), then swapped in at once.
extension SchedulerCore {
    /// A new configuration: schedules restart after what was already handled; running
    /// runs finish under the rules they started with.
    public mutating func reload(_ newConfig: SchedulerConfig) {
        reload(Self.prepare(newConfig, after: processedUntil))
    }

    /// What a reload computes from the configuration alone (every task's schedule and next
    /// occurrence after `after`): the daemon builds it off its actor, then swaps it in.
    public static func prepare(_ config: SchedulerConfig, after: Instant) -> PreparedTasks {
        let calendar = config.makeCalendar()
        var states: [TaskState] = []
        var indexOf: [String: Int] = [:]
        var entries: [DueEntry] = []
        states.reserveCapacity(config.tasks.count)
        indexOf.reserveCapacity(config.tasks.count)
        entries.reserveCapacity(config.tasks.count)
        for (i, task) in config.tasks.enumerated() {
            let schedule = TaskSchedule(task: task, calendar: calendar)
            var cursor = OccurrenceCursor(schedule: schedule, after: after)
            let next = cursor.next()
            states.append(TaskState(config: task, schedule: schedule, cursor: cursor, nextDue: next))
            indexOf[task.name] = i
            if let next { entries.append(DueEntry(instant: next, index: i)) }
        }
        return PreparedTasks(config: config, calendar: calendar, states: states, indexOf: indexOf, due: Heap(entries), after: after)
    }

    /// Swaps in a prepared configuration. Occurrences it has between the instant it was prepared
    /// for and now were handled under the old configuration already: they are stepped over.
    public mutating func reload(_ prepared: PreparedTasks) {
        config = prepared.config
        calendar = prepared.calendar
        states = prepared.states
        indexOf = prepared.indexOf
        due = prepared.due
        while let top = due.min, top.instant <= processedUntil {
            _ = due.removeMin()
            var next = states[top.index].cursor.next()
            while let n = next, n <= processedUntil { next = states[top.index].cursor.next() }
            states[top.index].nextDue = next
            if let next { due.insert(DueEntry(instant: next, index: top.index)) }
        }
        remapDependencies()
        for task in retries.keys where indexOf[task] == nil { retries[task] = nil }
        queuedBehind = queuedBehind.filter { indexOf[$0.key] != nil }
        waiting.removeAll { indexOf[$0.task] == nil }
    }
}

extension SchedulerCore {
    /// After the tasks changed (start, reload): the dependency tracker follows them by name, and
    /// the tasks others run after keep the ET date of their next occurrence.
    mutating func remapDependencies() {
        deps = deps.remapped(to: config.tasks)
        for i in states.indices where deps.tracked[i] { states[i].nextDueDate = states[i].nextDue.map { calendar.zone.local($0).date } }
    }
}

/// A configuration's tasks ready to be swapped into a `SchedulerCore` (`SchedulerCore.prepare`).
public struct PreparedTasks: Sendable {
    public let config: SchedulerConfig
    let calendar: NYSECalendar
    let states: [TaskState]
    let indexOf: [String: Int]
    let due: Heap<DueEntry>
    /// The instant the next occurrences were computed after.
    public let after: Instant
}
