import Foundation
import MarketCalendar
import TestSupport
import Testing
@testable import Scheduling

/// config/production.yaml and config/demo.yaml, read from disk through `ConfigLoader.load`.
@Suite struct ConfigShippedFilesTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    static func shipped(_ name: String) throws -> LoadedConfig {
        try ConfigLoader.load(path: repository + "/config/" + name, envFile: nil, environment: [:])
    }

    @Test func productionLoadsWithoutErrorsOrWarnings() throws {
        let loaded = try Self.shipped("production.yaml")
        #expect(loaded.warnings.isEmpty, "\(loaded.warnings.map(\.description))")
        let config = loaded.config
        #expect(config.workingDirectory == "/srv/trading-bot")
        #expect(config.stateDirectory == "/var/lib/v6-scheduler")
        #expect(config.controlSocket == "/run/v6-scheduler/control.sock")
        #expect(config.controlGroup == "v6")
        #expect(config.logDirectory == "/var/log/v6-scheduler")

        let at = { (h: Int, m: Int) in ScheduleSpec.at([.wall(TimeOfDay(hour: h, minute: m)!)]) }
        let expected: [String: (ScheduleSpec, DayRule, ignoresHolidays: Bool)] = [
            "queue_option_contracts": (at(8, 0), .trading, false),
            "load_enhanced_market_data": (at(8, 30), .trading, false),
            "validate_ib_connection": (at(8, 45), .trading, false),
            "schedule_935_et": (at(9, 35), .trading, false),
            "collect_option_snapshots": (.frequency(seconds: 300, window: .marketOpen), .trading, false),
            "collect_futures_snapshots": (.frequency(seconds: 300, window: .marketOpen), .trading, false),
            "calculate_intraday_statistics": (.frequency(seconds: 3600, window: .marketOpen), .trading, false),
            "final_data_collection": (.at([.close(offset: 900)]), .trading, false),
            "calculate_daily_statistics": (at(18, 0), .trading, false),
            "validate_data_quality": (at(18, 30), .trading, false),
            "load_historical_data": (at(10, 0), .list([.saturday]), false),
            "audit_data_integrity": (at(11, 0), .list([.saturday]), true),
            "cleanup_old_data": (at(8, 0), .list([.sunday]), false),
            "health_check": (.frequency(seconds: 900, window: .any), .everyDay, false),
            "validate_positions": (.frequency(seconds: 3600, window: .marketOpen), .trading, false),
        ]
        #expect(config.tasks.map(\.name) == expected.keys.sorted())
        for task in config.tasks {
            let want = try #require(expected[task.name])
            #expect(task.schedule == want.0, "\(task.name)")
            #expect(task.days == want.1, "\(task.name)")
            #expect(task.ignoresHolidays == want.ignoresHolidays, "\(task.name)")
            #expect(task.command == ["python3", "scripts/\(task.name).py"])
            #expect(task.overlap == .skip)
            #expect(task.enabled && task.enabledSource == .default)
            if task.name.hasPrefix("validate_") || task.name.hasPrefix("health_") || task.name.hasPrefix("audit_") {
                #expect(task.retries == 0, "\(task.name)")
            }
            if task.name.hasPrefix("collect_") || task.name.hasPrefix("load_") || task.name == "final_data_collection" {
                #expect(task.retries == 2, "\(task.name)")
            }
        }
        #expect(config.task(named: "collect_option_snapshots")?.timeoutSeconds == 240)
        // The order the old guide's times imply, as dependencies (the times stay as they were).
        let after = Dictionary(uniqueKeysWithValues: config.tasks.filter { !$0.after.isEmpty }.map { ($0.name, $0.after) })
        #expect(after == [
            "collect_option_snapshots": ["queue_option_contracts"],
            "calculate_daily_statistics": ["final_data_collection"],
            "validate_data_quality": ["calculate_daily_statistics"],
        ])
        #expect(config.task(named: "collect_option_snapshots")?.afterWaitSeconds == 240)
        #expect(config.task(named: "validate_data_quality")?.afterWaitSeconds == TaskConfig.defaultAfterWait)
    }

    @Test func demoLoadsAndItsScriptsAreRunnable() throws {
        let loaded = try Self.shipped("demo.yaml")
        #expect(loaded.warnings.isEmpty, "\(loaded.warnings.map(\.description))")
        let config = loaded.config
        let root = Self.repository
        #expect(config.workingDirectory == root + "/config/demo")
        #expect(config.stateDirectory == root + "/.v6/state")
        #expect(config.controlSocket == root + "/.v6/control.sock")
        #expect(config.logDirectory == root + "/.v6/logs")
        #expect(config.controlGroup == nil)
        let heartbeat = try #require(config.task(named: "heartbeat"))
        #expect(heartbeat.schedule == .frequency(seconds: 30, window: .any))
        #expect(heartbeat.days == .everyDay)
        #expect(config.task(named: "flaky_demo")?.retries == 2)

        // Every program a task or hook names exists and is executable, and each one runs.
        var programs = Set<[String]>()
        for task in config.tasks { programs.insert(task.command) }
        if let hook = config.onFailure { programs.insert(hook) }
        for argv in programs {
            if argv[0].hasPrefix("/") {
                #expect(FileManager.default.isExecutableFile(atPath: argv[0]), "\(argv[0])")
            } else {
                let script = config.workingDirectory + "/" + argv[1]
                #expect(FileManager.default.isExecutableFile(atPath: script), "\(script)")
            }
            let program = argv[0].hasPrefix("/") ? argv[0] : "/usr/bin/env"
            let arguments = argv[0].hasPrefix("/") ? Array(argv.dropFirst()) : argv
            // job.sh NAME SECONDS works for SECONDS: 0 keeps the test quick.
            let quick = argv.contains { $0.hasSuffix("job.sh") } ? Array(arguments.dropLast()) + ["0"] : arguments
            let result = try Command.run(program, quick, cwd: config.workingDirectory)
            let allowed: Set<Int32> = argv.contains { $0.hasSuffix("flaky_demo.py") } ? [0, 1] : [0]
            #expect(allowed.contains(result.status), "\(argv): \(result.stderr)")
            #expect(!(result.stdout + result.stderr).isEmpty, "\(argv) printed nothing")
        }
    }

    @Test func summaryOfProductionFitsOneHundredColumns() throws {
        let lines = ConfigSummary.lines(try Self.shipped("production.yaml").config)
        #expect(lines.count == 15)
        #expect(lines.allSatisfy { $0.count <= ConfigSummary.maxWidth })
        #expect(lines.contains("audit_data_integrity           at 11:00                 sat           force_run  enabled (default)"))
        #expect(lines.contains("collect_option_snapshots       every 5m in market_open  trading days             enabled (default)"))
        #expect(lines.contains("health_check                   every 15m all day        every day                enabled (default)"))
    }

    @Test func missingFilesAreIssuesWithTheOSReason() throws {
        let dir = try TemporaryDirectory()
        let missing = dir.file("nope.yaml")
        let error = try #require(throws: ConfigErrors.self) {
            try ConfigLoader.load(path: missing, envFile: dir.file("nope.env"), environment: [:])
        }
        #expect(error.issues.map(\.description) == [
            "\(missing): cannot read the configuration: No such file or directory (check the path given to --config)",
            "\(dir.file("nope.env")): cannot read the environment file: No such file or directory (check the path given to --env-file)",
        ])
        let isDirectory = try #require(throws: ConfigErrors.self) {
            try ConfigLoader.load(path: dir.path, envFile: nil, environment: [:])
        }
        #expect(isDirectory.description == "\(dir.path): cannot read the configuration: Is a directory (check the path given to --config)")
    }

    @Test func loadReadsTheEnvFileAndReportsItsErrorsWithTheConfigs() throws {
        let dir = try TemporaryDirectory()
        let config = try dir.write("v6.yaml", "scheduler:\n  tasks:\n    job:\n      command: \"bin/job\"\n      at: \"08:00\"\n")
        let env = try dir.write("v6.env", "# desk overrides\nSCHEDULER_JOB_ENABLED = \"false\"\nSCHEDULER_FORCE_RUN='yes'\n")
        let loaded = try ConfigLoader.load(path: config, envFile: env, environment: ["SCHEDULER_JOB_ENABLED": "true"])
        let job = try #require(loaded.config.tasks.first)
        #expect(!job.enabled && job.enabledSource == .environment("SCHEDULER_JOB_ENABLED"))
        #expect(loaded.config.forceAll && job.ignoresHolidays)
        #expect(job.command == [dir.path + "/bin/job"])
        #expect(loaded.config.sourcePath == config)

        let badEnv = try dir.write("bad.env", "SCHEDULER_JOB_ENABLED=\"false\nX=1\n")
        let error = try #require(throws: ConfigErrors.self) { try ConfigLoader.load(path: config, envFile: badEnv, environment: [:]) }
        #expect(error.description == "\(badEnv):1: SCHEDULER_JOB_ENABLED: unbalanced \" in the value (close the quote)")

        // A bad configuration and a bad env file: both reported, the configuration first.
        let badConfig = try dir.write("bad.yaml", "scheduler:\n  tasks:\n    job:\n      command: \"true\"\n      at: \"8:00\"\n")
        let both = try #require(throws: ConfigErrors.self) { try ConfigLoader.load(path: badConfig, envFile: badEnv, environment: [:]) }
        #expect(both.issues.map(\.description) == [
            "\(badConfig):5: scheduler.tasks.job.at: \"8:00\" is not a time (write two digits each: 08:00)",
            "\(badEnv):1: SCHEDULER_JOB_ENABLED: unbalanced \" in the value (close the quote)",
        ])

        let notUTF8 = dir.file("latin1.yaml")
        try Data([0x73, 0x63, 0xE9, 0xFF, 0x0A]).write(to: URL(fileURLWithPath: notUTF8))
        let encoding = try #require(throws: ConfigErrors.self) { try ConfigLoader.load(path: notUTF8, envFile: nil, environment: [:]) }
        #expect(encoding.description == "\(notUTF8): cannot read the configuration: it is not UTF-8 text (check the path given to --config)")
    }
}
