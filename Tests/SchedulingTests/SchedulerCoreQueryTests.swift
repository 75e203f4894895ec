import MarketCalendar
import Testing
@testable import Scheduling

/// What `status` and the daemon's status line ask the core: the next enabled occurrence, the
/// runs waiting to start, a task by name.
@Suite struct SchedulerCoreQueryTests {
    static let config = Build.config([
        Build.task("a_first", .at([Build.wall("10:00")]), days: .everyDay),
        Build.task("b_tie", .at([Build.wall("10:00")]), days: .everyDay),
        Build.task("c_later", .at([Build.wall("11:00")]), days: .everyDay),
        Build.task("d_slow", .at([Build.wall("12:00")]), days: .everyDay, timeout: 60, overlap: .queue),
        Build.task("e_retry", .at([Build.wall("12:00")]), days: .everyDay, retries: 1, backoff: 30),
    ], maxConcurrent: 1)

    /// The old status line's answer: every task scanned.
    static func scanned(_ core: SchedulerCore, at now: Instant) -> (String, Instant)? {
        core.config.tasks.compactMap { t in core.nextOccurrence(of: t.name).map { (t.name, $0) } }
            .filter { core.isEnabled($0.0, at: now) }.min { $0.1 < $1.1 }
    }

    @Test func nextEnabledOccurrenceIsTheScansAnswer() throws {
        let now = Build.at("2026-11-30T09:00")
        var core = SchedulerCore(config: Self.config, now: now)
        func next() -> String? { core.nextEnabledOccurrence(at: now).map { "\($0.task) \(Build.iso($0.at))" } }
        #expect(next() == "a_first 2026-11-30T10:00:00-05:00", "ties go to the first name, as the heap orders them")
        try core.setToggle("a_first", RuntimeToggle(enabled: false, until: nil))
        #expect(next() == "b_tie 2026-11-30T10:00:00-05:00", "a disabled top of the heap is passed over")
        try core.setToggle("b_tie", RuntimeToggle(enabled: false, until: nil))
        #expect(next() == "c_later 2026-11-30T11:00:00-05:00")
        for task in ["c_later", "d_slow", "e_retry"] { try core.setToggle(task, RuntimeToggle(enabled: false, until: nil)) }
        #expect(next() == nil)
        try core.setToggle("e_retry", RuntimeToggle(enabled: false, until: now + 60))
        #expect(core.nextEnabledOccurrence(at: now + 61).map(\.task) == "e_retry", "a lapsed toggle no longer counts")
        #expect(core.nextEnabledOccurrence(at: now + 61).map(\.task) == Self.scanned(core, at: now + 61).map(\.0))
    }

    @Test func waitingTasksSayWhy() throws {
        var core = SchedulerCore(config: Self.config, now: Build.at("2026-11-30T11:59"))
        let noon = Build.at("2026-11-30T12:00")
        let actions = core.advance(to: noon)
        // One slot: d_slow starts, e_retry waits for it.
        let started = actions.compactMap { if case .start(let s) = $0 { s } else { nil } }
        #expect(started.map(\.task) == ["d_slow"])
        #expect(core.waitingTasks == ["e_retry": .forSlot(limit: 1)])
        // A manual run of d_slow queues behind the running one.
        _ = try core.runNow("d_slow", force: true, at: noon)
        #expect(core.waitingTasks == ["e_retry": .forSlot(limit: 1), "d_slow": .behindRun(started[0].runID)])
        // d_slow ends: e_retry takes the slot (the queued d_slow now waits for one), then fails.
        let next = core.runFinished(started[0].runID, result: .exited(0), at: noon + 5)
        let retryRun = try #require(next.compactMap { if case .start(let s) = $0 { s } else { nil } }.first)
        #expect(retryRun.task == "e_retry")
        #expect(core.waitingTasks == ["d_slow": .forSlot(limit: 1)])
        _ = core.runFinished(retryRun.runID, result: .exited(1), at: noon + 10)
        guard case .retry(let attempt, let at)? = core.waitingTasks["e_retry"], core.waitingTasks.count == 1 else {
            Issue.record("e_retry waits for its retry: \(core.waitingTasks)")
            return
        }
        #expect(attempt == 2 && at > noon + 10, "retry \(attempt) at \(Build.iso(at))")
        #expect(core.task(named: "c_later")?.name == "c_later")
        #expect(core.task(named: "nope") == nil)
    }
}
