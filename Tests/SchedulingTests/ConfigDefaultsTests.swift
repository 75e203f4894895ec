import MarketCalendar
import Testing
@testable import Scheduling

/// What a loaded configuration holds: defaults, every key of the contract, path resolution.
@Suite struct ConfigDefaultsTests {
    @Test func minimalConfigurationGetsTheDefaults() throws {
        let loaded = try #require(ConfigTest.load("scheduler:\n  tasks:\n    job:\n      command: \"true\"\n      frequency: 15min\n"))
        let config = loaded.config
        // The only warning: the default timeout (1 h) exceeds the frequency.
        #expect(loaded.warnings.map(\.keyPath) == ["scheduler.tasks.job"])
        #expect(config.sourcePath == "/srv/app/config/test.yaml")
        #expect(config.timezone == "America/New_York")
        #expect(config.logDirectory == nil)
        #expect(config.enableHolidayCheck)
        #expect(config.enableLogging)
        #expect(config.workingDirectory == "/srv/app/config")
        #expect(config.stateDirectory == "/var/lib/v6-scheduler")
        #expect(config.controlSocket == "/run/v6-scheduler/control.sock")
        #expect(config.controlGroup == nil)
        #expect(config.maxConcurrentTasks == 16)
        #expect(config.killGraceSeconds == 10)
        #expect(config.historyLimit == 1000)
        #expect(config.onFailure == nil)
        #expect(config.extraDays.entries.isEmpty)
        #expect(!config.forceAll)
        #expect(config.tasks == [TaskConfig(name: "job", command: ["true"], enabled: true, enabledSource: .default,
                                            schedule: .frequency(seconds: 900, window: .any), days: .trading,
                                            daysExplicit: false, timeoutSeconds: 3600, killGraceSeconds: 10, retries: 0,
                                            retryBackoffSeconds: 30, overlap: .skip, catchUp: false, ignoresHolidays: false,
                                            environment: [:], onFailure: nil, historyLimit: 1000, line: 3)])
    }

    static let fullExample = """
        scheduler:
          timezone: "America/New_York"
          log_directory: "logs/scheduler"
          enable_holiday_check: true
          enable_logging: false
          working_directory: "."
          state_directory: "/var/lib/v6-scheduler"
          control_socket: "/run/v6-scheduler/control.sock"
          control_group: "v6"
          max_concurrent_tasks: 8
          kill_grace_seconds: 5
          history_limit: 500
          on_failure: ["scripts/notify.sh"]
          calendar:
            extra_closures: ["2031-01-10"]
            extra_early_closes: {"2031-07-02": "13:00"}
          tasks:
            collect_option_snapshots:
              command: ["python3", "scripts/collect_option_snapshots.py"]
              enabled: true
              frequency: "5min"
              market_phase: "market_open"
              days: trading
              timeout_seconds: 240
              retries: 2
              retry_backoff_seconds: 15
              overlap: queue
              catch_up: true
              force_run: false
              environment: {LOG_LEVEL: info, BATCH: 50}
              kill_grace_seconds: 20
              history_limit: 2000
              on_failure: ["scripts/notify.sh", "--channel", "desk"]
            final_data_collection:
              command: "python3 scripts/final_data_collection.py"
              at: "close+15m"
            audit_data_integrity:
              command: "python3 scripts/audit_data_integrity.py"
              at: "11:00"
              days: [saturday]
              force_run: true
              on_failure: []
            anything_cron_like:
              cron: "0 8 * * 1-5"
              command: ./cron_job.sh --flag
              enabled: false
              overlap: replace
        """

    @Test func everyKeyOfTheContractIsRead() throws {
        let config = try #require(ConfigTest.load(Self.fullExample)).config
        #expect(config.logDirectory == "/srv/app/config/logs/scheduler")
        #expect(!config.enableLogging)
        #expect(config.workingDirectory == "/srv/app/config")
        #expect(config.controlGroup == "v6")
        #expect(config.maxConcurrentTasks == 8)
        #expect(config.killGraceSeconds == 5)
        #expect(config.historyLimit == 500)
        #expect(config.onFailure == ["/srv/app/config/scripts/notify.sh"])
        #expect(config.extraDays.entries == [
            SpecialDays.Entry(date: LocalDate(parsing: "2031-01-10")!, kind: .closed, name: "calendar.extra_closures"),
            SpecialDays.Entry(date: LocalDate(parsing: "2031-07-02")!, kind: .earlyClose(TimeOfDay(hour: 13, minute: 0)!),
                              name: "calendar.extra_early_closes"),
        ])
        #expect(config.makeCalendar().isSession(LocalDate(parsing: "2031-01-10")!) == false)
        #expect(config.makeCalendar().session(on: LocalDate(parsing: "2031-07-02")!)?.closeTime == TimeOfDay(hour: 13, minute: 0))

        // Sorted by name.
        #expect(config.tasks.map(\.name) == ["anything_cron_like", "audit_data_integrity", "collect_option_snapshots",
                                             "final_data_collection"])
        let collect = try #require(config.task(named: "collect_option_snapshots"))
        #expect(collect == TaskConfig(
            name: "collect_option_snapshots", command: ["python3", "scripts/collect_option_snapshots.py"],
            enabled: true, enabledSource: .yaml, schedule: .frequency(seconds: 300, window: .marketOpen),
            days: .trading, daysExplicit: true, timeoutSeconds: 240, killGraceSeconds: 20, retries: 2,
            retryBackoffSeconds: 15, overlap: .queue, catchUp: true, ignoresHolidays: false,
            environment: ["LOG_LEVEL": "info", "BATCH": "50"],
            onFailure: ["/srv/app/config/scripts/notify.sh", "--channel", "desk"], historyLimit: 2000, line: 18))

        let final = try #require(config.task(named: "final_data_collection"))
        #expect(final.command == ["python3", "scripts/final_data_collection.py"])
        #expect(final.schedule == .at([.close(offset: 900)]))
        #expect(final.onFailure == ["/srv/app/config/scripts/notify.sh"])  // the scheduler's default
        #expect(final.killGraceSeconds == 5 && final.historyLimit == 500)  // the scheduler's defaults
        #expect(final.enabledSource == .default && final.enabled)

        let audit = try #require(config.task(named: "audit_data_integrity"))
        #expect(audit.schedule == .at([.wall(TimeOfDay(hour: 11, minute: 0)!)]))
        #expect(audit.days == .list([.saturday]) && audit.daysExplicit)
        #expect(audit.ignoresHolidays)
        #expect(audit.onFailure == nil)  // on_failure: [] turns the default off

        let cron = try #require(config.task(named: "anything_cron_like"))
        #expect(cron.schedule == .cron(try CronExpression(parsing: "0 8 * * 1-5")))
        #expect(cron.command == ["/srv/app/config/cron_job.sh", "--flag"])
        #expect(!cron.enabled && cron.enabledSource == .yaml)
        #expect(cron.overlap == .replace)
        #expect(!cron.daysExplicit)
    }

    @Test func relativePathsResolveAgainstTheConfigFilesFolder() throws {
        let yaml = """
            scheduler:
              working_directory: "../app/./work//dir"
              state_directory: "../.v6/state"
              control_socket: "run/control.sock"
              log_directory: "/var/log/v6-scheduler/"
              on_failure: "hooks/notify.sh --all"
              tasks:
                job:
                  command: "bin/job --x"
                  at: "08:00"
                  on_failure: ["python3", "hooks/notify.py"]
                other:
                  command: "./other.sh"
                  at: "08:00"
            """
        let config = try #require(ConfigTest.load(yaml)).config
        #expect(config.workingDirectory == "/srv/app/app/work/dir")
        #expect(config.stateDirectory == "/srv/app/.v6/state")
        #expect(config.controlSocket == "/srv/app/config/run/control.sock")
        #expect(config.logDirectory == "/var/log/v6-scheduler")
        // Program paths with a slash resolve against the working directory, as a shell started there would.
        #expect(config.onFailure == ["/srv/app/app/work/dir/hooks/notify.sh", "--all"])
        #expect(config.task(named: "job")?.command == ["/srv/app/app/work/dir/bin/job", "--x"])
        #expect(config.task(named: "job")?.onFailure == ["python3", "hooks/notify.py"])
        #expect(config.task(named: "other")?.command == ["/srv/app/app/work/dir/other.sh"])
    }

    @Test func absoluteConfigPathIsKeptAndItsFolderUsed() throws {
        let loaded = try ConfigLoader.parse(yaml: "scheduler:\n  tasks:\n    job:\n      command: \"true\"\n      at: \"08:00\"\n",
                                            path: "/etc/v6/../v6-scheduler/production.yaml", environment: [:],
                                            currentDirectory: "/elsewhere")
        #expect(loaded.config.sourcePath == "/etc/v6-scheduler/production.yaml")
        #expect(loaded.config.workingDirectory == "/etc/v6-scheduler")
    }

    @Test func holidayCheckOffMakesEveryTaskIgnoreHolidays() throws {
        let yaml = """
            scheduler:
              enable_holiday_check: false
              tasks:
                a: {command: "true", at: "08:00"}
                b: {command: "true", at: "09:00", force_run: false}
            """
        let config = try #require(ConfigTest.load(yaml)).config
        #expect(!config.enableHolidayCheck)
        #expect(config.tasks.allSatisfy { $0.ignoresHolidays })
        #expect(!config.forceAll)
    }

    @Test func scheduleForms() throws {
        let yaml = """
            scheduler:
              tasks:
                a: {command: "true", at: ["08:00", "12:00:30", open, open+5m, open-10m, close, close-1h]}
                b: {command: "true", frequency: hourly, market_phase: after_hours}
                c: {command: "true", frequency: 1h30m, market_phase: pre_market, days: weekends}
                d: {command: "true", frequency: 90s, market_phase: extended, days: [MON, wed, Friday]}
                e: {command: "true", at: "23:59", days: every_day}
                f: {command: "true", at: "00:00", days: weekdays}
            """
        let config = try #require(ConfigTest.load(yaml)).config
        #expect(config.task(named: "a")?.schedule == .at([
            .wall(TimeOfDay(hour: 8, minute: 0)!), .wall(TimeOfDay(hour: 12, minute: 0, second: 30)!),
            .open(offset: 0), .open(offset: 300), .open(offset: -600), .close(offset: 0), .close(offset: -3600),
        ]))
        #expect(config.task(named: "b")?.schedule == .frequency(seconds: 3600, window: .afterHours))
        #expect(config.task(named: "c")?.schedule == .frequency(seconds: 5400, window: .preMarket))
        #expect(config.task(named: "c")?.days == .weekends)
        #expect(config.task(named: "d")?.schedule == .frequency(seconds: 90, window: .extended))
        #expect(config.task(named: "d")?.days == .list([.monday, .wednesday, .friday]))
        #expect(config.task(named: "e")?.days == .everyDay)
        #expect(config.task(named: "f")?.days == .weekdays)
    }

    @Test func warnings() throws {
        let yaml = """
            scheduler:
              calendar:
                extra_closures: ["2031-12-25"]
              tasks:
                job:
                  command: "true"
                  frequency: 5min
                slow:
                  command: "true"
                  frequency: 1min
                  timeout_seconds: 120
            """
        let loaded = try #require(ConfigTest.load(yaml))
        #expect(loaded.warnings.map(\.description) == [
            "config/test.yaml:3: scheduler.calendar.extra_closures: 2031-12-25 is already closed: an NYSE holiday (Christmas Day) (remove it)",
            "config/test.yaml:7: scheduler.tasks.job: the default timeout (3600s) is longer than the frequency (5m): a slow run overlaps the next occurrences (overlap: skip); set timeout_seconds to at most 300",
            "config/test.yaml:11: scheduler.tasks.slow: timeout_seconds (120) is longer than the frequency (1m): a slow run overlaps the next occurrences (overlap: skip); set timeout_seconds to at most 60",
        ])
        let noTasks = try #require(ConfigTest.load("scheduler:\n  tasks: {}\n"))
        #expect(noTasks.warnings.map(\.description) == [
            "config/test.yaml:2: scheduler.tasks: no tasks are defined (the scheduler will run nothing)",
        ])
    }

    @Test func nullValuesMeanTheDefault() throws {
        let yaml = "scheduler:\n  control_group:\n  log_directory: ~\n  tasks:\n    job:\n      command: \"true\"\n      at: \"08:00\"\n      retries:\n"
        let config = try #require(ConfigTest.load(yaml)).config
        #expect(config.controlGroup == nil && config.logDirectory == nil)
        #expect(config.tasks.first?.retries == 0)
    }
}
