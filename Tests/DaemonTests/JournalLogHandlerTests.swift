// Entries written through JournalLogHandler and the task-output path, read back from a real
// systemd-journald with journalctl: what operators will type (`journalctl V6_RUN_ID=…`,
// `journalctl -t <task>`) must find them with the right priority and fields.
//
// Each test has a journald of its own in a private mount namespace (`StandaloneJournald`): the
// code under test writes to the fixed path /run/systemd/journal/socket (sd_journal_sendv), so it
// runs on a thread that joined that namespace. No journald on the host's /run is started or
// used: test processes of several checkouts on one machine would share it.
import Foundation
import Glibc
import Logging
import SchedulerDaemon
import Testing
import TestSupport

@Suite(.serialized, .enabled(if: StandaloneJournald.unavailableReason == nil,
                             "\(StandaloneJournald.unavailableReason ?? ""): a standalone systemd-journald is needed"))
struct JournalLogHandlerTests {
    @Test func handlerEntriesCarryPriorityIdentifierAndMetadataFields() throws {
        let runID = "test-" + UUID().uuidString
        let journald = try StandaloneJournald()
        defer { journald.stop() }
        let refused = try journald.inNamespace {
            let fallback = RecordingSink()
            let sink = JournalSink(fallback: fallback)
            var logger = Logger(label: "v6.test") { JournalLogHandler(label: $0, sink: sink, level: .debug) }
            logger[metadataKey: "run_id"] = "\(runID)"
            logger.info("run finished", metadata: [
                "task": "health_check", "outcome": "succeeded", "exit_code": "0", "duration_ms": "1234",
            ])
            logger.error("run failed\nsecond line", metadata: ["task": "health_check", "outcome": "failed", "exit_code": "3"])
            logger.notice("as another program", metadata: ["syslog_identifier": "v6-probe"])
            logger.debug("detail")
            return fallback.records.map(\.message)
        }
        #expect(refused.isEmpty, "journald refused entries: \(refused)")

        let entries = try journald.entries(["V6_RUN_ID=\(runID)"], atLeast: 4)
        try #require(entries.count == 4, "\(entries)")
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

    @Test func taskOutputLinesAreFoundUnderTheTaskName() throws {
        let runID = "test-" + UUID().uuidString
        let task = "health_check_" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let journald = try StandaloneJournald()
        defer { journald.stop() }
        let refused = try journald.inNamespace {
            let fallback = RecordingSink()
            let output = TaskOutputLog(sinks: [JournalSink(fallback: fallback)])
            output.line("checked 12 symbols", stream: .stdout, task: task, runID: runID)
            output.line("quote feed slow: 2.5 s", stream: .stderr, task: task, runID: runID)
            output.line("done", stream: .stdout, task: task, runID: runID)
            return fallback.records.map(\.message)
        }
        #expect(refused.isEmpty, "journald refused entries: \(refused)")

        let entries = try journald.entries(["-t", task], atLeast: 3)
        try #require(entries.count == 3, "\(entries)")
        #expect(entries.map { $0["MESSAGE"] } == ["checked 12 symbols", "quote feed slow: 2.5 s", "done"])
        #expect(entries.map { $0["PRIORITY"] } == ["6", "4", "6"])
        #expect(entries.map { $0["V6_STREAM"] } == ["stdout", "stderr", "stdout"])
        for entry in entries {
            #expect(entry["SYSLOG_IDENTIFIER"] == task)
            #expect(entry["V6_TASK"] == task)
            #expect(entry["V6_RUN_ID"] == runID)
        }
        let byRun = try journald.entries(["V6_RUN_ID=\(runID)", "PRIORITY=4"], atLeast: 1)
        #expect(byRun.map { $0["MESSAGE"] } == ["quote feed slow: 2.5 s"])
    }

    /// What the checks below saw in a /run without a journald.
    struct Outage: Sendable {
        var probeError: SystemdError?
        var sendError: SystemdError?
        var fallback: [(level: Logger.Level, message: String)] = []
    }

    // libsystemd reports success when the socket file is missing (no journald ever ran), which
    // `probe()` catches; a stale socket file (journald died) fails each send.
    @Test func noJournaldIsCaughtByTheProbe() throws {
        let probe = try StandaloneJournald.withoutJournald(staleSocket: false) { () -> SystemdError? in
            do throws(SystemdError) { try JournalSink.probe() } catch { return error }
            return nil
        }
        #expect(probe != nil, "probe() found a journald in an empty /run")
    }

    @Test func aDeadJournaldIsReportedOnceAndTheEntriesGoToTheFallback() throws {
        let seen = try StandaloneJournald.withoutJournald(staleSocket: true) { () -> Outage in
            var outage = Outage()
            do throws(SystemdError) { try JournalSink.probe() } catch { outage.probeError = error }
            let fallback = RecordingSink()
            let sink = JournalSink(fallback: fallback)
            do throws(SystemdError) { try sink.send(LogRecord(level: .info, message: "lost")) } catch { outage.sendError = error }
            sink.write(LogRecord(level: .info, message: "first"))
            sink.write(LogRecord(level: .info, message: "second"))
            outage.fallback = fallback.records.map { ($0.level, $0.message) }
            return outage
        }
        #expect(seen.probeError == SystemdError.journal(errno: ECONNREFUSED))
        #expect(seen.sendError == SystemdError.journal(errno: ECONNREFUSED))
        #expect(seen.fallback.count == 3, "one outage report, then the entries: \(seen.fallback.map { $0.message })")
        #expect(seen.fallback.first?.level == .error)
        #expect(seen.fallback.first?.message.contains("systemd-journald") == true)
        #expect(seen.fallback.dropFirst().map { $0.message } == ["first", "second"])
    }
}
