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
            2026-11-27T09:30:00-05:00,collect_option_snapshots. Rows are written as they are \
            computed (json as one array, written as it grows), so a long range starts printing at \
            once and takes no more memory than a short one.
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
        let years = ConfigRanges.calendarYears
        guard years.contains(start.year), years.contains(end.year) else {
            throw CommandFailure(message: "v6-scheduler: dates must lie in \(years.lowerBound)-\(years.upperBound)", code: 2)
        }
        let loaded = try LoadedConfigCommand.load(options)
        var output = PlanWriter(format: format, zone: loaded.config.makeCalendar().zone)
        Planner.plan(loaded.config, from: start, through: end) { output.row($0) }
        output.finish()
    }
}
