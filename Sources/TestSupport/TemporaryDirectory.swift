import Foundation

/// A fresh directory for one test, removed when the test is done with it.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init(_ label: String = "v6test") throws {
        let template = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-XXXXXX").path
        var bytes = Array(template.utf8CString)
        guard mkdtemp(&bytes) != nil else { throw CocoaError(.fileWriteUnknown) }
        path = String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// Writes `contents` to a temporary name and renames it into place (a daemon reading the file
    /// never sees half of it). The descriptor is close-on-exec: Foundation's own writer leaves it
    /// inheritable, so a process another test started meanwhile kept it open for writing, and
    /// executing the file then failed with "Text file busy" (ETXTBSY).
    @discardableResult
    public func write(_ name: String, _ contents: String, mode: Int? = nil) throws -> String {
        let target = file(name)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let temporary = target + ".writing-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(mode ?? 0o644))
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary]) }
        let bytes = Array(contents.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { close(fd); unlink(temporary); throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target]) }
            written += n
        }
        // The mode exactly as asked (open's is masked by the umask).
        let ok = fchmod(fd, mode_t(mode ?? 0o644)) == 0
        close(fd)
        guard ok, rename(temporary, target) == 0 else { unlink(temporary); throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target]) }
        return target
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
