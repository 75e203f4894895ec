import ArgumentParser
import ControlProtocol
import Foundation

/// `v6ctl config show`.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Show the running configuration.", subcommands: [ConfigShowCommand.self])
}

struct ConfigShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Print the effective configuration (all layers merged) as YAML, secrets masked.",
        discussion: """
            The main file, its drop-ins (<config>.d/*.yaml, lexical order), the SCHEDULER_* \
            environment and run-time toggles, merged. Keys not shown take their defaults. \
            --sources adds, for every value, where it came from: FILE:LINE, env SCHEDULER_X, or \
            runtime.

            Example: v6ctl config show --sources
            """)
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Say where each value comes from.") var sources = false

    func run() throws {
        let payload = try DaemonSession.call(.config(.show(sources: sources)), options: global)
        if global.json { return DaemonSession.printJSON(payload) }
        let result = try DaemonSession.decode(payload, as: ConfigResult.self)
        var lines = ["# revision \(result.revision)", "# files: " + result.files.joined(separator: ", ")]
        lines += ConfigYAML.lines(result.values, sources: sources)
        Output.write(lines.joined(separator: "\n") + "\n")
    }
}

/// The block YAML of `config show`, from the daemon's dotted keys.
enum ConfigYAML {
    static func lines(_ values: [ConfigEntry], sources: Bool) -> [String] {
        var lines: [String] = []
        var open: [String] = []
        var body: [(text: String, source: String?)] = []
        for value in values {
            let parts = value.key.split(separator: ".").map(String.init)
            let parents = Array(parts.dropLast())
            var common = 0
            while common < min(open.count, parents.count), open[common] == parents[common] { common += 1 }
            for depth in common..<parents.count {
                body.append((String(repeating: "  ", count: depth) + key(parents[depth]) + ":", nil))
            }
            open = parents
            body.append((String(repeating: "  ", count: parents.count) + key(parts.last ?? "") + ": " + value.value, value.source))
        }
        let width = min(72, body.filter { $0.source != nil }.map(\.text.count).max() ?? 0)
        for line in body {
            guard sources, let source = line.source else {
                lines.append(line.text)
                continue
            }
            lines.append(line.text.padding(toLength: max(width, line.text.count), withPad: " ", startingAt: 0) + "  # " + source)
        }
        return lines
    }

    /// Keys are names; a date key (`2031-07-02`) or anything unusual is quoted.
    private static func key(_ name: String) -> String {
        name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } ? name : YAMLText.quoted(name)
    }
}

/// `v6ctl audit [--limit N]`.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Who changed the configuration, and what, newest first.",
        discussion: "Example: v6ctl audit --limit 5; v6ctl audit --json | jq '.entries[0].changes'")
    @OptionGroup var global: GlobalOptions
    @Option(help: "At most this many entries (default 20).") var limit: Int?

    func validate() throws {
        if let limit, !(1...ProtocolLimits.maxListLimit).contains(limit) {
            throw ValidationError("--limit must be 1 to \(ProtocolLimits.maxListLimit)")
        }
    }

    func run() throws {
        let payload = try DaemonSession.call(.config(.audit(limit: limit)), options: global)
        if global.json { return DaemonSession.printJSON(payload) }
        let result = try DaemonSession.decode(payload, as: AuditResult.self)
        var lines: [String] = []
        let width = result.entries.compactMap(\.host?.count).max() ?? 0
        if width > 0 { lines.append("AT".padding(toLength: 27, withPad: " ", startingAt: 0) + "HOST".padding(toLength: width + 2, withPad: " ", startingAt: 0) + "CHANGE") }
        for entry in result.entries {
            let who = entry.uid.map { uid in (entry.user.map { "\($0) (uid \(uid))" } ?? "uid \(uid)") } ?? "v6-scheduler"
            let person = entry.onBehalfOf.map { " on behalf of \($0)" } ?? ""
            let outcome = entry.outcome == "applied" ? "" : " [\(entry.outcome)]"
            // With the shared store every host's changes are listed: the host comes first.
            let host = entry.host.map { "\($0.padding(toLength: max(width, $0.count), withPad: " ", startingAt: 0))  " } ?? ""
            let revision = entry.revision.isEmpty ? "" : "  revision \(entry.revision)"
            lines.append("\(entry.at)  \(host)\(who)\(person): \(entry.command)\(outcome)\(revision)")
            if let reason = entry.reason { lines.append("    \(reason)") }
            for change in entry.changes {
                lines.append("    \(change.key): \(change.before ?? "(unset)") -> \(change.after ?? "(unset)")")
            }
        }
        if lines.isEmpty { lines.append("no configuration changes recorded") }
        Output.write(lines.joined(separator: "\n") + "\n")
    }
}
