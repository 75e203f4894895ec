/// A parsed JSON value. The protocol's own parser produces it (see `JSONParser` for why not
/// Foundation's); numbers keep their literal text so that a request's `id` is echoed byte for byte.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The literal as written, already checked against RFC 8259's number grammar.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// "a string", "an object", ...: how error messages name what was found.
    var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The value of an integer literal (`7`, `-3`, also `7.0` and `7.00`, but not `7.5` or `7e0`), when it
    /// fits in an Int64.
    var integerValue: Int64? {
        guard case .number(let literal) = self else { return nil }
        return JSONValue.integer(fromLiteral: literal)
    }

    static func integer(fromLiteral literal: String) -> Int64? {
        guard !literal.contains(where: { $0 == "e" || $0 == "E" }) else { return nil }
        let parts = literal.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 2, !parts[1].allSatisfy({ $0 == "0" }) { return nil }
        return Int64(parts[0])
    }
}

/// A JSON object that remembers the order of its keys (for stable output). Keys are unique: the
/// parser rejects duplicates, because "which `task` wins" must never be a guess on a control socket.
struct JSONObject: Sendable, Equatable {
    private(set) var keys: [String] = []
    private(set) var values: [String: JSONValue] = [:]

    init() {}

    subscript(key: String) -> JSONValue? { values[key] }

    /// Adds a member; false when the key is already present.
    @discardableResult
    mutating func insert(_ key: String, _ value: JSONValue) -> Bool {
        guard values[key] == nil else { return false }
        keys.append(key)
        values[key] = value
        return true
    }
}
