import Foundation

/// What a task or hook saw, from the file its `env > FILE` wrote: one `NAME=value` a line (values
/// with newlines of their own are not expected).
public enum EnvironmentDump {
    public static func read(_ path: String) throws -> [String: String] {
        var values: [String: String] = [:]
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return values
    }
}
