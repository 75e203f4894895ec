import ArgumentParser
import Foundation
import SchedulerDaemon

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the scheduler in the foreground until SIGTERM (systemd Type=notify).",
        discussion: """
            SIGHUP reloads the configuration (an invalid one is rejected; the old one keeps running).

            SIGTERM or SIGINT stops scheduling, stops running tasks (SIGTERM, then SIGKILL after \
            kill_grace_seconds), records their outcomes and exits 0.
            """
    )
    @OptionGroup var options: ConfigOptions
    @Option(help: "auto (the journal when stderr is the journal), journal, or stderr.") var logTarget: LogTarget = .auto

    func run() async throws {
        let loaded = try LoadedConfigCommand.load(options)
        let daemon = Daemon(options: DaemonOptions(configPath: options.config, envFile: options.envFile, logTarget: logTarget,
                                                   environment: ProcessInfo.processInfo.environment), loaded: loaded)
        let code = await daemon.run()
        if code != 0 { throw CommandFailure(message: "v6-scheduler: stopped with errors (see the log above)", code: code) }
    }
}

extension LogTarget: ExpressibleByArgument {}
