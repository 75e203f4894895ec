import Foundation

/// A libpq-style connection URL (`scheduler.postgres_url`), taken apart:
/// `postgres[ql]://[USER[:PASSWORD]@][HOST][:PORT][/DATABASE][?host=SOCKET_DIR&sslmode=MODE]`.
///
/// A host that starts with `/` (percent-encoded in the host part, or the `host` parameter) is the
/// directory of a Unix socket, as in libpq. `description` never shows the password.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    /// `sslmode`: libpq's names; `verify-ca` and `verify-full` check the server's certificate.
    public enum SSLMode: String, Sendable, Equatable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var user: String
    public var password: String?
    /// A host name or address; nil when `socketDirectory` is set.
    public var host: String?
    /// The directory holding `.s.PGSQL.<port>`.
    public var socketDirectory: String?
    public var port: Int
    public var database: String
    public var sslMode: SSLMode

    /// The socket file for a Unix-socket URL.
    public var socketPath: String? { socketDirectory.map { "\($0)/.s.PGSQL.\(port)" } }

    public var description: String {
        let auth = user + (password == nil ? "" : ":***")
        let place = socketDirectory.map { "[\($0)]" } ?? host ?? "localhost"
        return "postgres://\(auth)@\(place):\(port)/\(database)?sslmode=\(sslMode.rawValue)"
    }

    /// Parses `text`; the error says what is wrong in words an operator can act on, without the password.
    public static func parse(_ text: String) -> Result<PostgresURL, URLProblem> {
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") else {
            return .failure(URLProblem("does not start with postgres:// or postgresql://"))
        }
        guard let components = URLComponents(string: text) else {
            return .failure(URLProblem("is not a URL (percent-encode special characters in the user and password)"))
        }
        var url = PostgresURL(user: components.user ?? "postgres", password: components.password, host: nil, socketDirectory: nil,
                              port: components.port ?? 5432, database: "", sslMode: .prefer)
        if let host = components.host, !host.isEmpty {
            let decoded = host.removingPercentEncoding ?? host
            if decoded.hasPrefix("/") { url.socketDirectory = decoded } else { url.host = decoded }
        }
        let path = components.path
        url.database = path.hasPrefix("/") ? String(path.dropFirst()) : path
        if url.database.isEmpty { url.database = url.user }
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "host":
                if value.hasPrefix("/") { url.socketDirectory = value; url.host = nil } else { url.host = value }
            case "port":
                guard let port = Int(value), (1...65535).contains(port) else { return .failure(URLProblem("port \"\(value)\" is not a port number")) }
                url.port = port
            case "sslmode":
                guard let mode = SSLMode(rawValue: value) else {
                    return .failure(URLProblem("sslmode \"\(value)\" is not one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))"))
                }
                url.sslMode = mode
            case "user": url.user = value
            case "password": url.password = value
            case "dbname": url.database = value
            case "application_name", "connect_timeout", "options", "target_session_attrs": break
            default: return .failure(URLProblem("parameter \"\(item.name)\" is not supported (host, port, user, password, dbname, sslmode)"))
            }
        }
        if url.host == nil && url.socketDirectory == nil { url.host = "localhost" }
        return .success(url)
    }
}

/// Why a `postgres_url` cannot be used.
public struct URLProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
