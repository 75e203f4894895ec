import ArgumentParser
import Foundation

/// `--format` of the listing commands.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

enum Output {
    /// Writes text to stdout in one go (bulk output is built as one string).
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        write(String(decoding: try encoder.encode(value), as: UTF8.self) + "\n")
    }

    /// Left-aligned columns separated by two spaces; the header row is uppercased.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header.map { $0.uppercased() }] + rows
        var widths = Array(repeating: 0, count: header.count)
        for row in all { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return all.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trailingSpacesRemoved()
        }.joined(separator: "\n") + "\n"
    }

    /// RFC 4180 quoting where a field needs it.
    static func csvField(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension String {
    func trailingSpacesRemoved() -> String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
