import Foundation
import Testing
import TestSupport

/// A big configuration through a real daemon: `status` counts every task and lists only those
/// that need attention; `list` pages (`--limit`, `--offset`) and filters (`--filter`).
@Suite(.serialized) struct E2ETaskListTests {
    static let quietDay = E2E.weekday(daysFromToday: 2)
    static let generated = 1_200
    /// Every 8th generated task is disabled in the YAML.
    static let disabled = (0..<generated).filter { $0 % 8 == 0 }.map(name)

    static func name(_ i: Int) -> String { "task_" + String(String(i + 10_000).dropFirst()) }

    static var config: String {
        var text = E2E.header.replacingOccurrences(of: "  tasks:", with: "  max_concurrent_tasks: 1\n  tasks:") + """
                e2e_fail:
                  command: ["/bin/sh", "-c", "exit 3"]
                  at: "03:00"
                  days: [\(quietDay)]
                e2e_sleep:
                  command: ["/bin/sleep", "30"]
                  at: "03:00"
                  days: [\(quietDay)]
                e2e_wait:
                  command: ["/bin/true"]
                  at: "03:00"
                  days: [\(quietDay)]

            """
        for i in 0..<generated {
            text += "    \(name(i)):\n      command: [\"/bin/true\"]\n      at: \"03:00\"\n      days: [\(quietDay)]\n"
            if i % 8 == 0 { text += "      enabled: false\n" }
        }
        return text
    }

    /// Every name `list --json` pages through, `limit` at a time.
    func pageThrough(_ daemon: DaemonHarness, limit: Int, filter: [String] = []) throws -> (names: [String], totals: Set<Int>) {
        var names: [String] = [], totals: Set<Int> = []
        while true {
            let page = try daemon.json(["list", "--limit", "\(limit)", "--offset", "\(names.count)"] + filter)
            let tasks = (page["tasks"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(page["offset"] as? Int == names.count)
            totals.insert(page["total"] as? Int ?? -1)
            if tasks.isEmpty { return (names, totals) }
            names += tasks
        }
    }

    @Test func statusListsWhatNeedsAttentionAndListPages() throws {
        let daemon = try DaemonHarness(config: Self.config, label: "v6e2e-biglist")
        try daemon.start()
        defer { daemon.stop() }
        let total = Self.generated + 3
        #expect(try daemon.v6ctl(["run-now", "e2e_fail", "--wait", "--force"]).status == 3)
        #expect(try daemon.v6ctl(["run-now", "e2e_sleep", "--force"]).status == 0)
        #expect(try daemon.v6ctl(["run-now", "e2e_wait", "--force"]).status == 0)  // queued: one slot, taken

        let status = try daemon.json(["status"])
        let counts = try #require(status["task_counts"] as? [String: Int])
        #expect(counts == ["total": total, "enabled": total - Self.disabled.count, "disabled": Self.disabled.count,
                           "running": 1, "failed": 1, "waiting": 1, "attention": Self.disabled.count + 3, "listed": 100])
        let listed = try #require(status["tasks"] as? [[String: Any]])
        // Failed first, then running, waiting, and the disabled ones by name.
        #expect(listed.compactMap { $0["name"] as? String } == ["e2e_fail", "e2e_sleep", "e2e_wait"] + Self.disabled.prefix(97))
        #expect(listed[2]["waiting"] as? String == "for a free slot (max_concurrent_tasks 1)")
        #expect((listed[0]["last_run"] as? [String: Any])?["outcome"] as? String == "failed")
        let raw = try daemon.v6ctl(["status", "--json"]).stdout
        #expect(raw.utf8.count < 40_000, "status with \(total) tasks is \(raw.utf8.count) bytes")

        let text = try daemon.v6ctl(["status"]).stdout
        #expect(text.contains("tasks: 1,203 (1,053 enabled, 150 disabled); 1 running, 1 failed last time, 1 waiting"), "\(text)")
        #expect(text.contains("the 153 tasks that need attention:"))
        #expect(text.contains("... and 53 more: v6ctl list --filter attention"))
        #expect(text.contains("the other 1,050 tasks are fine; every task: v6ctl list"))
        #expect(!text.contains(Self.name(1)))

        // Paging: every task once, in name order, whatever the page size.
        let all = try pageThrough(daemon, limit: 500)
        #expect(all.names == ["e2e_fail", "e2e_sleep", "e2e_wait"] + (0..<Self.generated).map(Self.name))
        #expect(all.totals == [total])
        let attention = try pageThrough(daemon, limit: 40, filter: ["--filter", "attention"])
        #expect(attention.names == ["e2e_fail", "e2e_sleep", "e2e_wait"] + Self.disabled)

        let page = try daemon.v6ctl(["list", "--limit", "100", "--offset", "1100"])
        #expect(page.status == 0)
        #expect(page.stdout.contains(Self.name(1097)) && !page.stdout.contains(Self.name(1096)))
        #expect(page.stdout.hasSuffix("tasks 1,101-1,200 of 1,203; next: --offset 1200 --limit 100\n"), "\(page.stdout.suffix(200))")
        let past = try daemon.v6ctl(["list", "--offset", "5000"])
        #expect(past.stdout == "no tasks past 1,203 (--offset 5000)\n")

        // Filters: states, patterns, both.
        func names(_ filter: String) throws -> [String] {
            (try daemon.json(["list", "--filter", filter])["tasks"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        }
        #expect(try names("failed") == ["e2e_fail"])
        #expect(try names("running") == ["e2e_sleep"])
        #expect(try names("waiting") == ["e2e_wait"])
        #expect(try names("task_001?") == (10..<20).map(Self.name))
        #expect(try names("disabled,task_00[0-1]*") == [0, 8, 16].map(Self.name))
        #expect(try names("e2e") == ["e2e_fail", "e2e_sleep", "e2e_wait"])
        let none = try daemon.v6ctl(["list", "--filter", "nothing_like_this"])
        #expect(none.stdout == "no task matching nothing_like_this\n")

        // Bad arguments are usage errors, before anything is sent.
        for arguments in [["--filter", "[abc"], ["--filter", "a,,b"], ["--limit", "0"], ["--offset", "-1"]] {
            let bad = try daemon.v6ctl(["list"] + arguments)
            #expect(bad.status == 2, "list \(arguments): \(bad.stderr)")
            #expect(bad.stderr.hasPrefix("v6ctl: "), "\(bad.stderr)")
        }
        #expect(daemon.stop() == 0)
    }
}
