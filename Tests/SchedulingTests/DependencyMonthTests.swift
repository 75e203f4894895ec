import MarketCalendar
import Testing
@testable import Scheduling

/// A month of the production schedule and its dependencies (config/production.yaml), simulated
/// on the daemon's own core, with failures on chosen days: every dependent that starts does so
/// after its upstream's run of the same day succeeded, every one that does not is skipped with
/// the reason, and with no failures the simulation is the plan.
@Suite struct DependencyMonthTests {
    static let dependencies = [
        "collect_option_snapshots": "queue_option_contracts",
        "calculate_daily_statistics": "final_data_collection",
        "validate_data_quality": "calculate_daily_statistics",
    ]

    static func production() throws -> SchedulerConfig {
        try ConfigShippedFilesTests.shipped("production.yaml").config
    }

    static func date(_ run: RunStart) -> String { "\(Build.zone.local(run.scheduledAt!).date)" }

    /// November 2026: Thanksgiving (26th), an early close (27th). The failures:
    /// - 10th: final_data_collection exits 2 (fatal);
    /// - 12th: queue_option_contracts exits 2; 13th: it exits 1 once and its retry succeeds;
    /// - 18th: final_data_collection's first attempt times out (its retry ends after 18:00);
    /// - 19th: final_data_collection exits 1 three times (its two retries used up).
    @Test func aMonthOfTheProductionChainsWithFailures() throws {
        var sim = Simulation(try Self.production(), at: "2026-11-01T00:00")
        sim.run(until: "2026-11-30T23:59", durations: { run in
            if run.task == "final_data_collection", Self.date(run) == "2026-11-18" { return run.attempt == 1 ? 4000 : 3000 }
            return 30
        }, result: { run in
            switch (run.task, Self.date(run), run.attempt) {
            case ("final_data_collection", "2026-11-10", _), ("queue_option_contracts", "2026-11-12", _): .exited(2)
            case ("queue_option_contracts", "2026-11-13", 1), ("final_data_collection", "2026-11-19", _): .exited(1)
            default: .exited(0)
            }
        })

        // Each dependent's start comes after its upstream's latest event of that day: a success.
        var checked = 0
        for (index, entry) in sim.timeline.enumerated() {
            guard case .start(let run) = entry.action, let upstream = Self.dependencies[run.task] else { continue }
            let day = Self.date(run)
            let before = sim.timeline[..<index].last { earlier in
                switch earlier.action {
                case .start(let s): s.task == upstream && Self.date(s) == day
                case .completed(let c): c.task == upstream && "\(Build.zone.local(c.scheduledAt!).date)" == day
                default: false
                }
            }
            guard case .completed(let c)? = before?.action, c.outcome == .success else {
                Issue.record("\(run.task) started at \(Build.iso(entry.at)) after \(String(describing: before?.action))")
                continue
            }
            checked += 1
        }
        #expect(checked == 19 * 78 + 2 * 20 - 2 * 2 - 36)  // snapshots, both evening tasks (not 10th and 19th), early close

        // The skips, by task and day, with their reasons.
        var skips: [String: Set<String>] = [:]
        for skip in sim.skips { skips["\(skip.task) \(Build.zone.local(skip.scheduledAt!).date)", default: []].insert(skip.reason.replacingOccurrences(of: #"\d+\)"#, with: "N)", options: .regularExpression)) }
        #expect(skips == [
            "calculate_daily_statistics 2026-11-10": ["upstream final_data_collection failed (run N)"],
            "validate_data_quality 2026-11-10": ["upstream calculate_daily_statistics was skipped (run N)"],
            "collect_option_snapshots 2026-11-12": ["upstream queue_option_contracts failed (run N)"],
            "calculate_daily_statistics 2026-11-19": ["upstream final_data_collection failed (run N)"],
            "validate_data_quality 2026-11-19": ["upstream calculate_daily_statistics was skipped (run N)"],
        ])
        #expect(sim.skips.filter { $0.task == "collect_option_snapshots" }.count == 78)

        // The 18th: the statistics waited for the retried final collection, then ran.
        let final18 = sim.completions.last { $0.task == "final_data_collection" && "\(Build.zone.local($0.scheduledAt!).date)" == "2026-11-18" }
        #expect(final18?.outcome == .success && final18?.attempt == 2)
        let stats18 = sim.timeline.first { if case .start(let s) = $0.action { s.task == "calculate_daily_statistics" && Self.date(s) == "2026-11-18" } else { false } }
        let finalDone = sim.timeline.first { if case .completed(let c) = $0.action { c == final18 } else { false } }
        #expect(stats18.map { Build.iso($0.at) } == finalDone.map { Build.iso($0.at) })
        #expect(stats18.map { $0.at > Build.at("2026-11-18T18:00") } == true)
        // Nothing is left waiting at the end of the month, and only failed runs call on_failure.
        #expect(sim.core.deps.isIdle)
        #expect(Set(sim.completions.filter(\.isFinalFailure).map(\.task)) == ["final_data_collection", "queue_option_contracts"])
    }

    @Test func withoutFailuresTheSimulationIsThePlan() throws {
        let config = try Self.production()
        var sim = Simulation(config, at: "2026-10-31T00:00")
        sim.run(until: "2026-12-01T00:30", duration: 30)
        let from = Build.date("2026-11-01"), to = Build.date("2026-11-30")
        let ran = sim.timeline.compactMap { entry -> String? in
            guard case .start(let s) = entry.action, (from...to).contains(Build.zone.local(entry.at).date) else { return nil }
            return "\(Build.iso(entry.at)) \(s.task)"
        }.sorted()
        let plan = Planner.plan(config, from: from, through: to).map { "\(Build.iso($0.time)) \($0.task)" }.sorted()
        #expect(ran == plan)
        #expect(sim.skips.isEmpty)
        // The dependencies move no time: the plan is the one without them.
        var without = config
        for i in without.tasks.indices { without.tasks[i].after = [] }
        #expect(Planner.plan(without, from: from, through: to).map { "\(Build.iso($0.time)) \($0.task)" }.sorted() == plan)
    }

    @Test func thePlanPutsATaskWithAfterAloneRightAfterItsLastUpstream() {
        let config = Build.config([
            Build.task("a_report", .afterUpstreams, after: ["z_collect", "m_close"]),
            Build.task("m_close", .at([.close(offset: 900)])),
            Build.task("z_collect", .frequency(seconds: 3600, window: .marketOpen)),
            Build.task("b_early", daily("09:00"), after: ["m_close"]),
            Build.task("c_waits", daily("16:00"), after: ["m_close"]),
        ])
        let plan = Planner.plan(config, from: Build.date("2026-11-27"), through: Build.date("2026-11-27"))
            .map { "\(Build.zone.local($0.time).time) \($0.task)" }
        #expect(plan == [
            "09:30 z_collect", "10:30 z_collect", "11:30 z_collect", "12:30 z_collect",
            "13:15 m_close",
            "13:15 a_report",  // after the later of its upstreams, right after it
            "16:00 c_waits",
        ])
        // b_early (09:00) would wait for 13:15, more than its after_wait: not in the plan.
        #expect(!plan.contains { $0.hasSuffix("b_early") })
    }
}
