import Testing
@testable import Scheduling

/// SCHEDULER_* overrides: task variable > SCHEDULER_ENABLE_ALL > YAML `enabled` > default true.
struct PrecedenceCase: CustomTestStringConvertible, Sendable {
    let taskVariable: Bool?
    let enableAll: Bool?
    let yaml: Bool?
    var testDescription: String { "task=\(show(taskVariable)) all=\(show(enableAll)) yaml=\(show(yaml))" }
    private func show(_ value: Bool?) -> String { value.map(String.init) ?? "unset" }

    static let all: [PrecedenceCase] = [nil, true, false].flatMap { t in
        [nil, true, false].flatMap { a in [nil, true, false].map { y in PrecedenceCase(taskVariable: t, enableAll: a, yaml: y) } }
    }
}

@Suite struct ConfigEnvironmentOverrideTests {
    static func yaml(enabled: Bool? = nil) -> String {
        let line = enabled.map { "      enabled: \($0)\n" } ?? ""
        return "scheduler:\n  tasks:\n    collect:\n      command: \"true\"\n      at: \"08:00\"\n" + line
            + "    other:\n      command: \"true\"\n      at: \"09:00\"\n"
    }

    @Test(arguments: PrecedenceCase.all)
    func enabledPrecedence(_ c: PrecedenceCase) throws {
        var environment: [String: String] = [:]
        if let t = c.taskVariable { environment["SCHEDULER_COLLECT_ENABLED"] = String(t) }
        if let a = c.enableAll { environment["SCHEDULER_ENABLE_ALL"] = String(a) }
        let task = try #require(ConfigTest.load(Self.yaml(enabled: c.yaml), environment: environment)?.config.task(named: "collect"))
        let expected: (Bool, EnabledSource) =
            if let t = c.taskVariable { (t, .environment("SCHEDULER_COLLECT_ENABLED")) }
            else if let a = c.enableAll { (a, .environment("SCHEDULER_ENABLE_ALL")) }
            else if let y = c.yaml { (y, .yaml) }
            else { (true, .default) }
        #expect(task.enabled == expected.0)
        #expect(task.enabledSource == expected.1)
    }

