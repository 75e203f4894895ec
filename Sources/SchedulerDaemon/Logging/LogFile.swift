// The optional plain-file log (`enable_logging: true` writes `v6-scheduler.log` in
// `log_directory`), for desks that ship files rather than read the journal. It is a second
// copy, never the only one: if the directory is missing, not writable or the disk is full,
// the daemon keeps scheduling and says so once on the other outputs (journal or stderr)
// instead of crashing or repeating the complaint on every line. Rotation is external
// (logrotate): `reopen()` on SIGHUP/reload moves writing to the new file.
import Glibc
import Synchronization

/// `v6-scheduler.log` in a directory, appended to by every `FileLogHandler` and the task output.
public final class LogFile: LogSink {
    /// The name of the file inside `log_directory`.
    public static let fileName = "v6-scheduler.log"

    public let directory: String
    public let path: String
    private let report: @Sendable (String) -> Void
    private let state = Mutex(State())

    private struct State {
        var fd: Int32 = -1
        /// `enable_logging`: while false the file is closed and lines are dropped.
        var enabled = true
        /// A failure was reported and nothing has worked since: stay quiet.
        var reported = false
    }

    /// Opens (creating if needed, mode 0640) `directory/v6-scheduler.log` for appending. Never
    /// fails: when the file cannot be opened, `report` gets one message and writes are dropped
    /// until a `reopen()` succeeds.
    ///
    /// - Parameter report: receives the one message per failure; the daemon passes a closure
    ///   that logs it at error level on the journal or stderr.
    /// - Parameter enabled: `enable_logging`; when false nothing is opened until `setEnabled(true)`.
    public init(directory: String, enabled: Bool = true, report: @escaping @Sendable (String) -> Void = LogFile.reportOnStderr) {
        self.directory = directory
        self.path = directory.hasSuffix("/") ? directory + LogFile.fileName : directory + "/" + LogFile.fileName
        self.report = report
        state.withLock { $0.enabled = enabled }
        reopen()
    }

    /// `enable_logging` changed (a reload, `v6ctl settings set`): closes the file, or opens it.
    public func setEnabled(_ enabled: Bool) {
        let changed = state.withLock { state -> Bool in
            guard state.enabled != enabled else { return false }
            state.enabled = enabled
            if !enabled, state.fd >= 0 {
                close(state.fd)
                state.fd = -1
            }
            return true
        }
        if changed, enabled { reopen() }
    }

    /// False while `enable_logging` is off.
    public var isEnabled: Bool { state.withLock { $0.enabled } }

    deinit {
        state.withLock { if $0.fd >= 0 { close($0.fd) } }
    }

    /// True while there is a file to write to.
    public var isOpen: Bool { state.withLock { $0.fd >= 0 } }

    /// Opens the path again (after logrotate moved the file away) and switches to it. When
    /// that fails, writing continues to the previously open file, if any.
    /// - Returns: whether the new file is open.
    @discardableResult
    public func reopen() -> Bool {
        guard isEnabled else { return true }
        let opened = LogFile.open(path: path, directory: directory)
        var message: String?
        let ok = state.withLock { state -> Bool in
            switch opened {
            case .success(let fd):
                if state.fd >= 0 { close(state.fd) }
                state.fd = fd
                state.reported = false
                return true
            case .failure(let failure):
                if !state.reported {
                    state.reported = true
                    message = failure.message
                }
                return false
            }
        }
        if let message { report(message) }
        return ok
    }

    public func write(_ record: LogRecord) {
        let line = LogLineFormatter.line(record)
        var message: String?
        state.withLock { state in
            guard state.fd >= 0 else { return }
            let error = LineWriter.writeAll(line, to: state.fd)
            if error == 0 {
                state.reported = false
            } else if !state.reported {
                state.reported = true
                message = "cannot write the log file \(path): \(LogFile.text(error)); "
                    + "free space or fix \(directory), then reload; entries go to the other log outputs meanwhile"
            }
        }
        if let message { report(message) }
    }

    /// The default `report`: an error line on stderr.
    public static let reportOnStderr: @Sendable (String) -> Void = { message in
        TextSink.standardError.write(LogRecord(level: .error, message: message))
    }

    private struct OpenFailure: Error { let message: String }

    private static func open(path: String, directory: String) -> Result<Int32, OpenFailure> {
        let advice = "make log_directory writable by the daemon's user, or set enable_logging: false; "
            + "logging continues without the file"
        if let error = makeDirectories(directory) {
            return .failure(OpenFailure(message: "cannot create log_directory \(directory): \(text(error)); " + advice))
        }
        // O_EXCL first, to know whether we created the file: only then is fchmod ours to do,
        // and it makes the mode 0640 whatever the umask (an operator's chmod is kept).
        var fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o640)
        if fd >= 0 {
            fchmod(fd, 0o640)
        } else if errno == EEXIST {
            fd = Glibc.open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        }
        if fd < 0 {
            return .failure(OpenFailure(message: "cannot open the log file \(path): \(text(errno)); " + advice))
        }
        return .success(fd)
    }

    /// `mkdir -p` with mode 0750; nil on success, else the errno.
    private static func makeDirectories(_ directory: String) -> Int32? {
        var prefix = directory.hasPrefix("/") ? "/" : ""
        for component in directory.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o750) != 0 && errno != EEXIST { return errno }
            prefix += "/"
        }
        var info = stat()
        if stat(directory, &info) != 0 { return errno }
        return (info.st_mode & S_IFMT) == S_IFDIR ? nil : ENOTDIR
    }

    private static func text(_ error: Int32) -> String { String(cString: strerror(error)) }
}
