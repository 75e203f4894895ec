// The wiring the daemon gets from DaemonLogging.bootstrap, built directly (swift-log allows
// one bootstrap per process): swift-log entries and task output reach the primary output and
// the file; a file that cannot be written is reported once, at error level, on the primary.
import Foundation
import Logging
import SchedulerDaemon
import TestSupport
import Testing

struct LogOutputsTests {
    @Test func entriesAndTaskOutputReachThePrimaryAndTheFile() throws {
        let directory = try TemporaryDirectory("v6outputs")
        let stream = CapturedStream()
        let outputs = LogOutputs(target: .stderr, primary: stream.sink, fileDirectory: directory.path)
        let logger = Logger(label: "v6.test") { outputs.makeHandler(label: $0, level: .info) }
        logger.info("run started", metadata: ["task": "health_check", "run_id": "r1"])
        logger.debug("not at this level")
        outputs.taskOutput.line("checked 12 symbols", stream: .stdout, task: "health_check", runID: "r1")
        outputs.taskOutput.line("feed slow", stream: .stderr, task: "health_check", runID: "r1")

        let expected = [
            " info  [health_check run=r1] run started",
            " info  [health_check run=r1] checked 12 symbols stream=stdout",
            " warning [health_check run=r1] feed slow stream=stderr",
        ]
        let primary = stream.text().split(separator: "\n").map { String($0.dropFirst(29)) }
        #expect(primary == expected)
        let file = try String(contentsOfFile: outputs.file!.path, encoding: .utf8)
        #expect(file.split(separator: "\n").map { String($0.dropFirst(29)) } == expected)
        #expect(outputs.reopen())
    }

    @Test func anUnwritableFileIsReportedOnceOnThePrimary() throws {
        let directory = try TemporaryDirectory("v6outputs")
        let blocker = try directory.write("file", "")
        let primary = RecordingSink()
        let outputs = LogOutputs(target: .journal, primary: primary, fileDirectory: blocker + "/logs")
        let logger = Logger(label: "v6.test") { outputs.makeHandler(label: $0) }
        logger.info("still logged")
        outputs.taskOutput.line("also logged", stream: .stdout, task: "t", runID: "r")
        #expect(!outputs.reopen())

        let records = primary.records
        #expect(records.map(\.message).count == 3, "\(records.map(\.message))")
        #expect(records.first?.level == .error)
        #expect(records.first?.message.contains(blocker + "/logs") == true)
        #expect(records.dropFirst().map(\.message) == ["still logged", "also logged"])
    }

    @Test func withoutADirectoryThereIsNoFile() {
        let primary = RecordingSink()
        let outputs = LogOutputs(target: .stderr, primary: primary, fileDirectory: nil)
        #expect(outputs.file == nil)
        #expect(outputs.reopen())
        Logger(label: "v6.test") { outputs.makeHandler(label: $0) }.notice("only here")
        #expect(primary.records.map(\.message) == ["only here"])
    }
}
