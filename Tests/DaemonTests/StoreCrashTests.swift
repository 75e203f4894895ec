import Foundation
import MarketCalendar
@testable import SchedulerDaemon
import Testing
import TestSupport

/// An acknowledged write survives the daemon being killed at any moment.
@Suite(.serialized) struct StoreCrashTests {
    private static let childVariable = "V6_STORE_CRASH_CHILD_DIR"

    /// The files of an open store, copied as they are (no close, no checkpoint), are what a
    /// kill -9 leaves behind: opening the copy must show every acknowledged write.
    @Test func theFilesOfAnOpenStoreHoldEveryAcknowledgedWrite() throws {
        let temp = try TemporaryDirectory("store")
        let live = temp.file("live"), copy = temp.file("copy")
        let store = try RunStore(directory: live)
        var expected: [String: Toggle] = [:]
        for i in 0..<60 {
            let toggle = try store.setToggle(task: "t\(i % 20)", enabled: i % 3 == 0, until: StoreFixture.base + Int64(i),
                                             setBy: "uid 1000 pid \(i)", now: StoreFixture.base)
            expected[toggle.task] = toggle
            try store.record(StoreFixture.run("r\(i)", task: "t\(i % 20)", outcome: .running), historyLimit: 100)
        }
        #expect(FileManager.default.fileExists(atPath: store.path + "-wal"))
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: false)
        for suffix in ["", "-wal"] {
            try FileManager.default.copyItem(atPath: store.path + suffix, toPath: copy + "/state.db" + suffix)
        }

        let recovered = try RunStore(directory: copy)
        #expect(try recovered.integrityProblems().isEmpty)
        #expect(try recovered.toggles() == expected)
        #expect(try recovered.history(task: nil, limit: 100).count == 60)
        #expect(try recovered.markAbandoned(now: StoreFixture.base + 60).count == 60)
    }

    /// A real kill -9: a child process (this test binary, running only the helper test below)
    /// writes toggles and runs, and appends each index to an ack file after the store returns.
    /// Every acked write must be in the database the killed child leaves.
    @Test func killNineLosesNoAcknowledgedWrite() throws {
        let temp = try TemporaryDirectory("store")
        let acks = temp.file("acks")
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        child.arguments = ["--testing-library", "swift-testing", "--filter", "crashChildWritesUntilKilled"]
        child.environment = ProcessInfo.processInfo.environment.merging([Self.childVariable: temp.path]) { $1 }
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        child.standardInput = FileHandle.nullDevice
        try child.run()
        let pid = child.processIdentifier
        defer {
            if child.isRunning { kill(pid, SIGKILL) }
            child.waitUntilExit()
        }

        // Kill mid-stream, once it has acknowledged a few hundred writes (or gave up: then fail).
        let deadline = Date().addingTimeInterval(180)
        while StoreFixture.lines(acks).count < 300, child.isRunning, Date() < deadline { usleep(20_000) }
        #expect(child.isRunning, "the child stopped before it was killed")
        kill(pid, SIGKILL)
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal && child.terminationStatus == SIGKILL)

        let acked = StoreFixture.lines(acks).compactMap { Int($0) }
        try #require(acked.count >= 300)
        let store = try RunStore(directory: temp.path)
        #expect(try store.integrityProblems().isEmpty)
        let toggles = try store.toggles()
        var lost: [Int] = []
        for i in acked {
            // A later write to the same task may have committed unacknowledged: newer is fine.
            let written = toggles["t\(i % 50)"].flatMap { Int($0.setBy.dropFirst("write ".count)) } ?? -1
            let runStored = try store.run(id: "r\(i)") != nil
            if written < i || !runStored { lost.append(i) }
        }
        #expect(lost.isEmpty, "acknowledged writes lost by kill -9: \(lost.prefix(20))")
        // The database takes writes again, as the restarted daemon's would.
        #expect(try store.markAbandoned(now: StoreFixture.base).count >= acked.count)
        #expect(store.healthCheck() == nil)
    }

    /// The child of `killNineLosesNoAcknowledgedWrite`; does nothing in a normal test run.
    @Test(.enabled(if: ProcessInfo.processInfo.environment[childVariable] != nil,
                   "runs only as the child process of killNineLosesNoAcknowledgedWrite"))
    func crashChildWritesUntilKilled() throws {
        let directory = try #require(ProcessInfo.processInfo.environment[Self.childVariable])
        let store = try RunStore(directory: directory)
        let ackFD = open(directory + "/acks", O_CREAT | O_WRONLY | O_APPEND | O_CLOEXEC, 0o600)
        try #require(ackFD >= 0)
        let parent = getppid()
        // Bounded, and stops if the parent test process is gone, so it cannot linger.
        for i in 0..<200_000 where getppid() == parent {
            try store.setToggle(task: "t\(i % 50)", enabled: i % 2 == 0, until: nil, setBy: "write \(i)",
                                now: StoreFixture.base + Int64(i))
            try store.record(StoreFixture.run("r\(i)", task: "t\(i % 50)", outcome: .running, at: Int64(i)),
                             historyLimit: 1_000_000)
            let line = Array("\(i)\n".utf8)
            _ = line.withUnsafeBytes { write(ackFD, $0.baseAddress, $0.count) }
        }
    }
}
