import ArgumentParser
import Foundation
import SchedulerDaemon

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the scheduler in the foreground until SIGTERM (systemd Type=notify)."
    )
    @OptionGroup var options: ConfigOptions
    @Option(help: "auto (journal when stderr is the journal), journal, or stderr.") var logTarget: String = "auto"

    func run() async throws {
        throw CommandFailure(message: "v6-scheduler: run is not implemented yet", code: 1)
    }
}
