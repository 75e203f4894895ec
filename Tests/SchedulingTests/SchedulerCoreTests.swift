import MarketCalendar
import Testing
import TestSupport
@testable import Scheduling

/// The state machine on a virtual clock: what the daemon will be told to do, and when.
@Suite struct SchedulerCoreTests {
    /// Drives the core like the daemon: wakes at `nextWakeUp`, runs take `duration`
    /// seconds and end with `result(run)`.
    struct Simulation {
        var core: SchedulerCore
        var now: Instant
        var log: [SchedulerAction] = []
        /// Every action with the instant it came at.
        var timeline: [(at: Instant, action: SchedulerAction)] = []
        var finishing: [(at: Instant, runID: String, result: RunResult)] = []

        init(_ config: SchedulerConfig, at start: String) {
            now = Build.at(start)
            core = SchedulerCore(config: config, now: now)
        }

        mutating func run(until end: String, duration: Int64 = 1, result: (RunStart) -> RunResult = { _ in .exited(0) }) {
            run(until: end, durations: { _ in duration }, result: result)
        }

        /// The same, each run taking `durations(run)` seconds.
        mutating func run(until end: String, durations: (RunStart) -> Int64, result: (RunStart) -> RunResult = { _ in .exited(0) }) {
            let stop = Build.at(end)
            while true {
                let nextFinish = finishing.map(\.at).min()
                guard let wake = [core.nextWakeUp, nextFinish].compactMap({ $0 }).min(), wake <= stop else { break }
                now = wake
                if let index = finishing.firstIndex(where: { $0.at == wake }) {
                    let f = finishing.remove(at: index)
                    handle(core.runFinished(f.runID, result: f.result, at: now), durations: durations, result: result)
                    continue
                }
                handle(core.advance(to: now), durations: durations, result: result)
            }
            now = stop
        }

        mutating func handle(_ actions: [SchedulerAction], durations: (RunStart) -> Int64, result: (RunStart) -> RunResult) {
            log += actions
            timeline += actions.map { (now, $0) }
            for action in actions {
                switch action {
                case .start(let run): finishing.append((now + durations(run), run.runID, result(run)))
                case .stop(let id, _):
                    // The process dies of the SIGTERM at once.
                    finishing.removeAll { $0.runID == id }
                    finishing.append((now, id, .signaled(15)))
                default: break
                }
            }
        }

        var starts: [RunStart] { log.compactMap { if case .start(let s) = $0 { s } else { nil } } }
        var completions: [RunCompletion] { log.compactMap { if case .completed(let c) = $0 { c } else { nil } } }
        var skips: [SkippedRun] { log.compactMap { if case .skipped(let s) = $0 { s } else { nil } } }
    }

    static let weekConfig = Build.config([
        Build.task("open_snap", .frequency(seconds: 300, window: .marketOpen), timeout: 240),
        Build.task("close_job", .at([.close(offset: 900)])),
        Build.task("health", .frequency(seconds: 900, window: .any), days: .everyDay),
        Build.task("night", .at([Build.wall("01:30"), Build.wall("02:30")]), days: .everyDay),
        Build.task("saturday", .at([Build.wall("11:00")]), days: .list([.saturday])),
    ])

    /// The fire times of `weekConfig` over a month, from an independent oracle: Python's zoneinfo
    /// and the XNYS sessions (Tests/Fixtures/generate_schedule_fixture.py), not this code.
    static func oracle() throws -> [String] {
        try Fixtures.rows("schedule-2026-10-28_2026-11-27.csv").map { "\($0[0]) \($0[1])" }
    }

    /// `2026-11-01T01:30:00-04:00 night` entries, ordered by instant, then task.
    static func ordered(_ entries: [(Instant, String)]) -> [String] {
        entries.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map { "\(Build.iso($0.0)) \($0.1)" }
    }

