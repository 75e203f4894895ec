import Foundation

/// A real `v6-scheduler run` in its own temporary directory, for end-to-end tests: a
/// config written from a template, the daemon started as a child process (stderr to
/// `daemon.log`), `v6ctl` pointed at its socket, and the daemon stopped by pid at the end.
///
/// In the YAML template, `{{DIR}}` is replaced by the temporary directory.
public final class DaemonHarness: @unchecked Sendable {
    public let directory: TemporaryDirectory
    public let configPath: String
    public let socketPath: String
    public let stateDirectory: String
    public let logPath: String
    public private(set) var process: Process?
    private var logHandle: FileHandle?
    /// A program (and its arguments) that runs the daemon, e.g. `nsenter --mount=... --` to
    /// start it in another mount namespace; it must exec the daemon in the same process
    /// (no fork), so that `pid` is the daemon's. Empty: run the daemon directly.
    public var launcher: [String] = []

    public init(config template: String, label: String = "v6e2e") throws {
        directory = try TemporaryDirectory(label)
        socketPath = directory.file("control.sock")
        stateDirectory = directory.file("state")
        logPath = directory.file("daemon.log")
        let yaml = template.replacingOccurrences(of: "{{DIR}}", with: directory.path)
        configPath = try directory.write("config.yaml", yaml)
    }

    public var pid: Int32 { process?.processIdentifier ?? 0 }
    public var isRunning: Bool { process?.isRunning ?? false }

    /// Starts the daemon and waits until its control socket answers (or throws with the log).
    public func start(environment: [String: String] = [:], arguments: [String] = [], timeout: Double = 20) throws {
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        let process = Process()
        let argv = launcher + [Command.path(of: "v6-scheduler"), "run", "--config", configPath, "--log-target", "stderr"] + arguments
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        var env = ProcessInfo.processInfo.environment
        for key in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID", "JOURNAL_STREAM"] { env[key] = nil }
        env.merge(environment) { $1 }
        process.environment = env
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
        logHandle = log
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if !process.isRunning {
                throw HarnessError("v6-scheduler exited with \(process.terminationStatus) before it was ready:\n\(self.log)")
            }
            if let status = try? v6ctl(["status", "--json"]), status.status == 0 { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw HarnessError("v6-scheduler did not answer on \(socketPath) within \(timeout)s:\n\(self.log)")
    }

    /// Sends `signal` and waits for the daemon to exit; returns its exit status (SIGKILL after `timeout`).
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, timeout: Double = 30) -> Int32 {
        guard let process, process.isRunning else { return process?.terminationStatus ?? 0 }
        kill(process.processIdentifier, signal)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    /// kill -9, and wait until it is gone.
    public func crash() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Runs `v6ctl ARGS --socket <this daemon's socket>`.
    public func v6ctl(_ arguments: [String], environment: [String: String]? = nil) throws -> CommandResult {
        try Command.run("v6ctl", ["--socket", socketPath] + arguments, environment: environment)
    }

    /// The daemon's stderr so far.
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Waits until the log contains `text` (true) or `timeout` passes (false).
    public func waitForLog(_ text: String, timeout: Double = 20) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if log.contains(text) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    deinit {
        if let process, process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? logHandle?.close()
    }
}

public struct HarnessError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
