// Entries written through JournalLogHandler and the task-output path, read back from a real
// systemd-journald with journalctl: what operators will type (`journalctl V6_RUN_ID=…`,
// `journalctl -t <task>`) must find them with the right priority and fields.
import Foundation
import Glibc
import Logging
import SchedulerDaemon
import Testing

@Suite(.serialized, .enabled(if: Journald.isAvailable, "needs root to start systemd-journald; runs under CI"))
struct JournalLogHandlerTests {
    @Test func handlerEntriesCarryPriorityIdentifierAndMetadataFields() throws {
        let runID = "test-" + UUID().uuidString
        let fallback = RecordingSink()
        try Journald.with {
            let sink = JournalSink(fallback: fallback)
            var logger = Logger(label: "v6.test") { JournalLogHandler(label: $0, sink: sink, level: .debug) }
            logger[metadataKey: "run_id"] = "\(runID)"
            logger.info("run finished", metadata: [
                "task": "health_check", "outcome": "succeeded", "exit_code": "0", "duration_ms": "1234",
            ])
            logger.error("run failed\nsecond line", metadata: ["task": "health_check", "outcome": "failed", "exit_code": "3"])
            logger.notice("as another program", metadata: ["syslog_identifier": "v6-probe"])
            logger.debug("detail")
            #expect(fallback.records.isEmpty, "journald refused entries: \(fallback.records.map(\.message))")

            let entries = try Journald.entries(["V6_RUN_ID=\(runID)"], atLeast: 4)
            try #require(entries.count == 4)
            let finished = entries[0], failed = entries[1], renamed = entries[2], detail = entries[3]
            #expect(finished["MESSAGE"] == "run finished")
            #expect(finished["PRIORITY"] == "6")
            #expect(finished["SYSLOG_IDENTIFIER"] == "v6-scheduler")
            #expect(finished["V6_TASK"] == "health_check")
            #expect(finished["V6_RUN_ID"] == runID)
            #expect(finished["V6_OUTCOME"] == "succeeded")
            #expect(finished["V6_EXIT_CODE"] == "0")
            #expect(finished["V6_DURATION_MS"] == "1234")
            #expect(finished["CODE_FILE"]?.hasSuffix("JournalLogHandlerTests.swift") == true)
            #expect(finished["CODE_FUNC"]?.hasPrefix("handlerEntriesCarryPriorityIdentifierAndMetadataFields") == true)
            #expect(failed["PRIORITY"] == "3")
            #expect(failed["MESSAGE"] == "run failed\nsecond line")
            #expect(failed["V6_OUTCOME"] == "failed")
            #expect(failed["V6_EXIT_CODE"] == "3")
            #expect(renamed["PRIORITY"] == "5")
            #expect(renamed["SYSLOG_IDENTIFIER"] == "v6-probe")
            #expect(renamed["V6_SYSLOG_IDENTIFIER"] == nil)
            #expect(detail["PRIORITY"] == "7")
        }
    }

    @Test func taskOutputLinesAreFoundUnderTheTaskName() throws {
        let runID = "test-" + UUID().uuidString
        let task = "health_check_" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let fallback = RecordingSink()
        try Journald.with {
            let output = TaskOutputLog(sinks: [JournalSink(fallback: fallback)])
            output.line("checked 12 symbols", stream: .stdout, task: task, runID: runID)
            output.line("quote feed slow: 2.5 s", stream: .stderr, task: task, runID: runID)
            output.line("done", stream: .stdout, task: task, runID: runID)
            #expect(fallback.records.isEmpty, "journald refused entries: \(fallback.records.map(\.message))")

            let entries = try Journald.entries(["-t", task], atLeast: 3)
            try #require(entries.count == 3)
            #expect(entries.map { $0["MESSAGE"] } == ["checked 12 symbols", "quote feed slow: 2.5 s", "done"])
            #expect(entries.map { $0["PRIORITY"] } == ["6", "4", "6"])
            #expect(entries.map { $0["V6_STREAM"] } == ["stdout", "stderr", "stdout"])
            for entry in entries {
                #expect(entry["SYSLOG_IDENTIFIER"] == task)
                #expect(entry["V6_TASK"] == task)
                #expect(entry["V6_RUN_ID"] == runID)
            }
            let byRun = try Journald.entries(["V6_RUN_ID=\(runID)", "PRIORITY=4"], atLeast: 1)
            #expect(byRun.map { $0["MESSAGE"] } == ["quote feed slow: 2.5 s"])
        }
    }

    // libsystemd returns success when the socket file is missing (no journald ever ran), so
    // that case is caught by `probe()`; a stale socket (journald died) fails each send.
    @Test func journaldGoneIsReportedNotSilent() throws {
        try Journald.with {}
        guard !Journald.isAnswering() else {
            print("journaldGoneIsReportedNotSilent: a journald this process did not start keeps answering; nothing to check")
            return
        }
        if !FileManager.default.fileExists(atPath: JournalSink.socketPath) {
            #expect(throws: SystemdError.self) { try JournalSink.probe() }
        }
        try Journald.withStaleSocket {
            #expect(throws: SystemdError.journal(errno: ECONNREFUSED)) { try JournalSink.probe() }
            let fallback = RecordingSink()
            let sink = JournalSink(fallback: fallback)
            #expect(throws: SystemdError.journal(errno: ECONNREFUSED)) { try sink.send(LogRecord(level: .info, message: "lost")) }
            sink.write(LogRecord(level: .info, message: "first"))
            sink.write(LogRecord(level: .info, message: "second"))
            let records = fallback.records
            #expect(records.count == 3, "one outage report, then the entries: \(records.map(\.message))")
            #expect(records.first?.level == .error)
            #expect(records.first?.message.contains("systemd-journald") == true)
            #expect(records.dropFirst().map(\.message) == ["first", "second"])
        }
    }
}
