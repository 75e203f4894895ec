import Foundation
import Testing
import TestSupport

extension FaultTests {
    /// `v6ctl reload` with a configuration that is broken, missing or unreadable: the running
    /// configuration stays in force (a 1 s task keeps firing), the caller gets exit 1 with the
    /// file and the reason, and the daemon logs the rejection at error level.
    @Suite struct Reload {
        static let config = Fault.header() + Fault.tick

        /// One way to spoil the file, how to undo it, and a word the message must contain.
        struct Spoiler: Sendable {
            let name: String
            let reason: String
            let apply: @Sendable (String) throws -> Void
        }

        static let spoilers: [Spoiler] = [
            Spoiler(name: "broken YAML", reason: "line") { path in
                try "scheduler:\n  tasks:\n    tick: [unclosed\n".write(toFile: path, atomically: true, encoding: .utf8)
            },
            Spoiler(name: "invalid value", reason: "often") { path in
                let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "\"1s\"", with: "\"often\"")
                try text.write(toFile: path, atomically: true, encoding: .utf8)
            },
            Spoiler(name: "missing file", reason: "No such file") { path in
                try FileManager.default.removeItem(atPath: path)
            },
            // chmod 000 does not stop root (CI runs as root), so "unreadable" is made two ways that
            // stop anyone: a directory where the file should be, and bytes that are not UTF-8.
            Spoiler(name: "unreadable (a directory in its place)", reason: "directory") { path in
                try FileManager.default.removeItem(atPath: path)
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            },
            Spoiler(name: "unreadable (invalid UTF-8)", reason: "UTF-8") { path in
                try Data([0x73, 0x63, 0x68, 0xFF, 0xFE, 0x3A, 0x0A]).write(to: URL(fileURLWithPath: path))
            },
        ]

        @Test func rejectedReloadsKeepTheRunningConfiguration() throws {
            let daemon = try DaemonHarness(config: Self.config, label: "v6fault-reload")
            try daemon.start()
            defer { daemon.stop() }
            let good = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
            #expect(Fault.waitForStarts(daemon, "tick", beyond: 0, more: 1))

            for spoiler in Self.spoilers {
                try? FileManager.default.removeItem(atPath: daemon.configPath)
                try good.write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
                try spoiler.apply(daemon.configPath)
                let logBefore = LogScan.lines(in: daemon.logPath, containing: "reload").count
                let before = Fault.startCount(daemon, "tick")

                let reload = try daemon.v6ctl(["reload"])
                let message = reload.stdout + reload.stderr
                #expect(reload.status == 1, "\(spoiler.name): v6ctl reload exits 1, got \(reload.status): \(message)")
                #expect(message.contains(daemon.configPath), "\(spoiler.name): the message names the file: \(message)")
                #expect(message.contains(spoiler.reason), "\(spoiler.name): the message gives the reason (\(spoiler.reason)): \(message)")

                let logged = LogScan.lines(in: daemon.logPath, containing: "reload").dropFirst(logBefore)
                let rejection = logged.first { $0.text.contains("rejected") }
                #expect(rejection?.level == "error", "\(spoiler.name): the daemon logs the rejection at error level: \(logged.map(\.text))")
                #expect(rejection?.text.contains(daemon.configPath) == true, "\(spoiler.name): the log line names the file")

                // The old configuration keeps running: tick still fires, and is still the only task.
                #expect(Fault.waitForStarts(daemon, "tick", beyond: before), "\(spoiler.name): tick stopped firing")
                let tasks = (try Fault.list(daemon)["tasks"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
                #expect(tasks == ["tick"])
                print("FIGURE: reload \(spoiler.name): exit \(reload.status); tick runs after it \(Fault.startCount(daemon, "tick") - before); message: \(message.split(separator: "\n").joined(separator: " | "))")
            }

            // The good file back: reload succeeds, so the failures above were the file's fault.
            try? FileManager.default.removeItem(atPath: daemon.configPath)
            try good.write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
            let reload = try daemon.v6ctl(["reload"])
            #expect(reload.status == 0, "a good config reloads: \(reload.stdout) \(reload.stderr)")
            #expect(daemon.stop() == 0)
        }
    }
}
