import Foundation
import TestSupport

/// A real `v6-dashboard` process on a free loopback port: started, its one stdout line read,
/// stopped by pid.
final class DashboardProcess: @unchecked Sendable {
    let process = Process()
    let line: String
    let port: Int
    let token: String

    init(socket: String, directory: TemporaryDirectory, extra: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: Command.path(of: "v6-dashboard"))
        process.arguments = ["--socket", socket, "--listen", "127.0.0.1:0", "--token-file", directory.file("token")] + extra
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        var data = Data()
        let deadline = Date().addingTimeInterval(20)
        while !data.contains(UInt8(ascii: "\n")) && Date() < deadline && process.isRunning {
            data.append(out.fileHandleForReading.availableData)
        }
        line = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
        let url = line.hasPrefix("dashboard: ") ? String(line.dropFirst("dashboard: ".count)) : ""
        port = Int(url.split(separator: ":").last?.split(separator: "/").first ?? "") ?? 0
        token = url.components(separatedBy: "?token=").last ?? ""
    }

    func stop() -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// One HTTP/1.1 request over a plain socket: the status code and the raw response.
    func request(_ path: String, headers: [String] = []) throws -> (status: Int, text: String) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw HarnessError("connect to port \(port): errno \(errno)") }
        let request = (["GET \(path) HTTP/1.1", "Host: 127.0.0.1", "Connection: close"] + headers).joined(separator: "\r\n") + "\r\n\r\n"
        _ = request.withCString { write(fd, $0, strlen($0)) }
        var response = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            response.append(contentsOf: buffer[..<n])
        }
        let text = String(decoding: response, as: UTF8.self)
        let status = Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0
        return (status, text)
    }
}
