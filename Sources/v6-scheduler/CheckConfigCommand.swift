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
        print(ConfigSummary.lines(loaded.config).joined(separator: "\n"))
        let dependencies = ConfigSummary.dependencyLines(loaded.config)
        if !dependencies.isEmpty { print("\n" + dependencies.joined(separator: "\n")) }
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
