import ArgumentParser
import Foundation

/// `v6ctl`: the operator's client for v6-scheduler, and an offline NYSE calendar.
@main
struct V6ctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "v6ctl",
        abstract: "Drive the v6-scheduler daemon and query the NYSE calendar.",
        discussion: """
            Times are America/New_York (ET) with their UTC offset. The daemon's socket is \
            /run/v6-scheduler/control.sock unless --socket or $V6_SOCKET says otherwise.

            Examples:
              v6ctl status                             # what needs attention, and counts
              v6ctl list --filter failed               # the tasks whose last run failed
              v6ctl run-now final_data_collection --wait
              v6ctl disable collect_option_snapshots --until today
              v6ctl history collect_option_snapshots --limit 5
              v6ctl logs health_check -f
              v6ctl task set collect_option_snapshots timeout_seconds=300 retries=3
              v6ctl config show --sources              # the configuration, and where each value comes from
              v6ctl audit                              # who changed what
              v6ctl metrics                            # Prometheus text (textfile collector)
              v6ctl notify test desk_slack             # send a test alert, print the answer
              v6ctl graph                              # what runs after what (after:)
              v6ctl run-now final_data_collection --with-dependents
              v6ctl calendar day                       # is today a trading day?
              v6ctl calendar sessions --from 2026-11-23 --to 2026-11-27
              v6ctl calendar holidays --year 2027 --format csv
              v6ctl calendar phase --at 2026-11-27T13:30
              v6ctl gate --days trading --phase market_open -- python3 collect.py

            Exit codes: 0 ok; 1 the request failed; 2 usage error (bad argument); 3 the daemon is \
            not running or its socket is missing.
            """,
        subcommands: [StatusCommand.self, ListCommand.self, ShowCommand.self, EnableCommand.self, DisableCommand.self,
                      ClearCommand.self, RunNowCommand.self, HistoryCommand.self, NextCommand.self, ReloadCommand.self,
                      LogsCommand.self, TaskCommand.self, SettingsCommand.self, ConfigCommand.self, AuditCommand.self,
                      MetricsCommand.self, NotifyCommand.self, GraphCommand.self, CalendarCommand.self, GateCommand.self]
    )

    /// Runs the command; maps every failure to one stderr line and a documented exit code.
    static func main() async {
        do {
            var command = try parseAsRoot(globalOptionsMovedAfterSubcommand(Array(CommandLine.arguments.dropFirst())))
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as ExitCode {
            Foundation.exit(error.rawValue)
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("v6ctl: \(error.message)\n".utf8))
            Foundation.exit(error.code)
        } catch {
            let code = exitCode(for: error)
            if code == .success {  // --help, --version
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            let message = self.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid usage"
            FileHandle.standardError.write(Data("v6ctl: \(message) (see v6ctl --help)\n".utf8))
            Foundation.exit(usageExitCode(CommandLine.arguments))
        }
    }
}

/// 2, or 255 for `gate --check`: systemd's ExecCondition= would take 2 for "skip".
func usageExitCode(_ arguments: [String]) -> Int32 {
    let options = arguments.prefix { $0 != "--" }
    return options.contains("gate") && options.contains("--check") ? GateCommand.checkUsageError : CLIError.usage
}

/// `v6ctl --socket X status` means `v6ctl status --socket X`: global options may come first.
func globalOptionsMovedAfterSubcommand(_ arguments: [String]) -> [String] {
    var leading: [String] = []
    var index = 0
    while index < arguments.count {
        let argument = arguments[index]
        if argument == "--json" || argument.hasPrefix("--socket=") {
            leading.append(argument)
            index += 1
        } else if argument == "--socket", index + 1 < arguments.count {
            leading += [argument, arguments[index + 1]]
            index += 2
        } else {
            break
        }
    }
    guard !leading.isEmpty, index < arguments.count else { return arguments }
    // Subcommand path (e.g. "calendar day") first, then the moved options, then the rest.
    var path = [arguments[index]]
    var rest = Array(arguments[(index + 1)...])
    if ["calendar", "task", "settings", "config", "notify"].contains(arguments[index]), let sub = rest.first, !sub.hasPrefix("-") {
        path.append(sub)
        rest.removeFirst()
    }
    return path + leading + rest
}

/// A failure with its exit code; the message is one line naming the problem and the fix.
struct CLIError: Error {
    static let failed: Int32 = 1
    static let usage: Int32 = 2
    static let daemonDown: Int32 = 3

    let message: String
    let code: Int32

    static func usage(_ message: String) -> CLIError { CLIError(message: message, code: usage) }
}
