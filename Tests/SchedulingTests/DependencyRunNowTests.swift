import MarketCalendar
import Testing
@testable import Scheduling

/// Manual runs and restarts with dependencies: `run-now` of a dependent (with and without
/// `--force`), `run-now --with-dependents`, and the core rebuilt from the history after a
/// restart, which completes an interrupted chain once and never twice.
@Suite struct DependencyRunNowTests {
    /// up (16:15) -> mid (18:00) -> low (after: alone); side (after: alone, after up).
    static let config = Build.config([
        Build.task("up", .at([.close(offset: 900)])),
        Build.task("mid", daily("18:00"), after: ["up"]),
        Build.task("low", .afterUpstreams, after: ["mid"]),
        Build.task("side", .afterUpstreams, after: ["up"]),
    ])

    /// Starts, skips and queues in order, as `task trigger`, `task skipped: reason`, `task queued`.
    static func summary(_ actions: [SchedulerAction]) -> [String] {
        actions.compactMap { action in
            switch action {
            case .start(let s): "\(s.task) \(s.trigger.rawValue)"
            case .skipped(let s): "\(s.task) skipped: \(s.reason)"
            case .queued(_, let task, _): "\(task) queued"
            default: nil
            }
        }
    }

    @Test func runNowOfADependentChecksItsUpstreamsUnlessForced() throws {
        var sim = Simulation(Self.config, at: "2026-11-25T16:00")
        sim.run(until: "2026-11-25T16:30", duration: 60) { $0.task == "up" ? .exited(2) : .exited(0) }
        let up = sim.runID(of: "up")
        var core = sim.core
        let now = Build.at("2026-11-25T16:40")
        let (id, skipped) = try core.runNow("mid", force: false, at: now)
        #expect(Self.summary(skipped) == ["mid skipped: upstream up failed (run \(up))"])
        #expect(skipped.first.map { if case .skipped(let s) = $0 { s.runID == id && s.trigger == .manual } else { false } } == true)
        let (_, forced) = try core.runNow("mid", force: true, at: now)
        #expect(Self.summary(forced) == ["mid manual"])  // no other task starts: plain run-now starts no dependents
    }

    @Test func runNowOfADependentWaitsForAnUpstreamStillRunning() throws {
        var core = SchedulerCore(config: Self.config, now: Build.at("2026-11-25T16:00"))
        let started = core.advance(to: Build.at("2026-11-25T16:15"))
        guard case .start(let up)? = started.first else { Issue.record("up did not start"); return }
        let (_, waiting) = try core.runNow("mid", force: false, at: Build.at("2026-11-25T16:16"))
        #expect(Self.summary(waiting) == ["mid queued"])
        #expect(core.dependencyWait(of: "mid")?.upstreams == ["up"])
        #expect(core.dependencyWait(of: "mid")?.until == Build.at("2026-11-25T17:16"))
        // status counts it as waiting (it needs attention); side, event-driven, waits every day and is not.
        #expect(core.waitingTasks == ["mid": .upstreams(["up"], until: Build.at("2026-11-25T17:16"))])
        // A second run-now while one waits is refused, like one queued behind a running run.
        #expect(throws: SchedulerError.self) { _ = try core.runNow("mid", force: false, at: Build.at("2026-11-25T16:17")) }
        let done = core.runFinished(up.runID, result: .exited(0), at: Build.at("2026-11-25T16:20"))
        // side is due on its own (a scheduled run of up succeeded); mid's manual run goes ahead.
        #expect(Self.summary(done) == ["side upstream", "mid manual"])
        #expect(core.dependencyWait(of: "mid") == nil)
        #expect(core.waitingTasks["mid"] == nil)
    }

