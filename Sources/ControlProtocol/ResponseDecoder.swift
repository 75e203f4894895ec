import Foundation

/// One line from the daemon, as the client sees it.
public enum ResponseLine: Sendable, Equatable {
    /// `"ok":true`: the final answer. Decode the result with `payload.decode(StatusResult.self)` etc.
    case success(id: RequestID?, payload: ResultPayload)
    /// `"ok":false`: the final answer.
    case failure(id: RequestID?, error: ProtocolError)
    /// An event of `run_now` with `wait`; more lines follow.
    case event(id: RequestID?, event: RunEvent)

    public var id: RequestID? {
        switch self {
        case .success(let id, _), .failure(let id, _), .event(let id, _): return id
        }
    }

    /// True for the answer that ends a request (success or failure), false for events.
    public var isFinal: Bool {
        if case .event = self { return false }
        return true
    }
}

/// The `result` of a success line, kept as JSON until the client says what it expects.
public struct ResultPayload: Sendable, Equatable {
    /// The result value as JSON text.
    public let json: [UInt8]

    public init(json: [UInt8]) { self.json = json }

    /// Decodes the result as `type`; a mismatch is an `invalid_response` error.
    public func decode<T: Decodable>(_ type: T.Type) throws(ProtocolError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(json))
        } catch {
            throw ProtocolError(.invalidResponse, "the daemon's result is not a \(T.self): \(error)")
        }
    }
}

/// Reads the daemon's response lines (the client's side). Anything unexpected is `invalid_response`.
public enum ResponseDecoder {
    public static func decode(line: some Collection<UInt8>) -> Result<ResponseLine, ProtocolError> {
        Result { () throws(ProtocolError) in try parse(Array(line)) }
    }

    private static func invalid(_ message: String) -> ProtocolError {
        ProtocolError(.invalidResponse, "unexpected line from the daemon: \(message)")
    }

    private static func parse(_ bytes: [UInt8]) throws(ProtocolError) -> ResponseLine {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw invalid("invalid JSON at byte \(error.offset): \(error.message)")
        }
        guard let object = value.objectValue else { throw invalid("expected an object, found \(value.kindName)") }
        let id: RequestID?
        switch RequestID.from(object["id"]) {
        case .success(let parsed): id = parsed
        case .failure(let error): throw invalid(error.message)
        }
        if let event = object["event"] {
            return .event(id: id, event: try parseEvent(event, object))
        }
        switch object["ok"] {
        case .bool(true)?:
            guard let result = object["result"] else { throw invalid("\"ok\":true without \"result\"") }
            var json: [UInt8] = []
            JSONWriter.write(result, into: &json)
            return .success(id: id, payload: ResultPayload(json: json))
        case .bool(false)?:
            guard let error = object["error"]?.objectValue, let code = error["code"]?.stringValue,
                  let message = error["message"]?.stringValue
            else { throw invalid("\"ok\":false without an \"error\" object with \"code\" and \"message\"") }
            // A code from a newer daemon is kept in the message rather than lost.
            let known = ErrorCode(rawValue: code)
            return .failure(id: id, error: ProtocolError(known ?? .internal, known == nil ? "[\(code)] \(message)" : message))
        default:
            throw invalid("neither \"ok\" (true or false) nor \"event\"")
        }
    }

    private static func parseEvent(_ name: JSONValue, _ object: JSONObject) throws(ProtocolError) -> RunEvent {
        switch name.stringValue {
        case "started"?: return .started(try run(object))
        case "retrying"?: return .retrying(try run(object))
        case "output"?:
            guard let runID = object["run_id"]?.integerValue,
                  let stream = object["stream"]?.stringValue.flatMap(RunOutputStream.init(rawValue:)),
                  let line = object["line"]?.stringValue
            else { throw invalid("an output event needs \"run_id\", \"stream\" (stdout or stderr) and \"line\"") }
            return .output(runID: runID, stream: stream, line: line)
        default:
            var shown: [UInt8] = []
            JSONWriter.write(name, into: &shown)
            throw invalid("unknown event \(String(decoding: shown.prefix(64), as: UTF8.self))")
        }
    }

    private static func run(_ object: JSONObject) throws(ProtocolError) -> RunInfo {
        guard let run = object["run"] else { throw invalid("a run event needs \"run\"") }
        var json: [UInt8] = []
        JSONWriter.write(run, into: &json)
        do {
            return try JSONDecoder().decode(RunInfo.self, from: Data(json))
        } catch {
            throw invalid("the \"run\" of a run event is not a RunInfo: \(error)")
        }
    }
}
