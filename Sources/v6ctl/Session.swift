import ArgumentParser
import ControlClient
import ControlProtocol
import Foundation

/// `--socket` and `--json`, on every command that talks to the daemon.
struct GlobalOptions: ParsableArguments {
    @Option(help: "The control socket (default: $V6_SOCKET or /run/v6-scheduler/control.sock).") var socket: String?
    @Flag(help: "Print the daemon's JSON result instead of a table (for scripts).") var json = false

    var socketPath: String { ControlSocket.path(explicit: socket) }
}

/// One request to the daemon and its answer, with the exit codes of the contract.
enum DaemonSession {
    /// Sends `request`; returns the result payload or throws a `CLIError` (exit 1 for a
    /// refused request, 3 when the daemon cannot be reached).
    static func call(_ request: Request, options: GlobalOptions, onEvent: ((RunEvent) -> Void)? = nil) throws -> ResultPayload {
        do {
            return try ControlSession.call(request, path: options.socketPath, onEvent: onEvent)
        } catch {
            throw CLIError(error)
        }
    }

    static func decode<T: Decodable>(_ payload: ResultPayload, as type: T.Type) throws -> T {
        do { return try ControlSession.decode(payload, as: type) } catch { throw CLIError(error) }
    }

    /// `--json`: the result exactly as the daemon sent it.
    static func printJSON(_ payload: ResultPayload) {
        Output.write(String(decoding: payload.json, as: UTF8.self) + "\n")
    }
}

extension CLIError {
    /// The exit code of the contract for a failed call: 3 when the daemon is unreachable, 2 for a
    /// bad argument, 1 otherwise.
    init(_ error: ControlClientError) {
        switch error.reason {
        case .unreachable: self.init(message: error.message, code: CLIError.daemonDown)
        case .badArgument: self.init(message: error.message, code: CLIError.usage)
        case .accessDenied, .refused, .invalidResponse, .failed: self.init(message: error.message, code: CLIError.failed)
        }
    }
}
