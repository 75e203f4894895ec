import MarketCalendar
import Testing
@testable import Scheduling

/// `planStarts(dueAt:)`: the occurrences of the next instant with the run ids their starts will carry.
@Suite struct SchedulerCoreReservationTests {
    static let every5 = ScheduleSpec.frequency(seconds: 300, window: .marketOpen)
    static let start = Build.at("2026-11-25T09:31:00")
    static let due = Build.at("2026-11-25T09:35:00")

    static func starts(_ actions: [SchedulerAction]) -> [String: String] {
        var result: [String: String] = [:]
        for case .start(let run) in actions { result[run.task] = run.runID }
        return result
    }

    @Test func theStartsOfAPlannedInstantCarryThePlannedIDs() {
        let config = Build.config([Build.task("a", Self.every5), Build.task("b", Self.every5),
                                   Build.task("late", .at([Build.wall("16:15")])), Build.task("off", Self.every5, enabled: false)])
        var core = SchedulerCore(config: config, now: Self.start, firstRunID: 100)
        #expect(core.nextOccurrenceInstant == Self.due)
        let planned = core.planStarts(dueAt: Self.due)
        // Disabled tasks and later occurrences are not planned.
        #expect(planned == [PlannedStart(task: "a", scheduledAt: Self.due, runID: "100"),
                            PlannedStart(task: "b", scheduledAt: Self.due, runID: "101")])
        // Asked again: the same ids.
        #expect(core.planStarts(dueAt: Self.due) == planned)
        // Run ids handed out meanwhile do not collide with the planned ones.
        #expect(core.reserveRunID() == "102")
        #expect(Self.starts(core.advance(to: Self.due)) == ["a": "100", "b": "101"])
        // Consumed: the next instant gets new ids, and a past instant is not planned.
        #expect(core.planStarts(dueAt: Self.due).isEmpty)
        #expect(core.planStarts(dueAt: Self.due + 300).map(\.runID) == ["103", "104"])
    }

    @Test func aSkipOfAPlannedOccurrenceCarriesItsID() {
        let config = Build.config([Build.task("a", Self.every5, timeout: 3600)])
        var core = SchedulerCore(config: config, now: Self.start, firstRunID: 1)
        _ = core.advance(to: Self.due)  // run 1 starts and keeps running
        let planned = core.planStarts(dueAt: Self.due + 300)
        let actions = core.advance(to: Self.due + 300)
        let skipped = actions.compactMap { action -> SkippedRun? in
            if case .skipped(let skip) = action { return skip }
            return nil
        }
        #expect(skipped.map(\.runID) == planned.map(\.runID))
    }

    @Test func aToggleAfterThePlanLeavesItsIDUnused() throws {
        let config = Build.config([Build.task("a", Self.every5), Build.task("b", Self.every5)])
        var core = SchedulerCore(config: config, now: Self.start, firstRunID: 1)
        let planned = core.planStarts(dueAt: Self.due)
        try core.setToggle("b", RuntimeToggle(enabled: false, until: nil))
        let starts = Self.starts(core.advance(to: Self.due))
        #expect(starts == ["a": planned[0].runID])
        // b's planned id is not reused for anything later.
        #expect(!core.planStarts(dueAt: Self.due + 300).map(\.runID).contains(planned[1].runID))
    }

    @Test func aClockStepPastThePlannedInstantUsesFreshIDs() {
        let config = Build.config([Build.task("a", Self.every5)])
        var core = SchedulerCore(config: config, now: Self.start, firstRunID: 1)
        let planned = core.planStarts(dueAt: Self.due)
        // A suspend: 09:35 and 09:40 are stepped over, 09:45 runs (not under 09:35's planned id).
        let actions = core.advance(to: Self.due + 600)
        let started = Self.starts(actions)["a"]
        #expect(started != nil && started != planned[0].runID)
    }

    @Test func aHorizonPlansEveryOccurrenceWithinItOnceAndNamesTheFirstBeyond() {
        let every20s = ScheduleSpec.frequency(seconds: 20, window: .any)
        let config = Build.config([Build.task("fast", every20s, days: .everyDay), Build.task("a", Self.every5)])
        var core = SchedulerCore(config: config, now: Self.start, firstRunID: 1)
        // 09:31:00 to 09:32:00: fast at :20, :40 and 09:32:00; a (every 5 min) not yet.
        let planned = core.planStarts(after: Self.start, through: Self.start + 60)
        #expect(planned.map(\.scheduledAt) == [Self.start + 20, Self.start + 40, Self.start + 60])
        #expect(Set(planned.map(\.runID)).count == 3 && planned.allSatisfy { $0.task == "fast" })
        #expect(core.nextOccurrence(after: Self.start + 60) == Self.start + 80)
        // The next horizon adds only what is new, and the starts carry the planned ids.
        let more = core.planStarts(after: Self.start + 60, through: Self.due)
        #expect(more.first?.scheduledAt == Self.start + 80 && more.last == PlannedStart(task: "fast", scheduledAt: Self.due, runID: more.last!.runID))
        #expect(more.contains { $0.task == "a" && $0.scheduledAt == Self.due })
        #expect(core.nextOccurrence(after: Self.due) == Self.due + 20)
        #expect(Self.starts(core.advance(to: Self.start + 20)) == ["fast": planned[0].runID])
        _ = core.runFinished(planned[0].runID, result: .exited(0), at: Self.start + 21)
        #expect(Self.starts(core.advance(to: Self.start + 40)) == ["fast": planned[1].runID])
    }
}
