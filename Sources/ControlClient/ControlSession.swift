import ControlProtocol

/// One request to the daemon and its answer: connect, send, read events until the final line.
public enum ControlSession {
    /// Sends `request` to the socket at `path`; returns the result payload. Events (`run_now` with
    /// `wait`) go to `onEvent` as they arrive; `onConnect` receives the connection first, so a
    /// caller on another thread can `shutdown()` it. `onBehalfOf` names the person the caller acts
    /// for, sent with the commands that take it (`Command.takesOnBehalfOf`).
    public static func call(_ request: Request, path: String, timeoutSeconds: Int = 10, onBehalfOf: String? = nil,
                            onConnect: ((ControlConnection) -> Void)? = nil,
                            onEvent: ((RunEvent) -> Void)? = nil) throws(ControlClientError) -> ResultPayload {
        let client = try ControlConnection(path: path, timeoutSeconds: timeoutSeconds)
        onConnect?(client)
        // A daemon that turns the connection away (busy: too many connections) answers and hangs
        // up at once, maybe before the request is written: its answer is still there to read.
        var sendFailure: ControlClientError? = nil
        do { try client.send(Array(RequestEncoder.encode(request, id: 1, onBehalfOf: onBehalfOf).dropLast())) } catch { sendFailure = error }
        while let line = try readLine(client, wait: onEvent != nil, after: sendFailure) {
            switch ResponseDecoder.decode(line: line) {
            case .failure(let error):
                throw ControlClientError(.invalidResponse, "unreadable answer from the daemon: \(error.message)")
            case .success(.event(_, let event)):
                onEvent?(event)
            case .success(.success(_, let payload)):
                return payload
            case .success(.failure(_, let error)):
                throw ControlClientError(.refused(error), "\(error.message) [\(error.code.rawValue)]")
            }
        }
        if let sendFailure { throw sendFailure }
        throw ControlClientError(.unreachable, "the daemon closed the connection without answering; check: journalctl -u v6-scheduler -n 50")
    }

    /// Sends `request` and decodes its result as `type`.
    public static func call<T: Decodable>(_ request: Request, path: String, as type: T.Type, timeoutSeconds: Int = 10) throws(ControlClientError) -> T {
        try decode(call(request, path: path, timeoutSeconds: timeoutSeconds), as: type)
    }

    /// The next line; after a failed send, a failed read reports the send's failure instead.
    private static func readLine(_ client: ControlConnection, wait: Bool, after sendFailure: ControlClientError?) throws(ControlClientError) -> [UInt8]? {
        guard let sendFailure else { return try client.readLine(wait: wait) }
        do { return try client.readLine(wait: wait) } catch { throw sendFailure }
    }

    /// Decodes a result; a mismatch names the likely cause (client and daemon of different versions).
    public static func decode<T: Decodable>(_ payload: ResultPayload, as type: T.Type) throws(ControlClientError) -> T {
        do { return try payload.decode(type) } catch {
            throw ControlClientError(.invalidResponse, "unexpected answer from the daemon: \(error.message); are the client and v6-scheduler the same version?")
        }
    }
}
