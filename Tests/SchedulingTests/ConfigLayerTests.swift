import Foundation
import Testing
import TestSupport
@testable import Scheduling

/// The main file, then `<main>.d/*.yaml` in lexical order: what each drop-in can do, and that
/// every message names the file and line of the value that is wrong.
@Suite struct ConfigLayerTests {
    static let main = """
        scheduler:
          max_concurrent_tasks: 4
          tasks:
            collect:
              command: "python3 collect.py"
              frequency: "5min"
              market_phase: market_open
              timeout_seconds: 120
            report:
              command: "python3 report.py"
              at: "16:15"
              retries: 2

        """

    static func inputs(_ dropIns: [(String, String)], main: String = main) -> ConfigInputs {
        ConfigInputs(mainPath: ConfigTest.path, main: ConfigInputs.File(path: ConfigTest.path, text: main),
                     dropIns: dropIns.map { ConfigInputs.File(path: ConfigTest.path + ".d/" + $0.0, text: $0.1) })
    }

    static func load(_ dropIns: [(String, String)], main: String = main, environment: [String: String] = [:],
                     sourceLocation: SourceLocation = #_sourceLocation) -> LoadedConfig? {
        do {
            return try ConfigLoader.parse(inputs(dropIns, main: main), environment: environment, currentDirectory: ConfigTest.cwd)
        } catch {
            Issue.record("expected the layers to load, got:\n\(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    static func errors(_ dropIns: [(String, String)], main: String = main) -> [String] {
        do {
            _ = try ConfigLoader.parse(inputs(dropIns, main: main), environment: [:], currentDirectory: ConfigTest.cwd)
            return []
        } catch {
            return error.issues.map(\.description)
        }
    }

    @Test func aDropInOverridesSingleKeysAndTheLaterFileWins() throws {
        let loaded = try #require(Self.load([
            ("10-ops.yaml", "scheduler:\n  max_concurrent_tasks: 8\n  tasks:\n    collect:\n      timeout_seconds: 60\n"),
            ("20-desk.yaml", "scheduler:\n  tasks:\n    collect:\n      timeout_seconds: 90\n      retries: 1\n"),
        ]))
        let collect = try #require(loaded.config.task(named: "collect"))
        #expect(loaded.config.maxConcurrentTasks == 8)
        #expect(collect.timeoutSeconds == 90 && collect.retries == 1)
        #expect(collect.command == ["python3", "collect.py"])
        #expect(collect.schedule == .frequency(seconds: 300, window: .marketOpen))
        #expect(loaded.config.task(named: "report")?.retries == 2)
        let sources = Dictionary(loaded.layers.values.map { ($0.key, $0.source.description) }, uniquingKeysWith: { $1 })
        #expect(sources["scheduler.max_concurrent_tasks"] == "config/test.yaml.d/10-ops.yaml:2")
        #expect(sources["scheduler.tasks.collect.timeout_seconds"] == "config/test.yaml.d/20-desk.yaml:4")
        #expect(sources["scheduler.tasks.collect.command"] == "config/test.yaml:5")
        #expect(sources["scheduler.tasks.report.retries"] == "config/test.yaml:12")
    }

    @Test func errorsNameTheFileAndLineOfTheValueThatWon() {
        let lines = Self.errors([
            ("10-ops.yaml", "scheduler:\n  tasks:\n    collect:\n      retrys: 1\n      frequency: \"5 min\"\n"),
            ("20-desk.yaml", "# only a comment\n"),
            ("30-late.yaml", "scheduler:\n  max_concurrent_tasks: 0\n"),
        ])
        #expect(lines == [
            "config/test.yaml.d/10-ops.yaml:4: scheduler.tasks.collect.retrys: unknown key \"retrys\" (did you mean retries?)",
            "config/test.yaml.d/10-ops.yaml:5: scheduler.tasks.collect.frequency: \"5 min\" is not a duration (try 5min)",
            "config/test.yaml.d/30-late.yaml:2: scheduler.max_concurrent_tasks: 0 is out of range (from 1 to 1024)",
        ])
    }

    @Test func yamlSyntaxErrorsInADropInNameItsOwnLine() {
        let lines = Self.errors([("50-broken.yaml", "scheduler:\n  tasks:\n    collect: [unclosed\n")])
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("config/test.yaml.d/50-broken.yaml:") == true, "\(lines)")
        #expect(lines.first?.contains("YAML syntax error") == true)
        #expect(!(lines.first?.contains(":1000") ?? true))
    }

    @Test func dropInsAddRemoveAndRedefineTasks() throws {
        let loaded = try #require(Self.load([
            ("10-add.yaml", "scheduler:\n  tasks:\n    extra:\n      command: \"true\"\n      cron: \"0 8 * * 1-5\"\n"),
            ("20-rm.yaml", "scheduler:\n  tasks:\n    report:\n      remove: true\n"),
            ("30-new.yaml", "scheduler:\n  tasks:\n    collect:\n      remove: true\n      command: \"python3 collect2.py\"\n      at: \"09:45\"\n"),
        ]))
        #expect(loaded.config.tasks.map(\.name) == ["collect", "extra"])
        let collect = try #require(loaded.config.task(named: "collect"))
        // Redefined from scratch: nothing of the main file's definition is left.
        #expect(collect.timeoutSeconds == 3600)
        #expect(collect.command == ["python3", "collect2.py"])
        #expect(loaded.layers.taskFiles["collect"] == ["config/test.yaml.d/30-new.yaml"])
        #expect(loaded.layers.taskFiles["extra"] == ["config/test.yaml.d/10-add.yaml"])
        #expect(loaded.layers.taskFiles["report"] == nil)
    }

    @Test func removingATaskNobodyDefinedIsAWarning() throws {
        let loaded = try #require(Self.load([("10-rm.yaml", "scheduler:\n  tasks:\n    ghost:\n      remove: true\n")]))
        #expect(loaded.warnings.map(\.description) == [
            "config/test.yaml.d/10-rm.yaml:4: scheduler.tasks.ghost: remove: true removes nothing: no earlier file defines task ghost",
        ])
    }

    @Test func removeBelongsInDropInsOnly() {
        let main = "scheduler:\n  tasks:\n    job:\n      command: \"true\"\n      at: \"08:00\"\n      remove: true\n"
        #expect(Self.errors([], main: main) == [
            "config/test.yaml:6: scheduler.tasks.job.remove: remove: drops a task defined in an earlier file and belongs in a drop-in (<main>.d/*.yaml); here, delete the task instead",
        ])
        #expect(Self.errors([("10-x.yaml", "scheduler:\n  tasks:\n    report:\n      remove: maybe\n")]) == [
            "config/test.yaml.d/10-x.yaml:4: scheduler.tasks.report.remove: expects true (drop the task defined earlier), found \"maybe\"",
        ])
    }

    @Test func aScheduleKeyReplacesTheEarlierSchedule() throws {
        let loaded = try #require(Self.load([
            ("10-cron.yaml", "scheduler:\n  tasks:\n    collect:\n      cron: \"*/10 9-15 * * 1-5\"\n"),
            ("20-every.yaml", "scheduler:\n  tasks:\n    report:\n      frequency: 1h\n"),
        ]))
        guard case .cron = loaded.config.task(named: "collect")?.schedule else {
            Issue.record("collect: cron replaces frequency (and its market_phase)")
            return
        }
        #expect(loaded.config.task(named: "report")?.schedule == .frequency(seconds: 3600, window: .any))
        // A frequency over a frequency keeps the earlier market_phase.
        let faster = try #require(Self.load([("10-f.yaml", "scheduler:\n  tasks:\n    collect:\n      frequency: 1min\n")]))
        #expect(faster.config.task(named: "collect")?.schedule == .frequency(seconds: 60, window: .marketOpen))
    }

    @Test func nullFallsBackToTheDefault() throws {
        let loaded = try #require(Self.load([("10-x.yaml", "scheduler:\n  max_concurrent_tasks: ~\n  tasks:\n    collect:\n      timeout_seconds:\n")]))
        #expect(loaded.config.maxConcurrentTasks == 16)
        #expect(loaded.config.task(named: "collect")?.timeoutSeconds == 3600)
    }

    @Test func aDropInOfTheWrongShapeIsReportedAtItsLine() {
        #expect(Self.errors([("10-x.yaml", "- a list\n")]) == [
            "config/test.yaml.d/10-x.yaml:1: a drop-in expects a scheduler: section like the main file's, found a list",
        ])
        #expect(Self.errors([("10-x.yaml", "scheduler:\n  tasks: [a]\n")]) == [
            "config/test.yaml.d/10-x.yaml:2: scheduler.tasks: expects a mapping of keys to override, found a list",
        ])
        #expect(Self.errors([("10-x.yaml", "schedular:\n  tasks: {}\n")]) == [
            "config/test.yaml.d/10-x.yaml:1: schedular: unknown key \"schedular\" (did you mean scheduler?)",
        ])
    }

    @Test func theEnvironmentStillWinsAndSaysSo() throws {
        let loaded = try #require(Self.load([("10-x.yaml", "scheduler:\n  tasks:\n    collect:\n      enabled: true\n")],
                                            environment: ["SCHEDULER_COLLECT_ENABLED": "false", "SCHEDULER_FORCE_RUN": "true"]))
        #expect(loaded.config.task(named: "collect")?.enabled == false)
        let values = loaded.layers.effectiveValues(loaded.config)
        let enabled = try #require(values.first { $0.key == "scheduler.tasks.collect.enabled" })
        #expect(enabled.text == "false" && enabled.source == .environment("SCHEDULER_COLLECT_ENABLED"))
        let force = try #require(values.first { $0.key == "scheduler.tasks.report.force_run" })
        #expect(force.source.description == "env SCHEDULER_FORCE_RUN")
    }

    @Test func secretsAreMaskedInTheValues() throws {
        let main = Self.main + "    keyed:\n      command: \"true\"\n      at: \"08:00\"\n      environment: {API_KEY: \"s3cr3t\", MODE: live}\n"
        let loaded = try #require(Self.load([], main: main))
        let env = try #require(loaded.layers.values.first { $0.key == "scheduler.tasks.keyed.environment" })
        #expect(env.shown == "{API_KEY: \"********\", MODE: \"********\"}")
        #expect(env.text.contains("s3cr3t"))
        #expect(loaded.layers.values.allSatisfy { !$0.shown.contains("s3cr3t") })
    }

    /// An alert channel's webhook URL carries its credential: masked in `config show` like a password.
    @Test func alertChannelURLsAndPasswordsAreMasked() throws {
        let main = Self.main.replacingOccurrences(of: "scheduler:\n", with: """
            scheduler:
              notify:
                desk_slack: {type: slack, url: "https://hooks.slack.example/T0/B0/HOOKSECRET"}
                desk_mail: {type: email, host: smtp.example, port: 587, security: starttls, user: desk,
                            password: "MAILSECRET", from: "v6@example", to: ["desk@example"]}

            """)
        let loaded = try #require(Self.load([], main: main))
        let notify = try #require(loaded.layers.values.first { $0.key == "scheduler.notify" })
        #expect(notify.text.contains("HOOKSECRET") && notify.text.contains("MAILSECRET"))
        #expect(!notify.shown.contains("HOOKSECRET") && !notify.shown.contains("MAILSECRET"), "\(notify.shown)")
        #expect(notify.shown.contains("smtp.example"), "only the secrets are masked: \(notify.shown)")
    }

    @Test func theRevisionChangesWithAnyTextOfAnyLayer() {
        let a = Self.inputs([("10-x.yaml", "scheduler: {}\n")]).revision
        #expect(a == Self.inputs([("10-x.yaml", "scheduler: {}\n")]).revision)
        #expect(a != Self.inputs([("10-x.yaml", "scheduler: {} # note\n")]).revision)
        #expect(a != Self.inputs([("11-x.yaml", "scheduler: {}\n")]).revision)
        #expect(a != Self.inputs([]).revision)
        #expect(a.count == 16)
    }

    @Test func dropInsAreReadInLexicalOrderFromDisk() throws {
        let directory = try TemporaryDirectory("v6layers")
        let main = try directory.write("prod.yaml", Self.main)
        try directory.write("prod.yaml.d/20-b.yaml", "scheduler:\n  max_concurrent_tasks: 3\n")
        try directory.write("prod.yaml.d/100-a.yaml", "scheduler:\n  max_concurrent_tasks: 2\n")
        try directory.write("prod.yaml.d/.90-runtime.yaml.tmp-1", "scheduler:\n  max_concurrent_tasks: 99\n")
        try directory.write("prod.yaml.d/30-c.yml", "scheduler:\n  max_concurrent_tasks: 98\n")
        try directory.write("prod.yaml.d/README", "not yaml")
        let loaded = try ConfigLoader.load(path: main, envFile: nil, environment: [:])
        // "100-a" sorts before "20-b": bytes, not numbers, as systemd does.
        #expect(loaded.layers.files.map { ($0.path as NSString).lastPathComponent } == ["prod.yaml", "100-a.yaml", "20-b.yaml"])
        #expect(loaded.config.maxConcurrentTasks == 3)
        #expect(loaded.warnings.map(\.description) == ["\(main).d/30-c.yml: is not read: drop-ins end in .yaml (rename it to 30-c.yaml)"])
    }

    @Test func aDropInThatCannotBeReadIsAnError() throws {
        let directory = try TemporaryDirectory("v6layers")
        let main = try directory.write("prod.yaml", Self.main)
        try FileManager.default.createDirectory(atPath: main + ".d/10-dir.yaml", withIntermediateDirectories: true)
        do {
            _ = try ConfigLoader.load(path: main, envFile: nil, environment: [:])
            Issue.record("a directory named like a drop-in must fail the load")
        } catch {
            #expect(error.description.contains("\(main).d/10-dir.yaml: cannot read the drop-in"), "\(error)")
        }
        let file = try directory.write("other.yaml", Self.main)
        try directory.write("other.yaml.d", "a file, not a directory")
        #expect(throws: ConfigErrors.self) { try ConfigLoader.load(path: file, envFile: nil, environment: [:]) }
    }
}
