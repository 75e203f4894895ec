import Foundation
import Glibc
import Testing
import TestSupport

/// Two real daemons (`h1`, `h2`) sharing one private PostgreSQL cluster: what one host changes
/// (toggles, run-time configuration edits) is in the audit every host answers, with the host.
@Suite(.serialized, .enabled(if: PostgresCluster.unavailableReason == nil,
                             "\(PostgresCluster.unavailableReason ?? ""): make test-deps installs PostgreSQL"))
struct E2ESharedConfigTests {
    static func config(url: String, host: String, extra: String = "") -> String {
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

            """ + extra
    }

    /// A task only h1's main file has: an edit of it does not load on h2.
    static let solo = """
            solo:
              command: ["/bin/true"]
              frequency: "1h"
              market_phase: any
              days: every_day

        """

    final class Pair {
        let pg: PostgresCluster
        let h1: DaemonHarness
        let h2: DaemonHarness

        init() throws {
            pg = try PostgresCluster()
            h1 = try DaemonHarness(config: E2ESharedConfigTests.config(url: pg.url, host: "h1", extra: E2ESharedConfigTests.solo),
                                   label: "v6shared-h1")
            h2 = try DaemonHarness(config: E2ESharedConfigTests.config(url: pg.url, host: "h2"), label: "v6shared-h2")
        }

        /// Each host's shared run-time revision as `daemon`'s status shows it.
        func runtimeRevisions(_ daemon: DaemonHarness) -> [String: Int] {
            let cluster = (try? daemon.json(["status"]))?["cluster"] as? [String: Any]
            var result: [String: Int] = [:]
            for host in (cluster?["hosts"] as? [[String: Any]]) ?? [] {
                if let id = host["host_id"] as? String, let revision = host["runtime_revision"] as? Int { result[id] = revision }
            }
            return result
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

    @Test func aRunTimeEditOnOneHostReachesTheOtherAndOneThatDoesNotLoadThereIsKeptOut() throws {
        let p = try Pair()
        defer { p.stop() }
        try p.h1.start()
        try p.h2.start()
        let both = ["h1": 0, "h2": 0]
        #expect(E2E.poll(timeout: 15) { p.runtimeRevisions(p.h1) == both && p.runtimeRevisions(p.h2) == both },
                "both hosts see each other, before any edit at revision 0")

        // An edit on h1: h2 adopts it at its heartbeat (its file, its running value, its revision).
        let edit = try p.h1.v6ctl(["task", "set", "quiet", "timeout_seconds=300"])
        #expect(edit.status == 0, "\(edit.stderr)")
        #expect(E2E.poll(timeout: 10) { ((try? p.h2.json(["show", "quiet"]))?["timeout_seconds"] as? Int) == 300 },
                "h2's show quiet has h1's edit")
        let managed = { (d: DaemonHarness) in (try? String(contentsOfFile: d.configPath + ".d/90-runtime.yaml", encoding: .utf8)) ?? "" }
        #expect(managed(p.h2) == managed(p.h1) && managed(p.h2).contains("timeout_seconds: 300"), "h2's 90-runtime.yaml: \(managed(p.h2))")
        let one = ["h1": 1, "h2": 1]
        #expect(E2E.poll(timeout: 10) { p.runtimeRevisions(p.h1) == one && p.runtimeRevisions(p.h2) == one },
                "both at shared revision 1: \(p.runtimeRevisions(p.h1)) \(p.runtimeRevisions(p.h2))")
        #expect(p.h2.waitForLog("adopted shared run-time configuration revision 1 from host h1", timeout: 5))
        let audit = ((try p.h2.json(["audit", "--limit", "50"]))["entries"] as? [[String: Any]]) ?? []
        #expect(audit.filter { ($0["command"] as? String)?.contains("timeout_seconds=300") == true }.map { $0["host"] as? String } == ["h1"],
                "the edit is audited once, by the host that made it: \(audit)")

        // The other way round, from h2.
        #expect(try p.h2.v6ctl(["settings", "set", "max_concurrent_tasks=4"]).status == 0)
        let two = ["h1": 2, "h2": 2]
        #expect(E2E.poll(timeout: 10) { p.runtimeRevisions(p.h1) == two && p.runtimeRevisions(p.h2) == two },
                "both at shared revision 2: \(p.runtimeRevisions(p.h1)) \(p.runtimeRevisions(p.h2))")
        let values = ((try p.h1.json(["config", "show"]))["values"] as? [[String: Any]]) ?? []
        #expect(values.contains { $0["key"] as? String == "scheduler.max_concurrent_tasks" && $0["value"] as? String == "4" },
                "h1 runs h2's edit")

        // A hand edit on h2's disk, not reloaded: a new revision waits for the reload (as an edit
        // there would be refused), then is adopted.
        try p.h2.directory.write("config.yaml.d/10-local.yaml", "# this host's own drop-in\n")
        #expect(try p.h1.v6ctl(["task", "set", "quiet", "retries=2"]).status == 0)
        #expect(p.h2.waitForLog("shared run-time configuration revision 3 from host h1 not adopted yet", timeout: 10), "\(p.h2.log.suffix(600))")
        #expect(p.runtimeRevisions(p.h2)["h2"] == 2)
        #expect(try p.h2.v6ctl(["reload"]).status == 0)
        #expect(E2E.poll(timeout: 10) { p.runtimeRevisions(p.h2) == ["h1": 3, "h2": 3] }, "\(p.runtimeRevisions(p.h2))")
        #expect(((try? p.h2.json(["show", "quiet"]))?["retries"] as? Int) == 2)

        // An edit of a task only h1 has does not load on h2: refused there, loudly, and kept out.
        #expect(try p.h1.v6ctl(["task", "set", "solo", "timeout_seconds=120"]).status == 0)
        #expect(p.h2.waitForLog("shared run-time configuration revision 4 from host h1 refused", timeout: 10), "\(p.h2.log.suffix(600))")
        #expect(E2E.poll(timeout: 10) { p.runtimeRevisions(p.h1) == ["h1": 4, "h2": 3] && p.runtimeRevisions(p.h2) == ["h1": 4, "h2": 3] },
                "h2 stays at 3: \(p.runtimeRevisions(p.h1)) \(p.runtimeRevisions(p.h2))")
        let h1Hosts = (((try p.h1.json(["status"]))["cluster"] as? [String: Any])?["hosts"] as? [[String: Any]]) ?? []
        #expect(h1Hosts.first { $0["host_id"] as? String == "h2" }?["config_differs"] as? Bool == true, "h1 reports h2 as differing")
        #expect(!managed(p.h2).contains("solo"), "kept out of h2's file: \(managed(p.h2))")
        #expect(((try? p.h2.json(["show", "quiet"]))?["timeout_seconds"] as? Int) == 300, "h2 runs what it had")
        let status = try p.h2.v6ctl(["status"])
        #expect(status.stdout.contains("run-time rev") && status.stdout.contains("DIFFERS"), "\(status.stdout)")
        #expect(p.h1.stop() == 0)
        #expect(p.h2.stop() == 0)
    }
}
