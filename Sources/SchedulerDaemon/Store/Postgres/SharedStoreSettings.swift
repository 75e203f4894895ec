import Scheduling

/// The shared store's URL from `scheduler.postgres_url`, resolved in `environment` (an
/// `env:NAME` or `file:PATH` secret), for the daemon and `v6-scheduler store migrate`.
public enum SharedStoreSettings {
    /// The URL, or the message (naming the file and key, never the value) of why not.
    public static func url(_ config: SchedulerConfig, environment: [String: String]) -> Result<PostgresURL, ConfigProblem> {
        let path = config.sourcePath
        guard let secret = config.cluster.postgresURL else {
            return .failure(ConfigProblem("\(path): scheduler.postgres_url: required for the shared store (try postgres_url: env:V6_POSTGRES_URL)"))
        }
        let text: String
        do {
            guard let value = try secret.resolved(in: environment).reveal() else {
                return .failure(ConfigProblem("\(path): scheduler.postgres_url (\(secret)): no value"))
            }
            text = value
        } catch {
            return .failure(ConfigProblem("\(path): scheduler.postgres_url: \(error) (try a systemd credential: file:/run/credentials/v6-scheduler.service/postgres_url)"))
        }
        switch PostgresURL.parse(text) {
        case .success(let url): return .success(url)
        case .failure(let problem): return .failure(ConfigProblem("\(path): scheduler.postgres_url (\(secret)): \(secret.redact("\(problem)"))"))
        }
    }

    /// A configuration that cannot reach the shared store, in one line.
    public struct ConfigProblem: Error, CustomStringConvertible, Sendable {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
