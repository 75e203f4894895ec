import Foundation
import Testing
import TestSupport

/// Help texts are paragraphs that swift-argument-parser wraps to the terminal, not lines broken by
/// hand: at any width, no sentence breaks in the middle of a line of the source.
@Suite struct HelpTextTests {
    /// Every command's help (`v6ctl gate`'s is rewritten in issue 15 and checked there).
    static let commands: [(String, [String])] = [
        ("v6ctl", []), ("v6ctl", ["status"]), ("v6ctl", ["list"]), ("v6ctl", ["show"]), ("v6ctl", ["enable"]),
        ("v6ctl", ["disable"]), ("v6ctl", ["clear"]), ("v6ctl", ["run-now"]), ("v6ctl", ["history"]), ("v6ctl", ["next"]),
        ("v6ctl", ["reload"]), ("v6ctl", ["logs"]), ("v6ctl", ["calendar"]), ("v6ctl", ["calendar", "day"]),
        ("v6ctl", ["calendar", "sessions"]), ("v6ctl", ["calendar", "holidays"]), ("v6ctl", ["calendar", "phase"]),
        ("v6ctl", ["task"]), ("v6ctl", ["task", "add"]), ("v6ctl", ["task", "set"]), ("v6ctl", ["task", "rm"]),
        ("v6ctl", ["settings", "set"]), ("v6ctl", ["config", "show"]), ("v6ctl", ["audit"]), ("v6ctl", ["metrics"]),
        ("v6ctl", ["notify", "test"]), ("v6ctl", ["graph"]),
        ("v6-scheduler", []), ("v6-scheduler", ["run"]), ("v6-scheduler", ["check-config"]), ("v6-scheduler", ["plan"]),
        ("v6-scheduler", ["export"]), ("v6-scheduler", ["store"]), ("v6-scheduler", ["store", "migrate"]),
    ]

    /// The text above USAGE: the abstract and the discussion.
    static func prose(_ program: String, _ arguments: [String], columns: Int) throws -> [String] {
        let help = try Command.run(program, arguments + ["--help"], environment: ["COLUMNS": "\(columns)"])
        #expect(help.status == 0, "\(program) \(arguments) --help: \(help.stderr)")
        return Array(help.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            .prefix { !$0.hasPrefix("USAGE:") })
    }

    @Test(arguments: commands)
    func paragraphsAreLeftToTheFormatter(_ program: String, _ arguments: [String]) throws {
        // Wide enough that nothing wraps: each paragraph is one line; only lists after a line
        // ending in ":" (examples) may be indented lines.
        let wide = try Self.prose(program, arguments, columns: 400)
        for (line, next) in zip(wide, wide.dropFirst()) where !line.isEmpty && !next.isEmpty && !next.hasPrefix(" ") {
            #expect(line.hasSuffix(":"), "\(program) \(arguments.joined(separator: " ")): a paragraph broken by hand after \"\(line)\"")
        }
        // At 80 columns the formatter wraps; examples are kept short enough not to be wrapped.
        for line in try Self.prose(program, arguments, columns: 80) {
            #expect(line.count <= 80, "\(program) \(arguments.joined(separator: " ")): \"\(line)\" is \(line.count) columns")
        }
    }
}
