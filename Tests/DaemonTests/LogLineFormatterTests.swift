// The text form used on stderr and in the plain file: ET timestamps with milliseconds and
// the offset in force, the level, the task and run up front, then key=value metadata.
import Foundation
import Logging
import MarketCalendar
import SchedulerDaemon
import Testing

struct LogLineFormatterTests {
    @Test func timestampsAreEasternTimeWithMillisecondsAndOffset() {
        let winter = LogTimestamp(seconds: utc(2026, 11, 27, 14, 30), nanoseconds: 123_456_789)
        #expect(LogLineFormatter.timestamp(winter) == "2026-11-27T09:30:00.123-05:00")
        let summer = LogTimestamp(seconds: utc(2026, 7, 1, 13, 30, 5), nanoseconds: 5_000_000)
        #expect(LogLineFormatter.timestamp(summer) == "2026-07-01T09:30:05.005-04:00")
        // 2026-11-01 01:30 happens twice in New York; the second time is EST.
        let repeated = LogTimestamp(seconds: utc(2026, 11, 1, 6, 30), nanoseconds: 0)
        #expect(LogLineFormatter.timestamp(repeated) == "2026-11-01T01:30:00.000-05:00")
    }

    @Test func lineHasLevelTaskRunMessageAndMetadata() {
        let record = LogRecord(timestamp: LogTimestamp(seconds: utc(2026, 11, 27, 14, 30), nanoseconds: 123_000_000),
                               level: .info, message: "run finished",
                               metadata: [(key: "duration_ms", value: "1234"), (key: "outcome", value: "succeeded"),
                                          (key: "run_id", value: "abc"), (key: "task", value: "collect_option_snapshots")])
        #expect(LogLineFormatter.line(record)
            == "2026-11-27T09:30:00.123-05:00 info  [collect_option_snapshots run=abc] run finished duration_ms=1234 outcome=succeeded\n")
    }

    @Test func contextBracketAdaptsToWhatIsKnown() {
        let time = LogTimestamp(seconds: utc(2026, 11, 27, 14, 30))
        func line(_ level: Logger.Level, _ metadata: [(key: String, value: String)]) -> String {
            String(LogLineFormatter.line(LogRecord(timestamp: time, level: level, message: "m", metadata: metadata)).dropFirst(30))
        }
        #expect(line(.warning, [(key: "task", value: "t")]) == "warning [t] m\n")
        #expect(line(.error, [(key: "run_id", value: "r")]) == "error [run=r] m\n")
        #expect(line(.debug, []) == "debug m\n")
        #expect(line(.info, [(key: "syslog_identifier", value: "t"), (key: "task", value: "t")]) == "info  [t] m\n")
        #expect(line(.info, [(key: "syslog_identifier", value: "other")]) == "info  m syslog_identifier=other\n")
    }

    @Test func oneEntryStaysOneLine() {
        let record = LogRecord(timestamp: LogTimestamp(seconds: 0), level: .critical, message: "first\nsecond",
                               metadata: [(key: "error", value: "bad \"input\"\nhere"), (key: "empty", value: ""),
                                          (key: "path", value: "a=b")])
        let line = LogLineFormatter.line(record)
        #expect(line.filter { $0 == "\n" }.count == 1)
        #expect(line.hasSuffix("critical first\\nsecond error=\"bad \\\"input\\\"\\nhere\" empty=\"\" path=\"a=b\"\n"))
    }

    @Test func stderrHandlerWritesTheLineWithSortedMetadataNow() throws {
        let stream = CapturedStream()
        var logger = Logger(label: "v6.test") { StderrLogHandler(label: $0, sink: stream.sink) }
        logger[metadataKey: "run_id"] = "r1"
        let before = Int64(Date().timeIntervalSince1970)
        logger.info("hello", metadata: ["task": "health_check", "outcome": "succeeded", "exit_code": "0"])
        logger.debug("below the level")
        let after = Int64(Date().timeIntervalSince1970)
        let text = stream.text()
        let lines = text.split(separator: "\n")
        try #require(lines.count == 1, "got: \(text)")
        let line = String(lines[0])
        #expect(line.hasSuffix(" info  [health_check run=r1] hello exit_code=0 outcome=succeeded"))
        let stamp = String(line.prefix(29))
        let offsets = Set([before, after].map { ZoneRules.offsetString(ZoneRules.newYork.offset(at: Instant(seconds: $0))) })
        #expect(offsets.contains(String(stamp.suffix(6))), "offset of \(stamp)")
        let local = Set([before, after].map { ZoneRules.newYork.iso8601(Instant(seconds: $0)).prefix(19) })
        #expect(local.contains(stamp.prefix(19)), "\(stamp) is not ET now")
        #expect(stamp.dropFirst(19).prefix(1) == "." && Int(stamp.dropFirst(20).prefix(3)) != nil)
    }

    @Test func metadataProviderIsIncluded() {
        let recorder = RecordingSink()
        let provider = Logger.MetadataProvider { ["run_id": "from-provider"] }
        let logger = Logger(label: "v6.test") { RecordingHandler(label: $0, sink: recorder, metadataProvider: provider) }
        logger.info("m", metadata: ["task": "t"])
        let record = recorder.records.first
        #expect(record?["run_id"] == "from-provider")
        #expect(record?.metadata.map(\.key) == ["run_id", "task"])
    }
}