    /// Reports the first difference, not 4,748 lines.
    static func expectSame(_ actual: [String], _ expected: [String], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.count == expected.count, "\(what): \(actual.count) fire times, the oracle has \(expected.count)",
                sourceLocation: sourceLocation)
        if let i = zip(actual, expected).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            Issue.record("\(what): first difference at \(i): \(actual[i]), the oracle has \(expected[i])", sourceLocation: sourceLocation)
        }
    }

    @Test func simulatedWeeksWithHolidayEarlyCloseAndDSTFireWhatTheOracleSays() throws {
        // 2026-10-28 .. 2026-11-27: the fall-back Sunday, Thanksgiving, its early close; runs
        // take 37 s, as the daemon would see them.
        var sim = Simulation(Self.weekConfig, at: "2026-10-28T00:00")
        sim.run(until: "2026-11-27T23:59:59", duration: 37)
        let expected = try Self.oracle()
        Self.expectSame(Self.ordered(sim.starts.map { ($0.scheduledAt!, $0.task) }), expected, "the simulated daemon")
        #expect(sim.skips.isEmpty)
        #expect(sim.completions.allSatisfy { $0.outcome == .success })
        // The plan (v6-scheduler plan) over the same days.
        let plan = Planner.plan(Self.weekConfig, from: Build.date("2026-10-28"), through: Build.date("2026-11-27"))
        Self.expectSame(Self.ordered(plan.map { ($0.time, $0.task) }), expected, "the plan")
        // A few of the oracle's lines by hand, for the reader.
        #expect(expected.contains("2026-11-27T13:15:00-05:00 close_job"))  // early close 13:00
        #expect(!expected.contains { $0.hasPrefix("2026-11-26") && $0.hasSuffix("open_snap") })  // Thanksgiving
        #expect(expected.filter { $0.hasPrefix("2026-11-01") && $0.hasSuffix("health") }.count == 100)  // 25 hours
        #expect(expected.filter { $0.hasPrefix("2026-11-01") && $0.hasSuffix("night") }
            == ["2026-11-01T01:30:00-04:00 night", "2026-11-01T02:30:00-05:00 night"])
    }

    @Test func aYearsPlanHasEverySnapshotOfEverySessionAndEverySaturday() {
        // Counts by hand: 251 sessions in 2026, 78 five-minute slots in a regular one, 36 fewer on
        // each of the two early closes (2026-11-27, 2026-12-24); 52 Saturdays. (How fast a year is
        // planned is a benchmark: docs/benchmarks.md.)
        let plan = Planner.plan(Self.weekConfig, from: Build.date("2026-01-01"), through: Build.date("2026-12-31"))
        #expect(plan.filter { $0.task == "open_snap" }.count == 251 * 78 - 2 * 36)
        #expect(plan.filter { $0.task == "close_job" }.count == 251)
        #expect(plan.filter { $0.task == "saturday" }.count == 52)
        // 365 days of 96, but 92 on 2026-03-08 and 100 on 2026-11-01.
        #expect(plan.filter { $0.task == "health" }.count == 365 * 96)
    }

    @Test func exitOneIsRetriedWithBackoffExitTwoIsNot() {
        let config = Build.config([
            Build.task("flaky", .at([Build.wall("10:00")]), retries: 2, backoff: 30),
            Build.task("broken", .at([Build.wall("10:00")]), retries: 2, backoff: 30),
        ])
        var sim = Simulation(config, at: "2026-11-25T09:00")
        sim.run(until: "2026-11-25T11:00") { $0.task == "flaky" ? .exited(1) : .exited(2) }
        let flaky = sim.completions.filter { $0.task == "flaky" }
        #expect(flaky.map(\.outcome) == [.retrying, .retrying, .failed])
        #expect(flaky.map(\.attempt) == [1, 2, 3])
        #expect(flaky.last?.isFinalFailure == true)
        let starts = sim.starts.filter { $0.task == "flaky" }
        #expect(starts.map(\.trigger) == [.schedule, .retry, .retry])
        #expect(Set(starts.map(\.scheduledAt)).count == 1)  // one slot, three attempts
        let broken = sim.completions.filter { $0.task == "broken" }
        #expect(broken.map(\.outcome) == [.fatal])
        #expect(broken[0].isFinalFailure)
    }

    @Test func backoffGrowsExponentiallyWithinJitterAndCap() {
        let core = SchedulerCore(config: Build.config([]), now: Build.at("2026-11-25T09:00"))
        let task = Build.task("t", .at([Build.wall("10:00")]), backoff: 30)
        for attempt in 1...5 {
            let base = 30.0 * Double(1 << (attempt - 1))
            let value = Double(core.backoff(config: task, runID: "r\(attempt)", attempt: attempt))
            #expect(value >= base * 0.75 - 1 && value <= base * 1.25 + 1)
        }
        // docs/configuration.md: "capped at one hour".
        #expect(core.backoff(config: task, runID: "x", attempt: 30) == 3600)
        #expect(core.backoff(config: task, runID: "x", attempt: 9) == 3600)  // 30 × 2^8 = 7680 s, 5760 s at the least jitter
    }

    @Test func aRetryNeverRunsIntoTheNextOccurrence() {
        // Every 5 minutes with a 10-minute backoff: no retry fits before the next occurrence.
        let config = Build.config([Build.task("snap", .frequency(seconds: 300, window: .marketOpen), retries: 3, backoff: 600)])
        var sim = Simulation(config, at: "2026-11-25T09:29")
        sim.run(until: "2026-11-25T09:31") { _ in .exited(1) }
        #expect(sim.completions.first?.outcome == .failed)
        #expect(sim.completions.first?.reason?.contains("no retry") == true)
    }

    @Test func aPreMarketRetryNeverRunsAfterTheOpen() {
        let config = Build.config([Build.task("pre", .frequency(seconds: 7200, window: .preMarket), retries: 3, backoff: 1800)])
        var sim = Simulation(config, at: "2026-11-25T07:59")
        sim.run(until: "2026-11-25T12:00") { _ in .exited(1) }
        // 08:00 run fails; a retry at ~08:30 fits, one at ~09:30+ would be after the open.
        let starts = sim.starts.map { Build.iso($0.scheduledAt!) + " " + $0.trigger.rawValue }
        #expect(starts.first == "2026-11-25T08:00:00-05:00 schedule")
        for start in sim.starts { #expect(sim.now >= start.scheduledAt!) }
        let retryTimes = sim.log.compactMap { if case .completed(let c) = $0 { c.retryAt } else { nil } }
        #expect(retryTimes.allSatisfy { $0 < Build.at("2026-11-25T09:30") })
        #expect(sim.completions.last?.outcome == .failed)
    }

    @Test func timeoutStopsTheRunAndCountsAsRecoverable() {
        let config = Build.config([Build.task("slow", .at([Build.wall("10:00")]), retries: 1, backoff: 10, timeout: 60)])
        var sim = Simulation(config, at: "2026-11-25T09:59")
        sim.run(until: "2026-11-25T10:10", duration: 100_000)
        let stops = sim.log.compactMap { if case .stop(let id, let reason) = $0 { "\(id) \(reason.rawValue)" } else { nil } }
        #expect(stops.count == 2)
        #expect(sim.completions.map(\.outcome) == [.retrying, .timeout])
        #expect(sim.completions.last?.isFinalFailure == true)
    }

    @Test func overlapSkipQueueReplace() {
        // Runs take 150 s; occurrences every 60 s from 09:30.
        func simulate(_ policy: OverlapPolicy) -> Simulation {
            let config = Build.config([Build.task("t", .frequency(seconds: 60, window: .marketOpen), timeout: 10_000, overlap: policy)])
            var sim = Simulation(config, at: "2026-11-25T09:29")
            sim.run(until: "2026-11-25T09:32:30", duration: 150)
            return sim
        }
        func queuedCount(_ sim: Simulation) -> Int { sim.log.filter { if case .queued = $0 { true } else { false } }.count }
        func replacedCount(_ sim: Simulation) -> Int { sim.log.filter { if case .stop(_, .replaced) = $0 { true } else { false } }.count }

        let skip = simulate(.skip)   // 09:30 runs; 09:31 and 09:32 are skipped
        #expect(skip.starts.count == 1)
        #expect(skip.skips.map { Build.iso($0.scheduledAt!) } == ["2026-11-25T09:31:00-05:00", "2026-11-25T09:32:00-05:00"])
        #expect(queuedCount(skip) == 0)

        let queue = simulate(.queue)  // 09:31 waits; 09:32 is skipped (one waits at most); 09:31 starts at 09:32:30
        #expect(queuedCount(queue) == 1)
        #expect(queue.skips.count == 1)
        #expect(queue.starts.map { Build.iso($0.scheduledAt!) } == ["2026-11-25T09:30:00-05:00", "2026-11-25T09:31:00-05:00"])

        let replace = simulate(.replace)  // each new occurrence stops the running one
        #expect(replacedCount(replace) == 2)
        #expect(replace.starts.count == 3)
        #expect(replace.completions.prefix(2).allSatisfy { $0.outcome == .failed && $0.reason?.contains("replaced") == true })
    }

    @Test func concurrencyLimitMakesRunsWaitInOrderAndRecordsTheWait() {
        let tasks = (0..<5).map { Build.task("t\($0)", .at([Build.wall("10:00")]), timeout: 1000) }
        var sim = Simulation(Build.config(tasks, maxConcurrent: 2), at: "2026-11-25T09:59")
        sim.run(until: "2026-11-25T10:30", duration: 60)
        #expect(sim.starts.map(\.task) == ["t0", "t1", "t2", "t3", "t4"])
        #expect(sim.starts.map(\.waitedSeconds) == [0, 0, 60, 60, 120])
    }

    @Test func disabledTasksAndLapsingToggles() throws {
        var config = Build.config([Build.task("t", .at([Build.wall("10:00")]))])
        config.tasks[0].enabled = false
        var sim = Simulation(config, at: "2026-11-24T09:00")
        sim.run(until: "2026-11-24T11:00")
        #expect(sim.starts.isEmpty)
        try sim.core.setToggle("t", RuntimeToggle(enabled: true, until: Build.at("2026-11-25T00:00")))
        sim.run(until: "2026-11-25T11:00")
        #expect(sim.starts.isEmpty)  // the toggle lapsed before 2026-11-25T10:00; YAML says disabled
        try sim.core.setToggle("t", RuntimeToggle(enabled: true, until: nil))
        sim.run(until: "2026-11-27T11:00")
        #expect(sim.starts.count == 1)  // 11-26 is Thanksgiving: only 11-27
    }

    @Test func clockStepsNeverRunASlotTwiceNorForgetOne() {
        let config = Build.config([Build.task("t", .frequency(seconds: 300, window: .marketOpen))])
        var core = SchedulerCore(config: config, now: Build.at("2026-11-25T09:29"))
        var started: [Instant] = []
        func take(_ actions: [SchedulerAction]) {
            for case .start(let s) in actions {
                started.append(s.scheduledAt!)
                _ = core.runFinished(s.runID, result: .exited(0), at: s.scheduledAt!)
            }
        }
        take(core.advance(to: Build.at("2026-11-25T09:30")))
        take(core.advance(to: Build.at("2026-11-25T09:35")))
        // The wall clock steps back an hour (an admin's date -s): nothing is due again.
        take(core.advance(to: Build.at("2026-11-25T08:35")))
        #expect(core.nextWakeUp == Build.at("2026-11-25T09:40"))
        // It steps forward 30 minutes: the latest due one runs, the missed ones are recorded.
        let actions = core.advance(to: Build.at("2026-11-25T10:12"))
        take(actions)
        #expect(started.map(Build.iso) == ["2026-11-25T09:30:00-05:00", "2026-11-25T09:35:00-05:00", "2026-11-25T10:10:00-05:00"])
        let skipped = actions.compactMap { if case .skipped(let s) = $0 { s } else { nil } }
        #expect(skipped.count == 1)
        #expect(skipped[0].reason.hasPrefix("6 occurrence(s)"))
        #expect(core.nextWakeUp == Build.at("2026-11-25T10:15"))
    }

    @Test func catchUpRunsTheLatestMissedOccurrenceInsideItsWindow() {
        let config = Build.config([
            Build.task("snap", .frequency(seconds: 300, window: .marketOpen), catchUp: true),
            Build.task("morning", .at([Build.wall("08:00")]), catchUp: true),
            Build.task("pre", .frequency(seconds: 1800, window: .preMarket), catchUp: true),
            Build.task("nocatch", .at([Build.wall("08:00")])),
        ])
        var core = SchedulerCore(config: config, now: Build.at("2026-11-25T10:02"))
        let last = Build.at("2026-11-24T16:00")
        let actions = core.catchUp(lastSlots: ["snap": last, "morning": last, "pre": last, "nocatch": last], now: Build.at("2026-11-25T10:02"))
        let starts = actions.compactMap { if case .start(let s) = $0 { "\(s.task) \(Build.iso(s.scheduledAt!)) \(s.trigger.rawValue)" } else { nil } }
        #expect(starts.sorted() == [
            "morning 2026-11-25T08:00:00-05:00 catch_up",
            "snap 2026-11-25T10:00:00-05:00 catch_up",
        ])  // pre-market's window closed at the open; nocatch has no catch_up
    }

    @Test func runNowHonoursTheCalendarUnlessForcedAndTheOverlapPolicy() throws {
        let config = Build.config([Build.task("t", .at([Build.wall("10:00")]))])
        var core = SchedulerCore(config: config, now: Build.at("2026-11-26T12:00"))
        let refused = #expect(throws: SchedulerError.self) { _ = try core.runNow("t", force: false, at: Build.at("2026-11-26T12:00")) }
        #expect(refused?.code == .notToday)
        #expect(refused?.message.contains("Thanksgiving Day") == true)
        let (runID, actions) = try core.runNow("t", force: true, at: Build.at("2026-11-26T12:00"))
        #expect(actions == [.start(RunStart(runID: runID, task: "t", trigger: .manual, scheduledAt: nil, attempt: 1, waitedSeconds: 0, timeoutSeconds: 300))])
        #expect(throws: SchedulerError.self) { _ = try core.runNow("t", force: true, at: Build.at("2026-11-26T12:00")) }
        #expect(throws: SchedulerError.self) { _ = try core.runNow("tt", force: true, at: Build.at("2026-11-26T12:00")) }
    }

    @Test func runNowOfACronTaskFollowsItsFieldsNotTheDefaultDays() throws {
        let cron = try CronExpression(parsing: "0 9 * * 6")
        let config = Build.config([Build.task("weekly", .cron(cron))])
        var core = SchedulerCore(config: config, now: Build.at("2026-11-28T12:00"))
        let (_, actions) = try core.runNow("weekly", force: false, at: Build.at("2026-11-28T12:00"))  // a Saturday
        #expect(actions.count == 1)
        var holiday = SchedulerCore(config: config, now: Build.at("2026-11-26T12:00"))
        #expect(throws: SchedulerError.self) { _ = try holiday.runNow("weekly", force: false, at: Build.at("2026-11-26T12:00")) }
    }

    @Test func shutdownStopsEverythingAndAbandons() {
        let config = Build.config([Build.task("t", .at([Build.wall("10:00")]), retries: 3, timeout: 1000)])
        var core = SchedulerCore(config: config, now: Build.at("2026-11-25T09:59"))
        let started = core.advance(to: Build.at("2026-11-25T10:00"))
        guard case .start(let run)? = started.first else { Issue.record("no start"); return }
        #expect(core.shutdown() == [.stop(runID: run.runID, reason: .shutdown)])
        let done = core.runFinished(run.runID, result: .signaled(15), at: Build.at("2026-11-25T10:00:05"))
        guard case .completed(let c)? = done.first else { Issue.record("no completion"); return }
        #expect(c.outcome == .abandoned)
        #expect(!c.isFinalFailure)
        #expect(core.nextWakeUp != nil)  // occurrences still known, but nothing starts
        #expect(core.advance(to: Build.at("2026-11-27T10:00")).isEmpty)
    }

    @Test func reloadKeepsWhatWasHandled() {
        let config = Build.config([Build.task("t", .at([Build.wall("10:00")]))])
        var core = SchedulerCore(config: config, now: Build.at("2026-11-25T09:59"))
        for case .start(let run) in core.advance(to: Build.at("2026-11-25T10:00")) {
            _ = core.runFinished(run.runID, result: .exited(0), at: Build.at("2026-11-25T10:00:01"))
        }
        core.reload(config)
        #expect(core.nextWakeUp == Build.at("2026-11-27T10:00"))  // not 11-25 10:00 again
        var changed = config
        changed.tasks.append(Build.task("u", .at([Build.wall("10:30")])))
        core.reload(changed)
        #expect(core.nextWakeUp == Build.at("2026-11-25T10:30"))
    }
}
