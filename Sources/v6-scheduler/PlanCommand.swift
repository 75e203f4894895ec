import ArgumentParser
import Foundation
import MarketCalendar
import Scheduling

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Print every fire instant of every enabled task whose ET date lies in the range (inclusive).",
        discussion: """
            Computed by the daemon's own state machine on a virtual clock: the plan is what runs. \
            Runtime toggles (v6ctl enable/disable) and retries are not part of the plan.

            csv: a header time,task, then rows such as \
            2026-11-27T09:30:00-05:00,collect_option_snapshots.
            """
    )
    @OptionGroup var options: ConfigOptions
    @Option(help: "First date, YYYY-MM-DD.") var from: String
    @Option(help: "Last date, YYYY-MM-DD (inclusive).") var to: String
    @Option(help: "csv (default), table or json.") var format: PlanFormat = .csv

    enum PlanFormat: String, ExpressibleByArgument, CaseIterable { case csv, table, json }

    func run() throws {
        guard let start = LocalDate(parsing: from) else { throw CommandFailure(message: "v6-scheduler: --from: '\(from)' is not a date; use YYYY-MM-DD", code: 2) }
        guard let end = LocalDate(parsing: to) else { throw CommandFailure(message: "v6-scheduler: --to: '\(to)' is not a date; use YYYY-MM-DD", code: 2) }
        guard start <= end else { throw CommandFailure(message: "v6-scheduler: --from \(from) is after --to \(to)", code: 2) }
        guard (1900...2200).contains(start.year), (1900...2200).contains(end.year) else {
            throw CommandFailure(message: "v6-scheduler: dates must lie in 1900-2200", code: 2)
        }
        let loaded = try LoadedConfigCommand.load(options)
        let zone = loaded.config.makeCalendar().zone
        let entries = Planner.plan(loaded.config, from: start, through: end)
        var writer = ISO8601Writer(zone: zone)
        var out: [UInt8] = []
        out.reserveCapacity(entries.count * 60 + 64)
        switch format {
        case .csv:
            out += Array("time,task\n".utf8)
            for e in entries {
                writer.append(e.time, to: &out)
                out.append(UInt8(ascii: ","))
                out += e.task.utf8
                out.append(10)
            }
        case .table:
            out += Array("TIME                       TASK\n".utf8)
            for e in entries {
                writer.append(e.time, to: &out)
                out += Array("  ".utf8)
                out += e.task.utf8
                out.append(10)
            }
        case .json:
            out.append(UInt8(ascii: "["))
            for (i, e) in entries.enumerated() {
                out += Array((i == 0 ? "\n  {\"time\":\"" : ",\n  {\"time\":\"").utf8)
                writer.append(e.time, to: &out)
                out += Array("\",\"task\":\"".utf8)
                out += e.task.utf8
                out += Array("\"}".utf8)
            }
            out += Array((entries.isEmpty ? "]\n" : "\n]\n").utf8)
        }
        FileHandle.standardOutput.write(Data(out))
    }
}
