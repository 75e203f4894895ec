import Testing
@testable import Scheduling

/// One case per kind of bad task setting: the exact `FILE:LINE: key.path: message` lines.
/// Settings start on line 4 (see `ConfigTest.task`).
struct TaskErrorCase: CustomTestStringConvertible, Sendable {
    let kind: String
    let settings: String
    let expected: [String]
    var testDescription: String { kind }

    init(_ kind: String, _ settings: String, _ expected: String...) {
        self.kind = kind
        self.settings = settings
        self.expected = expected
    }
}

private let p = "config/test.yaml"
private let j = "scheduler.tasks.job"

let taskErrorCases: [TaskErrorCase] = [
    .init("duration with a space", "command: \"true\"\nfrequency: \"5 minutes\"",
          "\(p):5: \(j).frequency: \"5 minutes\" is not a duration (try 5min)"),
    .init("duration without a unit", "command: \"true\"\nfrequency: 300",
          "\(p):5: \(j).frequency: \"300\" has no unit (write 300s, 300min or 300h)"),
    .init("zero duration", "command: \"true\"\nfrequency: 0s",
          "\(p):5: \(j).frequency: \"0s\" is zero (a duration must be at least 1s)"),
    .init("decimal duration", "command: \"true\"\nfrequency: 1.5h",
          "\(p):5: \(j).frequency: \"1.5h\" is not a duration (try 1h30m)"),
    .init("unknown duration word", "command: \"true\"\nfrequency: often",
          "\(p):5: \(j).frequency: \"often\" is not a duration (write a number and a unit: 30s, 5min, 1h, 1h30m)"),
    .init("daily frequency", "command: \"true\"\nfrequency: daily",
          "\(p):5: \(j).frequency: \"daily\" is not a duration (for once a day use at: \"HH:MM\" instead)"),
    .init("frequency longer than a day", "command: \"true\"\nfrequency: 25h",
          "\(p):5: \(j).frequency: \"25h\" is longer than a day (for once a day use at: \"HH:MM\" instead)"),
    .init("misspelt key", "command: \"true\"\nfrequncy: 5min",
          "\(p):3: \(j): has no schedule (add one of at:, frequency:, cron:; or after: to run once other tasks have succeeded)",
          "\(p):5: \(j).frequncy: unknown key \"frequncy\" (did you mean frequency?)"),
    .init("unknown key", "command: \"true\"\nat: \"08:00\"\ncolour: red",
          "\(p):6: \(j).colour: unknown key \"colour\" (known keys: command, enabled, frequency, market_phase, at, cron, days, timeout_seconds, retries, retry_backoff_seconds, overlap, catch_up, force_run, environment, kill_grace_seconds, history_limit, on_failure, notify, after, after_wait, hosts)"),
    .init("no schedule", "command: \"true\"",
          "\(p):3: \(j): has no schedule (add one of at:, frequency:, cron:; or after: to run once other tasks have succeeded)"),
    .init("two schedules", "command: \"true\"\nat: \"08:00\"\nfrequency: 5min",
          "\(p):6: \(j).frequency: at and frequency are both set (keep exactly one of at, frequency, cron)"),
    .init("market_phase without frequency", "command: \"true\"\nat: \"08:00\"\nmarket_phase: market_open",
          "\(p):6: \(j).market_phase: applies only to frequency: tasks (remove it; for times relative to the session use at: open+5m or close-10m)"),
    .init("unknown market_phase", "command: \"true\"\nfrequency: 5min\nmarket_phase: market-open",
          "\(p):6: \(j).market_phase: \"market-open\" is not a market phase (did you mean market_open?)"),
    .init("wall time out of range", "command: \"true\"\nat: \"25:00\"",
          "\(p):5: \(j).at: \"25:00\" is out of range (hours 00-23, minutes and seconds 00-59)"),
    .init("wall time with one digit", "command: \"true\"\nat: \"8:00\"",
          "\(p):5: \(j).at: \"8:00\" is not a time (write two digits each: 08:00)"),
    // Found by the fuzzer (Tests/Fuzz): digits that are not ASCII trapped the message builder.
    .init("wall time with a combining mark", "command: \"true\"\nat: \"23:59:5\u{0597}\"",
          "\(p):5: \(j).at: \"23:59:5\u{0597}\" is not a time (write HH:MM in 24-hour ET, or open, close, open+5m, close-10m)"),
    .init("wall time in Arabic-Indic digits", "command: \"true\"\nat: \"١٢:٣٠\"",
          "\(p):5: \(j).at: \"١٢:٣٠\" is not a time (write HH:MM in 24-hour ET, or open, close, open+5m, close-10m)"),
    .init("12-hour wall time", "command: \"true\"\nat: 4:15pm",
          "\(p):5: \(j).at: \"4:15pm\" is not a 24-hour time (try 16:15)"),
    .init("offset without unit", "command: \"true\"\nat: close+15",
          "\(p):5: \(j).at: \"close+15\": the offset has no unit (try close+15m)"),
    .init("offset that is not a duration", "command: \"true\"\nat: open+soon",
          "\(p):5: \(j).at: \"open+soon\": \"soon\" is not a duration (write open+5m, open+1h or open+1h30m)"),
    .init("offset leaving the day", "command: \"true\"\nat: close+8h",
          "\(p):5: \(j).at: \"close+8h\" leaves the session's day (close offsets go from close-13h to close+7h59m59s)"),
    .init("misspelt anchor", "command: \"true\"\nat: opne+5m",
          "\(p):5: \(j).at: \"opne+5m\" is not a time (did you mean open+5m?)"),
    .init("spaces in an at time", "command: \"true\"\nat: close + 15m",
          "\(p):5: \(j).at: \"close + 15m\" is not a time (try close+15m)"),
    .init("duplicate at times", "command: \"true\"\nat: [\"08:00\", \"12:00\", \"08:00\"]",
          "\(p):5: \(j).at: 08:00 is listed twice (remove one)"),
    .init("empty at list", "command: \"true\"\nat: []",
          "\(p):5: \(j).at: is an empty list (write at least one time, e.g. [\"08:00\"])"),
    .init("at as a mapping", "command: \"true\"\nat: {time: \"08:00\"}",
          "\(p):5: \(j).at: expects a time or a list of times, found a mapping"),
    .init("no command", "at: \"08:00\"",
          "\(p):3: \(j): has no command (add command: \"python3 scripts/job.py\" or a list of arguments)"),
    .init("empty command", "command: \"\"\nat: \"08:00\"",
          "\(p):4: \(j).command: is empty (write the program and its arguments, e.g. \"python3 scripts/job.py\")"),
    .init("empty command list", "command: []\nat: \"08:00\"",
          "\(p):4: \(j).command: is empty (write the program and its arguments, e.g. [\"python3\", \"scripts/job.py\"])"),
    .init("unbalanced quote", "command: \"python3 'scripts/x.py\"\nat: \"08:00\"",
          "\(p):4: \(j).command: unbalanced ' in \"python3 'scripts/x.py\" (close the quote, or escape it as \\')"),
    .init("shell redirection", "command: \"python3 x.py > out.log\"\nat: \"08:00\"",
          "\(p):4: \(j).command: \"python3 x.py > out.log\" uses shell syntax > but commands run without a shell (quote it, or write command: [\"bash\", \"-c\", \"...\"])"),
    .init("command argument not a string", "command: [\"python3\", {a: 1}]\nat: \"08:00\"",
          "\(p):4: \(j).command: arguments must be strings, found a mapping"),
    .init("unknown days keyword", "command: \"true\"\nat: \"08:00\"\ndays: trading_days",
          "\(p):6: \(j).days: \"trading_days\" is not a days rule (did you mean trading?)"),
    .init("single weekday as days", "command: \"true\"\nat: \"08:00\"\ndays: saturday",
          "\(p):6: \(j).days: \"saturday\" is not a days rule (for one weekday write a list: [sat])"),
    .init("misspelt weekday", "command: \"true\"\nat: \"08:00\"\ndays: [mon, satruday]",
          "\(p):6: \(j).days: \"satruday\" is not a weekday (did you mean saturday?)"),
    .init("duplicate weekday", "command: \"true\"\nat: \"08:00\"\ndays: [sat, Saturday]",
          "\(p):6: \(j).days: saturday is listed twice (remove one)"),
    .init("empty days list", "command: \"true\"\nat: \"08:00\"\ndays: []",
          "\(p):6: \(j).days: is an empty list (use trading, every_day, weekdays, weekends, or a list of weekdays such as [mon, wed])"),
    .init("timeout zero", "command: \"true\"\nat: \"08:00\"\ntimeout_seconds: 0",
          "\(p):6: \(j).timeout_seconds: 0 is out of range (from 1 to 604800 seconds)"),
    // Numbers check-config used to accept and the daemon then trapped on (Instant arithmetic, the backoff).
    .init("timeout of Int64.max", "command: \"true\"\nat: \"08:00\"\ntimeout_seconds: 9223372036854775807",
          "\(p):6: \(j).timeout_seconds: 9223372036854775807 is out of range (from 1 to 604800 seconds)"),
    .init("timeout beyond Int64", "command: \"true\"\nat: \"08:00\"\ntimeout_seconds: 99999999999999999999",
          "\(p):6: \(j).timeout_seconds: 99999999999999999999 is out of range (from 1 to 604800 seconds)"),
    .init("backoff of Int64.max", "command: \"true\"\nat: \"08:00\"\nretry_backoff_seconds: 9223372036854775807",
          "\(p):6: \(j).retry_backoff_seconds: 9223372036854775807 is out of range (from 0 to 3600 seconds)"),
    .init("kill grace of a day", "command: \"true\"\nat: \"08:00\"\nkill_grace_seconds: 86400",
          "\(p):6: \(j).kill_grace_seconds: 86400 is out of range (from 0 to 3600 seconds)"),
    .init("history limit of Int64.max", "command: \"true\"\nat: \"08:00\"\nhistory_limit: 9223372036854775807",
          "\(p):6: \(j).history_limit: 9223372036854775807 is out of range (from 1 to 1000000)"),
    .init("timeout as a duration", "command: \"true\"\nat: \"08:00\"\ntimeout_seconds: 5min",
          "\(p):6: \(j).timeout_seconds: expects a whole number of seconds, found \"5min\" (try 300)"),
    .init("retries too many", "command: \"true\"\nat: \"08:00\"\nretries: 101",
          "\(p):6: \(j).retries: 101 is out of range (from 0 to 100)"),
    .init("retries negative", "command: \"true\"\nat: \"08:00\"\nretries: -1",
          "\(p):6: \(j).retries: -1 is out of range (from 0 to 100)"),
    .init("negative backoff", "command: \"true\"\nat: \"08:00\"\nretry_backoff_seconds: -5",
          "\(p):6: \(j).retry_backoff_seconds: -5 is out of range (from 0 to 3600 seconds)"),
    .init("negative kill grace", "command: \"true\"\nat: \"08:00\"\nkill_grace_seconds: -1",
          "\(p):6: \(j).kill_grace_seconds: -1 is out of range (from 0 to 3600 seconds)"),
    .init("history limit zero", "command: \"true\"\nat: \"08:00\"\nhistory_limit: 0",
          "\(p):6: \(j).history_limit: 0 is out of range (from 1 to 1000000)"),
    .init("not a boolean", "command: \"true\"\nat: \"08:00\"\nenabled: maybe",
          "\(p):6: \(j).enabled: expects true or false, found \"maybe\""),
    .init("boolean as a list", "command: \"true\"\nat: \"08:00\"\nforce_run: [true]",
          "\(p):6: \(j).force_run: expects true or false, found a list"),
    .init("unknown overlap policy", "command: \"true\"\nat: \"08:00\"\noverlap: skipp",
          "\(p):6: \(j).overlap: \"skipp\" is not an overlap policy (did you mean skip?)"),
    .init("environment variable name", "command: \"true\"\nat: \"08:00\"\nenvironment: {LOG-LEVEL: info}",
          "\(p):6: \(j).environment.LOG-LEVEL: \"LOG-LEVEL\" is not a variable name (letters, digits and _, not starting with a digit)"),
    .init("environment value missing", "command: \"true\"\nat: \"08:00\"\nenvironment:\n  LOG_LEVEL:",
          "\(p):7: \(j).environment.LOG_LEVEL: has no value (write \"\" for an empty value)"),
    .init("environment as a list", "command: \"true\"\nat: \"08:00\"\nenvironment: [A=1]",
          "\(p):6: \(j).environment: expects a mapping of variable names to values, found a list"),
    .init("on_failure with open quote", "command: \"true\"\nat: \"08:00\"\non_failure: \"notify.sh \\\"desk\"",
          "\(p):6: \(j).on_failure: unbalanced \" in \"notify.sh \"desk\" (close the quote, or escape it as \\\")"),
]

