import MarketCalendar
import Testing
@testable import Scheduling

/// The state machine at the edges of its numbers: values the validator refuses must still not
/// trap (arithmetic saturates), and a timeout measured by the daemon stops a run once.
@Suite struct SchedulerCoreLimitsTests {
    static let start = Build.at("2026-11-25T10:00:00")

    /// A task with Int.max seconds of timeout and of backoff, as a config that skipped the
    /// validator would give: starting it, retrying it and asking for the next wake-up do not trap.
    @Test func hugeTimeoutAndBackoffSaturate() throws {
        let task = Build.task("huge", .at([Build.wall("10:00")]), days: .everyDay, retries: 2, backoff: Int.max, timeout: Int.max)
        var core = SchedulerCore(config: Build.config([task]), now: Self.start)
        let started = core.advance(to: Self.start).compactMap { if case .start(let s) = $0 { s } else { nil } }
        let run = try #require(started.first)
        #expect(core.nextWakeUp != nil)
        let actions = core.runFinished(run.runID, result: .exited(1), at: Self.start + 5)
        let completion = try #require(actions.compactMap { if case .completed(let c) = $0 { c } else { nil } }.first)
        #expect(completion.outcome == .retrying)
        let retryAt = try #require(completion.retryAt)
        #expect(retryAt - (Self.start + 5) <= SchedulerCore.maxBackoffSeconds, "backoff capped at an hour")
        #expect(retryAt > Self.start + 5)
    }

    /// The daemon's precise timer says the timeout elapsed: stop once, outcome `timeout`; the
    /// whole-second deadline that follows does not stop it again.
    @Test func aTimeoutMeasuredByTheDaemonStopsTheRunOnce() throws {
        let task = Build.task("slow", .at([Build.wall("10:00")]), days: .everyDay, timeout: 2)
        var core = SchedulerCore(config: Build.config([task]), now: Self.start)
        let run = try #require(core.advance(to: Self.start).compactMap { if case .start(let s) = $0 { s } else { nil } }.first)
        #expect(core.timeoutElapsed(run.runID) == [.stop(runID: run.runID, reason: .timeout)])
        #expect(core.timeoutElapsed(run.runID).isEmpty)
        #expect(!core.advance(to: Self.start + 10).contains { if case .stop = $0 { true } else { false } })
        let completion = core.runFinished(run.runID, result: .signaled(9), at: Self.start + 3)
            .compactMap { if case .completed(let c) = $0 { c } else { nil } }.first
        #expect(completion?.outcome == .timeout)
        #expect(core.timeoutElapsed(run.runID).isEmpty, "a run that is over is not stopped")
    }

    /// The daemon starts runs asynchronously (a claim, then a spawn): with `timeoutsFromSpawn` the
    /// timeout counts from the spawn, so a start slowed by a loaded machine (seen: a 1 s task
    /// "stopped (timeout) before it was started") is not timed out before its process exists.
    @Test func withTimeoutsFromSpawnTheTimeoutCountsFromTheSpawn() throws {
        let task = Build.task("quick", .at([Build.wall("10:00")]), days: .everyDay, timeout: 1)
        func isStop(_ action: SchedulerAction) -> Bool { if case .stop = action { true } else { false } }
        var core = SchedulerCore(config: Build.config([task]), now: Self.start)
        core.timeoutsFromSpawn = true
        let run = try #require(core.advance(to: Self.start).compactMap { if case .start(let s) = $0 { s } else { nil } }.first)
        #expect(core.nextWakeUp != Self.start + 2, "no deadline before the spawn")
        #expect(!core.advance(to: Self.start + 5).contains(where: isStop), "a slow spawn is not a timeout")
        core.runSpawned(run.runID, at: Self.start + 5)
        #expect(core.nextWakeUp == Self.start + 7)
        #expect(!core.advance(to: Self.start + 6).contains(where: isStop))
        #expect(core.advance(to: Self.start + 7) == [.stop(runID: run.runID, reason: .timeout)])

        // Without it (the planner, tests of the core): from the start action, as before.
        var plain = SchedulerCore(config: Build.config([task]), now: Self.start)
        let other = try #require(plain.advance(to: Self.start).compactMap { if case .start(let s) = $0 { s } else { nil } }.first)
        #expect(plain.advance(to: Self.start + 2) == [.stop(runID: other.runID, reason: .timeout)])
    }

    @Test func instantArithmeticSaturates() {
        let nearEnd = Instant(seconds: .max - 1)
        #expect(nearEnd + 10 == .distantFuture)
        #expect(Instant.distantPast - 5 == .distantPast)
        #expect(Instant(seconds: .min + 1) + (-10) == .distantPast)
        #expect(nearEnd - (-10) == .distantFuture)
        #expect(Instant.distantFuture - Instant.distantPast == .max)
        #expect(Instant.distantPast - Instant.distantFuture == .min)
        #expect(Instant(seconds: 100) - Instant(seconds: 40) == 60)
        #expect(Instant(seconds: 100) + 5 == Instant(seconds: 105))
    }
}
