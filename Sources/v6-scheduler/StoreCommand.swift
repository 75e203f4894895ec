import ArgumentParser
import Foundation
import Logging
import MarketCalendar
import Scheduling
import SchedulerDaemon

/// `v6-scheduler store migrate --to postgres --config FILE`.
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Work on the run store.",
        subcommands: [StoreMigrateCommand.self]
    )
}

struct StoreMigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy this host's SQLite history, claimed slots and runtime toggles into the shared PostgreSQL store.",
        discussion: """
            Reads state.db in the configuration's state_directory and writes to scheduler.postgres_url, \
            as scheduler.host_id (default: the host name). Run it once per host before setting \
            scheduler.store: postgres; running it again copies only what is missing. A toggle the \
            shared store already has for a task is kept (the other host's, or a newer one).

            Example:
              v6-scheduler store migrate --to postgres --config production.yaml

            Exit codes: 0 copied; 1 the database or state.db failed; 2 bad usage or configuration.
            """
    )
    @OptionGroup var options: ConfigOptions
    @Option(help: "The store to copy into: postgres.") var to: String

    func run() async throws {
        guard to == "postgres" else {
            throw CommandFailure(message: "v6-scheduler: --to: '\(to)' is not a store to migrate to; use --to postgres", code: 2)
        }
        let loaded = try LoadedConfigCommand.load(options)
        var environment = ProcessInfo.processInfo.environment
        if let path = options.envFile, let text = try? String(contentsOfFile: path, encoding: .utf8),
           let file = try? EnvironmentFile(parsing: text, path: path) {
            for entry in file.entries { environment[entry.name] = entry.value }
        }
        let url: PostgresURL
        switch SharedStoreSettings.url(loaded.config, environment: environment) {
        case .success(let resolved): url = resolved
        case .failure(let problem): throw CommandFailure(message: "v6-scheduler: \(problem)", code: 2)
        }
        let host = loaded.config.cluster.hostID ?? ProcessInfo.processInfo.hostName
        let local: RunStore
        do {
            local = try RunStore(directory: loaded.config.stateDirectory)
        } catch {
            throw CommandFailure(message: "v6-scheduler: \(error)", code: 1)
        }
        defer { try? local.close() }
        var logger = Logger(label: "v6-scheduler.migrate")
        logger.logLevel = .error
        let shared: PostgresStore
        do {
            shared = try PostgresStore(url: url, hostID: host, logger: logger, deadline: .seconds(30))
        } catch {
            throw CommandFailure(message: "v6-scheduler: scheduler.postgres_url: \(error)", code: 2)
        }
        let now = Instant(seconds: Int64(Date().timeIntervalSince1970))
        do {
            let s = try await StoreMigration.copy(from: local, to: shared, now: now)
            await shared.close()
            print("copied to \(shared.label) as host \(host): \(s.runs) runs (\(s.runsPresent) already there), "
                  + "\(s.slots) claimed slots (\(s.slotsPresent) already claimed), \(s.toggles) toggles (\(s.togglesPresent) kept: the shared store had one)")
        } catch {
            await shared.close()
            throw CommandFailure(message: "v6-scheduler: store migrate: \(shared.label): \(PostgresStore.describe(error)); what was copied stays, run it again to copy the rest", code: 1)
        }
    }
}
