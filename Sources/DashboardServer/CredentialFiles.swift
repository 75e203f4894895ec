import Foundation

/// Reading the token, users and API-key files. Every problem names the file, the line and the fix.
public enum CredentialFiles {
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// The token in `path` (first line, trimmed), or a new random one written there with mode 0600
    /// when the file does not exist.
    public static func token(at path: String) throws(Problem) -> String {
        if FileManager.default.fileExists(atPath: path) {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw Problem("\(path): cannot read the token file (check its owner and mode)")
            }
            let token = text.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            guard token.count >= 16, token.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
                throw Problem("\(path):1: the token must be at least 16 printable characters without spaces (try: head -c 32 /dev/urandom | base64 > \(path))")
            }
            return token
        }
        let token = Credentials.randomToken()
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Problem("\(path): cannot create the token file: \(String(cString: strerror(errno))) (use --token-file PATH)") }
        defer { close(fd) }
        let bytes = Array((token + "\n").utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { throw Problem("\(path): cannot write the token file") }
        return token
    }

    /// `NAME:BCRYPT-HASH[:ROLE]` per line (`#` comments); role `operator` (default) or `read-only`.
    public static func users(at path: String) throws(Problem) -> [String: (hash: String, role: Role)] {
        var users: [String: (hash: String, role: Role)] = [:]
        for (number, fields) in try entries(path, separator: ":") {
            guard fields.count == 2 || fields.count == 3, !fields[0].isEmpty else {
                throw Problem("\(path):\(number): expected NAME:BCRYPT-HASH[:ROLE] (try: htpasswd -nbBC 12 NAME PASSWORD)")
            }
            guard fields[1].hasPrefix("$2") else {
                throw Problem("\(path):\(number): the password of \(fields[0]) is not a bcrypt hash (try: htpasswd -nbBC 12 \(fields[0]) PASSWORD)")
            }
            users[fields[0]] = (fields[1], try role(fields.count == 3 ? fields[2] : "operator", path, number))
        }
        return users
    }

    /// `NAME ROLE KEY` per line (`#` comments); role `read-only` or `operator`; keys of 24+ characters.
    public static func apiKeys(at path: String) throws(Problem) -> [String: (name: String, role: Role)] {
        var keys: [String: (name: String, role: Role)] = [:]
        for (number, fields) in try entries(path, separator: " ") {
            guard fields.count == 3 else { throw Problem("\(path):\(number): expected NAME ROLE KEY (ROLE read-only or operator)") }
            guard fields[2].count >= 24 else {
                throw Problem("\(path):\(number): the key of \(fields[0]) is too short: use 24 characters or more (try: head -c 32 /dev/urandom | base64)")
            }
            keys[fields[2]] = (fields[0], try role(fields[1], path, number))
        }
        return keys
    }

    private static func role(_ text: String, _ path: String, _ number: Int) throws(Problem) -> Role {
        guard let role = Role(rawValue: text) else { throw Problem("\(path):\(number): unknown role '\(text)' (use read-only or operator)") }
        return role
    }

    private static func entries(_ path: String, separator: Character) throws(Problem) -> [(Int, [String])] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw Problem("\(path): cannot read the file") }
        var out: [(Int, [String])] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = separator == " " ? line.split(whereSeparator: \.isWhitespace).map(String.init)
                                          : line.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
            out.append((index + 1, fields))
        }
        return out
    }
}
