// `enable_logging` changes at run time (a reload, `v6ctl settings set enable_logging=...`):
// the plain-file log closes and opens again without a restart.
import Foundation
import SchedulerDaemon
import TestSupport
import Testing

struct LogFileEnableTests {
    @Test func turningTheFileOffAndOnAgain() throws {
        let directory = try TemporaryDirectory("v6log")
        let file = LogFile(directory: directory.file("logs"), enabled: false)
        file.write(LogRecord(level: .info, message: "dropped while off"))
        #expect(!file.isOpen && !file.isEnabled)
        #expect(!FileManager.default.fileExists(atPath: file.path), "nothing is created while enable_logging is false")

        file.setEnabled(true)
        file.write(LogRecord(level: .info, message: "written"))
        file.setEnabled(false)
        file.write(LogRecord(level: .info, message: "dropped again"))
        #expect(!file.isOpen)
        file.setEnabled(true)
        file.write(LogRecord(level: .info, message: "appended"))

        let lines = try String(contentsOfFile: file.path, encoding: .utf8).split(separator: "\n")
        #expect(lines.map { String($0.split(separator: " ").last ?? "") } == ["written", "appended"])
    }
}
