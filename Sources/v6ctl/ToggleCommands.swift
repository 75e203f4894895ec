import ArgumentParser
import ControlClient
import ControlProtocol
import Foundation
import MarketCalendar

/// `v6ctl enable TASK`.
struct EnableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enable", abstract: "Enable a task at run time (outranks the environment and the YAML until cleared).",
        discussion: "Example: v6ctl enable validate_positions --until today")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The task name.") var task: String
    @Option(help: "Lapse on its own: today, next-session, YYYY-MM-DD or YYYY-MM-DDTHH:MM (ET).") var until: String?

    func run() throws { try Toggle.send(.enable(task: task, until: try Toggle.resolve(until)), global: global) }
}

/// `v6ctl disable TASK [--until ...]`.
struct DisableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable", abstract: "Disable a task at run time, until cleared or until a time you give.",
        discussion: """
            --until lapses the toggle on its own: today (at midnight ET tonight), next-session \
            (at the midnight ET that starts the next NYSE session's day), a date such as \
            2026-12-01 (at the midnight ET that starts it) or an ET time such as 2026-11-27T13:00.

            Example: v6ctl disable collect_option_snapshots --until today
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The task name.") var task: String
    @Option(help: "Lapse on its own: today, next-session, YYYY-MM-DD or YYYY-MM-DDTHH:MM (ET).") var until: String?

    func run() throws { try Toggle.send(.disable(task: task, until: try Toggle.resolve(until)), global: global) }
}

/// `v6ctl clear TASK`.
struct ClearCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clear", abstract: "Drop a task's run-time toggle: the environment and the YAML decide again.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The task name.") var task: String

    func run() throws { try Toggle.send(.clear(task: task), global: global) }
}

enum Toggle {
    static func send(_ request: Request, global: GlobalOptions) throws {
        let payload = try DaemonSession.call(request, options: global)
        if global.json { return DaemonSession.printJSON(payload) }
        let result = try DaemonSession.decode(payload, as: ToggleResult.self)
        let until = result.until.map { " until \($0)" } ?? ""
        Output.write("\(result.task): \(result.enabled ? "enabled" : "disabled") (\(result.source)\(until))\n")
    }

    /// Resolves `--until` words to an ET instant with offset, as the protocol wants.
    static func resolve(_ text: String?, now: Instant = Render.now()) throws -> String? {
        guard let text else { return nil }
        do { return try ToggleUntil.resolve(text, now: now) } catch { throw CLIError.usage("--" + error.message) }
    }
}
