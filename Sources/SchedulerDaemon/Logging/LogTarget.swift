// Where the daemon's own log goes. Under systemd, stderr is already connected to journald,
// but as plain text: writing native entries instead keeps priorities and the V6_* fields.
// systemd tells a service that its stderr is the journal by JOURNAL_STREAM=<device>:<inode>
// of that stream (systemd.exec(5)); comparing it with fstat(2) of stderr is the documented
// test, and it stays false when stderr was redirected (e.g. `v6-scheduler run 2>file`).
import Glibc

/// The `--log-target` choice.
public enum LogTarget: String, Sendable, CaseIterable, CustomStringConvertible {
    /// The journal when stderr is connected to it, else stderr.
    case auto
    /// Native journal entries (`sd_journal_sendv`).
    case journal
    /// Text lines on stderr.
    case stderr

    public var description: String { rawValue }

    /// `.journal` or `.stderr`: what `.auto` means in this process.
    /// - Parameters:
    ///   - journalStream: the value of `JOURNAL_STREAM` (read from the environment by default).
    ///   - fd: the descriptor systemd would have connected (stderr).
    public func resolved(journalStream: String? = LogTarget.environmentJournalStream(),
                         fd: Int32 = STDERR_FILENO) -> LogTarget {
        switch self {
        case .journal, .stderr: return self
        case .auto: return LogTarget.isJournal(fd: fd, journalStream: journalStream) ? .journal : .stderr
        }
    }

    /// True when `journalStream` (`<device>:<inode>`, decimal) names the stream `fd` is open on.
    public static func isJournal(fd: Int32, journalStream: String?) -> Bool {
        guard let journalStream else { return false }
        let parts = journalStream.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }

    /// `JOURNAL_STREAM` of this process, if set.
    public static func environmentJournalStream() -> String? {
        getenv("JOURNAL_STREAM").map { String(cString: $0) }
    }
}
