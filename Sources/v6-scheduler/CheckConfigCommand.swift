import ArgumentParser
import Foundation
import Scheduling

struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a configuration; print one line per task (then what runs after what), or every error as FILE:LINE: key.path: message."
    )
    @OptionGroup var options: ConfigOptions

    func run() throws {
        let loaded = try LoadedConfigCommand.load(options)
        for warning in loaded.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        for warning in unresolvedSecrets(loaded.config) { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        print((ConfigSummary.lines(loaded.config) + ConfigSummary.notifyLines(loaded.config.notify)).joined(separator: "\n"))
        let dependencies = ConfigSummary.dependencyLines(loaded.config)
        if !dependencies.isEmpty { print("\n" + dependencies.joined(separator: "\n")) }
    }

    /// Secrets this process cannot resolve. Not errors: the daemon resolves them in its own
    /// environment (the unit's EnvironmentFile=, LoadCredential=), which may differ from here.
    private func unresolvedSecrets(_ config: SchedulerConfig) -> [String] {
        var environment = ProcessInfo.processInfo.environment
        if let path = options.envFile, let text = try? String(contentsOfFile: path, encoding: .utf8),
           let file = try? EnvironmentFile(parsing: text, path: path) {
            for entry in file.entries { environment[entry.name] = entry.value }
        }
        var warnings: [String] = []
        for channel in config.notify.channels {
            for secret in channel.kind.secrets {
                do {
                    _ = try secret.resolved(in: environment)
                } catch {
                    warnings.append("\(options.config):\(channel.line): scheduler.notify.\(channel.name): \(error) here; the daemon resolves it when it starts (scheduler.env, Environment= or LoadCredential=), and the channel cannot send without it")
                }
            }
        }
        return warnings
    }
}

enum LoadedConfigCommand {
    /// Loads the config; every error becomes one stderr line and exit code 2.
    static func load(_ options: ConfigOptions) throws -> LoadedConfig {
        do {
            return try ConfigLoader.load(path: options.config, envFile: options.envFile,
                                         environment: ProcessInfo.processInfo.environment)
        } catch {
            throw CommandFailure(message: "\(error)", code: 2)
        }
    }
}
