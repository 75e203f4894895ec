// Entries go to systemd-journald as structured fields rather than text on stderr: PRIORITY
// makes `journalctl -p warning` work, SYSLOG_IDENTIFIER (the task's name for task output)
// makes `journalctl -t health_check` work, and every metadata key becomes a V6_* field, so
// `journalctl -u v6-scheduler V6_TASK=health_check V6_OUTCOME=failed` selects without grep.
import Glibc
import Logging
import Synchronization

/// Writes records to systemd-journald with `sd_journal_sendv`.
///
/// Fields: MESSAGE; PRIORITY (from the level); SYSLOG_IDENTIFIER (`identifier`, or the
/// record's `syslog_identifier` metadata); CODE_FILE/CODE_LINE/CODE_FUNC for swift-log
/// entries; and `V6_<KEY>` for every other metadata key (`run_id` -> `V6_RUN_ID`).
///
/// When journald cannot be reached, `write` says so once on the fallback sink (stderr by
/// default) and writes the records there until journald answers again. One case escapes it:
/// libsystemd reports success when the socket file does not exist at all (no journald ever
/// ran), so check `probe()` before choosing the journal (`LogOutputs` does).
public struct JournalSink: LogSink {
    /// Where journald receives native entries (what `sd_journal_sendv` writes to).
    public static let socketPath = "/run/systemd/journal/socket"

    /// SYSLOG_IDENTIFIER of entries that do not name their own.
    public let identifier: String
    private let fallback: (any LogSink)?
    private let outage: JournalOutage

    public init(identifier: String = DaemonLogging.defaultIdentifier,
                fallback: (any LogSink)? = TextSink.standardError) {
        self.identifier = identifier
        self.fallback = fallback
        self.outage = JournalOutage()
    }

    public func write(_ record: LogRecord) {
        do {
            try send(record)
            outage.end()
        } catch {
            guard let fallback else { return }
            if outage.begin() {
                fallback.write(LogRecord(level: .error, message: "\(error); writing log entries here until it is back"))
            }
            fallback.write(record)
        }
    }

    /// Sends one record, reporting failure (for callers and tests that must know).
    public func send(_ record: LogRecord) throws(SystemdError) {
        let result = entry(for: record).send()
        if result < 0 { throw SystemdError.journal(errno: -result) }
    }

    /// Whether journald receives datagrams on `socketPath`: the file exists and a journald is
    /// bound to it (a stale file left by a dead journald refuses the connection).
    public static func probe() throws(SystemdError) {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemdError.journal(errno: errno) }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(socketPath.utf8) + [0]) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if connected != 0 { throw SystemdError.journal(errno: errno) }
    }

    /// The fields `send` would write for `record`, in order (for tests and diagnostics).
    public func fields(for record: LogRecord) -> [(name: String, value: String)] {
        entry(for: record).pairs
    }

    /// The journal fields of `record`, in the order they are sent.
    func entry(for record: LogRecord) -> JournalEntry {
        var entry = JournalEntry(capacity: record.message.utf8.count + 64 * (record.metadata.count + 3))
        entry.append("MESSAGE", record.message)
        entry.append("PRIORITY", String(record.level.syslogPriority))
        var syslogIdentifier = identifier
        for (key, value) in record.metadata {
            if key == "syslog_identifier" {
                syslogIdentifier = value
            } else {
                entry.append(JournalEntry.fieldName(forMetadataKey: key), value)
            }
        }
        entry.append("SYSLOG_IDENTIFIER", syslogIdentifier)
        if let source = record.source {
            entry.append("CODE_FILE", source.file)
            entry.append("CODE_LINE", String(source.line))
            entry.append("CODE_FUNC", source.function)
        }
        return entry
    }
}

/// Whether journald is currently unreachable, so an outage is announced once, not per entry.
final class JournalOutage: Sendable {
    private let failing = Atomic<Bool>(false)

    /// Marks the journal unreachable; true if it was reachable until now.
    func begin() -> Bool { !failing.exchange(true, ordering: .relaxed) }

    /// Marks it reachable again (cheap on the normal path: a load, no store).
    func end() {
        if failing.load(ordering: .relaxed) { failing.store(false, ordering: .relaxed) }
    }
}
