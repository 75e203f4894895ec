/// Which values are secrets, to be masked wherever the configuration is shown or recorded
/// (`config show`, the audit, the journal): a task's `environment` values, and any value
/// whose key names a secret (`password`, `token`, `webhook_url`, ...).
public enum ConfigSecrets {
    static let words = ["password", "passwd", "secret", "token", "webhook", "api_key", "apikey", "credential", "private_key"]

    /// True when a key's name marks its value as a secret.
    public static func isSecretName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return words.contains { lower.contains($0) }
    }

    /// True when the whole value at `keyPath` is secret.
    static func valueIsSecret(_ keyPath: String) -> Bool {
        isSecretName(String(keyPath.split(separator: ".").last ?? ""))
    }

    /// Inside the value at `keyPath`, which mapping keys hold secrets: every variable of a
    /// task's `environment`, secret-looking names elsewhere.
    static func keyIsSecret(in keyPath: String) -> (String) -> Bool {
        if keyPath.hasPrefix("scheduler.tasks."), keyPath.hasSuffix(".environment") { return { _ in true } }
        return isSecretName
    }
}
