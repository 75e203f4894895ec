import MarketCalendar
import Testing
@testable import Scheduling

/// Run-time edits as text of the managed drop-in: what each edit writes, what it refuses, and
/// that the result reads back through the same loader.
@Suite struct ConfigEditTests {
    static let managed = ConfigTest.path + ".d/90-runtime.yaml"

    /// The main file of `ConfigLayerTests`, plus the given drop-ins, as read from disk.
    static func inputs(_ dropIns: [(String, String)] = []) -> ConfigInputs { ConfigLayerTests.inputs(dropIns) }

    static func running(_ inputs: ConfigInputs) throws -> LoadedConfig {
        try ConfigLoader.parse(inputs, environment: [:], currentDirectory: ConfigTest.cwd)
    }

    /// Applies the edits one after the other, as the daemon would; returns the final load.
    static func edit(_ edits: [ConfigEdit], dropIns: [(String, String)] = []) throws -> (LoadedConfig, ConfigInputs) {
        var inputs = Self.inputs(dropIns)
        var loaded = try running(inputs)
        for edit in edits {
            let result = try ConfigEditor.apply(edit, inputs: inputs, running: loaded)
            inputs = inputs.replacingManaged(with: result.managedText)
            loaded = try running(inputs)
        }
        return (loaded, inputs)
    }

    static func set(_ pairs: KeyValuePairs<String, String>) -> [ConfigSetting] { pairs.map { ConfigSetting(key: $0.key, value: $0.value) } }

    static func refusal(_ edit: ConfigEdit, dropIns: [(String, String)] = []) -> ConfigEditError? {
        let inputs = Self.inputs(dropIns)
        do {
            _ = try ConfigEditor.apply(edit, inputs: inputs, running: try running(inputs))
            return nil
        } catch let error as ConfigEditError {
            return error
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test func setWritesTheManagedDropInAndWins() throws {
        let (loaded, inputs) = try Self.edit([.setTask("collect", Self.set(["timeout_seconds": "5min", "retries": "3"]))])
        let collect = try #require(loaded.config.task(named: "collect"))
        #expect(collect.timeoutSeconds == 300 && collect.retries == 3)
        let text = try #require(inputs.managed?.text)
        #expect(text.hasPrefix("# Managed by v6-scheduler"))
        #expect(text.hasSuffix("scheduler:\n  tasks:\n    collect:\n      timeout_seconds: 300\n      retries: 3\n"))
        let source = loaded.layers.values.first { $0.key == "scheduler.tasks.collect.timeout_seconds" }?.source
        #expect(source?.description.hasPrefix(Self.managed + ":") == true)
        #expect(loaded.revision != Self.inputs().revision)
    }

    @Test func aScheduleKeyReplacesTheScheduleEverywhere() throws {
        let (loaded, inputs) = try Self.edit([
            .setTask("collect", Self.set(["frequency": "1min"])),
            .setTask("collect", Self.set(["at": "[\"08:00\", \"12:00\"]"])),
        ])
        #expect(loaded.config.task(named: "collect")?.schedule == .at([.wall(TimeOfDay(seconds: 8 * 3600)), .wall(TimeOfDay(seconds: 12 * 3600))]))
        #expect(inputs.managed?.text.contains("      at: [\"08:00\", \"12:00\"]\n") == true)
        #expect(inputs.managed?.text.contains("frequency") == false)
    }

    @Test func addAndRemoveTasks() throws {
        let (loaded, inputs) = try Self.edit([
            .addTask("fresh", Self.set(["command": "\"python3 fresh.py --all\"", "cron": "\"0 9 * * 1-5\"", "force_run": "true"])),
            .removeTask("report"),
        ])
        #expect(loaded.config.tasks.map(\.name) == ["collect", "fresh"])
        #expect(loaded.config.task(named: "fresh")?.command == ["python3", "fresh.py", "--all"])
        #expect(loaded.config.task(named: "fresh")?.ignoresHolidays == true)
        #expect(inputs.managed?.text.contains("    report:\n      remove: true\n") == true)
        // A task only the managed file defines goes away entirely.
        let (again, againInputs) = try Self.edit([.addTask("fresh", Self.set(["command": "\"true\"", "at": "\"08:00\""])),
                                                 .removeTask("fresh")])
        #expect(again.config.task(named: "fresh") == nil)
        #expect(againInputs.managed?.text.contains("fresh") == false)
    }

    @Test func addingBackARemovedTaskStartsFromScratch() throws {
        let (loaded, _) = try Self.edit([.removeTask("report"),
                                         .addTask("report", Self.set(["command": "\"true\"", "at": "\"17:00\""]))])
        let report = try #require(loaded.config.task(named: "report"))
        #expect(report.retries == 0, "the main file's retries: 2 does not come back")
        #expect(report.schedule == .at([.wall(TimeOfDay(seconds: 17 * 3600))]))
    }

    @Test func settingsTakeRunTimeKeysOnly() throws {
        let (loaded, _) = try Self.edit([.setSettings(Self.set(["max_concurrent_tasks": "8", "enable_holiday_check": "false",
                                                                "calendar.extra_closures": "[\"2031-01-10\"]"]))])
        #expect(loaded.config.maxConcurrentTasks == 8 && !loaded.config.enableHolidayCheck)
        #expect(loaded.config.extraDays.entries.count == 1)
        #expect(Self.refusal(.setSettings(Self.set(["state_directory": "/tmp/x"])))?.message
            == "state_directory takes effect only at a restart, so it cannot be set at run time: edit the configuration file, then systemctl restart v6-scheduler")
        #expect(Self.refusal(.setSettings(Self.set(["tasks": "{}"])))?.code == .invalidValue)
        #expect(Self.refusal(.setSettings(Self.set(["calendar.a.b": "1"])))?.code == .invalidValue)
    }

    @Test func refusalsNameTheProblem() {
        #expect(Self.refusal(.setTask("colect", Self.set(["retries": "1"])))?.message == "no task named 'colect' (did you mean collect?); see: v6ctl list")
        #expect(Self.refusal(.removeTask("nope"))?.code == .unknownTask)
        #expect(Self.refusal(.addTask("collect", Self.set(["command": "x"])))?.message
            == "task collect already exists (defined in config/test.yaml); change it with v6ctl task set collect KEY=VALUE, or remove it first")
        #expect(Self.refusal(.setTask("collect", Self.set(["remove": "true"])))?.code == .invalidValue)
        #expect(Self.refusal(.setTask("collect", Self.set(["at": "[unclosed"])))?.message.hasPrefix("at=[unclosed: the value is not YAML") == true)
        #expect(Self.refusal(.setTask("collect", Self.set(["Bad Key": "1"])))?.code == .invalidValue)
    }

