import Foundation
import Testing
import TestSupport

/// Run-time configuration edits against a real daemon: `v6ctl task add|set|rm`, `settings set`,
/// `config show --sources`, `audit`, and what `plan` and the schedule make of them.
@Suite(.serialized) struct E2EConfigEditTests {
    static let config = E2E.header + """
            idle:
              command: ["/bin/true"]
              at: "03:00"
              days: [saturday]
              retries: 2

        """

    @Test func aTaskAddedAtRunTimeRunsAndIsInThePlan() throws {
        let daemon = try DaemonHarness(config: Self.config, label: "v6edit")
        try daemon.start()
        defer { daemon.stop() }
        let marker = daemon.directory.file("ran")
        let add = try daemon.v6ctl(["task", "add", "pulse", "--command", "/bin/sh -c 'echo x >> \(marker)'",
                                    "--every", "1s", "--days", "every_day", "--timeout", "5s"])
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.stdout.contains("scheduler.tasks.pulse.frequency: (unset) -> \"1s\""), "\(add.stdout)")
        // It runs: the schedule picked it up through the reload.
        #expect(E2E.poll(timeout: 10) { ((try? String(contentsOfFile: marker, encoding: .utf8)) ?? "").count >= 4 })

        // plan reads the same layers as the daemon.
        let today = E2E.format(Date(), "yyyy-MM-dd")
        let plan = try Command.run("v6-scheduler", ["plan", "--config", daemon.configPath, "--from", today, "--to", today])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains(",pulse\n"), "plan shows the task added at run time")

        let managed = try String(contentsOfFile: daemon.configPath + ".d/90-runtime.yaml", encoding: .utf8)
        #expect(managed.hasPrefix("# Managed by v6-scheduler"))
        #expect(managed.contains("    pulse:\n      command: \"/bin/sh -c 'echo x >> \(marker)'\"\n"), "\(managed)")

        #expect(try daemon.v6ctl(["task", "rm", "pulse"]).status == 0)
        #expect(try daemon.taskStatus("pulse") == nil)
        #expect(try daemon.v6ctl(["task", "rm", "idle"]).status == 0)
        let after = try String(contentsOfFile: daemon.configPath + ".d/90-runtime.yaml", encoding: .utf8)
        #expect(!after.contains("pulse"), "a task only the managed file had is gone from it")
        #expect(after.contains("    idle:\n      remove: true\n"), "a task of the main file is removed by a remove: true")
        #expect(daemon.stop() == 0)
    }

    @Test func configShowGivesEachValueItsSource() throws {
        let daemon = try DaemonHarness(config: Self.config, label: "v6edit")
        try daemon.directory.write("config.yaml.d/10-ops.yaml", "scheduler:\n  tasks:\n    idle:\n      retries: 4\n")
        try daemon.start(environment: ["SCHEDULER_IDLE_ENABLED": "false"])
        defer { daemon.stop() }
        #expect(try daemon.v6ctl(["task", "set", "idle", "timeout_seconds=90", "environment={TOKEN: hunter2}"]).status == 0)
        #expect(try daemon.v6ctl(["enable", "idle"]).status == 0)

        let shown = try daemon.v6ctl(["config", "show", "--sources"])
        #expect(shown.status == 0, "\(shown.stderr)")
        let lines = shown.stdout.split(separator: "\n").map(String.init)
        func line(_ key: String) -> String? { lines.first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(key + ":") } }
        #expect(line("retries")?.hasSuffix("# \(daemon.configPath).d/10-ops.yaml:4") == true, "\(shown.stdout)")
        #expect(line("timeout_seconds")?.contains("# \(daemon.configPath).d/90-runtime.yaml:") == true)
        #expect(line("command")?.hasSuffix("# \(daemon.configPath):7") == true)
        #expect(line("enabled")?.hasSuffix("# runtime") == true, "the run-time toggle outranks SCHEDULER_IDLE_ENABLED")
        #expect(line("environment")?.contains("{TOKEN: \"********\"}") == true)
        #expect(!shown.stdout.contains("hunter2"), "secrets are masked")

        let json = try daemon.json(["config", "show", "--sources"])
        let values = try #require(json["values"] as? [[String: Any]])
        #expect(values.contains { $0["key"] as? String == "scheduler.tasks.idle.retries" && $0["value"] as? String == "4" })
        #expect(json["managed_file"] as? String == daemon.configPath + ".d/90-runtime.yaml")
        #expect((json["revision"] as? String)?.count == 16)
        // Without the run-time toggle, the environment's value shows with its variable.
        #expect(try daemon.v6ctl(["clear", "idle"]).status == 0)
        let plain = try daemon.v6ctl(["config", "show", "--sources"]).stdout
        #expect(plain.contains("enabled: false") && plain.contains("# env SCHEDULER_IDLE_ENABLED"), "\(plain)")
        #expect(!(try daemon.v6ctl(["config", "show"]).stdout.contains("# /")), "no sources without --sources")
        #expect(daemon.stop() == 0)
    }

    @Test func theAuditSaysWhoForWhomAndWhat() throws {
        let daemon = try DaemonHarness(config: Self.config, label: "v6edit")
        try daemon.start()
        defer { daemon.stop() }
        let set = try daemon.v6ctl(["task", "set", "idle", "retries=3", "--on-behalf-of", "Alice Smith"])
        #expect(set.status == 0, "\(set.stderr)")
        #expect(try daemon.v6ctl(["settings", "set", "max_concurrent_tasks=4"]).status == 0)

        let entries = try #require(try daemon.json(["audit", "--limit", "10"])["entries"] as? [[String: Any]])
        #expect(entries.count == 3, "two edits and the first start: \(entries)")
        let newest = entries[0], edit = entries[1]
        #expect(newest["command"] as? String == "settings set max_concurrent_tasks=4")
        #expect(edit["command"] as? String == "task set idle retries=3")
        #expect(edit["uid"] as? Int == Int(getuid()))
        #expect(edit["user"] as? String == "root" || getuid() != 0)
        #expect(edit["on_behalf_of"] as? String == "Alice Smith")
        #expect(edit["outcome"] as? String == "applied")
        let change = try #require((edit["changes"] as? [[String: Any]])?.first)
        #expect(change["key"] as? String == "scheduler.tasks.idle.retries")
        #expect(change["before"] as? String == "2" && change["after"] as? String == "3")
        #expect(entries[2]["command"] as? String == "start")

        let text = try daemon.v6ctl(["audit"]).stdout
        #expect(text.contains("on behalf of Alice Smith: task set idle retries=3"), "\(text)")
        #expect(text.contains("scheduler.tasks.idle.retries: 2 -> 3"))
        // The log (the journal under systemd) carries the same, marked as an audit entry.
        let logged = daemon.logLines(containing: "configuration changed by", "audit=1", "on_behalf_of=\"Alice Smith\"")
        #expect(logged.count == 1, "\(daemon.log)")
        // A reload of files edited by hand is recorded too, with what it changed.
        try daemon.directory.write("config.yaml.d/95-hand.yaml", "scheduler:\n  tasks:\n    idle:\n      retries: 7\n")
        #expect(try daemon.v6ctl(["reload"]).status == 0)
        let reload = try #require((try daemon.json(["audit", "--limit", "1"])["entries"] as? [[String: Any]])?.first)
        #expect(reload["command"] as? String == "reload")
        #expect((reload["reason"] as? String)?.contains("95-hand.yaml") == true, "\(reload)")
        #expect((reload["changes"] as? [[String: Any]])?.first?["after"] as? String == "7")
        #expect(daemon.stop() == 0)
    }

    @Test func auditEntriesAreJournalEntriesWithV6Audit() throws {
        guard StandaloneJournald.unavailableReason == nil else {
            print("SKIP: auditEntriesAreJournalEntriesWithV6Audit: \(StandaloneJournald.unavailableReason ?? "")")
            return
        }
        let journald = try StandaloneJournald()
        defer { journald.stop() }
        let daemon = try DaemonHarness(config: Self.config, label: "v6edit")
        daemon.launcher = journald.launcher
        try daemon.start(arguments: ["--log-target", "journal"])
        defer { daemon.stop() }
        #expect(try daemon.v6ctl(["task", "set", "idle", "retries=5", "--on-behalf-of", "Bob"]).status == 0)
        let entry = try #require(try journald.entries(["V6_AUDIT=1"], atLeast: 1).first)
        #expect(entry["V6_COMMAND"] == "task set idle retries=5")
        #expect(entry["V6_ON_BEHALF_OF"] == "Bob")
        #expect(entry["V6_PEER_UID"] == "\(getuid())")
        #expect(entry["V6_CHANGES"] == "scheduler.tasks.idle.retries: 2 -> 5")
        #expect(entry["V6_CONFIG_REVISION"]?.count == 16)
    }
}
