import Foundation
import MarketCalendar
@testable import SchedulerDaemon
import Testing
import TestSupport

/// A read-only state directory and a full disk: typed errors naming the file and the OS reason,
/// no crash, and recovery once the condition clears.
///
/// Root ignores file modes, so as root the conditions come from a small tmpfs mounted in the
/// test's own directory (and unmounted by path); otherwise from chmod.
@Suite(.serialized) struct StoreFailureTests {
    @Test(.enabled(if: !StoreFixture.isRoot || StoreFixture.canMountTmpfs,
                   "root ignores file modes and this machine does not let root mount a read-only tmpfs"))
    func aReadOnlyStateDirectoryIsATypedErrorUntilItIsWritable() throws {
        let temp = try TemporaryDirectory("store")
        let directory = temp.file("state")
        if StoreFixture.isRoot {
            #expect(StoreFixture.mountTmpfs(at: directory, options: "ro,size=256k,mode=0750"))
        } else {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: 0o500])
        }
        defer { if StoreFixture.isRoot { StoreFixture.unmount(directory) } }

        let error = #expect(throws: StoreError.self) { try RunStore(directory: directory) }
        #expect(error?.code == .readOnly)
        #expect(error?.isStorageUnavailable == true)
        let reason = StoreFixture.isRoot ? "Read-only file system (errno 30)" : "Permission denied (errno 13)"
        #expect(error?.description == "state database \(directory)/state.db: cannot create the database file: "
            + "\(reason). Make \(directory) and its files writable by the daemon's user; the daemon retries.")

        // Once the directory is writable again, the store opens: the daemon's retry succeeds.
        if StoreFixture.isRoot {
            #expect(StoreFixture.sh("/bin/mount", ["-o", "remount,rw", directory]))
        } else {
            try FileManager.default.setAttributes([.posixPermissions: 0o750], ofItemAtPath: directory)
        }
        do {
            let store = try RunStore(directory: directory)
            try store.setToggle(task: "collect", enabled: false, until: nil, setBy: "test", now: StoreFixture.base)
            #expect(store.healthCheck() == nil)
            try store.close()
        }
    }

    @Test(.enabled(if: StoreFixture.canMountTmpfs,
                   "filling a disk needs root allowed to mount (a 1 MiB tmpfs in the test directory)"))
    func aFullDiskIsATypedErrorAndTheStoreRecovers() throws {
        let temp = try TemporaryDirectory("store")
        let directory = temp.file("state")
        try #require(StoreFixture.mountTmpfs(at: directory, options: "size=1m,mode=0750"))
        defer { StoreFixture.unmount(directory) }
        let filler = directory + "/filler"

        do {
            let store = try RunStore(directory: directory)
            try store.setToggle(task: "collect", enabled: false, until: nil, setBy: "before", now: StoreFixture.base)
            try store.record(StoreFixture.run("r1"), historyLimit: 10)

            try fillFileSystem(with: filler)
            let output = Data((0..<RunRecord.maxOutputTail).map { UInt8(truncatingIfNeeded: $0 &* 31) })
            let error = #expect(throws: StoreError.self) {
                try store.record(StoreFixture.run("r2", at: 60, output: output), historyLimit: 10)
            }
            #expect(error?.code == .diskFull)
            #expect(error?.isStorageUnavailable == true)
            #expect(error?.description == "state database \(store.path): cannot record run r2 of collect: "
                + "No space left on device (errno 28); SQLite: database or disk is full (SQLITE_FULL). "
                + "Free space on the file system holding \(directory); the daemon retries.")

            let health = try #require(store.healthCheck())
            #expect(health.code == .diskFull)
            #expect(health.description == "state database \(store.path): cannot write a probe file next to it: "
                + "No space left on device (errno 28). "
                + "Free space on the file system holding \(directory); the daemon retries.")
            // What was committed is still there and readable.
            #expect(try store.toggles()["collect"]?.setBy == "before")
            #expect(try store.run(id: "r2") == nil)

            // Space comes back: the same store notices and writes again.
            #expect(unlink(filler) == 0)
            #expect(store.healthCheck() == nil)
            try store.record(StoreFixture.run("r2", at: 60, output: output), historyLimit: 10)
            #expect(try store.run(id: "r2")?.outputTail == output)
            #expect(try store.integrityProblems().isEmpty)
            try store.close()
        }
        let reopened = try RunStore(directory: directory)
        #expect(try reopened.history(task: "collect", limit: 10).map(\.runID) == ["r2", "r1"])
        try reopened.close()
    }

    /// Writes zeros to `path` until the file system refuses: ENOSPC.
    private func fillFileSystem(with path: String) throws {
        let fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0o600)
        try #require(fd >= 0)
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0, count: 4096)
        for _ in 0..<100_000 {
            let written = chunk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < chunk.count { break }
        }
        var small: UInt8 = 0
        #expect(write(fd, &small, 1) == -1 && errno == ENOSPC)
    }
}
