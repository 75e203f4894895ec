import Foundation
import HummingbirdBcrypt

/// What a signed-in person or an API key may do.
public enum Role: String, Sendable, Codable {
    /// Look only.
    case readOnly = "read-only"
    /// Look and change (enable, disable, clear, run now, edit), if the daemon lets the dashboard.
    case operator_ = "operator"
}

/// The login token, the optional users (bcrypt hashes) and the API keys.
public struct Credentials: Sendable {
    /// The token of the printed URL; signs in as user `token`, role operator.
    public let token: String
    /// name -> (bcrypt hash, role).
    public let users: [String: (hash: String, role: Role)]
    /// key -> (name, role).
    public let apiKeys: [String: (name: String, role: Role)]

    public init(token: String, users: [String: (hash: String, role: Role)] = [:], apiKeys: [String: (name: String, role: Role)] = [:]) {
        self.token = token
        self.users = users
        self.apiKeys = apiKeys
    }

    /// The user whose password matches, with their role.
    public func user(_ name: String, password: String) -> Role? {
        guard let entry = users[name] else {
            // Spend the same time as a real check, so timing does not tell which names exist.
            _ = Bcrypt.verify(password, hash: Credentials.decoyHash)
            return nil
        }
        return Bcrypt.verify(password, hash: entry.hash) ? entry.role : nil
    }

    public func isToken(_ candidate: String) -> Bool { Credentials.constantTimeEqual(candidate, token) }

    /// The API key's holder, compared in constant time with each key.
    public func apiKey(_ candidate: String) -> (name: String, role: Role)? {
        var found: (name: String, role: Role)? = nil
        for (key, holder) in apiKeys where Credentials.constantTimeEqual(candidate, key) { found = holder }
        return found
    }

    static let decoyHash = Bcrypt.hash("v6-dashboard decoy", cost: 10)

    /// Equal strings in time that depends on the length only.
    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<x.count { difference |= x[i] ^ y[i] }
        return difference == 0
    }

    /// 32 random bytes as URL-safe text (the token, session ids, CSRF tokens).
    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
