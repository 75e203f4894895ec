// The optional plain-file log: created 0640, appended (never truncated), switched to a new
// file by reopen() after rotation, and a directory it cannot use is reported once to the
// other outputs while the daemon carries on.
import Foundation
import Glibc
import Logging
import SchedulerDaemon
import Synchronization
import TestSupport
import Testing

struct LogFileTests {
    @Test func createsTheFileWithMode0640AndAppends() throws {
        let directory = try TemporaryDirectory("v6log")
        let logs = directory.file("logs/daemon")  // missing: created
        let reports = Reports()
        let first = LogFile(directory: logs, report: reports.add)
        #expect(first.isOpen)
        #expect(first.path == logs + "/v6-scheduler.log")
        first.write(LogRecord(level: .info, message: "one", metadata: [(key: "task", value: "t")]))
        var info = stat()
        try #require(stat(first.path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o640)

        let second = LogFile(directory: logs, report: reports.add)
        second.write(LogRecord(level: .warning, message: "two"))
        let lines = try String(contentsOfFile: first.path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.hasSuffix(" info  [t] one") == true)
        #expect(lines.last?.hasSuffix(" warning two") == true)
        #expect(reports.messages.isEmpty)
    }

    @Test func reopenFollowsRotation() throws {
        let directory = try TemporaryDirectory("v6log")
        let file = LogFile(directory: directory.path)
        file.write(LogRecord(level: .info, message: "before rotation"))
        try FileManager.default.moveItem(atPath: file.path, toPath: file.path + ".1")
        file.write(LogRecord(level: .info, message: "still the old file"))
        #expect(file.reopen())
        file.write(LogRecord(level: .info, message: "after rotation"))
        let old = try String(contentsOfFile: file.path + ".1", encoding: .utf8)
        let new = try String(contentsOfFile: file.path, encoding: .utf8)
        #expect(old.contains("before rotation") && old.contains("still the old file"))
        #expect(!old.contains("after rotation"))
        #expect(new.split(separator: "\n").count == 1 && new.contains("after rotation"))
    }

    // Root writes through permission bits, so "not usable" is a path below a regular file.
    @Test func unusableDirectoryIsReportedOnceAndNothingCrashes() throws {
        let directory = try TemporaryDirectory("v6log")
        let blocker = try directory.write("not-a-directory", "")
        let reports = Reports()
        let file = LogFile(directory: blocker + "/logs", report: reports.add)
        #expect(!file.isOpen)
        file.write(LogRecord(level: .info, message: "dropped"))
        #expect(!file.reopen())
        file.write(LogRecord(level: .error, message: "dropped too"))
        #expect(reports.messages.count == 1)
        #expect(reports.messages.first?.contains(blocker + "/logs") == true)
        #expect(reports.messages.first?.contains("enable_logging") == true)
        #expect(reports.messages.first?.contains("Not a directory") == true)
    }

    @Test func aFailureIsReportedAgainAfterARecovery() throws {
        let directory = try TemporaryDirectory("v6log")
        let reports = Reports()
        let logs = directory.file("logs")
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: false)
        let file = LogFile(directory: logs, report: reports.add)
        try FileManager.default.removeItem(atPath: logs)
        try "".write(toFile: logs, atomically: false, encoding: .utf8)  // the directory became a file
        #expect(!file.reopen())
        try FileManager.default.removeItem(atPath: logs)
        #expect(file.reopen())  // the directory is created again
        try FileManager.default.removeItem(atPath: logs + "/v6-scheduler.log")
        try FileManager.default.removeItem(atPath: logs)
        try "".write(toFile: logs, atomically: false, encoding: .utf8)
        #expect(!file.reopen())
        #expect(reports.messages.count == 2)
    }
}

/// Collects what a `LogFile` reports.
final class Reports: Sendable {
    private let stored = Mutex<[String]>([])
    var messages: [String] { stored.withLock { $0 } }
    var add: @Sendable (String) -> Void { { message in self.stored.withLock { $0.append(message) } } }
}
