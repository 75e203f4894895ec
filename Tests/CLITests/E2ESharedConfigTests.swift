import Foundation
import Glibc
import Testing
import TestSupport

/// Two real daemons (`h1`, `h2`) sharing one private PostgreSQL cluster: what one host changes
/// (toggles, run-time configuration edits) is in the audit every host answers, with the host.
@Suite(.serialized, .enabled(if: PostgresCluster.unavailableReason == nil,
                             "\(PostgresCluster.unavailableReason ?? ""): make test-deps installs PostgreSQL"))
struct E2ESharedConfigTests {
    static func config(url: String, host: String) -> String {
        E2E.header.replacingOccurrences(of: "  tasks:\n", with: """
              store: postgres
              postgres_url: "\(url)"
              host_id: \(host)
              host_lease: 5s
              tasks:

            """) + """
                quiet:
                  command: ["/bin/true"]
                  frequency: "1h"
                  market_phase: any
                  days: every_day

            """
    }

    final class Pair {
        let pg: PostgresCluster
        let h1: DaemonHarness
        let h2: DaemonHarness

        init() throws {
            pg = try PostgresCluster()
            h1 = try DaemonHarness(config: E2ESharedConfigTests.config(url: pg.url, host: "h1"), label: "v6shared-h1")
            h2 = try DaemonHarness(config: E2ESharedConfigTests.config(url: pg.url, host: "h2"), label: "v6shared-h2")
        }

        func stop() {
            h1.stop()
            h2.stop()
            pg.stop()
        }
    }

    @Test func everyHostsAuditListsEveryHostsChangesWithTheirHost() throws {
        let p = try Pair()
        defer { p.stop() }
        try p.h1.start()
        try p.h2.start()
        #expect(try p.h1.v6ctl(["disable", "quiet"]).status == 0)
        let edit = try p.h1.v6ctl(["task", "set", "quiet", "timeout_seconds=300", "--on-behalf-of", "Alice"])
        #expect(edit.status == 0, "\(edit.stderr)")
        #expect(try p.h2.v6ctl(["enable", "quiet"]).status == 0)

        // The config change is shared after its reload (best effort, off the request): poll.
        var entries: [[String: Any]] = []
        #expect(E2E.poll(timeout: 10) {
            entries = ((try? p.h2.json(["audit", "--limit", "50"]))?["entries"] as? [[String: Any]]) ?? []
            return entries.contains { $0["command"] as? String == "task set quiet timeout_seconds=300" }
        }, "h2's audit lists h1's edit: \(entries)")
        func entry(_ command: String) -> [String: Any]? { entries.first { $0["command"] as? String == command } }
        let set = try #require(entry("task set quiet timeout_seconds=300"))
        #expect(set["host"] as? String == "h1")
        #expect(set["on_behalf_of"] as? String == "Alice")
        #expect(set["outcome"] as? String == "applied")
        #expect(((set["changes"] as? [[String: Any]]) ?? []).contains { $0["key"] as? String == "scheduler.tasks.quiet.timeout_seconds" })
        #expect(entry("disable quiet")?["host"] as? String == "h1", "h1's toggle, seen on h2: \(entries)")
        #expect(entry("enable quiet")?["host"] as? String == "h2", "h2's own toggle: \(entries)")
        let seqs = entries.compactMap { $0["seq"] as? Int }
        #expect(seqs == seqs.sorted(by: >), "newest first")

        // h1 answers the same, and the table has a HOST column.
        let table = try p.h1.v6ctl(["audit"])
        #expect(table.status == 0)
        #expect(table.stdout.hasPrefix("AT") && table.stdout.split(separator: "\n").first?.contains("HOST") == true, "\(table.stdout)")
        #expect(table.stdout.contains("h2") && table.stdout.contains("enable quiet"), "\(table.stdout)")
        #expect(table.stdout.contains("h1") && table.stdout.contains("task set quiet timeout_seconds=300"), "\(table.stdout)")
        #expect(p.h1.stop() == 0)
        #expect(p.h2.stop() == 0)
    }
}
