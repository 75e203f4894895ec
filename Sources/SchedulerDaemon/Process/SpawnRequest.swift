/// What to run for one task run: the command, its environment and its folder.
public struct SpawnRequest: Sendable, Equatable {
    /// argv. `argv[0]` without a slash is looked up in the `PATH` of `environment` (like execvp;
    /// relative PATH entries count from `workingDirectory`); with a slash, a relative path counts
    /// from `workingDirectory`. `argv[0]` is passed to the program as given.
    public var argv: [String]
    /// The child's whole environment (the daemon builds it: its own + the task's + V6_*).
    /// `V6_RUN_ID` is always set to `runID`, overriding any value here.
    public var environment: [String: String]
    /// The child's working directory.
    public var workingDirectory: String
    /// Unique per run. Exported as `V6_RUN_ID`, which is how the clean-up finds descendants
    /// that left the task's process group (setsid, double fork).
    public var runID: String
    /// Seconds between SIGTERM and SIGKILL when the run's leftovers are cleaned up after its
    /// main process exits on its own (`terminate(grace:)` takes its own grace).
    public var killGrace: Double

    public init(argv: [String], environment: [String: String], workingDirectory: String, runID: String,
                killGrace: Double = 10) {
        self.argv = argv
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.runID = runID
        self.killGrace = killGrace
    }
}

/// One line a task wrote, without its newline. Lines longer than
/// `OutputLine.maximumLength` bytes arrive in pieces; invalid UTF-8 is replaced with U+FFFD.
public struct OutputLine: Sendable, Equatable {
    public enum Stream: String, Sendable, Equatable {
        case stdout, stderr
    }

    /// Longest piece delivered as one line, in bytes (16 KiB).
    public static let maximumLength = 16 * 1024

    public var stream: Stream
    public var text: String

    public init(stream: Stream, text: String) {
        self.stream = stream
        self.text = text
    }
}

/// How a task's main process ended.
public enum Termination: Sendable, Equatable, CustomStringConvertible {
    /// exit(code) or return from main. `.exited(-1)` means the status was lost: something else
    /// in the daemon reaped the process (a stray waitpid(-1)); it cannot happen while every
    /// child is a TaskProcess.
    case exited(Int32)
    /// Killed by a signal (with or without a core dump).
    case signaled(Int32)

    public var isSuccess: Bool { self == .exited(0) }

    public var description: String {
        switch self {
        case .exited(let code): return "exited with code \(code)"
        case .signaled(let signal): return "killed by signal \(signal)\(Self.signalName(signal).map { " (\($0))" } ?? "")"
        }
    }

    static func signalName(_ signal: Int32) -> String? {
        let names: [Int32: String] = [1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 6: "SIGABRT", 7: "SIGBUS",
                                      8: "SIGFPE", 9: "SIGKILL", 11: "SIGSEGV", 13: "SIGPIPE", 14: "SIGALRM",
                                      15: "SIGTERM", 10: "SIGUSR1", 12: "SIGUSR2", 24: "SIGXCPU", 25: "SIGXFSZ"]
        return names[signal]
    }
}
