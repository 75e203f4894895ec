// Test doubles for the logging outputs: a sink that keeps records, a handler over it, and
// a pipe that stands in for stderr so the text handlers' real output can be read back.
import Foundation
import Glibc
import Logging
import SchedulerDaemon
import Synchronization

/// Keeps what it is given, for assertions.
final class RecordingSink: LogSink {
    private let stored = Mutex<[LogRecord]>([])
    var records: [LogRecord] { stored.withLock { $0 } }
    func write(_ record: LogRecord) { stored.withLock { $0.append(record) } }
}

/// A swift-log handler writing to any sink (the handlers' shared behaviour, observable).
struct RecordingHandler: SinkLogHandler {
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    let label: String
    let sink: any LogSink

    init(label: String, sink: any LogSink, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.sink = sink
        self.metadataProvider = metadataProvider
    }
}

/// A pipe whose write end a `TextSink` uses as its stderr.
final class CapturedStream {
    private let pipe = Pipe()
    let sink: TextSink

    init() {
        sink = TextSink(fileDescriptor: pipe.fileHandleForWriting.fileDescriptor)
        // Reads must not block when a test expects nothing.
        _ = fcntl(pipe.fileHandleForReading.fileDescriptor, F_SETFL, O_NONBLOCK)
    }

    /// Everything written so far (lines are written whole, synchronously).
    func text() -> String {
        var collected = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(pipe.fileHandleForReading.fileDescriptor, &buffer, buffer.count)
            if count <= 0 { break }
            collected += buffer.prefix(count)
        }
        return String(decoding: collected, as: UTF8.self)
    }
}

/// The instant of a UTC wall time, for fixed timestamps.
func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int = 0) -> Int64 {
    var components = DateComponents()
    (components.year, components.month, components.day) = (year, month, day)
    (components.hour, components.minute, components.second) = (hour, minute, second)
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return Int64(calendar.date(from: components)!.timeIntervalSince1970)
}
