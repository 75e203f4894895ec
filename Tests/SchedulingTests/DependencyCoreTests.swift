import MarketCalendar
import Testing
@testable import Scheduling

typealias Simulation = SchedulerCoreTests.Simulation

/// `at: "HH:MM"`.
func daily(_ time: String) -> ScheduleSpec { .at([Build.wall(time)]) }

extension SchedulerCoreTests.Simulation {
    /// The timeline as lines: `10:01:00 left start upstream`, `18:00:00 mid skipped: upstream up
    /// failed (run 3)`, `10:02:00 b retrying`, `10:00:00 c queued`, for the given tasks (all when nil).
    func events(_ tasks: Set<String>? = nil, dates: Bool = false) -> [String] {
        timeline.compactMap { entry in
            let local = Build.zone.local(entry.at)
            let when = (dates ? "\(local.date) " : "") + local.time.hhmmss
            switch entry.action {
            case .start(let s) where tasks?.contains(s.task) ?? true:
                return "\(when) \(s.task) start \(s.trigger.rawValue)"
            case .skipped(let s) where tasks?.contains(s.task) ?? true:
                return "\(when) \(s.task) skipped: \(s.reason)"
            case .completed(let c) where tasks?.contains(c.task) ?? true:
                return "\(when) \(c.task) \(c.outcome.rawValue)"
            case .queued(_, let task, _) where tasks?.contains(task) ?? true:
                return "\(when) \(task) queued"
            default:
                return nil
            }
        }
    }

    /// The run id of the `n`-th start of `task` (1-based).
    func runID(of task: String, _ n: Int = 1) -> String {
        starts.filter { $0.task == task }[n - 1].runID
    }
}

/// Dependencies (`after:`) decided by the core, on a virtual clock: what the daemon is told to
/// start, skip or wait for, and when. 2026-11-25 is a Wednesday, 11-26 Thanksgiving, 11-27 an
/// early close (13:00).
@Suite struct DependencyCoreTests {

    /// a (16:15) -> b (18:00) -> c (after: alone); top (10:00) -> left (after: alone) and
    /// right (10:30) -> bottom (after: both).
    static func chainAndDiamond(failing: Set<String> = [], retries: Int = 0) -> SchedulerConfig {
        Build.config([
            Build.task("a", .at([.close(offset: 900)])),
            Build.task("b", daily("18:00"), after: ["a"]),
            Build.task("c", .afterUpstreams, after: ["b"]),
            Build.task("top", daily("10:00")),
            Build.task("left", .afterUpstreams, retries: retries, after: ["top"]),
            Build.task("right", daily("10:30"), after: ["top"]),
            Build.task("bottom", .afterUpstreams, after: ["left", "right"]),
        ])
    }

