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
        #expect(good.stdout.split(separator: "\n").count == 15)
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
