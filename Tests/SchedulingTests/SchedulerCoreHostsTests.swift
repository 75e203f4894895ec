import MarketCalendar
import Testing
@testable import Scheduling

/// A task's `hosts:` in the core: a daemon whose `host_id` is not listed never starts it.
@Suite struct SchedulerCoreHostsTests {
    static let every5 = ScheduleSpec.frequency(seconds: 300, window: .marketOpen)
    static let start = Build.at("2026-11-25T09:31:00")
    static let due = Build.at("2026-11-25T09:35:00")

    static func core(hostID: String?) -> SchedulerCore {
        var pinned = Build.task("pinned", Self.every5)
        pinned.hosts = ["gateway1"]
        var core = SchedulerCore(config: Build.config([pinned, Build.task("any", Self.every5)]), now: Self.start, firstRunID: 1)
        core.hostID = hostID
        return core
    }

    static func started(_ actions: [SchedulerAction]) -> [String] {
        actions.compactMap { if case .start(let run) = $0 { return run.task } else { return nil } }.sorted()
    }

    @Test func onItsHostAPinnedTaskRunsAndElsewhereItNeitherRunsNorIsPlanned() {
        var here = Self.core(hostID: "gateway1")
        #expect(here.planStarts(dueAt: Self.due).map(\.task) == ["any", "pinned"])
        #expect(Self.started(here.advance(to: Self.due)) == ["any", "pinned"])

        var elsewhere = Self.core(hostID: "laptop")
        #expect(elsewhere.planStarts(dueAt: Self.due).map(\.task) == ["any"])
        let actions = elsewhere.advance(to: Self.due)
        #expect(Self.started(actions) == ["any"])
        // Not skipped or recorded either: it is another host's run.
        #expect(!actions.contains { if case .skipped(let skip) = $0 { return skip.task == "pinned" } else { return false } })
    }

    @Test func runNowOfAnotherHostsTaskIsRefusedWithWhereToRunIt() {
        var core = Self.core(hostID: "laptop")
        #expect(throws: SchedulerError.self) { try core.runNow("pinned", force: true, at: Self.due) }
        do {
            _ = try core.runNow("pinned", force: true, at: Self.due)
        } catch {
            #expect(error.code == .otherHost && error.message.contains("gateway1"), "\(error)")
        }
    }

    @Test func withoutAHostIDEveryTaskRuns() {
        var planner = Self.core(hostID: nil)
        #expect(Self.started(planner.advance(to: Self.due)) == ["any", "pinned"])
    }
}

extension SchedulerCoreHostsTests {
    /// A retry planned by a host whose lease lapsed, taken over here.
    @Test func anAdoptedRetryRunsAtItsTimeAsItsAttemptOfTheSameSlotWithinTheRulesOfRetries() {
        var core = Self.core(hostID: "laptop")
        _ = core.advance(to: Self.start)
        let slot = Build.at("2026-11-25T09:30:00"), at = Build.at("2026-11-25T09:32:00")
        let pinned = core.adoptRetry(task: "pinned", scheduledAt: slot, attempt: 2, at: at)
        #expect(!pinned, "another host's task (hosts:)")
        let late = core.adoptRetry(task: "any", scheduledAt: slot, attempt: 2, at: Self.due)
        #expect(!late, "not into the next occurrence")
        let adopted = core.adoptRetry(task: "any", scheduledAt: slot, attempt: 2, at: at)
        #expect(adopted)
        let twice = core.adoptRetry(task: "any", scheduledAt: slot, attempt: 3, at: at)
        #expect(!twice, "one pending retry per task")
        #expect(core.nextWakeUp == at)
        let starts = core.advance(to: at).compactMap { action -> RunStart? in if case .start(let run) = action { return run } else { return nil } }
        #expect(starts.map(\.task) == ["any"] && starts.first?.trigger == .retry && starts.first?.attempt == 2
                && starts.first?.scheduledAt == slot, "\(starts)")
    }
}
