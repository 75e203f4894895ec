import Foundation
import MarketCalendar
@testable import SchedulerDaemon
import Testing
import TestSupport

/// RunStore basics: the file, its settings, reopening, toggles.
@Suite(.serialized) struct StoreTests {
    @Test func createsDirectoryAndDatabaseWithSafeSettings() throws {
        let temp = try TemporaryDirectory("store")
        let directory = temp.file("var/lib/v6")
        let store = try RunStore(directory: directory)

        let attributes = try FileManager.default.attributesOfItem(atPath: directory)
        #expect((attributes[.posixPermissions] as? Int) == 0o750)
        #expect(store.path == directory + "/state.db")
        let fileMode = try FileManager.default.attributesOfItem(atPath: store.path)[.posixPermissions] as? Int
        #expect(fileMode == 0o640)
        #expect(try store.pragma("journal_mode") == "wal")
        #expect(try store.pragma("synchronous") == "2")  // FULL
        #expect(try store.pragma("busy_timeout") == "5000")
        #expect(try store.pragma("journal_size_limit") == "16777216")
        #expect(try store.integrityProblems().isEmpty)
        #expect(try store.toggles().isEmpty)
        #expect(try store.history(task: nil, limit: 10).isEmpty)
        #expect(try store.lastRunsByTask().isEmpty)
        #expect(try store.lastSlot(task: "collect") == nil)
        #expect(store.healthCheck() == nil)
    }

    @Test func anExistingDirectoryKeepsItsMode() throws {
        let temp = try TemporaryDirectory("store")
        let directory = temp.file("state")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        _ = try RunStore(directory: directory)
        #expect((try FileManager.default.attributesOfItem(atPath: directory)[.posixPermissions] as? Int) == 0o700)
    }

    @Test func aFileWhereTheDirectoryShouldBeIsAClearError() throws {
        let temp = try TemporaryDirectory("store")
        let notDirectory = try temp.write("state", "not a directory")
        let error = #expect(throws: StoreError.self) { try RunStore(directory: notDirectory) }
        #expect(error?.code == .cannotCreateDirectory)
        #expect(error?.description == "state directory \(notDirectory): cannot create it: Not a directory (errno 20). "
            + "Create it, writable by the daemon's user, or point state_directory elsewhere.")
    }

    @Test func notADatabaseIsReportedAsCorrupt() throws {
        let temp = try TemporaryDirectory("store")
        try temp.write("state.db", String(repeating: "this is not sqlite\n", count: 300))
        let error = #expect(throws: StoreError.self) { try RunStore(directory: temp.path) }
        #expect(error?.code == .corrupt)
        #expect(error?.description.contains(temp.file("state.db")) == true)
        #expect(error?.isStorageUnavailable == false)
    }

    @Test func reopeningKeepsEverything() throws {
        let temp = try TemporaryDirectory("store")
        let output = Data("hello\n".utf8)
        do {
            let store = try RunStore(directory: temp.path)
            try store.setToggle(task: "collect", enabled: false, until: StoreFixture.base + 3600,
                                setBy: "uid 1000 pid 4242", now: StoreFixture.base)
            #expect(try store.claimSlot(task: "collect", scheduledAt: StoreFixture.base, runID: "r1"))
            try store.record(StoreFixture.run("r1", output: output), historyLimit: 10)
            try store.close()
        }
        let reopened = try RunStore(directory: temp.path)
        let toggle = try #require(try reopened.toggles()["collect"])
        #expect(toggle == Toggle(task: "collect", enabled: false, until: StoreFixture.base + 3600,
                                 setAt: StoreFixture.base, setBy: "uid 1000 pid 4242"))
        #expect(try reopened.lastRun(task: "collect") == StoreFixture.run("r1", output: output))
        #expect(try reopened.lastSlot(task: "collect") == StoreFixture.base)
        #expect(try reopened.claimSlot(task: "collect", scheduledAt: StoreFixture.base, runID: "r2") == false)
    }

    @Test func togglesRoundTripReplaceAndClear() throws {
        let temp = try TemporaryDirectory("store")
        let store = try RunStore(directory: temp.path)
        let now = StoreFixture.base
        let first = try store.setToggle(task: "collect", enabled: false, until: nil, setBy: "uid 0 pid 1", now: now)
        #expect(first == Toggle(task: "collect", enabled: false, setAt: now, setBy: "uid 0 pid 1"))
        try store.setToggle(task: "report", enabled: true, until: now + 60, setBy: "uid 1000 pid 7", now: now)
        // Setting again replaces: one toggle per task.
        try store.setToggle(task: "collect", enabled: true, until: now + 600, setBy: "uid 1000 pid 8", now: now + 5)

        let all = try store.toggles()
        #expect(all.count == 2)
        #expect(all["collect"] == Toggle(task: "collect", enabled: true, until: now + 600, setAt: now + 5,
                                         setBy: "uid 1000 pid 8"))
        #expect(try store.toggle(task: "report")?.enabled == true)
        #expect(try store.clearToggle(task: "collect"))
        #expect(try store.clearToggle(task: "collect") == false)
        #expect(try store.toggles().keys.sorted() == ["report"])
    }

    @Test func togglesLapseAtTheirUntil() throws {
        let temp = try TemporaryDirectory("store")
        let store = try RunStore(directory: temp.path)
        let now = StoreFixture.base
        try store.setToggle(task: "a", enabled: false, until: now + 60, setBy: "x", now: now)
        try store.setToggle(task: "b", enabled: false, until: now + 120, setBy: "x", now: now)
        try store.setToggle(task: "c", enabled: true, until: nil, setBy: "x", now: now)

        let a = try #require(try store.toggle(task: "a"))
        #expect(!a.isLapsed(at: now + 59))
        #expect(a.isLapsed(at: now + 60))
        #expect(try store.dropLapsedToggles(now: now + 59).isEmpty)
        #expect(try store.dropLapsedToggles(now: now + 60).map(\.task) == ["a"])
        #expect(try store.toggles().keys.sorted() == ["b", "c"])
        #expect(try store.dropLapsedToggles(now: now + 86_400).map(\.task) == ["b"])
        #expect(try store.toggles().keys.sorted() == ["c"])
    }

    @Test func storeIsUsableFromManyThreads() async throws {
        let temp = try TemporaryDirectory("store")
        let store = try RunStore(directory: temp.path)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for i in 0..<25 {
                        try store.record(StoreFixture.run("w\(worker)-\(i)", task: "t\(worker)", at: Int64(i)),
                                         historyLimit: 100)
                        _ = try store.lastRunsByTask()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try store.history(task: nil, limit: 1000).count == 100)
        #expect(try store.lastRunsByTask().mapValues(\.runID) == ["t0": "w0-24", "t1": "w1-24", "t2": "w2-24",
                                                                   "t3": "w3-24"])
    }
}
