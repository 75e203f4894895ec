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

    /// A connected socket with `request` written (and nothing read): the caller reads, or stalls.
    func open(_ method: String = "GET", _ path: String, headers: [String] = [], body: String = "") throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(fd); throw HarnessError("connect to port \(port): errno \(errno)") }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let lines = ["\(method) \(path) HTTP/1.1", "Host: 127.0.0.1", "Connection: close", "Content-Length: \(body.utf8.count)"] + headers
        let request = lines.joined(separator: "\r\n") + "\r\n\r\n" + body
        _ = request.withCString { write(fd, $0, strlen($0)) }
        return fd
    }

    /// Reads from `fd` until `text` has arrived (true) or the read times out or ends (false).
    func read(_ fd: Int32, until text: String) -> Bool {
        var received = ""
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !received.contains(text) {
            let n = Glibc.read(fd, &buffer, buffer.count)
            if n <= 0 { return false }
            received += String(decoding: buffer[..<n], as: UTF8.self)
            if received.count > 1_000_000 { received = String(received.suffix(100_000)) }
        }
        return true
    }

    /// Signs in with the token: the session cookie and the CSRF token of its pages.
    func signIn() throws -> (cookie: String, csrf: String) {
        let login = try request("/?token=\(token)")
        let cookie = login.text.components(separatedBy: "Set-Cookie: ").last?.components(separatedBy: ";").first ?? ""
        let page = try request("/calendar", headers: ["Cookie: \(cookie)"])
        let csrf = page.text.components(separatedBy: "name=\"csrf\" value=\"").dropFirst().first?.prefix { $0 != "\"" } ?? ""
        return (cookie, String(csrf))
    }

    /// One HTTP/1.1 request over a plain socket: the status code and the raw response.
    func request(_ path: String, method: String = "GET", headers: [String] = [], body: String = "") throws -> (status: Int, text: String) {
        let fd = try open(method, path, headers: headers, body: body)
        defer { close(fd) }
        var response = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = Glibc.read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            response.append(contentsOf: buffer[..<n])
        }
        let text = String(decoding: response, as: UTF8.self)
        let status = Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0
        return (status, text)
    }
}
