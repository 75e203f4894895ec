import Foundation

/// A stand-in for Slack, Discord, a webhook receiver or an SMTP server: `Tests/Support/alert_sinks.py`
/// started on loopback in the test's temporary directory, its requests recorded as JSON lines,
/// stopped by pid when the test is done (or when this object goes away).
public final class AlertSink: @unchecked Sendable {
    public let port: Int
    public let recordPath: String
    private let process: Process

    /// The script's path in the checkout.
    public static let script: String = TestPython.checkout.appendingPathComponent("Tests/Support/alert_sinks.py").path

    /// Starts `alert_sinks.py MODE ARGS` and waits for its port (or throws with its stderr).
    public init(_ mode: String, _ arguments: [String] = [], in directory: TemporaryDirectory, name: String) throws {
        recordPath = directory.file("\(name).jsonl")
        let portFile = directory.file("\(name).port")
        let errorPath = directory.file("\(name).stderr")
        _ = FileManager.default.createFile(atPath: recordPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [TestPython.executable, Self.script, mode, "--record", recordPath, "--port-file", portFile] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(20)
        var port: Int?
        while Date() < deadline, process.isRunning {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let value = Int(text) {
                port = value
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard let port else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            let stderr = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
            throw HarnessError("alert_sinks.py \(mode) did not start (is aiosmtpd installed? make test-deps):\n\(stderr)")
        }
        self.port = port
    }

    /// `http://127.0.0.1:PORT/path`.
    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Every recorded request or message so far, oldest first.
    public var records: [[String: Any]] {
        guard let text = try? String(contentsOfFile: recordPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONText.object(String($0)) }
    }

    /// Recorded requests to `path`.
    public func records(path: String) -> [[String: Any]] { records.filter { $0["path"] as? String == path } }

    /// Stops the server (SIGTERM, then SIGKILL), by pid.
    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }

    /// A loopback port nothing listens on (bound, then closed): connections to it are refused.
    public static func refusedPort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A CA and a server certificate for localhost (`ca.pem`, `server.pem`, `server.key` in `directory`).
    public static func makeCertificates(in directory: TemporaryDirectory) throws {
        let result = try Command.run("/usr/bin/env", [TestPython.executable, script, "certs", directory.path])
        guard result.status == 0 else { throw HarnessError("alert_sinks.py certs failed: \(result.stderr)") }
    }
}