    @Test func theValidatorJudgesTheResult() throws {
        let inputs = Self.inputs()
        let running = try Self.running(inputs)
        let result = try ConfigEditor.apply(.setTask("collect", Self.set(["retrys": "2", "cron": "\"61 * * * *\""])), inputs: inputs, running: running)
        do {
            _ = try ConfigLoader.parse(inputs.replacingManaged(with: result.managedText), environment: [:], currentDirectory: ConfigTest.cwd)
            Issue.record("the edit must be rejected")
        } catch {
            let lines = error.issues.map(\.description)
            #expect(lines.count == 2)
            #expect(lines[0].hasPrefix(Self.managed + ":10: scheduler.tasks.collect.retrys: unknown key \"retrys\""), "\(lines)")
            #expect(lines[1].hasPrefix(Self.managed + ":11: scheduler.tasks.collect.cron: \"61 * * * *\" is not a valid cron expression"), "\(lines)")
        }
    }

    @Test func aLaterDropInThatOverridesTheEditIsFound() throws {
        let later = [("95-desk.yaml", "scheduler:\n  tasks:\n    collect:\n      retries: 5\n")]
        let inputs = Self.inputs(later)
        let result = try ConfigEditor.apply(.setTask("collect", Self.set(["retries": "1", "timeout_seconds": "60"])), inputs: inputs,
                                            running: try Self.running(inputs))
        let loaded = try Self.running(inputs.replacingManaged(with: result.managedText))
        #expect(ConfigEditor.overridden(result.touched, in: loaded).map { "\($0.key) \($0.source)" }
            == ["scheduler.tasks.collect.retries \(ConfigTest.path).d/95-desk.yaml:4"])
    }

    @Test func theManagedFileReadsBackAsWritten() throws {
        let (_, inputs) = try Self.edit([
            .setSettings(Self.set(["max_concurrent_tasks": "8", "calendar.extra_early_closes": "{\"2031-07-02\": \"13:00\"}"])),
            .setTask("collect", Self.set(["environment": "{API_KEY: \"a b#c\", MODE: live}", "command": "[\"python3\", \"-c\", \"print('x, y')\"]"])),
        ])
        let text = try #require(inputs.managed?.text)
        let reread = try ManagedDropIn(text: text, path: Self.managed)
        #expect(reread.text(mainPath: ConfigTest.path) == text)
        #expect(text.contains("environment: {API_KEY: \"a b#c\", MODE: live}"), "\(text)")
    }

    @Test func theAuditCommandMasksSecrets() {
        let edit = ConfigEdit.setTask("collect", Self.set(["environment": "{API_KEY: x}", "retries": "3", "webhook_token": "abc"]))
        #expect(edit.description == "task set collect environment=******** retries=3 webhook_token=********")
    }

    @Test func changesListWhatDiffersAndHideSecrets() {
        let old = [ConfigValue(key: "a", text: "1", source: .runtime), ConfigValue(key: "s", text: "x", shown: "\"********\"", source: .runtime),
                   ConfigValue(key: "gone", text: "2", source: .runtime)]
        let new = [ConfigValue(key: "a", text: "2", source: .runtime), ConfigValue(key: "s", text: "y", shown: "\"********\"", source: .runtime),
                   ConfigValue(key: "added", text: "3", source: .runtime)]
        #expect(ConfigValueChange.changes(from: old, to: new).map(\.description) == [
            "a: 1 -> 2", "s: \"********\" -> \"********\" (changed)", "added: (unset) -> 3", "gone: 2 -> (unset)",
        ])
    }
}
