/// Turns one request line (without its newline) into a `Request`, or into the error to answer with.
///
/// The checks run in this order, so that the first error is the most useful one: size, JSON syntax,
/// object, `id`, `v`, `cmd`, unknown fields (a typo'd `tsak` is reported as unknown, not as a missing
/// `task`), then each field's type and value. It never traps, whatever the bytes.
public enum RequestDecoder {
    public static func decode(line: some Collection<UInt8>) -> DecodedRequest {
        let count = line.count
        guard count <= ProtocolLimits.maxRequestBytes else {
            return DecodedRequest(id: nil, result: .failure(ProtocolError(.requestTooLarge,
                "request line is \(count) bytes; the limit is \(ProtocolLimits.maxRequestBytes) (one JSON object per line)")))
        }
        let bytes = Array(line)
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
            return DecodedRequest(id: nil, result: .failure(ProtocolError(.invalidJSON,
                "empty line: send one JSON object per line, e.g. {\"v\":1,\"cmd\":\"status\"}")))
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            switch error.kind {
            case .duplicateKey(let key):
                return DecodedRequest(id: nil, result: .failure(ProtocolError(.invalidRequest,
                    "field \"\(shown(key))\" appears twice (byte \(error.offset))")))
            case .syntax:
                return DecodedRequest(id: nil, result: .failure(ProtocolError(.invalidJSON,
                    "invalid JSON at byte \(error.offset): \(error.message)")))
            }
        }
        guard case .object(let object) = value else {
            return DecodedRequest(id: nil, result: .failure(ProtocolError(.invalidRequest,
                "a request is a JSON object such as {\"v\":1,\"cmd\":\"status\"}, found \(value.kindName)")))
        }
        let id: RequestID?
        switch RequestID.from(object["id"]) {
        case .success(let parsed): id = parsed
        case .failure(let error): return DecodedRequest(id: nil, result: .failure(error))
        }
        do {
            let (request, onBehalfOf) = try request(from: object)
            return DecodedRequest(id: id, result: .success(request), onBehalfOf: onBehalfOf)
        } catch {
            return DecodedRequest(id: id, result: .failure(error))
        }
    }

    /// The request, and its top-level `on_behalf_of` for the commands that take one there.
    private static func request(from object: JSONObject) throws(ProtocolError) -> (Request, String?) {
        let request = try self.request(object)
        guard request.command.takesOnBehalfOf else { return (request, nil) }
        return (request, try Fields(object: object, command: request.command).onBehalfOf())
    }

    private static func request(_ object: JSONObject) throws(ProtocolError) -> Request {
        try checkVersion(object["v"])
        let command = try self.command(object["cmd"])
        let allowed = command.fields
        for key in object.keys where !["v", "id", "cmd"].contains(key) && !allowed.contains(key) {
            let takes = allowed.isEmpty ? "takes no fields" : "takes " + allowed.map { "\"\($0)\"" }.joined(separator: ", ")
            let hint = Suggestion.hint(Suggestion.closest(to: key, among: allowed))
            throw ProtocolError(.unknownField, "\(command) does not take \"\(shown(key))\"\(hint); it \(takes)")
        }
        let fields = Fields(object: object, command: command)
        switch command {
        case .status: return .status
        case .tasks: return .tasks(limit: try fields.limit(), offset: try fields.offset(), filter: try fields.filter())
        case .reload: return .reload
        case .metrics: return .metrics
        case .notifyTest: return .notifyTest(channel: try fields.channel())
        case .task: return .task(name: try fields.task(), output: try fields.bool("output"))
        case .enable: return .enable(task: try fields.task(), until: try fields.instant("until"))
        case .disable: return .disable(task: try fields.task(), until: try fields.instant("until"))
        case .clear: return .clear(task: try fields.task())
        case .runNow:
            return .runNow(task: try fields.task(), force: try fields.bool("force"), wait: try fields.bool("wait"),
                           withDependents: try fields.bool("with_dependents"))
        case .history:
            return .history(task: try fields.optionalTask(), runID: try fields.runID(),
                            limit: try fields.limit(), output: try fields.bool("output"), cursor: try fields.cursor())
        case .next: return .next(limit: try fields.limit())
        case .plan:
            guard let from = try fields.date("from") else {
                throw ProtocolError(.missingField, "plan needs \"from\": the first ET date, YYYY-MM-DD")
            }
            return .plan(from: from, to: try fields.date("to"))
        case .configShow, .audit, .taskAdd, .taskSet, .taskRemove, .settingsSet:
            return .config(try ConfigRequest.decode(command, fields))
        }
    }

    /// Client text in a message, cut to 64 characters so an error line stays small.
    static func shown(_ text: String) -> String {
        text.count > 64 ? String(text.prefix(64)) + "..." : text
    }

    private static func checkVersion(_ value: JSONValue?) throws(ProtocolError) {
        let current = ProtocolVersion.current
        guard let value, value != .null else {
            throw ProtocolError(.unsupportedVersion, "missing \"v\": every request carries the protocol version, \"v\":\(current)")
        }
        guard case .number(let literal) = value else {
            throw ProtocolError(.wrongType, "\"v\" must be a number (\"v\":\(current)), found \(value.kindName)")
        }
        guard value.integerValue == Int64(current) else {
            throw ProtocolError(.unsupportedVersion,
                "protocol version \(literal) is not supported: this daemon speaks version \(current) (use a v6ctl of the same release)")
        }
    }

    private static func command(_ value: JSONValue?) throws(ProtocolError) -> Command {
        let names = Command.allCases.map(\.rawValue).joined(separator: ", ")
        guard let value, value != .null else {
            throw ProtocolError(.missingField, "missing \"cmd\": the command, one of \(names)")
        }
        guard case .string(let name) = value else {
            throw ProtocolError(.wrongType, "\"cmd\" must be a string, found \(value.kindName)")
        }
        guard let command = Command(rawValue: name) else {
            throw ProtocolError(.unknownCommand,
                "unknown command \"\(shown(name))\"\(Suggestion.hint(Command.suggestion(for: name)?.rawValue)); commands: \(names)")
        }
        return command
    }
}

