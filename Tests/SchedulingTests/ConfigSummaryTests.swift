import Testing
@testable import Scheduling

/// The `check-config` task table.
@Suite struct ConfigSummaryTests {
    @Test func oneAlignedLinePerTask() throws {
        let yaml = """
            scheduler:
              tasks:
                open_job: {command: "true", at: ["08:00", "open+5m"]}
                close_job: {command: "true", at: "close+15m", days: [sat, mon]}
                snap: {command: "true", frequency: 5min, market_phase: market_open, timeout_seconds: 60}
                health: {command: "true", frequency: 15min, days: every_day, timeout_seconds: 60, force_run: true}
                cron_job: {command: "true", cron: "0 8 * * 1-5"}
                weekly: {command: "true", cron: "0 8 * * 6", days: weekends, enabled: false}
            """
        let config = try #require(ConfigTest.load(yaml, environment: ["SCHEDULER_SNAP_ENABLED": "false"])).config
        #expect(ConfigSummary.lines(config) == [
            "close_job  at close+15m             mon,sat                  enabled (default)",
            "cron_job   cron \"0 8 * * 1-5\"       cron fields              enabled (default)",
            "health     every 15m all day        every day     force_run  enabled (default)",
            "open_job   at 08:00, open+5m        trading days             enabled (default)",
            "snap       every 5m in market_open  trading days             disabled (env SCHEDULER_SNAP_ENABLED)",
            "weekly     cron \"0 8 * * 6\"         weekends                 disabled (yaml)",
        ])
    }

    @Test func longCellsAreCutToFitOneHundredColumns() throws {
        let name = String(repeating: "n", count: 40)
        let times = (0..<20).map { String(format: "\"%02d:00\"", $0) }.joined(separator: ", ")
        let yaml = "scheduler:\n  tasks:\n    \(name):\n      command: \"true\"\n      at: [\(times)]\n      force_run: true\n"
        let lines = ConfigSummary.lines(try #require(ConfigTest.load(yaml, environment: ["SCHEDULER_\(name.uppercased())_ENABLED": "1"])).config)
        #expect(lines.count == 1)
        #expect(lines[0].count <= ConfigSummary.maxWidth)
        #expect(lines[0].hasPrefix(String(repeating: "n", count: 27) + "...  at 00:00, 01:00"))
        #expect(lines[0].contains("  trading days  force_run  enabled (env"))
        #expect(lines[0].hasSuffix("..."))
    }
}