    @Test func runNowWithDependentsRunsTheChainBelowInOrder() throws {
        var core = SchedulerCore(config: Self.config, now: Build.at("2026-11-25T20:00"))
        let (_, actions) = try core.runNow("up", force: false, withDependents: true, at: Build.at("2026-11-25T20:00"))
        var log = Self.summary(actions)
        var running = actions.compactMap { if case .start(let s) = $0 { s } else { nil } }
        var clock = Build.at("2026-11-25T20:00")
        while !running.isEmpty {
            clock = clock + 10
            let run = running.removeFirst()
            let next = core.runFinished(run.runID, result: .exited(0), at: clock)
            log += Self.summary(next)
            running += next.compactMap { if case .start(let s) = $0 { s } else { nil } }
        }
        #expect(log == ["up manual", "mid manual", "side manual", "low manual"])
        // Without --with-dependents, none of them starts.
        var plain = SchedulerCore(config: Self.config, now: Build.at("2026-11-25T20:00"))
        let (_, one) = try plain.runNow("up", force: false, at: Build.at("2026-11-25T20:00"))
        guard case .start(let only)? = one.first else { Issue.record("up did not start"); return }
        #expect(Self.summary(plain.runFinished(only.runID, result: .exited(0), at: clock)).isEmpty)
    }