/// Typed access to a request's fields, with the errors that name the field and the expected type.
/// A `null` counts as absent.
struct Fields {
    let object: JSONObject
    let command: Command

    func present(_ key: String) -> JSONValue? {
        guard let value = object[key], value != .null else { return nil }
        return value
    }

    func wrongType(_ key: String, _ expected: String, _ found: JSONValue) -> ProtocolError {
        ProtocolError(.wrongType, "\"\(key)\" must be \(expected), found \(found.kindName)")
    }

    func task() throws(ProtocolError) -> String {
        guard let name = try optionalTask() else {
            throw ProtocolError(.missingField, "\(command) needs \"task\": the task's name as in the configuration")
        }
        return name
    }

    func channel() throws(ProtocolError) -> String {
        guard let value = present("channel") else {
            throw ProtocolError(.missingField, "\(command) needs \"channel\": a channel name of scheduler.notify")
        }
        guard case .string(let name) = value else { throw wrongType("channel", "a string (a channel name)", value) }
        guard !name.isEmpty else { throw ProtocolError(.invalidValue, "\"channel\" is empty: give a channel name of scheduler.notify") }
        return name
    }

    func optionalTask() throws(ProtocolError) -> String? {
        guard let value = present("task") else { return nil }
        guard case .string(let name) = value else { throw wrongType("task", "a string (the task's name)", value) }
        guard !name.isEmpty else { throw ProtocolError(.invalidValue, "\"task\" is empty: give the task's name") }
        return name
    }

    func bool(_ key: String) throws(ProtocolError) -> Bool {
        guard let value = present(key) else { return false }
        guard case .bool(let b) = value else { throw wrongType(key, "true or false", value) }
        return b
    }

    /// `until`: an ISO-8601 instant with a UTC offset, as the client resolves `today`, dates and so on.
    func instant(_ key: String) throws(ProtocolError) -> String? {
        guard let value = present(key) else { return nil }
        guard case .string(let text) = value else { throw wrongType(key, "a string (an ISO-8601 instant)", value) }
        guard ISO8601Shape.isInstant(text) else {
            throw ProtocolError(.invalidValue,
                "\"\(key)\" must be an ISO-8601 instant with an offset, such as 2026-11-27T16:00:00-05:00, found \"\(RequestDecoder.shown(text))\"")
        }
        return text
    }

    /// A calendar date, `YYYY-MM-DD`.
    func date(_ key: String) throws(ProtocolError) -> String? {
        guard let value = present(key) else { return nil }
        guard case .string(let text) = value else { throw wrongType(key, "a string (a date, YYYY-MM-DD)", value) }
        let digits = text.utf8.enumerated().allSatisfy { index, byte in
            index == 4 || index == 7 ? byte == UInt8(ascii: "-") : (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        guard text.utf8.count == 10, digits else {
            throw ProtocolError(.invalidValue, "\"\(key)\" must be a date YYYY-MM-DD, such as 2026-11-27, found \"\(RequestDecoder.shown(text))\"")
        }
        return text
    }

    func limit() throws(ProtocolError) -> Int? { try wholeNumber("limit", in: 1...ProtocolLimits.maxListLimit) }

    /// `offset`: how many of the matching items to skip (paging with `limit`).
    func offset() throws(ProtocolError) -> Int? { try wholeNumber("offset", in: 0...ProtocolLimits.maxListOffset) }

    private func wholeNumber(_ key: String, in range: ClosedRange<Int>) throws(ProtocolError) -> Int? {
        guard let value = present(key) else { return nil }
        guard case .number = value else { throw wrongType(key, "an integer", value) }
        guard let n = value.integerValue, n >= Int64(range.lowerBound), n <= Int64(range.upperBound) else {
            throw ProtocolError(.invalidValue, "\"\(key)\" must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return Int(n)
    }

    /// `cursor`: a `next_cursor` from an earlier `history` answer.
    func cursor() throws(ProtocolError) -> Int64? {
        try positive("cursor", "next_cursor of an earlier answer")
    }

    /// `filter`: checked here (`TaskFilter`), kept as written.
    func filter() throws(ProtocolError) -> String? {
        guard let value = present("filter") else { return nil }
        guard case .string(let text) = value else { throw wrongType("filter", "a string (states and name patterns, comma-separated)", value) }
        _ = try TaskFilter(parsing: text)
        return text
    }

    func runID() throws(ProtocolError) -> Int64? {
        try positive("run_id", "a run id from history")
    }

    /// A whole number of at least 1; `what` says in messages what it is.
    private func positive(_ key: String, _ what: String) throws(ProtocolError) -> Int64? {
        guard let value = present(key) else { return nil }
        guard case .number = value else { throw wrongType(key, "an integer (\(what))", value) }
        guard let n = value.integerValue, n >= 1 else {
            throw ProtocolError(.invalidValue, "\"\(key)\" must be a positive whole number (\(what))")
        }
        return n
    }
}
