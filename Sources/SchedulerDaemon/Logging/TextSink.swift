// Text lines on a descriptor the sink does not own: stderr when the daemon is not under
// journald (`make run`, a terminal, a container), or a test's pipe. A lock per descriptor
// keeps concurrent entries from interleaving mid-line when a write comes back short.
import Glibc
import Synchronization

/// Writes records as `LogLineFormatter` lines to a file descriptor.
public struct TextSink: LogSink {
    private let writer: LineWriter

    /// A sink writing to `fd`, which it neither owns nor closes.
    public init(fileDescriptor fd: Int32) {
        writer = LineWriter(fd: fd)
    }

    /// Standard error, shared by every handler so its lock covers them all.
    public static let standardError = TextSink(fileDescriptor: STDERR_FILENO)

    public func write(_ record: LogRecord) {
        _ = writer.write(LogLineFormatter.line(record))
    }
}

/// Serializes whole-line writes to one descriptor.
final class LineWriter: Sendable {
    private let fd: Mutex<Int32>

    init(fd: Int32) { self.fd = Mutex(fd) }

    /// Writes all of `line`; 0 on success, else the errno.
    func write(_ line: String) -> Int32 {
        fd.withLock { LineWriter.writeAll(line, to: $0) }
    }

    /// Loops over short writes and EINTR; 0 on success, else the errno.
    static func writeAll(_ line: String, to fd: Int32) -> Int32 {
        var line = line
        return line.withUTF8 { bytes -> Int32 in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return 0
        }
    }
}
