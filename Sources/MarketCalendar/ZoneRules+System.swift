import Foundation

extension ZoneRules {
    /// The folder of the system's zone files: `$TZDIR` when set and not empty (as glibc reads it),
    /// else /usr/share/zoneinfo, where Debian's `tzdata` installs them.
    public static func systemZoneDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let dir = environment["TZDIR"], !dir.isEmpty { return dir }
        return "/usr/share/zoneinfo"
    }

    /// The zone from the system's TZif file, so that a `tzdata` update applies at the next start;
    /// the bundled data when that file is missing or unusable (the origin's `note` says why).
    public static func load(identifier: String,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws(ZoneError) -> ZoneRules {
        do {
            return try loadSystem(identifier: identifier, directory: systemZoneDirectory(environment: environment))
        } catch {
            return try loadBundled(identifier: identifier, note: "\(error)")
        }
    }

    /// Reads `directory/identifier` (RFC 8536): its transitions, then its footer rule through 2300.
    public static func loadSystem(identifier: String, directory: String) throws(TZifError) -> ZoneRules {
        guard !identifier.isEmpty, !identifier.hasPrefix("/"), !identifier.split(separator: "/").contains("..") else {
            throw TZifError("\(identifier) is not a zone name")
        }
        let path = (directory.hasSuffix("/") ? directory : directory + "/") + identifier
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TZifError("\(path): missing or not readable")
        }
        let file: TZifFile
        let rule: PosixTZRule
        do {
            file = try TZifFile.parse(Array(data))
            guard !file.footer.isEmpty else { throw TZifError("no footer rule for the years after its last transition") }
            rule = try PosixTZRule(parsing: file.footer)
        } catch {
            throw TZifError("\(path): \(error)")
        }
        var table = Table(initialOffset: file.initialOffset)
        for t in file.transitions { table.add(t.at, t.offset) }
        // The footer's rule covers everything after the last transition (RFC 8536, 3.3).
        let last = file.transitions.last?.at ?? tableStart
        let firstYear = LocalDate(dayNumber: Int(floorDiv(last, 86_400))).year
        let lastYear = LocalDate(dayNumber: Int(tableEnd / 86_400)).year
        for year in firstYear...lastYear {
            for t in rule.transitions(in: year) where t.at > last && t.at < tableEnd { table.add(t.at, t.offset) }
        }
        return ZoneRules(identifier: identifier, transitions: table.transitions, offsets: table.offsets,
                         initialOffset: file.initialOffset,
                         origin: ZoneDataOrigin(kind: .system, version: systemDataVersion(directory: directory), path: path, note: nil))
    }

    /// The tzdata release of a zone folder: `# version 2025b` at the top of its `tzdata.zi` (Debian,
    /// and `make install` of tzcode), else its `+VERSION` file; `unknown` when neither says.
    static func systemDataVersion(directory: String) -> String {
        if let handle = FileHandle(forReadingAtPath: directory + "/tzdata.zi") {
            defer { try? handle.close() }
            let head = String(decoding: (try? handle.read(upToCount: 64)) ?? Data(), as: UTF8.self)
            if let line = head.split(separator: "\n").first, line.hasPrefix("# version ") {
                return String(line.dropFirst("# version ".count)).trimmingCharacters(in: .whitespaces)
            }
        }
        if let data = FileManager.default.contents(atPath: directory + "/+VERSION") {
            let text = String(decoding: data.prefix(32), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty, !text.contains("\n") { return text }
        }
        return "unknown"
    }

    /// Offset changes only: a transition that keeps the offset (a new abbreviation, `isdst`
    /// alone) is left out; of two at one instant, the later wins.
    private struct Table {
        let initialOffset: Int
        var transitions: [Int64] = []
        var offsets: [Int] = []

        mutating func add(_ at: Int64, _ offset: Int) {
            if let last = transitions.last {
                guard at >= last else { return }
                if at == last {
                    transitions.removeLast()
                    offsets.removeLast()
                }
            }
            if offset != (offsets.last ?? initialOffset) {
                transitions.append(at)
                offsets.append(offset)
            }
        }
    }
}
