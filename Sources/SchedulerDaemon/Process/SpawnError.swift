import Glibc

/// Why a task could not be started. `description` names the thing and the fix, e.g.
/// `scripts/x.py: no such file (cwd /srv/bot)`; `code` is stable, for records and tests.
public struct SpawnError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// The request itself is unusable: empty argv, NUL bytes, a bad run id.
        case invalidRequest = "invalid_request"
        case workingDirectoryMissing = "working_directory_missing"
        case workingDirectoryNotDirectory = "working_directory_not_directory"
        case workingDirectoryNotAccessible = "working_directory_not_accessible"
        case executableNotFound = "executable_not_found"
        case notExecutable = "not_executable"
        /// The file exists and is executable, but the kernel cannot run it (no #! line, missing
        /// interpreter, wrong architecture).
        case cannotExecute = "cannot_execute"
        /// Out of processes, memory or descriptors.
        case resources = "resources"
        case system = "system"
    }

    public let code: Code
    public let description: String
    /// The errno behind it, when there is one.
    public let errno: Int32?

    init(_ code: Code, _ description: String, errno: Int32? = nil) {
        self.code = code
        self.description = description
        self.errno = errno
    }

    static func invalid(_ what: String) -> SpawnError { SpawnError(.invalidRequest, what) }

    static func workingDirectoryMissing(_ cwd: String) -> SpawnError {
        SpawnError(.workingDirectoryMissing, "working directory \(cwd) does not exist (create it or fix working_directory)",
                   errno: ENOENT)
    }

    static func workingDirectoryNotDirectory(_ cwd: String) -> SpawnError {
        SpawnError(.workingDirectoryNotDirectory, "working directory \(cwd) is not a directory", errno: ENOTDIR)
    }

    static func workingDirectoryNotAccessible(_ cwd: String, errno: Int32) -> SpawnError {
        SpawnError(.workingDirectoryNotAccessible,
                   "working directory \(cwd): \(SpawnError.reason(errno)) (the daemon's user needs search (x) permission on it and its parents)",
                   errno: errno)
    }

    static func noSuchFile(_ program: String, cwd: String) -> SpawnError {
        SpawnError(.executableNotFound, "\(program): no such file (cwd \(cwd))", errno: ENOENT)
    }

    static func notInPath(_ program: String, path: String) -> SpawnError {
        SpawnError(.executableNotFound, "\(program): not found in PATH (\(path))", errno: ENOENT)
    }

    static func notExecutable(_ program: String, resolved: String, mode: mode_t, cwd: String) -> SpawnError {
        let octal = String(mode & 0o7777, radix: 8)
        let shown = resolved == program ? program : "\(program) (\(resolved))"
        return SpawnError(.notExecutable, "\(shown): not executable (mode 0\(octal); chmod +x it) (cwd \(cwd))", errno: EACCES)
    }

    static func isDirectory(_ program: String, cwd: String) -> SpawnError {
        SpawnError(.notExecutable, "\(program): is a directory, not a program (cwd \(cwd))", errno: EACCES)
    }

    static func accessDenied(_ program: String, cwd: String, errno: Int32) -> SpawnError {
        SpawnError(.notExecutable, "\(program): \(SpawnError.reason(errno)) (cwd \(cwd))", errno: errno)
    }

    static func missingInterpreter(_ program: String, interpreter: String?) -> SpawnError {
        let detail = interpreter.map { "its interpreter \($0) (from the #! line) does not exist" }
            ?? "cannot be executed: a file it needs (its #! interpreter or dynamic loader) does not exist"
        return SpawnError(.cannotExecute, "\(program): \(detail)", errno: ENOENT)
    }

    static func badFormat(_ program: String) -> SpawnError {
        SpawnError(.cannotExecute, "\(program): not an executable format (a script needs a #! line, e.g. #!/bin/sh)",
                   errno: ENOEXEC)
    }

    /// posix_spawn (or the pipes before it) failed with `errno` after the checks passed.
    static func spawnFailed(_ program: String, cwd: String, errno: Int32) -> SpawnError {
        switch errno {
        case EAGAIN, ENOMEM, EMFILE, ENFILE:
            return SpawnError(.resources, "cannot start \(program): \(SpawnError.reason(errno)) (too many processes or open files?)",
                              errno: errno)
        case E2BIG:
            return SpawnError(.invalidRequest, "cannot start \(program): the arguments and environment are too large", errno: errno)
        case EACCES, EPERM:
            return accessDenied(program, cwd: cwd, errno: errno)
        case ENOEXEC:
            return badFormat(program)
        default:
            return SpawnError(.system, "cannot start \(program): \(SpawnError.reason(errno)) (cwd \(cwd))", errno: errno)
        }
    }

    static func reason(_ errno: Int32) -> String {
        switch errno {
        case EACCES: return "permission denied"
        case ENOENT: return "no such file or directory"
        default: return String(cString: strerror(errno))
        }
    }
}
