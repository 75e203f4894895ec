import Foundation
import MarketCalendar
import ScheduleExport
import Scheduling
import Testing
@testable import v6ctl
import TestSupport

/// The proof of the exports: for the production configuration and a configuration of awkward
/// cases, over all of 2026, the instants at which each export runs each task (its timers or
/// cron lines expanded by systemd-analyze or the project's cron code, then judged by the gate)
/// are `v6-scheduler plan`'s. Where a target cannot hold a run, the export must say so, and
/// those runs are the only difference.
@Suite(.serialized) struct ExportProofTests {
    /// Runs the cron-like targets cannot hold, by their own rule: a frequency's second pass through
    /// the repeated hour of the autumn clock change (01:00-01:59 EST on 2026-11-01).
    static func repeatedHourRuns(_ config: SchedulerConfig, plan: [String: Set<Instant>]) -> [String: Set<Instant>] {
        let start = InstantParser.parse("2026-11-01T06:00:00Z", zone: ExportProof.zone)!
        var result: [String: Set<Instant>] = [:]
        for task in config.tasks {
            guard case .frequency = task.schedule else { continue }
            let lost = (plan[task.name] ?? []).filter { $0 >= start && $0 < start + 3600 }
            if !lost.isEmpty { result[task.name] = lost }
        }
        return result
    }

    static func compare(_ runs: [String: Set<Instant>], _ plan: [String: Set<Instant>], allowedLoss: [String: Set<Instant>], label: String) {
        let zone = ExportProof.zone
        for task in Set(plan.keys).union(runs.keys).sorted() {
            let expected = (plan[task] ?? []).subtracting(allowedLoss[task] ?? [])
            let got = runs[task] ?? []
            let missing = expected.subtracting(got).sorted().prefix(5).map { zone.iso8601($0) }
            let extra = got.subtracting(expected).sorted().prefix(5).map { zone.iso8601($0) }
            #expect(missing.isEmpty && extra.isEmpty,
                    "\(label) \(task): \(expected.count) planned, \(got.count) exported; missing \(missing), extra \(extra)")
        }
    }

    /// The crontab and the CronJobs: cron lines, read by the project's cron code.
    @Test(arguments: ExportProof.configs, [ExportFormat.crontab, .k8s])
    func cronLinesRunThePlan(_ file: String, _ format: ExportFormat) throws {
        let config = try ExportProof.load(file)
        let plan = ExportProof.plan(config)
        let result = ExportProof.export(config, format)
        let text = result.files[0].text
        let lines = format == .k8s ? try ExportProof.kubernetesLines(text)
            : try ExportProof.crontabLines(text, tasks: Set(config.tasks.map(\.name)))
        let loss = Self.repeatedHourRuns(config, plan: plan)
        Self.compare(try ExportProof.runs(lines), plan, allowedLoss: loss, label: "\(format) \(file)")
        for task in loss.keys {
            #expect(result.notes.contains { $0.task == task && $0.message.contains("repeated hour") }, "\(format) \(task): the loss is not noted")
        }
    }

    @Test(arguments: ExportProof.configs)
    func systemdRunsAreThePlan(_ file: String) throws {
        let config = try ExportProof.load(file)
        let plan = ExportProof.plan(config)
        let result = ExportProof.export(config, .systemd)
        let lines = try ExportProof.systemdLines(result.files)
        Self.compare(try ExportProof.runs(lines), plan, allowedLoss: [:], label: "systemd \(file)")
    }

    /// The year's plan holds the awkward days the proof is about (else it proves less than it says).
    @Test func theAwkwardConfigurationCoversItsCases() throws {
        let plan = ExportProof.plan(try ExportProof.load("Tests/Fixtures/export-awkward.yaml"))
        let zone = ExportProof.zone
        func times(_ task: String, on day: String) -> [String] {
            (plan[task] ?? []).filter { zone.local($0).date.description == day }.sorted().map { String(zone.iso8601($0).dropFirst(11).prefix(8)) }
        }
        #expect(times("after_close", on: "2026-11-27") == ["13:15:00"])
        #expect(times("after_close", on: "2026-07-02") == ["14:15:00"])
        #expect(times("after_close", on: "2026-11-26").isEmpty)
        #expect(times("forced", on: "2026-11-26") == ["16:15:00"])
        #expect(times("dst_wall", on: "2026-03-08") == ["01:30:00", "03:30:00"])
        #expect(times("quarter_hour", on: "2026-11-01").count == 100)
        #expect(times("quarter_hour", on: "2026-03-08").count == 92)
        #expect(times("cron_dst", on: "2026-03-08") == ["03:30:00"])
        #expect(times("friday_13th", on: "2026-04-03").isEmpty)           // Good Friday
        #expect(times("friday_13th", on: "2026-01-13") == ["12:00:00"])   // a Tuesday the 13th
        #expect(times("snapshots", on: "2026-11-27").last == "12:55:00")
    }
}

/// The bulk of the proof asks `GateRule` in-process; a sample goes through the real binary,
/// which must agree on every one.
@Suite struct GateBinarySampleTests {
    @Test func theBinaryAgreesWithTheLibraryOnASampleOfFirings() throws {
        let config = try ExportProof.load("Tests/Fixtures/export-awkward.yaml")
        let result = ExportProof.export(config, .crontab)
        let lines = try ExportProof.crontabLines(result.files[0].text, tasks: Set(config.tasks.map(\.name)))
        var runs = 0, skips = 0
        for line in lines {
            let decider = GateRule.Decider(try GateCommand.parse(line.gateArguments).rule())
            // Each line's first firings of the year and of the days around the autumn clock change and an early close.
            let interesting = line.firings.filter { ["2026-01-02", "2026-11-01", "2026-11-27"].contains(ExportProof.zone.local($0).date.description) }
            for t in (line.firings.prefix(2) + interesting.prefix(3)) {
                let expected = decider.decide(at: t)
                let now = ExportProof.zone.iso8601(t)
                let binary = try Command.run("v6ctl", ["gate", "--check", "--now", now] + line.gateArguments,
                                             removingEnvironment: ["FORCE_RUN", "SCHEDULER_FORCE_RUN"])
                #expect(binary.status == (expected == .run ? 0 : 1), "\(line.task) at \(now): binary \(binary.status), library \(expected)")
                if expected == .run { runs += 1 } else { skips += 1 }
            }
        }
        #expect(runs >= 10 && skips >= 10, "the sample should hold both verdicts: \(runs) runs, \(skips) skips")
    }
}
