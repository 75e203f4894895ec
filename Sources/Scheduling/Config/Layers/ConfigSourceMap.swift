/// Which file each line of the layered configuration came from.
///
/// The files of one load are composed with their lines numbered one after the other (the
/// second file's first line comes after the first file's last), the way a compiler numbers
/// the source locations of several files in one space. A YAML node's line (`Node.mark`) then
/// names its file too, so the readers keep working on one merged tree and every message
/// still says `FILE:LINE` of the value that won. `ConfigReader.error` turns such a global
/// line back into its file and local line with `locate`.
public struct ConfigSourceMap: Sendable, Equatable {
    public struct File: Sendable, Equatable {
        /// The file as the operator named it (`config/production.yaml`, `config/production.yaml.d/10-x.yaml`).
        public let path: String
        /// Global line number of the line before this file's first line (0 for the first file).
        public let base: Int
        /// Lines in the file.
        public let lineCount: Int
    }

    public private(set) var files: [File] = []

    public init() {}

    /// Adds the next file; returns the number of blank lines to put before its text so that
    /// YAML's line numbers come out global.
    public mutating func add(path: String, text: String) -> Int {
        let base = files.last.map { $0.base + $0.lineCount + 1 } ?? 0
        let lines = text.utf8.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
        files.append(File(path: path, base: base, lineCount: lines))
        return base
    }

    /// The file and 1-based local line of a global line. Line 0 (no mark) and lines past
    /// every file stay in the first file.
    public func locate(_ line: Int) -> (file: String, line: Int) {
        guard let first = files.first else { return ("", line) }
        // The last file whose base is below the line: files are few, a linear scan is enough.
        guard let file = files.last(where: { $0.base < line }) else { return (first.path, line) }
        return (file.path, line - file.base)
    }

    /// Issues grouped by file in layer order (files not in the map last), each group in the
    /// order given; `ConfigErrors` then sorts each group by line.
    public func inLayerOrder(_ issues: [ConfigIssue]) -> [ConfigIssue] {
        let rank = Dictionary(files.enumerated().map { ($1.path, $0) }, uniquingKeysWith: { first, _ in first })
        return issues.enumerated().sorted { a, b in
            (rank[a.element.file] ?? Int.max, a.offset) < (rank[b.element.file] ?? Int.max, b.offset)
        }.map(\.element)
    }

    /// `FILE:LINE` of a global line.
    public func describe(_ line: Int) -> String {
        let (file, local) = locate(line)
        return "\(file):\(local)"
    }
}
