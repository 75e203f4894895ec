import Testing
@testable import Scheduling

/// One test per kind of bad `scheduler:`-level or file-level input.
@Suite struct ConfigSchedulerErrorTests {
    /// `scheduler:` with one setting on line 2, then one valid task.
    static func with(_ setting: String) -> String {
        "scheduler:\n" + ConfigTest.indent(setting, 2) + "  tasks:\n    job:\n      command: \"true\"\n      at: \"08:00\"\n"
    }

    @Test func unsupportedTimezoneNamesTheOnlySupportedValue() {
        #expect(ConfigTest.errors(Self.with("timezone: \"Europe/London\"")) == [
            "config/test.yaml:2: scheduler.timezone: \"Europe/London\" is not supported (the only supported value is America/New_York; the NYSE clock is Eastern time)",
        ])
    }

    @Test func misspeltSchedulerKeyGetsASuggestion() {
        #expect(ConfigTest.errors(Self.with("timezon: \"America/New_York\"")) == [
            "config/test.yaml:2: scheduler.timezon: unknown key \"timezon\" (did you mean timezone?)",
        ])
    }

    @Test func unknownTopLevelKeyAndMissingScheduler() {
        #expect(ConfigTest.errors("schedular:\n  tasks: {}\n") == [
            "config/test.yaml:1: schedular: unknown key \"schedular\" (did you mean scheduler?)",
            "config/test.yaml:1: scheduler: is missing (the file needs a scheduler: section with tasks:)",
        ])
    }

    @Test func emptySchedulerSection() {
        #expect(ConfigTest.errors("scheduler:\n") == [
            "config/test.yaml:1: scheduler: is empty (add tasks: under it)",
        ])
    }

    @Test func emptyFile() {
        #expect(ConfigTest.errors("# nothing yet\n") == [
            "config/test.yaml:1: the file is empty (it needs a scheduler: section with tasks:)",
        ])
    }

    @Test(arguments: [("max_concurrent_tasks: 0", "0 is out of range (from 1 to 1024)"),
                      ("max_concurrent_tasks: 1025", "1025 is out of range (from 1 to 1024)"),
                      ("max_concurrent_tasks: many", "expects a whole number, found \"many\""),
                      ("kill_grace_seconds: -1", "-1 is out of range (from 0 to 3600 seconds)"),
                      ("kill_grace_seconds: 9223372036854775807", "9223372036854775807 is out of range (from 0 to 3600 seconds)"),
                      ("history_limit: 0", "0 is out of range (from 1 to 1000000)"),
                      ("enable_holiday_check: sometimes", "expects true or false, found \"sometimes\"")])
    func outOfRangeSchedulerNumbers(_ setting: String, _ message: String) {
        let key = String(setting.prefix { $0 != ":" })
        #expect(ConfigTest.errors(Self.with(setting)) == ["config/test.yaml:2: scheduler.\(key): \(message)"])
    }

    @Test func extraDaysOutsideTheCalendarsYears() {
        #expect(ConfigTest.errors(Self.with("calendar:\n  extra_closures: [\"9999-01-04\"]\n  extra_early_closes: {\"1899-07-03\": \"13:00\"}")) == [
            "config/test.yaml:3: scheduler.calendar.extra_closures: 9999-01-04 is out of range (the calendar covers the years 1900 to 2200)",
            "config/test.yaml:4: scheduler.calendar.extra_early_closes.1899-07-03: 1899-07-03 is out of range (the calendar covers the years 1900 to 2200)",
        ])
    }

    @Test func emptyPath() {
        #expect(ConfigTest.errors(Self.with("state_directory: \"\"")) == [
            "config/test.yaml:2: scheduler.state_directory: is empty (write a path, or remove the key for the default)",
        ])
    }

    @Test func controlSocketPathTooLongForSunPath() {
        let long = "/run/" + String(repeating: "s", count: 110) + ".sock"
        #expect(ConfigTest.errors(Self.with("control_socket: \"\(long)\"")) == [
            "config/test.yaml:2: scheduler.control_socket: \"\(long)\" is 120 bytes long; Unix socket paths are limited to 107 (choose a shorter path)",
        ])
    }

    @Test func controlGroupWithSpaces() {
        #expect(ConfigTest.errors(Self.with("control_group: \"trading desk\"")) == [
            "config/test.yaml:2: scheduler.control_group: \"trading desk\" is not a group name (write a Unix group such as v6, or remove the key)",
        ])
    }

    @Test func tasksAsAList() {
        #expect(ConfigTest.errors("scheduler:\n  tasks:\n    - command: \"true\"\n") == [
            "config/test.yaml:3: scheduler.tasks: expects a mapping of task names to tasks, found a list",
        ])
    }

    @Test func yamlSyntaxErrorHasItsLine() {
        let yaml = "scheduler:\n  tasks:\n    job:\n      command: \"true\n      at: \"08:00\"\n"
        let errors = ConfigTest.errors(yaml)
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("config/test.yaml:5: YAML syntax error: ") == true)
        #expect(errors.first?.hasSuffix("; check the indentation and quoting") == true)
    }

    @Test func badIndentationIsASyntaxError() {
        let yaml = "scheduler:\n  tasks:\n    job:\n      command: \"true\"\n     at: \"08:00\"\n"
        let errors = ConfigTest.errors(yaml)
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("config/test.yaml:5: YAML syntax error: ") == true)
    }

    @Test func duplicateTaskName() {
        let yaml = "scheduler:\n  tasks:\n    job:\n      command: \"true\"\n      at: \"08:00\"\n    job:\n      command: \"true\"\n      at: \"09:00\"\n"
        #expect(ConfigTest.errors(yaml) == [
            "config/test.yaml:3: duplicate key \"job\" in one mapping (each key may appear once: remove or rename one)",
        ])
    }

    // MARK: - calendar

    static func calendar(_ lines: String) -> String {
        "scheduler:\n  calendar:\n" + ConfigTest.indent(lines, 4) + "  tasks:\n    job:\n      command: \"true\"\n      at: \"08:00\"\n"
    }

    @Test func extraClosureOnAWeekend() {
        #expect(ConfigTest.errors(Self.calendar("extra_closures: [\"2031-01-11\"]")) == [
            "config/test.yaml:3: scheduler.calendar.extra_closures: 2031-01-11 is a Saturday: the market is closed anyway (remove it)",
        ])
    }

    @Test func extraClosureThatIsNotADate() {
        #expect(ConfigTest.errors(Self.calendar("extra_closures:\n  - \"2031-02-30\"\n  - \"2031-01-10\"")) == [
            "config/test.yaml:4: scheduler.calendar.extra_closures: \"2031-02-30\" is not a date (write YYYY-MM-DD, e.g. 2031-01-10)",
        ])
    }

    @Test func extraClosureListedTwice() {
        #expect(ConfigTest.errors(Self.calendar("extra_closures:\n  - 2031-01-10\n  - 2031-01-10")) == [
            "config/test.yaml:5: scheduler.calendar.extra_closures: 2031-01-10 is listed twice (remove one)",
        ])
    }

    @Test func extraClosuresAsAString() {
        #expect(ConfigTest.errors(Self.calendar("extra_closures: 2031-01-10")) == [
            "config/test.yaml:3: scheduler.calendar.extra_closures: expects a list of dates such as [\"2031-01-10\"], found \"2031-01-10\"",
        ])
    }

    @Test(arguments: [("\"09:30\"", "09:30 is not between the open and the regular close (an early close falls strictly between 09:30 and 16:00)"),
                      ("\"16:00\"", "16:00 is not between the open and the regular close (an early close falls strictly between 09:30 and 16:00)"),
                      ("\"1pm\"", "\"1pm\" is not a time of day (write HH:MM, e.g. 13:00)"),
                      ("\"25:00\"", "\"25:00\" is not a time of day (write HH:MM, e.g. 13:00)")])
    func earlyCloseTimeOutsideTheSession(_ time: String, _ message: String) {
        #expect(ConfigTest.errors(Self.calendar("extra_early_closes:\n  \"2031-07-02\": \(time)")) == [
            "config/test.yaml:4: scheduler.calendar.extra_early_closes.2031-07-02: \(message)",
        ])
    }

    @Test func earlyCloseCannotReopenAHoliday() {
        #expect(ConfigTest.errors(Self.calendar("extra_early_closes: {\"2031-12-25\": \"13:00\"}")) == [
            "config/test.yaml:3: scheduler.calendar.extra_early_closes.2031-12-25: 2031-12-25 is an NYSE holiday (Christmas Day): an early close cannot reopen it (remove it)",
        ])
    }

    @Test func earlyCloseOnAWeekend() {
        #expect(ConfigTest.errors(Self.calendar("extra_early_closes:\n  2031-07-05: \"13:00\"")) == [
            "config/test.yaml:4: scheduler.calendar.extra_early_closes.2031-07-05: 2031-07-05 is a Saturday: there is no session to close early (remove it)",
        ])
    }

    @Test func earlyCloseOnAnExtraClosure() {
        #expect(ConfigTest.errors(Self.calendar("extra_closures: [2031-01-10]\nextra_early_closes: {2031-01-10: \"13:00\"}")) == [
            "config/test.yaml:4: scheduler.calendar.extra_early_closes.2031-01-10: 2031-01-10 is also in extra_closures (keep one of them)",
        ])
    }

    @Test func earlyCloseWithABadDate() {
        #expect(ConfigTest.errors(Self.calendar("extra_early_closes: {\"July 2\": \"13:00\"}")) == [
            "config/test.yaml:3: scheduler.calendar.extra_early_closes.July 2: \"July 2\" is not a date (write YYYY-MM-DD)",
        ])
    }

    @Test func unknownCalendarKey() {
        #expect(ConfigTest.errors(Self.calendar("extra_closure: [2031-01-10]")) == [
            "config/test.yaml:3: scheduler.calendar.extra_closure: unknown key \"extra_closure\" (did you mean extra_closures?)",
        ])
    }
}
