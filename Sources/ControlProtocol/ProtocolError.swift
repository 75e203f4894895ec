/// An error answer: a code and a message for people. Messages name the thing and the fix.
public struct ProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String

    public init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `unknown_task: no task named "x"`.
    public var description: String { "\(code.rawValue): \(message)" }
}
