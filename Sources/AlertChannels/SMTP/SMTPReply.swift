/// One SMTP reply (RFC 5321 §4.2): a three-digit code and its text lines. A multi-line reply
/// has `250-` on every line but the last (`250 `).
public struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    public let code: Int
    public let lines: [String]

    public var description: String { "\(code) " + lines.joined(separator: " / ") }

    /// 2xx.
    public var isPositive: Bool { (200..<300).contains(code) }
    /// 4xx: try again later.
    public var isTransient: Bool { (400..<500).contains(code) }

    /// The EHLO keywords (`STARTTLS`, `AUTH PLAIN LOGIN`, `8BITMIME`), upper-cased; the first
    /// line is the greeting, not a keyword.
    public var extensions: [String] { lines.dropFirst().map { $0.uppercased() } }
}

/// Assembles replies from the lines the server sends.
struct SMTPReplyParser {
    private var pending: [String] = []
    private var pendingCode: Int?

    enum Failure: Error, Equatable { case malformed(String) }

    /// Feeds one line (without CRLF); returns the reply once its last line arrived.
    mutating func feed(_ line: String) throws(Failure) -> SMTPReply? {
        let chars = Array(line.utf8)
        guard chars.count >= 3, chars[0...2].allSatisfy({ (0x30...0x39).contains($0) }),
              let code = Int(String(decoding: chars[0...2], as: UTF8.self)) else {
            throw .malformed(String(line.prefix(80)))
        }
        if let pendingCode, pendingCode != code { throw .malformed(String(line.prefix(80))) }
        let separator: UInt8? = chars.count > 3 ? chars[3] : nil
        guard separator == nil || separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else {
            throw .malformed(String(line.prefix(80)))
        }
        pending.append(chars.count > 4 ? String(decoding: chars[4...], as: UTF8.self) : "")
        if separator == UInt8(ascii: "-") {
            pendingCode = code
            return nil
        }
        defer {
            pending = []
            pendingCode = nil
        }
        return SMTPReply(code: code, lines: pending)
    }
}