@Suite struct ConfigTaskErrorTests {
    @Test(arguments: taskErrorCases)
    func badTaskSettingIsReportedWithFileLineAndKeyPath(_ testCase: TaskErrorCase) {
        #expect(ConfigTest.errors(ConfigTest.task(testCase.settings)) == testCase.expected)
    }

    @Test func taskNameOutsideTheAlphabetIsRejectedWithAFix() {
        let yaml = """
            scheduler:
              tasks:
                Collect-Data:
                  command: "true"
                  at: "08:00"
            """
        #expect(ConfigTest.errors(yaml) == [
            "config/test.yaml:3: scheduler.tasks.Collect-Data: task names use only a-z, 0-9 and _, since they become SCHEDULER_<NAME>_ENABLED variables (try collect_data)",
        ])
    }

    @Test func taskThatIsNotAMappingIsRejected() {
        #expect(ConfigTest.errors("scheduler:\n  tasks:\n    job: \"python3 x.py\"\n") == [
            "config/test.yaml:3: scheduler.tasks.job: expects a mapping of task settings (command:, at:, ...), found \"python3 x.py\"",
        ])
    }

    @Test func invalidCronIsReportedWithTheCronParsersMessage() {
        // Minute 61 does not exist: the loader names the place and passes the parser's reason on.
        let yaml = ConfigTest.task("command: \"true\"\ncron: \"61 8 * * 1-5\"")
        #expect(ConfigTest.errors(yaml) == [
            #"config/test.yaml:5: scheduler.tasks.job.cron: "61 8 * * 1-5" is not a valid cron expression: field 1 (minute): "61" is out of range 0-59"#,
        ])
    }

    @Test func everyErrorIsReportedSortedByLine() throws {
        let yaml = """
            scheduler:
              max_concurrent_tasks: 0
              tasks:
                b:
                  command: "true"
                  at: "25:00"
                a:
                  command: "x 'y"
                  frequency: "5 minutes"
                  retries: 200
            """
        let expected = [
            "config/test.yaml:2: scheduler.max_concurrent_tasks: 0 is out of range (from 1 to 1024)",
            "config/test.yaml:6: scheduler.tasks.b.at: \"25:00\" is out of range (hours 00-23, minutes and seconds 00-59)",
            "config/test.yaml:8: scheduler.tasks.a.command: unbalanced ' in \"x 'y\" (close the quote, or escape it as \\')",
            "config/test.yaml:9: scheduler.tasks.a.frequency: \"5 minutes\" is not a duration (try 5min)",
            "config/test.yaml:10: scheduler.tasks.a.retries: 200 is out of range (from 0 to 100)",
        ]
        #expect(ConfigTest.errors(yaml) == expected)
        let error = try #require(throws: ConfigErrors.self) { try ConfigTest.parse(yaml) }
        #expect(error.description == expected.joined(separator: "\n"))
        #expect(error.issues.map(\.line) == [2, 6, 8, 9, 10])
        #expect(error.issues[3].keyPath == "scheduler.tasks.a.frequency")
        #expect(error.issues[3].file == "config/test.yaml")
    }
}
