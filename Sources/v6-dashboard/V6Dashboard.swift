import ArgumentParser
import ControlClient
import DashboardServer
import Foundation
import Hummingbird
import Logging
import MarketCalendar

/// `v6-dashboard`: the operator's web dashboard, a client of the control socket like `v6ctl`.
@main
struct V6Dashboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "v6-dashboard",
        abstract: "Serve the v6-scheduler web dashboard (a client of the control socket, like v6ctl).",
        discussion: """
            Prints one line, dashboard: http://ADDR:PORT/?token=TOKEN, once it listens; open it to sign in.
            The token comes from --token-file, else a random one is kept (mode 0600) in
            $STATE_DIRECTORY/token or ~/.local/state/v6-dashboard/token.
            Run by a user who may not change the daemon (not root, not its user, not in its control
            group), the dashboard is read-only and says so on every page.

            Exit codes: 0 stopped by SIGTERM/SIGINT; 1 could not start (address in use, unreadable
            file); 2 usage error. See docs/dashboard.md.
            """)

    @Option(help: "The control socket (default: $V6_SOCKET or /run/v6-scheduler/control.sock).") var socket: String?
    @Option(help: ArgumentHelp("Where to listen (default 127.0.0.1:8501; [::1]:8501 for IPv6).", valueName: "addr:port")) var listen = "127.0.0.1:8501"
    @Option(help: ArgumentHelp("The login token's file (created with a random token, mode 0600, when missing).", valueName: "path")) var tokenFile: String?
    @Option(help: ArgumentHelp("Users who sign in with a password: NAME:BCRYPT-HASH[:ROLE] per line (ROLE operator or read-only).", valueName: "path")) var users: String?
    @Option(help: ArgumentHelp("API keys for /api/v1/: NAME ROLE KEY per line (ROLE read-only or operator).", valueName: "path")) var apiKeys: String?

    /// Usage errors exit 2 (ArgumentParser's default is 64), like v6ctl's.
    static func main() async {
        do {
            let command = try parse()
            try await command.run()
        } catch let error as ExitCode {
            Foundation.exit(error.rawValue)
        } catch {
            if exitCode(for: error) == .success {  // --help, --version
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            let message = self.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid usage"
            FileHandle.standardError.write(Data("v6-dashboard: \(message) (see v6-dashboard --help)\n".utf8))
            Foundation.exit(2)
        }
    }

    func validate() throws {
        guard ListenAddress(listen) != nil else {
            throw ValidationError("--listen: '\(listen)' is not ADDR:PORT (try 127.0.0.1:8501 or [::1]:8501)")
        }
    }

    func run() async throws {
        _ = TimeZone.timeZoneDataVersion  // keeps Foundation's zone code in a static build (PLATFORM-NOTES)
        _ = ZoneRules.newYork
        let address = ListenAddress(listen)!
        let credentials: Credentials
        do {
            credentials = Credentials(
                token: try CredentialFiles.token(at: tokenFile ?? V6Dashboard.defaultTokenFile()),
                users: try users.map { path throws(CredentialFiles.Problem) in try CredentialFiles.users(at: path) } ?? [:],
                apiKeys: try apiKeys.map { path throws(CredentialFiles.Problem) in try CredentialFiles.apiKeys(at: path) } ?? [:])
        } catch {
            FileHandle.standardError.write(Data("v6-dashboard: \(error)\n".utf8))
            throw ExitCode(1)
        }
        var logger = Logger(label: "v6-dashboard")
        logger.logLevel = .notice
        let gateway = SocketGateway(socketPath: ControlSocket.path(explicit: socket))
        let dashboard = Dashboard(gateway: gateway, credentials: credentials, logger: logger)
        let token = credentials.token
        let app = dashboard.application(host: address.host, port: address.port, logger: logger) { bound in
            let host = address.host.contains(":") ? "[\(address.host)]" : address.host
            // Unbuffered: a supervisor reading a pipe sees the line at once.
            FileHandle.standardOutput.write(Data("dashboard: http://\(host):\(bound)/?token=\(token)\n".utf8))
        }
        do {
            try await app.runService()
        } catch {
            FileHandle.standardError.write(Data("v6-dashboard: cannot serve on \(listen): \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    static func defaultTokenFile() -> String {
        let environment = ProcessInfo.processInfo.environment
        if let state = environment["STATE_DIRECTORY"]?.split(separator: ":").first { return "\(state)/token" }
        return "\(environment["HOME"] ?? "/tmp")/.local/state/v6-dashboard/token"
    }
}

/// `ADDR:PORT`, `[IPv6]:PORT`.
struct ListenAddress {
    let host: String
    let port: Int

    init?(_ text: String) {
        let hostPart: Substring, portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            hostPart = text[text.index(after: text.startIndex)..<close]
            portPart = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
        }
        guard !hostPart.isEmpty, !hostPart.contains(" "), let port = Int(portPart), (0...65535).contains(port) else { return nil }
        host = String(hostPart)
        self.port = port
    }
}
