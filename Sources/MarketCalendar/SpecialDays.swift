/// One-off NYSE closures and early closes (Resources/nyse-special-days.csv), and the
/// ones an operator adds in the configuration.
public struct SpecialDays: Sendable {
    public enum Kind: Sendable, Equatable {
        case closed
        case earlyClose(TimeOfDay)
    }

    public struct Entry: Sendable, Equatable {
        public let date: LocalDate
        public let kind: Kind
        public let name: String

        public init(date: LocalDate, kind: Kind, name: String) {
            self.date = date
            self.kind = kind
            self.name = name
        }
    }

    public let entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries }

    /// The historical list shipped in the package.
    public static let builtIn: SpecialDays = {
        do {
            return try parse(String(decoding: PackageResources.nyse_special_days_csv, as: UTF8.self))
        } catch {
            fatalError("Resources/nyse-special-days.csv: \(error)")  // caught by the test suite
        }
    }()

    /// Parses `date,kind,close,name` lines; `#` starts a comment line.
    public static func parse(_ text: String) throws -> SpecialDays {
        var entries: [Entry] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmedWhitespace()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("date,") { continue }
            let fields = line.split(separator: ",", maxSplits: 3, omittingEmptySubsequences: false)
            guard fields.count == 4, let date = LocalDate(parsing: fields[0]) else {
                throw ParseError(line: index + 1, text: String(line))
            }
            switch fields[1] {
            case "closed":
                entries.append(Entry(date: date, kind: .closed, name: String(fields[3])))
            case "early_close":
                guard let close = TimeOfDay(parsing: fields[2]) else { throw ParseError(line: index + 1, text: String(line)) }
                entries.append(Entry(date: date, kind: .earlyClose(close), name: String(fields[3])))
            default:
                throw ParseError(line: index + 1, text: String(line))
            }
        }
        return SpecialDays(entries: entries)
    }

    public struct ParseError: Error, CustomStringConvertible {
        public let line: Int
        public let text: String
        public var description: String { "line \(line): expected date,closed|early_close,HH:MM,name but found \(text)" }
    }
}

extension StringProtocol {
    /// Drops leading and trailing spaces, tabs and carriage returns.
    func trimmedWhitespace() -> Substring {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s.removeLast() }
        return s
    }
}
