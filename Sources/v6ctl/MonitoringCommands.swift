import ArgumentParser
import ControlProtocol
import Foundation

/// `v6ctl metrics`: the daemon's Prometheus text exposition.
struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Print the daemon's metrics in the Prometheus text format.",
        discussion: """
            For node_exporter's textfile collector, write to a temporary file and rename it (the \
            collector must never read a half-written file), e.g. from a timer every minute:
              cd /var/lib/node_exporter && v6ctl metrics > v6.prom.$$ && mv v6.prom.$$ v6.prom
            """)
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let payload = try DaemonSession.call(.metrics, options: global)
        if global.json { return DaemonSession.printJSON(payload) }
        let result = try DaemonSession.decode(payload, as: MetricsResult.self)
        Output.write(result.text)
    }
}

/// `v6ctl notify test CHANNEL`.
struct NotifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify", abstract: "Alert channels (scheduler.notify).", subcommands: [NotifyTestCommand.self])
}

struct NotifyTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Send a test alert to one channel now and print the endpoint's answer.",
        discussion: """
            One attempt, past the channel's queue, with the channel's timeout. Exit 0 when the \
            endpoint accepted it, 1 when not (the answer says why).

            Example: v6ctl notify test desk_slack
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "A channel name of scheduler.notify.") var channel: String

    func run() throws {
        let payload = try DaemonSession.call(.notifyTest(channel: channel), options: global)
        let result = try DaemonSession.decode(payload, as: NotifyTestResult.self)
        if global.json { DaemonSession.printJSON(payload) }
        let line = "\(result.channel) (\(result.type)): \(result.delivered ? "delivered" : "not delivered"): \(result.answer)"
        guard result.delivered else {
            if !global.json { FileHandle.standardError.write(Data("v6ctl: \(line)\n".utf8)) }
            throw ExitCode(CLIError.failed)
        }
        if !global.json { Output.write(line + "\n") }
    }
}
