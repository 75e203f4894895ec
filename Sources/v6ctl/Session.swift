import ArgumentParser
import ControlProtocol
import Foundation

/// `--socket` and `--json`, on every command that talks to the daemon.
struct GlobalOptions: ParsableArguments {
    @Option(help: "The control socket (default: $V6_SOCKET or /run/v6-scheduler/control.sock).") var socket: String?
    @Flag(help: "Print the daemon's JSON result instead of a table (for scripts).") var json = false

    var socketPath: String {
        socket ?? ProcessInfo.processInfo.environment["V6_SOCKET"].flatMap { $0.isEmpty ? nil : $0 } ?? ControlClient.defaultSocket
    }
}

/// One request to the daemon and its answer, with the exit codes of the contract.
enum DaemonSession {
    /// Sends `request`; returns the result payload or throws a `CLIError` (exit 1 for a
    /// refused request, 3 when the daemon cannot be reached).
    static func call(_ request: Request, options: GlobalOptions, onEvent: ((RunEvent) -> Void)? = nil) throws -> ResultPayload {
        let client = try ControlClient(path: options.socketPath)
        // A daemon that turns the connection away (busy: too many connections) answers and hangs
        // up at once, maybe before the request is written: its answer is still there to read.
        var sendFailure: CLIError? = nil
        do { try client.send(Array(RequestEncoder.encode(request, id: 1).dropLast())) } catch let error as CLIError { sendFailure = error }
        while let line = try readLine(client, wait: onEvent != nil, after: sendFailure) {
            switch ResponseDecoder.decode(line: line) {
            case .failure(let error):
                throw CLIError(message: "unreadable answer from the daemon: \(error.message)", code: CLIError.failed)
            case .success(.event(_, let event)):
                onEvent?(event)
            case .success(.success(_, let payload)):
                return payload
            case .success(.failure(_, let error)):
                throw CLIError(message: "\(error.message) [\(error.code.rawValue)]", code: CLIError.failed)
            }
        }
        if let sendFailure { throw sendFailure }
        throw CLIError(message: "the daemon closed the connection without answering; check: journalctl -u v6-scheduler -n 50",
                       code: CLIError.daemonDown)
    }

    /// The next line; after a failed send, a failed read reports the send's failure instead.
    private static func readLine(_ client: ControlClient, wait: Bool, after sendFailure: CLIError?) throws -> [UInt8]? {
        guard let sendFailure else { return try client.readLine(wait: wait) }
        do { return try client.readLine(wait: wait) } catch { throw sendFailure }
    }

    static func decode<T: Decodable>(_ payload: ResultPayload, as type: T.Type) throws -> T {
        do { return try payload.decode(type) } catch {
            throw CLIError(message: "unexpected answer from the daemon: \(error.message); are v6ctl and v6-scheduler the same version?",
                           code: CLIError.failed)
        }
    }

    /// `--json`: the result exactly as the daemon sent it.
    static func printJSON(_ payload: ResultPayload) {
        Output.write(String(decoding: payload.json, as: UTF8.self) + "\n")
    }
}
