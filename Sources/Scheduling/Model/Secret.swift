import Foundation

/// A value that must never be shown: a webhook URL (its path is the credential), a shared
/// HMAC key, an SMTP password. Written in the YAML as the value itself, as `env:NAME` (a variable
/// of the daemon's environment or of `--env-file`), or as `file:PATH` (a file's first line, e.g.
/// a systemd credential under `/run/credentials/v6-scheduler.service/`).
///
/// Every way Swift prints a value (`description`, `debugDescription`, `dump`, string
/// interpolation, `Mirror`) shows only where the secret comes from, never the secret: `env:NAME`,
/// `file:PATH`, or `<hidden>` for a value written in the YAML. The value is reachable only
/// through `reveal()`, which the code that sends it calls at the last moment.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Where the value comes from.
    public enum Source: Sendable, Hashable {
        /// Written in the YAML.
        case literal
        /// `env:NAME`.
        case environment(String)
        /// `file:PATH` (absolute after loading).
        case file(String)
    }

    public let source: Source
    /// The value, once known (at once for a literal; after `resolved(in:)` otherwise).
    private let value: String?

    private init(source: Source, value: String?) {
        self.source = source
        self.value = value
    }

    /// A value written in the configuration itself.
    public static func literal(_ value: String) -> Secret { Secret(source: .literal, value: value) }

    /// `env:NAME`, resolved by the process that needs the value.
    public static func environment(_ name: String) -> Secret { Secret(source: .environment(name), value: nil) }

    /// `file:PATH`, resolved by the process that needs the value.
    public static func file(_ path: String) -> Secret { Secret(source: .file(path), value: nil) }

    /// How the secret is shown: `env:SLACK_WEBHOOK_URL`, `file:/run/credentials/x/smtp`, `<hidden>`.
    public var description: String {
        switch source {
        case .literal: "<hidden>"
        case .environment(let name): "env:\(name)"
        case .file(let path): "file:\(path)"
        }
    }

    public var debugDescription: String { "Secret(\(description))" }

    public var customMirror: Mirror { Mirror(self, children: ["source": description], displayStyle: .struct) }

    /// True once the value is known.
    public var isResolved: Bool { value != nil }

    /// The value, for the code that sends it; nil while unresolved.
    public func reveal() -> String? { value }

    /// The value from the environment or the file (its first line, without the line end);
    /// a literal is returned as it is.
    public func resolved(in environment: [String: String]) throws(SecretError) -> Secret {
        switch source {
        case .literal:
            return self
        case .environment(let name):
            guard let found = environment[name] else { throw SecretError(secret: self, problem: "\(name) is not set") }
            guard !found.isEmpty else { throw SecretError(secret: self, problem: "\(name) is empty") }
            return Secret(source: source, value: found)
        case .file(let path):
            let text: String
            switch ConfigLoader.readText(path) {
            case .success(let contents): text = contents
            case .failure(let reason): throw SecretError(secret: self, problem: "cannot read \(path): \(reason)")
            }
            let firstLine = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let trimmed = firstLine.hasSuffix("\r") ? String(firstLine.dropLast()) : firstLine
            guard !trimmed.isEmpty else { throw SecretError(secret: self, problem: "\(path) is empty") }
            return Secret(source: source, value: trimmed)
        }
    }

    /// `text` with every occurrence of this secret's value replaced by its description, for
    /// error messages that may quote a URL or a server's answer.
    public func redact(_ text: String) -> String {
        guard let value, value.count >= 4 else { return text }
        return text.replacingOccurrences(of: value, with: description)
    }
}

/// A secret that could not be resolved; the message names the reference, never a value.
public struct SecretError: Error, Sendable, Equatable, CustomStringConvertible {
    public let secret: Secret
    public let problem: String

    public var description: String { "\(secret): \(problem)" }
}
