import ArgumentParser
import Foundation
import SchedulerDaemon

/// `v6-scheduler`: the daemon (`run`) and its offline companions (`check-config`, `plan`).
@main
struct V6Scheduler: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "v6-scheduler",
        abstract: "Run a trading desk's jobs on the NYSE clock (America/New_York).",
        discussion: """
            Examples:
              v6-scheduler run --config /etc/v6-scheduler/production.yaml
              v6-scheduler check-config --config config/production.yaml --env-file .env
              v6-scheduler plan --config config/production.yaml --from 2026-11-23 \\
                --to 2026-11-27
              v6-scheduler export --config config/production.yaml --format systemd \\
                --out units/

            Exit codes: 0 ok; 1 the daemon failed at run time; 2 bad usage or configuration.
            """,
        version: DaemonVersion.string,
        subcommands: [RunCommand.self, CheckConfigCommand.self, PlanCommand.self, ExportCommand.self, StoreCommand.self]
    )

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CommandFailure {
            FileHandle.standardError.write(Data(error.message.utf8 + [10]))
            Foundation.exit(error.code)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            let message = self.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid usage"
            FileHandle.standardError.write(Data("v6-scheduler: \(message) (see v6-scheduler --help)\n".utf8))
            Foundation.exit(2)
        }
    }
}

/// A failure with its message (possibly several lines, e.g. every config error) and exit code.
struct CommandFailure: Error {
    let message: String
    let code: Int32
}

/// `--config` and `--env-file`, shared by the subcommands.
struct ConfigOptions: ParsableArguments {
    @Option(help: "The YAML configuration file.") var config: String
    @Option(help: "An EnvironmentFile (KEY=VALUE lines) applied over the process environment.") var envFile: String?
}