    @Test func aChainAndADiamondWhereEverythingSucceeds() {
        var sim = Simulation(Self.chainAndDiamond(), at: "2026-11-25T00:00")
        sim.run(until: "2026-11-25T23:59", duration: 60)
        #expect(sim.events().filter { $0.contains(" start ") } == [
            "10:00:00 top start schedule",
            "10:01:00 left start upstream",    // when top has succeeded
            "10:30:00 right start schedule",   // its own time: top succeeded before it
            "10:31:00 bottom start upstream",  // after the later of its two upstreams
            "16:15:00 a start schedule",
            "18:00:00 b start schedule",
            "18:01:00 c start upstream",
        ])
        #expect(sim.skips.isEmpty)
        // A run started by its upstreams carries its run date's start as its slot.
        #expect(sim.starts.filter { $0.trigger == .upstream }.allSatisfy { $0.scheduledAt == Build.at("2026-11-25T00:00") })
        // Once per run date: nothing more that day, the same again the next trading day.
        sim.run(until: "2026-11-27T23:59", duration: 60)
        #expect(sim.starts.filter { $0.task == "bottom" }.count == 2)
        #expect(sim.starts.filter { $0.task == "c" }.count == 2)
    }

    @Test func aFatalFailureInTheMiddleSkipsEverythingBelowWithTheReason() {
        var sim = Simulation(Self.chainAndDiamond(), at: "2026-11-25T00:00")
        sim.run(until: "2026-11-25T23:59", duration: 60) { ["a", "left"].contains($0.task) ? .exited(2) : .exited(0) }
        let a = sim.runID(of: "a"), left = sim.runID(of: "left")
        let b = sim.skips.first { $0.task == "b" }
        #expect(sim.events(["a", "b", "c", "left", "right", "bottom"]) == [
            "10:01:00 left start upstream",
            "10:02:00 left fatal",
            "10:02:00 bottom skipped: upstream left failed (run \(left))",
            "10:30:00 right start schedule",
            "10:31:00 right success",
            "16:15:00 a start schedule",
            "16:16:00 a fatal",
            "18:00:00 b skipped: upstream a failed (run \(a))",
            "18:00:00 c skipped: upstream b was skipped (run \(b?.runID ?? "?"))",
        ])
        // on_failure is for the failed runs only: skips are not completions.
        #expect(sim.completions.filter(\.isFinalFailure).map(\.task).sorted() == ["a", "left"])
        #expect(sim.completions.allSatisfy { !["b", "c", "bottom"].contains($0.task) })
        #expect(b?.trigger == .schedule && b?.scheduledAt == Build.at("2026-11-25T18:00"))
    }

    @Test func aRetriedFailureMakesTheDownstreamWaitThenRun() {
        let config = Build.config([
            Build.task("a", daily("10:00")),
            Build.task("b", daily("10:00"), retries: 1, backoff: 30, after: ["a"]),
            Build.task("c", daily("10:00"), after: ["b"]),
            Build.task("d", .afterUpstreams, after: ["b"]),
        ])
        var sim = Simulation(config, at: "2026-11-25T09:00")
        sim.run(until: "2026-11-25T12:00", duration: 60) { $0.task == "b" && $0.attempt == 1 ? .exited(1) : .exited(0) }
        let events = sim.events()
        #expect(events.prefix(6) == [
            "10:00:00 a start schedule",
            "10:00:00 b queued",   // waits for a
            "10:00:00 c queued",   // waits for b
            "10:01:00 a success",
            "10:01:00 b start schedule",
            "10:02:00 b retrying",
        ])
        let retried = events.firstIndex { $0.hasSuffix("b start retry") }
        #expect(retried.map { Array(events[($0 + 1)...]) }?.map { String($0.dropFirst(9)) } == [
            "b success", "d start upstream", "c start schedule", "d success", "c success",
        ])
        #expect(sim.skips.isEmpty)
        let queued = sim.log.compactMap { if case .queued(_, "c", let why) = $0 { why } else { nil } }
        #expect(queued == ["waiting for upstream b (not run yet) until 2026-11-25T11:00:00-05:00 (after_wait 1h)"])
    }

    @Test func afterWaitRunningOutSkipsWithTheUpstreamThatKeptIt() {
        let config = Build.config([
            Build.task("slow", daily("10:00"), timeout: 20_000),
            Build.task("waiter", daily("10:00"), after: ["slow"]),
            Build.task("late", .at([.close(offset: 900)])),
            Build.task("early", daily("09:00"), after: ["late"], afterWait: 1800),
            Build.task("daily", daily("09:30"), timeout: 20_000),
            Build.task("often", .frequency(seconds: 300, window: .marketOpen), after: ["daily"]),
        ])
        var sim = Simulation(config, at: "2026-11-25T08:00")
        sim.run(until: "2026-11-25T12:00", durations: { ["slow": 7200, "daily": 720][$0.task] ?? 1 })
        #expect(sim.events(["waiter", "early"]) == [
            "09:00:00 early queued",
            "09:30:00 early skipped: upstream late has not run yet after after_wait 30min",
            "10:00:00 waiter queued",
            "11:00:00 waiter skipped: upstream slow still running after after_wait 1h",
        ])
        // A wait never runs into the task's next occurrence.
        #expect(sim.events(["often"]).prefix(6) == [
            "09:30:00 often queued",
            "09:35:00 often skipped: upstream daily still running at the next occurrence (2026-11-25T09:35:00-05:00)",
            "09:35:00 often queued",
            "09:40:00 often skipped: upstream daily still running at the next occurrence (2026-11-25T09:40:00-05:00)",
            "09:40:00 often queued",
            "09:42:00 often start schedule",
        ])
    }

    @Test func anOverlapSkipOfTheUpstreamDoesNotHideItsRunStillGoing() {
        // snap's 09:30 run lasts until 09:36:40, so its 09:35 occurrence is skipped (overlap); the
        // 09:35:30 dependent waits for the run still going, not for the skipped duplicate.
        let config = Build.config([
            Build.task("snap", .frequency(seconds: 300, window: .marketOpen), timeout: 1000),
            Build.task("check", daily("09:35:30"), after: ["snap"]),
        ])
        var sim = Simulation(config, at: "2026-11-25T09:00")
        sim.run(until: "2026-11-25T09:40", durations: { $0.task == "snap" ? 400 : 1 })
        #expect(sim.events().prefix(6) == [
            "09:30:00 snap start schedule",
            "09:35:00 snap skipped: previous run still running (overlap: skip)",
            "09:35:30 check queued",
            "09:36:40 snap success",
            "09:36:40 check start schedule",
            "09:36:41 check success",
        ])
    }

    @Test func aForcedDependentOfATaskThatDoesNotRunOnAHolidayIsSkippedWithTheDate() {
        let config = Build.config([
            Build.task("up", .at([.close(offset: 900)])),
            Build.task("forced", daily("18:00"), force: true, after: ["up"]),
            Build.task("follower", .afterUpstreams, force: true, after: ["up"]),
        ])
        var sim = Simulation(config, at: "2026-11-25T00:00")
        sim.run(until: "2026-11-27T23:59", duration: 60)
        #expect(sim.events(dates: true).filter { !$0.contains(" success") } == [
            "2026-11-25 16:15:00 up start schedule",
            "2026-11-25 16:16:00 follower start upstream",
            "2026-11-25 18:00:00 forced start schedule",
            "2026-11-26 18:00:00 forced skipped: upstream up did not run on 2026-11-26",  // Thanksgiving
            "2026-11-27 13:15:00 up start schedule",                                      // the early close
            "2026-11-27 13:16:00 follower start upstream",
            "2026-11-27 18:00:00 forced start schedule",
        ])
    }

    @Test func dependentsFollowAnEarlyClose() {
        let config = Build.config([
            Build.task("close_job", .at([.close(offset: 900)])),
            Build.task("stats", .afterUpstreams, after: ["close_job"]),
            Build.task("fixed", daily("13:00"), after: ["close_job"]),
            Build.task("snaps", .frequency(seconds: 300, window: .marketOpen)),
            Build.task("summary", .afterUpstreams, after: ["snaps"]),
        ])
        var sim = Simulation(config, at: "2026-11-25T00:00")
        sim.run(until: "2026-11-27T23:59", duration: 60)
        #expect(sim.events(["close_job", "stats", "fixed", "summary"], dates: true).filter { !$0.contains(" success") } == [
            "2026-11-25 13:00:00 fixed queued",
            "2026-11-25 14:00:00 fixed skipped: upstream close_job has not run yet after after_wait 1h",
            "2026-11-25 15:56:00 summary start upstream",  // after the day's last snapshot (15:55)
            "2026-11-25 16:15:00 close_job start schedule",
            "2026-11-25 16:16:00 stats start upstream",
            "2026-11-27 12:56:00 summary start upstream",  // the last snapshot of the early close: 12:55
            "2026-11-27 13:00:00 fixed queued",
            "2026-11-27 13:15:00 close_job start schedule",
            "2026-11-27 13:16:00 stats start upstream",
            "2026-11-27 13:16:00 fixed start schedule",
        ])
    }

    @Test(arguments: [("2026-03-08", 92), ("2026-11-01", 100)])
    func theDSTChangeDays(day: String, healthChecks: Int) {
        let config = Build.config([
            Build.task("up", daily(day.hasPrefix("2026-03") ? "02:30" : "01:30"), days: .everyDay),
            Build.task("dep", daily(day.hasPrefix("2026-03") ? "03:00" : "01:45"), days: .everyDay, after: ["up"]),
            Build.task("health", .frequency(seconds: 900, window: .any), days: .everyDay),
            Build.task("daily", .afterUpstreams, days: .everyDay, after: ["health"]),
        ])
        let date = Build.date(day)
        var sim = Simulation(config, at: "\(date.adding(days: -1))T12:00")
        sim.run(until: "\(date.adding(days: 1))T00:30", duration: 60)
        let onDay = sim.timeline.filter { Build.zone.local($0.at).date == date }
        let starts = onDay.compactMap { if case .start(let s) = $0.action { (Build.iso($0.at), s.task) } else { nil } }
        #expect(starts.filter { $0.1 == "health" }.count == healthChecks)
        if day.hasPrefix("2026-03") {
            // 02:30 does not exist: it runs at 03:30 EDT; the 03:00 dependent waits for it.
            #expect(starts.filter { $0.1 != "health" }.map { "\($0.0) \($0.1)" } == [
                "2026-03-08T03:30:00-04:00 up", "2026-03-08T03:31:00-04:00 dep", "2026-03-08T23:46:00-04:00 daily",
            ])
        } else {
            // 01:30 and 01:45 happen twice: the first (EDT) ones count, once.
            #expect(starts.filter { $0.1 != "health" }.map { "\($0.0) \($0.1)" } == [
                "2026-11-01T01:30:00-04:00 up", "2026-11-01T01:45:00-04:00 dep", "2026-11-01T23:46:00-05:00 daily",
            ])
        }
        #expect(sim.skips.isEmpty)
    }
}
