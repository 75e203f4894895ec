// The journal fields an entry becomes, without a journald: these names are what operators
// type after `journalctl`, so they are part of the daemon's interface.
import Logging
import SchedulerDaemon
import Testing

struct JournalFieldsTests {
    @Test func metadataKeysBecomeV6Fields() {
        let sink = JournalSink(fallback: nil)
        let record = LogRecord(level: .warning, message: "slow", metadata: [
            (key: "task", value: "health_check"), (key: "run_id", value: "r1"), (key: "exit-code", value: "0"),
            (key: "Mixed.Case key", value: "x"), (key: "café", value: "y"),
            (key: String(repeating: "k", count: 80), value: "long"),
        ])
        let fields = sink.fields(for: record)
        #expect(fields.map(\.name) == [
            "MESSAGE", "PRIORITY", "V6_TASK", "V6_RUN_ID", "V6_EXIT_CODE", "V6_MIXED_CASE_KEY", "V6_CAF_",
            "V6_" + String(repeating: "K", count: 61), "SYSLOG_IDENTIFIER",
        ])
        #expect(fields.first { $0.name == "PRIORITY" }?.value == "4")
        #expect(fields.first { $0.name == "SYSLOG_IDENTIFIER" }?.value == "v6-scheduler")
        #expect(fields.allSatisfy { $0.name.count <= 64 })
    }

    @Test func syslogIdentifierMetadataNamesTheProgram() {
        let sink = JournalSink(identifier: "v6-scheduler", fallback: nil)
        let fields = sink.fields(for: LogRecord(level: .info, message: "line", metadata: [(key: "syslog_identifier", value: "health_check")]))
        #expect(fields.filter { $0.name == "SYSLOG_IDENTIFIER" }.map(\.value) == ["health_check"])
        #expect(!fields.contains { $0.name == "V6_SYSLOG_IDENTIFIER" })
    }

    @Test func levelsMapToSyslogPriorities() {
        let expected: [Logger.Level: Int] = [.trace: 7, .debug: 7, .info: 6, .notice: 5, .warning: 4, .error: 3, .critical: 2]
        for (level, priority) in expected {
            #expect(level.syslogPriority == priority, "\(level)")
        }
    }

    @Test func swiftLogEntriesNameTheirSourceLine() {
        let recorder = RecordingSink()
        let logger = Logger(label: "v6.test") { RecordingHandler(label: $0, sink: recorder) }
        logger.info("where", metadata: ["task": "t"])
        let record = recorder.records.first
        #expect(record?.source?.file.hasSuffix("JournalFieldsTests.swift") == true)
        let fields = JournalSink(fallback: nil).fields(for: record ?? LogRecord(level: .info, message: ""))
        #expect(fields.map(\.name).suffix(3) == ["CODE_FILE", "CODE_LINE", "CODE_FUNC"])
    }
}