    @Test func enableAllFalseSparesOnlyTasksEnabledByTheirOwnVariable() throws {
        let config = try #require(ConfigTest.load(Self.yaml(), environment: [
            "SCHEDULER_ENABLE_ALL": "false", "SCHEDULER_OTHER_ENABLED": "true",
        ])).config
        #expect(config.task(named: "collect")?.enabled == false)
        #expect(config.task(named: "collect")?.enabledSource == .environment("SCHEDULER_ENABLE_ALL"))
        #expect(config.task(named: "other")?.enabled == true)
        #expect(config.task(named: "other")?.enabledSource == .environment("SCHEDULER_OTHER_ENABLED"))
    }

    @Test(arguments: [("true", true), ("TRUE", true), ("True", true), ("1", true), ("yes", true), ("YES", true),
                      (" true ", true), ("false", false), ("False", false), ("0", false), ("no", false), ("No", false)])
    func acceptedBooleanSpellings(_ value: String, _ expected: Bool) throws {
        let config = try #require(ConfigTest.load(Self.yaml(), environment: ["SCHEDULER_COLLECT_ENABLED": value])).config
        #expect(config.task(named: "collect")?.enabled == expected)
    }

    @Test(arguments: ["maybe", "", "2", "on", "enabled"])
    func otherValuesAreErrorsNamingTheVariable(_ value: String) {
        #expect(ConfigTest.errors(Self.yaml(), environment: ["SCHEDULER_COLLECT_ENABLED": value]) == [
            "environment: SCHEDULER_COLLECT_ENABLED: \"\(value)\" is not true or false (write SCHEDULER_COLLECT_ENABLED=true or SCHEDULER_COLLECT_ENABLED=false)",
        ])
        #expect(ConfigTest.errors(Self.yaml(), environment: ["SCHEDULER_ENABLE_ALL": value, "SCHEDULER_FORCE_RUN": value]) == [
            "environment: SCHEDULER_ENABLE_ALL: \"\(value)\" is not true or false (write SCHEDULER_ENABLE_ALL=true or SCHEDULER_ENABLE_ALL=false)",
            "environment: SCHEDULER_FORCE_RUN: \"\(value)\" is not true or false (write SCHEDULER_FORCE_RUN=true or SCHEDULER_FORCE_RUN=false)",
        ])
    }

    @Test func envFileWinsOverTheProcessEnvironmentAndErrorsPointIntoIt() throws {
        let file = try EnvironmentFile(parsing: "# overrides\nSCHEDULER_COLLECT_ENABLED=false\nSCHEDULER_OTHER_ENABLED=perhaps\n",
                                       path: "/etc/v6/env")
        let errors = ConfigTest.errors(Self.yaml(), environment: ["SCHEDULER_COLLECT_ENABLED": "true"], envFile: file)
        #expect(errors == [
            "/etc/v6/env:3: SCHEDULER_OTHER_ENABLED: \"perhaps\" is not true or false (write SCHEDULER_OTHER_ENABLED=true or SCHEDULER_OTHER_ENABLED=false)",
        ])
        let good = try EnvironmentFile(parsing: "SCHEDULER_COLLECT_ENABLED=false\n", path: "/etc/v6/env")
        let config = try #require(ConfigTest.load(Self.yaml(), environment: [
            "SCHEDULER_COLLECT_ENABLED": "true", "SCHEDULER_OTHER_ENABLED": "false",
        ], envFile: good)).config
        #expect(config.task(named: "collect")?.enabled == false)
        #expect(config.task(named: "other")?.enabled == false)  // process environment still applies
    }

    @Test func forceRunMakesEveryTaskIgnoreHolidays() throws {
        let forced = try #require(ConfigTest.load(Self.yaml(), environment: ["SCHEDULER_FORCE_RUN": "true"])).config
        #expect(forced.forceAll)
        #expect(forced.tasks.allSatisfy { $0.ignoresHolidays })
        let notForced = try #require(ConfigTest.load(Self.yaml(), environment: ["SCHEDULER_FORCE_RUN": "false"])).config
        #expect(!notForced.forceAll)
        #expect(notForced.tasks.allSatisfy { !$0.ignoresHolidays })
    }

    @Test func variablesNamingNoTaskAreWarningsWithASuggestion() throws {
        let file = try EnvironmentFile(parsing: "SCHEDULER_OTHR_ENABLED=true\n", path: "/etc/v6/env")
        let loaded = try #require(ConfigTest.load(Self.yaml(), environment: [
            "SCHEDULER_COLECT_ENABLED": "false",
            "SCHEDULER_collect_ENABLED": "false",
            "SCHEDULER_NOTHING_LIKE_IT_ENABLED": "true",
            "SCHEDULER_FORCE_RUNN": "true",
            "SCHEDULER_CONFIG": "/etc/v6/production.yaml",  // not ours to judge
            "PATH": "/usr/bin",
        ], envFile: file))
        #expect(loaded.warnings.map(\.description) == [
            "environment: SCHEDULER_COLECT_ENABLED: names no task in config/test.yaml (did you mean SCHEDULER_COLLECT_ENABLED?)",
            "environment: SCHEDULER_FORCE_RUNN: is not a scheduler variable (did you mean SCHEDULER_FORCE_RUN?)",
            "environment: SCHEDULER_NOTHING_LIKE_IT_ENABLED: names no task in config/test.yaml",
            "environment: SCHEDULER_collect_ENABLED: names no task in config/test.yaml (did you mean SCHEDULER_COLLECT_ENABLED?)",
            "/etc/v6/env:1: SCHEDULER_OTHR_ENABLED: names no task in config/test.yaml (did you mean SCHEDULER_OTHER_ENABLED?)",
        ])
        // Warnings change nothing.
        #expect(loaded.config.tasks.allSatisfy { $0.enabled && $0.enabledSource == .default })
        #expect(!loaded.config.forceAll)
    }

    @Test func taskVariableNamesFollowTheTaskName() throws {
        let config = try #require(ConfigTest.load("scheduler:\n  tasks:\n    schedule_935_et:\n      command: \"true\"\n      at: \"09:35\"\n",
                                                  environment: ["SCHEDULER_SCHEDULE_935_ET_ENABLED": "no"])).config
        let task = try #require(config.tasks.first)
        #expect(task.enabledVariable == "SCHEDULER_SCHEDULE_935_ET_ENABLED")
        #expect(!task.enabled)
    }
}