    @Test func aFailureInAChainSkipsWhatIsBelowIt() throws {
        var core = SchedulerCore(config: Self.config, now: Build.at("2026-11-25T20:00"))
        let (_, actions) = try core.runNow("up", force: false, withDependents: true, at: Build.at("2026-11-25T20:00"))
        guard case .start(let up)? = actions.first else { Issue.record("up did not start"); return }
        let after = core.runFinished(up.runID, result: .exited(2), at: Build.at("2026-11-25T20:01"))
        let mid = after.compactMap { if case .skipped(let s) = $0, s.task == "mid" { s.runID } else { nil } }.first ?? "?"
        #expect(Self.summary(after).sorted() == [
            "low skipped: upstream mid was skipped (run \(mid))",
            "mid skipped: upstream up failed (run \(up.runID))",
            "side skipped: upstream up failed (run \(up.runID))",
        ])
        #expect(core.deps.chains.isEmpty && core.deps.isIdle)
    }

    @Test func aReloadCarriesWaitsAndStandingsOver() throws {
        var core = SchedulerCore(config: Self.config, now: Build.at("2026-11-25T16:00"))
        guard case .start(let up)? = core.advance(to: Build.at("2026-11-25T16:15")).first else { Issue.record("up did not start"); return }
        #expect(Self.summary(try core.runNow("mid", force: false, at: Build.at("2026-11-25T16:16")).actions) == ["mid queued"])
        // The new configuration drops mid's after: (and adds a task, which moves every index).
        core.reload(Build.config([
            Build.task("aaa", daily("20:00")),
            Build.task("up", .at([.close(offset: 900)])),
            Build.task("mid", daily("18:00")),
            Build.task("low", .afterUpstreams, after: ["mid"]),
            Build.task("side", .afterUpstreams, after: ["up"]),
        ]))
        // mid no longer waits; up's run from before the reload still counts for side.
        #expect(Self.summary(core.advance(to: Build.at("2026-11-25T16:17"))) == ["mid manual"])
        #expect(Self.summary(core.runFinished(up.runID, result: .exited(0), at: Build.at("2026-11-25T16:18"))) == ["side upstream"])
    }

    // MARK: - Restart

    static func past(_ id: String, _ task: String, _ trigger: Trigger, scheduled: String?, finished: String, _ outcome: Outcome) -> PastRun {
        PastRun(runID: id, task: task, trigger: trigger, scheduledAt: scheduled.map(Build.at), startedAt: scheduled.map(Build.at),
                finishedAt: Build.at(finished), outcome: outcome)
    }

    @Test func afterARestartAnInterruptedChainCompletesOnce() {
        // The daemon died after up succeeded (16:16) and before side started; it restarts at 16:30.
        let now = Build.at("2026-11-25T16:30")
        var core = SchedulerCore(config: Self.config, now: now, firstRunID: 100)
        let history = [Self.past("7", "up", .schedule, scheduled: "2026-11-25T16:15", finished: "2026-11-25T16:16", .success)]
        #expect(core.dependencyHistoryRequest(now: now)?.since == Build.at("2026-11-24T00:00"))
        #expect(Set(core.dependencyHistoryRequest(now: now)?.tasks ?? []) == ["up", "mid", "low", "side"])
        let resumed = core.resumeDependencies(history: history, now: now)
        #expect(Self.summary(resumed) == ["side upstream"])
        guard case .start(let side)? = resumed.first else { return }
        #expect(side.scheduledAt == Build.at("2026-11-25T00:00"))
        // mid (18:00) is still ahead: it runs then, on up's success from before the restart.
        var sim = Simulation(Self.config, at: "2026-11-25T16:30")
        sim.core = core
        _ = sim.core.runFinished(side.runID, result: .exited(0), at: Build.at("2026-11-25T16:31"))
        sim.run(until: "2026-11-25T23:00", duration: 60)
        #expect(sim.events().filter { $0.contains(" start ") } == ["18:00:00 mid start schedule", "18:01:00 low start upstream"])

        // Restarted again, with side's run in the history: nothing starts twice.
        var again = SchedulerCore(config: Self.config, now: Build.at("2026-11-25T16:40"), firstRunID: 200)
        let more = history + [Self.past("100", "side", .upstream, scheduled: "2026-11-25T00:00", finished: "2026-11-25T16:31", .success)]
        #expect(again.resumeDependencies(history: more, now: Build.at("2026-11-25T16:40")).isEmpty)
    }

    @Test func afterARestartAWaitingOccurrenceWaitsAgainOnce() {
        // mid (18:00) was waiting for up, retried late, when the daemon died at 18:10. up's retry
        // was lost with it: the history says retrying, which no longer ends.
        let history = [Self.past("7", "up", .schedule, scheduled: "2026-11-25T16:15", finished: "2026-11-25T18:05", .retrying)]
        var core = SchedulerCore(config: Self.config, now: Build.at("2026-11-25T18:20"), firstRunID: 100)
        #expect(Self.summary(core.resumeDependencies(history: history, now: Build.at("2026-11-25T18:20"))) == [
            "mid skipped: upstream up failed (run 7)",
            "low skipped: upstream mid was skipped (run 100)",  // the skip propagates
            "side skipped: upstream up failed (run 7)",
        ])
        // This time up (and side) succeeded before the restart: mid's 18:00 occurrence (20 minutes
        // ago, within its hour) runs now, once.
        let succeeded = [Self.past("7", "up", .schedule, scheduled: "2026-11-25T16:15", finished: "2026-11-25T18:05", .success),
                         Self.past("8", "side", .upstream, scheduled: "2026-11-25T00:00", finished: "2026-11-25T18:06", .success)]
        var fresh = SchedulerCore(config: Self.config, now: Build.at("2026-11-25T18:20"), firstRunID: 100)
        let resumed = fresh.resumeDependencies(history: succeeded, now: Build.at("2026-11-25T18:20"))
        #expect(Self.summary(resumed) == ["mid schedule"])
        #expect(resumed.contains { if case .start(let s) = $0 { s.scheduledAt == Build.at("2026-11-25T18:00") && s.waitedSeconds == 1200 } else { false } })
        // With mid's run in the history (abandoned by the crash), it does not run again; what is
        // below it learns it did not succeed.
        let ran = succeeded + [Self.past("9", "mid", .schedule, scheduled: "2026-11-25T18:00", finished: "2026-11-25T18:06", .abandoned)]
        var third = SchedulerCore(config: Self.config, now: Build.at("2026-11-25T18:20"), firstRunID: 200)
        #expect(Self.summary(third.resumeDependencies(history: ran, now: Build.at("2026-11-25T18:20"))) == [
            "low skipped: upstream mid was abandoned (run 9)",
        ])
        // More than after_wait after the occurrence: nothing.
        var late = SchedulerCore(config: Self.config, now: Build.at("2026-11-25T19:01"), firstRunID: 200)
        #expect(late.resumeDependencies(history: succeeded, now: Build.at("2026-11-25T19:01")).isEmpty)
    }
}
