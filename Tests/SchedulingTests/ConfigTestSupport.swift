import Testing
@testable import Scheduling

/// Helpers for the configuration tests: every YAML is parsed as `config/test.yaml` from
/// `/srv/app`, so its folder is `/srv/app/config`.
enum ConfigTest {
    static let path = "config/test.yaml"
    static let cwd = "/srv/app"
    static let folder = "/srv/app/config"

    static func parse(_ yaml: String, environment: [String: String] = [:],
                      envFile: EnvironmentFile? = nil) throws(ConfigErrors) -> LoadedConfig {
        try ConfigLoader.parse(yaml: yaml, path: path, environment: environment, envFile: envFile, currentDirectory: cwd)
    }

    /// The error lines of a configuration that must not load (empty, with a recorded failure,
    /// when it loads).
    static func errors(_ yaml: String, environment: [String: String] = [:], envFile: EnvironmentFile? = nil,
                       sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        do {
            _ = try parse(yaml, environment: environment, envFile: envFile)
            Issue.record("expected the configuration to be rejected", sourceLocation: sourceLocation)
            return []
        } catch {
            return error.issues.map(\.description)
        }
    }

    /// The configuration of YAML that must load.
    static func load(_ yaml: String, environment: [String: String] = [:], envFile: EnvironmentFile? = nil,
                     sourceLocation: SourceLocation = #_sourceLocation) -> LoadedConfig? {
        do {
            return try parse(yaml, environment: environment, envFile: envFile)
        } catch {
            Issue.record("expected the configuration to load, got:\n\(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// A file with one task `job` (line 3) whose settings start on line 4, after
    /// `scheduler:` settings (if any) that start on line 2.
    static func task(_ settings: String, scheduler: String = "") -> String {
        let head = scheduler.isEmpty ? "" : indent(scheduler, 2)
        return "scheduler:\n" + head + "  tasks:\n    job:\n" + indent(settings, 6)
    }

    static func indent(_ text: String, _ spaces: Int) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : String(repeating: " ", count: spaces) + $0 }
            .joined(separator: "\n") + "\n"
    }
}
