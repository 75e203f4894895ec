import Foundation
import MarketCalendar
import Scheduling
@testable import SchedulerDaemon
import TestSupport
import Testing

/// `config_audit`: edits recorded pending, settled by the next load, and the "since revision" query
/// behind `conflict` messages; all of it survives reopening the database.
@Suite struct StoreConfigAuditTests {
    static func record(_ command: String, revision: String, basedOn: String?, outcome: ConfigAuditRecord.Outcome = .applied,
                       at offset: Int64 = 0) -> ConfigAuditRecord {
        ConfigAuditRecord(at: StoreFixture.base + offset, outcome: outcome, revision: revision, basedOn: basedOn, uid: 1000,
                          user: "desk", onBehalfOf: "Alice", command: command,
                          changes: [ConfigValueChange(key: "scheduler.tasks.x.retries", before: "1", after: "2")])
    }

    @Test func pendingEditsAreSettledByTheRevisionThatRuns() throws {
        let directory = try TemporaryDirectory("v6audit")
        let store = try RunStore(directory: directory.path)
        try store.recordConfigChange(Self.record("start", revision: "r1", basedOn: nil))
        let kept = try store.recordConfigChange(Self.record("task set x retries=2", revision: "r2", basedOn: "r1", outcome: .pending))
        try store.recordConfigChange(Self.record("task set x retries=3", revision: "r9", basedOn: "r1", outcome: .pending))

        let applied = try store.settlePendingConfigChanges(running: "r2", reason: "not applied")
        #expect(applied.map(\.seq) == [kept])
        let all = try store.configAudit(limit: 10)
        #expect(all.map(\.outcome) == [.failed, .applied, .applied])
        #expect(all.first?.reason == "not applied")
        #expect(all[1].who == "desk (uid 1000) for Alice")
        #expect(all[1].changes.map(\.description) == ["scheduler.tasks.x.retries: 1 -> 2"])
        #expect(try store.lastAppliedRevision() == "r2")
        try store.close()

        let reopened = try RunStore(directory: directory.path)
        #expect(try reopened.configAudit(limit: 1).first?.outcome == .failed)
        #expect(try reopened.settlePendingConfigChanges(running: "r2", reason: "x").isEmpty, "nothing pending any more")
    }

    @Test func changesSinceARevisionAreTheAppliedOnesAfterIt() throws {
        let directory = try TemporaryDirectory("v6audit")
        let store = try RunStore(directory: directory.path)
        try store.recordConfigChange(Self.record("start", revision: "a", basedOn: nil))
        try store.recordConfigChange(Self.record("one", revision: "b", basedOn: "a"))
        try store.recordConfigChange(Self.record("failed", revision: "z", basedOn: "b", outcome: .failed))
        try store.recordConfigChange(Self.record("two", revision: "c", basedOn: "b"))
        // Back to an earlier text (ABA): the newest time it ran counts.
        try store.recordConfigChange(Self.record("three", revision: "a", basedOn: "c"))
        try store.recordConfigChange(Self.record("four", revision: "d", basedOn: "a"))
        #expect(try store.configChanges(since: "b")?.map(\.command) == ["two", "three", "four"])
        #expect(try store.configChanges(since: "a")?.map(\.command) == ["four"])
        #expect(try store.configChanges(since: "d")?.isEmpty == true)
        #expect(try store.configChanges(since: "z") == nil, "a failed edit's revision never ran")
        #expect(try store.configChanges(since: "unknown") == nil)
        #expect(try store.configAudit(limit: 2).map(\.command) == ["four", "three"])
    }
}
