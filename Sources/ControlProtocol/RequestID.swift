/// A request's optional `id`: any JSON number or string, echoed back exactly as sent
/// (a number keeps its literal text: `1e3` comes back as `1e3`, not `1000`).
public struct RequestID: Sendable, Hashable, CustomStringConvertible,
    ExpressibleByIntegerLiteral, ExpressibleByStringLiteral
{
    enum Storage: Sendable, Hashable {
        /// A JSON number literal, valid by construction (parsed, or formatted from an Int).
        case number(String)
        case string(String)
    }

    let storage: Storage

    init(storage: Storage) { self.storage = storage }

    public init(_ value: Int) { storage = .number(String(value)) }
    public init(_ value: String) { storage = .string(value) }
    public init(integerLiteral value: Int) { self.init(value) }
    public init(stringLiteral value: String) { self.init(value) }

    /// The id as an integer, when it is an integer number.
    public var intValue: Int? {
        guard case .number(let literal) = storage, let value = JSONValue.integer(fromLiteral: literal) else { return nil }
        return Int(exactly: value)
    }

    /// The id when it was sent as a string.
    public var stringValue: String? {
        guard case .string(let s) = storage else { return nil }
        return s
    }

    /// The id as JSON text (`7`, `"abc"`).
    public var description: String { String(decoding: json, as: UTF8.self) }

    var jsonValue: JSONValue {
        switch storage {
        case .number(let literal): return .number(literal)
        case .string(let s): return .string(s)
        }
    }

    var json: [UInt8] {
        var out: [UInt8] = []
        JSONWriter.write(jsonValue, into: &out)
        return out
    }

    /// The id member of a parsed object: nil when absent or null; a `ProtocolError` when of another type.
    static func from(_ value: JSONValue?) -> Result<RequestID?, ProtocolError> {
        switch value {
        case nil, .null?: return .success(nil)
        case .number(let literal)?: return .success(RequestID(storage: .number(literal)))
        case .string(let s)?: return .success(RequestID(storage: .string(s)))
        case let other?:
            return .failure(ProtocolError(.wrongType, "\"id\" must be a number or a string, found \(other.kindName)"))
        }
    }
}
