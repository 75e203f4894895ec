import Foundation
import Testing
import TestSupport

/// `v6-scheduler plan` and `check-config` as an operator runs them.
@Suite struct PlanCLITests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let production = repository.appendingPathComponent("config/production.yaml").path

    @Test func planCSVOfTheProductionScheduleAroundThanksgiving() throws {
        let result = try Command.run("v6-scheduler", ["plan", "--config", Self.production, "--from", "2026-11-25", "--to", "2026-11-28"],
                                     removingEnvironment: ["SCHEDULER_ENABLE_ALL", "SCHEDULER_FORCE_RUN"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first == "time,task")
        #expect(lines.contains("2026-11-27T09:30:00-05:00,collect_option_snapshots"))
        #expect(lines.contains("2026-11-27T13:15:00-05:00,final_data_collection"))   // early close + 15m
        #expect(!lines.contains { $0.hasPrefix("2026-11-26") && $0.hasSuffix("collect_option_snapshots") })  // holiday
        #expect(lines.contains("2026-11-28T11:00:00-05:00,audit_data_integrity"))
        #expect(lines.filter { $0.hasPrefix("2026-11-27") && $0.hasSuffix(",collect_option_snapshots") }.count == 42)
        let rows = lines.dropFirst().map { $0.split(separator: ",") }
        let keys = rows.map { "\($0[0]) \($0[1])" }
        // Sorted by time, then task name (ISO with the same offset sorts as text within a day).
        #expect(keys == keys.sorted())
    }

    /// A `frequency: 1s` task over a year is 31 million rows: they come out as they are computed
    /// (the first within seconds, long before the last), not after the whole year is in memory.
    @Test func planStreamsItsRows() throws {
        let dir = try TemporaryDirectory()
        let config = try dir.write("second.yaml", """
            scheduler:
              tasks:
                every_second: {command: "true", frequency: "1s", market_phase: any, days: every_day, timeout_seconds: 1}

            """)
        let outputPath = dir.file("plan.csv")
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        let plan = Process()
        plan.executableURL = URL(fileURLWithPath: Command.path(of: "v6-scheduler"))
        plan.arguments = ["plan", "--config", config, "--from", "2026-01-01", "--to", "2026-12-31"]
        plan.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        try plan.run()
        let pid = plan.processIdentifier
        defer { if ProcessProbe.isAlive(pid) { kill(pid, SIGKILL) } }
        let size = { (try? FileManager.default.attributesOfItem(atPath: outputPath)[.size] as? Int) ?? 0 }
        // 100,000 rows (3.6 MB) while it is still on the way to 31 million.
        #expect(waitUntil(timeout: 60, interval: 0.2) { size() > 100_000 * 36 }, "plan printed \(size()) bytes")
        #expect(ProcessProbe.isAlive(pid), "plan finished a year of 1 s rows already?")
        let rss = ProcessProbe.residentKiB(pid) ?? 0
        kill(pid, SIGKILL)
        let head = try String(contentsOfFile: outputPath, encoding: .utf8).split(separator: "\n").prefix(3)
        #expect(head == ["time,task", "2026-01-01T00:00:00-05:00,every_second", "2026-01-01T00:00:01-05:00,every_second"])
        print("FIGURE: plan of a 1 s task over a year: \(size() / 36) rows out, RSS \(rss / 1024) MB, still running")
    }

    @Test func planHonoursTheEnvironmentAndTheEnvFile() throws {
        let dir = try TemporaryDirectory()
        let envFile = try dir.write("scheduler.env", "# overrides\nSCHEDULER_ENABLE_ALL=false\nSCHEDULER_HEALTH_CHECK_ENABLED=true\n")
        let result = try Command.run("v6-scheduler", ["plan", "--config", Self.production, "--from", "2026-11-27", "--to", "2026-11-27",
                                                      "--env-file", envFile])
        #expect(result.status == 0)
        let tasks = Set(result.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[1] })
        #expect(tasks == ["health_check"])
    }

    @Test func planJSONAndBadArguments() throws {
        let json = try Command.run("v6-scheduler", ["plan", "--config", Self.production, "--from", "2026-11-28", "--to", "2026-11-28", "--format", "json"])
        let rows = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: String]]
        #expect(rows?.contains { $0["task"] == "load_historical_data" && $0["time"] == "2026-11-28T10:00:00-05:00" } == true)
        for arguments in [["--from", "2026-02-30", "--to", "2026-03-01"], ["--from", "2026-03-02", "--to", "2026-03-01"]] {
            let bad = try Command.run("v6-scheduler", ["plan", "--config", Self.production] + arguments)
            #expect(bad.status == 2)
            #expect(bad.stderr.split(separator: "\n").count == 1)
        }
    }

    @Test func checkConfigListsEveryTaskOrEveryError() throws {
        let good = try Command.run("v6-scheduler", ["check-config", "--config", Self.production])
        #expect(good.status == 0)
        let blocks = good.stdout.components(separatedBy: "\n\n")
        #expect(blocks.first?.split(separator: "\n").count == 15)
        #expect(blocks.last?.split(separator: "\n") == [
            "dependencies (after:):",
            "  calculate_daily_statistics  after final_data_collection (waits at most 1h)",
            "  collect_option_snapshots    after queue_option_contracts (waits at most 4min)",
            "  validate_data_quality       after calculate_daily_statistics (waits at most 1h)",
        ])
        #expect(good.stdout.contains("final_data_collection") && good.stdout.contains("at close+15m"))
        let dir = try TemporaryDirectory()
        let bad = try dir.write("bad.yaml", """
            scheduler:
              timezone: "Europe/London"
              tasks:
                a:
                  command: "x"
                  frequency: "5 minutes"
                  colour: blue
            """)
        let result = try Command.run("v6-scheduler", ["check-config", "--config", bad])
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { $0.hasPrefix("\(bad):") })
        #expect(lines.contains { $0.hasPrefix("\(bad):6: scheduler.tasks.a.frequency:") })
        let missing = try Command.run("v6-scheduler", ["check-config", "--config", dir.file("nope.yaml")])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("nope.yaml"))
    }

    @Test func planOfTheSpringForwardDayCountsElapsedTime() throws {
        // The production config's 15-minute health check on the 23-hour day: 92 runs. (That the
        // plan is what the engine fires: SchedulingTests' SchedulerCoreTests, against an oracle.)
        let result = try Command.run("v6-scheduler", ["plan", "--config", Self.production, "--from", "2026-03-08", "--to", "2026-03-08"])
        let health = result.stdout.split(separator: "\n").filter { $0.hasSuffix(",health_check") }
        #expect(health.count == 92)  // spring forward: 23 hours of 15-minute intervals
    }
}
