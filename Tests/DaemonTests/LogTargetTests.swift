// `--log-target auto` picks the journal exactly when stderr is the stream systemd names in
// JOURNAL_STREAM (device:inode), as systemd.exec(5) prescribes.
import Foundation
import Glibc
import SchedulerDaemon
import TestSupport
import Testing

struct LogTargetTests {
    @Test func autoMeansJournalOnlyWhenJournalStreamNamesTheDescriptor() throws {
        let directory = try TemporaryDirectory("v6target")
        let path = try directory.write("stream", "")
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        try #require(fd >= 0)
        defer { close(fd) }
        var info = stat()
        try #require(fstat(fd, &info) == 0)
        let matching = "\(info.st_dev):\(info.st_ino)"

        #expect(LogTarget.isJournal(fd: fd, journalStream: matching))
        #expect(LogTarget.auto.resolved(journalStream: matching, fd: fd) == .journal)
        #expect(LogTarget.auto.resolved(journalStream: "\(info.st_dev):\(info.st_ino + 1)", fd: fd) == .stderr)
        #expect(LogTarget.auto.resolved(journalStream: nil, fd: fd) == .stderr)
        #expect(LogTarget.auto.resolved(journalStream: "garbage", fd: fd) == .stderr)
        #expect(LogTarget.auto.resolved(journalStream: "\(info.st_dev):", fd: fd) == .stderr)
        #expect(LogTarget.auto.resolved(journalStream: matching, fd: -1) == .stderr)
    }

    @Test func explicitTargetsAreKept() {
        #expect(LogTarget.journal.resolved(journalStream: nil) == .journal)
        #expect(LogTarget.stderr.resolved(journalStream: "1:2") == .stderr)
        #expect(LogTarget(rawValue: "auto") == .auto)
        #expect(LogTarget.allCases.map(\.description) == ["auto", "journal", "stderr"])
    }
}
