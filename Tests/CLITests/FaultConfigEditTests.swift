import Foundation
import Synchronization
import Testing
import TestSupport

extension FaultTests {
    /// Run-time configuration edits when things go wrong: bad input, a drop-in broken by hand,
    /// kill -9 between the rename and the reload, a full or read-only drop-in directory, ten
    /// editors at once, an unprivileged peer. In every case the running schedule goes on (a
    /// 1 s task keeps firing) and nothing is half-written.
    @Suite struct ConfigEdits {
        static let config = Fault.header() + Fault.tick + """
                idle:
                  command: ["/bin/true"]
                  at: "03:00"
                  days: [saturday]
                  timeout_seconds: 60

            """

        static func managedPath(_ daemon: DaemonHarness) -> String { daemon.configPath + ".d/90-runtime.yaml" }

        static func revision(_ daemon: DaemonHarness) throws -> String {
            try #require(try daemon.json(["config", "show"])["revision"] as? String)
        }

        static func timeout(_ daemon: DaemonHarness, _ task: String = "idle") throws -> Int? {
            try Fault.show(daemon, task)["timeout_seconds"] as? Int
        }

        /// Every file in the drop-in directory, hidden ones included (a temporary file left behind).
        static func dropInFiles(_ daemon: DaemonHarness) -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: daemon.configPath + ".d")) ?? []).sorted()
        }

        @Test func badEditsAreRefusedWithTheCheckersMessageAndWriteNothing() throws {
            let daemon = try DaemonHarness(config: Self.config, label: "v6fault-edit")
            try daemon.start()
            defer { daemon.stop() }
            let revision = try Self.revision(daemon)
            let cases: [(String, [String], String)] = [
                ("invalid value", ["task", "set", "idle", "timeout_seconds=-5"], "scheduler.tasks.idle.timeout_seconds: -5 is out of range (from 1 to 604800 seconds) [invalid_config]"),
                ("unknown key", ["task", "set", "idle", "retrys=2"], "scheduler.tasks.idle.retrys: unknown key \"retrys\" (did you mean retries?) [invalid_config]"),
                ("unknown task", ["task", "set", "idel", "retries=2"], "no task named 'idel' (did you mean idle?); see: v6ctl list [unknown_task]"),
                ("bad cron", ["task", "add", "c", "--command", "true", "--cron", "61 * * * *"], "scheduler.tasks.c.cron: \"61 * * * *\" is not a valid cron expression"),
                ("duplicate name", ["task", "add", "idle", "--command", "true", "--at", "08:00"], "task idle already exists (defined in \(daemon.configPath))"),
                ("bad task name", ["task", "add", "Bad-Name", "--command", "true", "--at", "08:00"], "task names use only a-z, 0-9 and _"),
                ("restart-only key", ["settings", "set", "control_socket=/tmp/x.sock"], "control_socket takes effect only at a restart"),
                ("no schedule", ["task", "add", "x", "--command", "true"], "give exactly one schedule"),
            ]
            for (what, arguments, message) in cases {
                let result = try daemon.v6ctl(arguments)
                let expectedStatus: Int32 = what == "no schedule" ? 2 : 1
                #expect(result.status == expectedStatus, "\(what): exit \(result.status): \(result.stderr)")
                #expect(result.stderr.contains(message), "\(what): \(result.stderr)")
                #expect(!FileManager.default.fileExists(atPath: Self.managedPath(daemon)), "\(what): nothing written")
                #expect(try Self.revision(daemon) == revision, "\(what): the revision is unchanged")
                print("FIGURE: refused edit (\(what)): exit \(result.status): \(result.stderr.split(separator: "\n").joined(separator: " | "))")
            }
            #expect(try Self.timeout(daemon) == 60)
            let tasks = (try Fault.list(daemon)["tasks"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(tasks == ["idle", "tick"], "the running schedule is unchanged")
            let before = Fault.startCount(daemon, "tick")
            #expect(Fault.waitForStarts(daemon, "tick", beyond: before), "tick keeps firing")
            #expect(Self.dropInFiles(daemon).isEmpty, "no temporary file either: \(Self.dropInFiles(daemon))")
            #expect(daemon.stop() == 0)
        }

        @Test func aDropInBrokenByHandIsRefusedOnReloadAndTheOldScheduleRuns() throws {
            let daemon = try DaemonHarness(config: Self.config, label: "v6fault-dropin")
            try daemon.start()
            defer { daemon.stop() }
            #expect(try daemon.v6ctl(["task", "set", "idle", "timeout_seconds=30"]).status == 0)
            try daemon.directory.write("config.yaml.d/20-hand.yaml", "scheduler:\n  tasks:\n    tick:\n      frequency: \"1 s\"\n")
            let before = Fault.startCount(daemon, "tick")

            let reload = try daemon.v6ctl(["reload"])
            #expect(reload.status == 1)
            let place = "\(daemon.configPath).d/20-hand.yaml:4: scheduler.tasks.tick.frequency: \"1 s\" is not a duration (try 1s)"
            #expect(reload.stderr.contains(place), "\(reload.stderr)")
            #expect(!daemon.logLines(containing: "reload", "rejected", "20-hand.yaml:4").isEmpty)
            #expect(Fault.waitForStarts(daemon, "tick", beyond: before), "the old schedule keeps running")
            #expect(try Self.timeout(daemon) == 30)

            // A run-time edit now would carry the broken file along: refused until it is fixed.
            let edit = try daemon.v6ctl(["task", "set", "idle", "retries=1"])
            #expect(edit.status == 1)
            #expect(edit.stderr.contains("changed on disk") && edit.stderr.contains("20-hand.yaml") && edit.stderr.contains("[conflict]"), "\(edit.stderr)")

            try daemon.directory.write("config.yaml.d/20-hand.yaml", "scheduler:\n  tasks:\n    tick:\n      frequency: \"2s\"\n")
            #expect(try daemon.v6ctl(["reload"]).status == 0)
            #expect(try daemon.v6ctl(["task", "set", "idle", "retries=1"]).status == 0)
            print("FIGURE: broken drop-in on reload: exit \(reload.status): \(reload.stderr.split(separator: "\n").joined(separator: " | "))")
            #expect(daemon.stop() == 0)
        }

        @Test func killNineBetweenTheRenameAndTheReloadIsAppliedAtTheNextStart() throws {
            let daemon = try DaemonHarness(config: Self.config, label: "v6fault-k9edit")
            try daemon.start(environment: ["V6_FAULT_STOP_AT": "after-rename"])
            defer { daemon.stop() }
            let client = Process()
            client.executableURL = URL(fileURLWithPath: Command.path(of: "v6ctl"))
            client.arguments = ["--socket", daemon.socketPath, "task", "set", "idle", "timeout_seconds=45", "--on-behalf-of", "Carol"]
            client.standardOutput = FileHandle.nullDevice
            client.standardError = FileHandle.nullDevice
            try client.run()
            defer { if client.isRunning { kill(client.processIdentifier, SIGKILL); client.waitUntilExit() } }

            // The daemon stops itself right after the rename: kill -9 it there.
            let stopped = waitUntil(timeout: 10) { ProcFS.entry(daemon.pid)?.state == "T" }
            #expect(stopped, "the daemon reached the fault point")
            let written = (try? String(contentsOfFile: Self.managedPath(daemon), encoding: .utf8)) ?? ""
            #expect(written.contains("timeout_seconds: 45"), "renamed into place before the kill: \(written)")
            daemon.crash()
            client.waitUntilExit()
            #expect(client.terminationStatus == 3, "v6ctl saw the daemon go away")

            try daemon.start()
            #expect(try Self.timeout(daemon) == 45, "the next start applies the change")
            let entry = try #require((try daemon.json(["audit", "--limit", "5"])["entries"] as? [[String: Any]])?
                .first { ($0["command"] as? String)?.hasPrefix("task set idle") == true })
            #expect(entry["outcome"] as? String == "applied", "\(entry)")
            #expect(entry["on_behalf_of"] as? String == "Carol")
            #expect(!daemon.logLines(containing: "applied at start", "audit=1").isEmpty, "\(daemon.log)")
            print("FIGURE: kill -9 after rename: v6ctl exit \(client.terminationStatus); after restart timeout_seconds=\(try Self.timeout(daemon) ?? 0), audit outcome \(entry["outcome"] ?? "-")")
            #expect(daemon.stop() == 0)
        }

        @Test(.enabled("needs root to mount a tmpfs (CI runs as root)") { canMount("drop-in directory full or read-only") })
        func aFullOrReadOnlyDropInDirectoryFailsTheEditCleanly() throws {
            let daemon = try DaemonHarness(config: Self.config, label: "v6fault-edisk")
            let disk = try TmpfsMount(at: daemon.configPath + ".d", sizeKiB: 64)
            defer { disk.unmount() }
            try daemon.start()
            defer { daemon.stop() }
            #expect(try daemon.v6ctl(["task", "set", "idle", "timeout_seconds=30"]).status == 0)
            let good = try String(contentsOfFile: Self.managedPath(daemon), encoding: .utf8)

            disk.fill()
            let full = try daemon.v6ctl(["task", "set", "idle", "timeout_seconds=40"])
            #expect(full.status == 1)
            #expect(full.stderr.contains("No space left on device") && full.stderr.contains("[write_failed]"), "\(full.stderr)")
            #expect(full.stderr.contains("nothing was changed"))
            try FileManager.default.removeItem(atPath: disk.path + "/filler")
            #expect(try String(contentsOfFile: Self.managedPath(daemon), encoding: .utf8) == good, "the old file is whole")
            #expect(Self.dropInFiles(daemon) == ["90-runtime.yaml"], "no temporary file left: \(Self.dropInFiles(daemon))")
            #expect(try Self.timeout(daemon) == 30)

            try disk.remount(readOnly: true)
            let readOnly = try daemon.v6ctl(["task", "set", "idle", "timeout_seconds=40"])
            #expect(readOnly.status == 1)
            #expect(readOnly.stderr.contains("Read-only file system") && readOnly.stderr.contains("[write_failed]"), "\(readOnly.stderr)")
            #expect(try Self.timeout(daemon) == 30)
            let before = Fault.startCount(daemon, "tick")
            #expect(Fault.waitForStarts(daemon, "tick", beyond: before), "the old schedule keeps running")

            let failed = (try daemon.json(["audit", "--limit", "2"])["entries"] as? [[String: Any]]) ?? []
            #expect(failed.map { $0["outcome"] as? String } == ["failed", "failed"], "\(failed)")
            try disk.remount(readOnly: false)
            #expect(try daemon.v6ctl(["task", "set", "idle", "timeout_seconds=40"]).status == 0, "works again once the disk is back")
            #expect(try Self.timeout(daemon) == 40)
            print("FIGURE: drop-in dir full: \(full.stderr.trimmingCharacters(in: .whitespacesAndNewlines)) | read-only: \(readOnly.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            #expect(daemon.stop() == 0)
        }

        @Test func tenEditorsAtOnceAreEachAppliedOrRefusedWithConflict() throws {
            let daemon = try DaemonHarness(config: Self.config, label: "v6fault-ten")
            try daemon.start()
            defer { daemon.stop() }
            for (round, base) in [("shared revision", 100), ("own revision", 200)] {
                // Each round its own values: an edit to the value already in force changes
                // nothing and leaves no audit entry (round 1's winner was one of 100...109).
                let revision = try Self.revision(daemon)
                let auditBefore = (try daemon.json(["audit", "--limit", "1000"])["entries"] as? [[String: Any]])?.count ?? 0
                let results = Mutex<[(Int, CommandResult)]>([])
                DispatchQueue.concurrentPerform(iterations: 10) { i in
                    // Round 1: all ten based on the same revision (a form opened by ten people).
                    // Round 2: each reads the revision itself first (v6ctl without --revision).
                    let pinned = round == "shared revision" ? ["--revision", revision] : []
                    let arguments = ["task", "set", "idle", "timeout_seconds=\(base + i)"] + pinned
                    if let result = try? daemon.v6ctl(arguments) { results.withLock { $0.append((i, result)) } }
                }
                let all = results.withLock { $0 }
                #expect(all.count == 10)
                let applied = all.filter { $0.1.status == 0 }
                let refused = all.filter { $0.1.status != 0 }
                for (i, result) in refused {
                    #expect(result.status == 1 && result.stderr.contains("[conflict]"), "editor \(i): \(result.stderr)")
                }
                #expect(!applied.isEmpty)
                if round == "shared revision" { #expect(applied.count == 1, "one edit wins the shared revision") }
                // None lost silently: each applied edit is in the audit, and the last one is in force.
                let entries = (try daemon.json(["audit", "--limit", "1000"])["entries"] as? [[String: Any]]) ?? []
                let new = entries.prefix(entries.count - auditBefore)
                #expect(new.count == applied.count, "\(round): audit \(new.count) entries for \(applied.count) applied edits")
                #expect(Set(new.compactMap { $0["command"] as? String })
                    == Set(applied.map { "task set idle timeout_seconds=\(base + $0.0)" }))
                let last = try #require(new.first?["command"] as? String)
                #expect(last == "task set idle timeout_seconds=\(try Self.timeout(daemon) ?? 0)", "the newest audit entry is in force")
                print("FIGURE: 10 concurrent editors (\(round)): \(applied.count) applied, \(refused.count) refused with conflict, in force: \(last)")
            }
            #expect(daemon.stop() == 0)
        }

        @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: E2EPermissionTests.setpriv),
                       "needs root and setpriv to act as uid 65534; runs under CI as root"))
        func anUnprivilegedPeerIsRefusedAndLogged() throws {
            let daemon = try DaemonHarness(config: Self.config, label: "v6fault-nobody")
            chmod(daemon.directory.path, 0o755)
            try daemon.start()
            defer { daemon.stop() }
            #expect(chmod(daemon.socketPath, 0o666) == 0)
            let show = try E2EPermissionTests.v6ctlAsNobody(daemon, ["config", "show", "--sources"])
            #expect(show.status == 0, "reads are open: \(show.stderr)")
            let revision = try Self.revision(daemon)
            for change in [["task", "set", "idle", "retries=1"], ["task", "add", "x", "--command", "true", "--at", "08:00"],
                           ["task", "rm", "idle"], ["settings", "set", "max_concurrent_tasks=2"]] {
                let result = try E2EPermissionTests.v6ctlAsNobody(daemon, change + ["--revision", revision])
                #expect(result.status == 1, "\(change): \(result.stderr)")
                #expect(result.stderr.contains("[permission_denied]"), "\(change): \(result.stderr)")
            }
            #expect(daemon.waitForLog("refused task_set from uid \(E2EPermissionTests.nobody)"))
            #expect(!FileManager.default.fileExists(atPath: Self.managedPath(daemon)))
            #expect(try Self.revision(daemon) == revision)
            #expect(daemon.stop() == 0)
        }
    }
}
