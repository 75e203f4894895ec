import Foundation

/// Writes the daemon's response lines, each ending in a newline:
///
///     {"id":7,"ok":true,"result":{...}}
///     {"id":7,"ok":false,"error":{"code":"unknown_task","message":"..."}}
///     {"id":7,"event":"output","run_id":12,"stream":"stdout","line":"..."}
///
/// `id` is echoed exactly as the request sent it, and left out when the request had none (or when it
/// could not be read, as for invalid JSON). Result objects have sorted keys; absent optionals are left out.
public enum ResponseEncoder {
    /// A success line. If `result` cannot be encoded (a bug), the line is an `internal` error instead,
    /// so the client always gets an answer.
    public static func success(id: RequestID?, result: some Encodable) -> [UInt8] {
        let encoded: [UInt8]
        do {
            encoded = try encode(result)
        } catch {
            return failure(id: id, code: .internal, message: "could not encode the result: \(error)")
        }
        var out = open(id)
        out.append(contentsOf: #""ok":true,"result":"#.utf8)
        out.append(contentsOf: encoded)
        return close(out)
    }

    /// An error line.
    public static func failure(id: RequestID?, code: ErrorCode, message: String) -> [UInt8] {
        var out = open(id)
        out.append(contentsOf: #""ok":false,"error":{"code":"#.utf8)
        JSONWriter.writeString(code.rawValue, into: &out)
        out.append(contentsOf: #","message":"#.utf8)
        JSONWriter.writeString(message, into: &out)
        out.append(UInt8(ascii: "}"))
        return close(out)
    }

    /// An error line for a `ProtocolError`.
    public static func failure(id: RequestID?, _ error: ProtocolError) -> [UInt8] {
        failure(id: id, code: error.code, message: error.message)
    }

    /// The error line for a request that `RequestDecoder` rejected (`nil` when it was accepted).
    public static func failure(for decoded: DecodedRequest) -> [UInt8]? {
        decoded.error.map { failure(id: decoded.id, $0) }
    }

    /// An event line of `run_now` with `wait`.
    public static func event(id: RequestID?, _ event: RunEvent) -> [UInt8] {
        var out = open(id)
        JSONWriter.writeKey("event", into: &out)
        JSONWriter.writeString(event.name, into: &out)
        switch event {
        case .started(let run), .retrying(let run):
            out.append(contentsOf: #","run":"#.utf8)
            guard let encoded = try? encode(run) else {
                return failure(id: id, code: .internal, message: "could not encode run \(run.runID)")
            }
            out.append(contentsOf: encoded)
        case .output(let runID, let stream, let line):
            out.append(contentsOf: #","run_id":"#.utf8)
            out.append(contentsOf: String(runID).utf8)
            out.append(contentsOf: #","stream":"#.utf8)
            JSONWriter.writeString(stream.rawValue, into: &out)
            out.append(contentsOf: #","line":"#.utf8)
            JSONWriter.writeString(line, into: &out)
        }
        return close(out)
    }

    /// `{` and, when there is one, `"id":<id>,`.
    private static func open(_ id: RequestID?) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "{")]
        if let id {
            JSONWriter.writeKey("id", into: &out)
            out.append(contentsOf: id.json)
            out.append(UInt8(ascii: ","))
        }
        return out
    }

    private static func close(_ out: [UInt8]) -> [UInt8] {
        var out = out
        out.append(UInt8(ascii: "}"))
        out.append(0x0A)
        return out
    }

    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }
}
