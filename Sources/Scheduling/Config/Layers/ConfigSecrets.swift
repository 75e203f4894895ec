/// Which values are secrets, to be masked wherever the configuration is shown or recorded
/// (`config show`, the audit, the journal): a task's `environment` values, and any value
/// whose key names a secret (`password`, `token`, `webhook_url`, ...), an alert channel's `url`
/// and `postgres_url`.
public enum ConfigSecrets {
    static let words = ["password", "passwd", "secret", "token", "webhook", "api_key", "apikey", "credential", "private_key"]

    /// True when a key's name marks its value as a secret.
    public static func isSecretName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return words.contains { lower.contains($0) }
    }

    /// True when the whole value at `keyPath` is secret.
    static func valueIsSecret(_ keyPath: String) -> Bool {
        let name = String(keyPath.split(separator: ".").last ?? "")
        return isSecretName(name) || (isAlertChannel(keyPath) && name == "url") || name == "postgres_url"
    }

    /// `scheduler.notify` and below: a channel's `url` is a webhook address, which carries its
    /// credential (Slack, Discord).
    private static func isAlertChannel(_ keyPath: String) -> Bool {
        keyPath == "scheduler.notify" || keyPath.hasPrefix("scheduler.notify.")
    }

    /// Inside the value at `keyPath`, which mapping keys hold secrets: every variable of a
    /// task's `environment`, secret-looking names elsewhere.
    static func keyIsSecret(in keyPath: String) -> (String) -> Bool {
        if keyPath.hasPrefix("scheduler.tasks."), keyPath.hasSuffix(".environment") { return { _ in true } }
        if isAlertChannel(keyPath) { return { $0 == "url" || isSecretName($0) } }
        return { isSecretName($0) || $0 == "postgres_url" }
    }
}
