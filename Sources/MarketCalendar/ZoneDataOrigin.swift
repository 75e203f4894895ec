/// Which zone data a `ZoneRules` table was built from, for `v6ctl status` and the start-up log.
public struct ZoneDataOrigin: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The system's TZif file (Debian's `tzdata`): updates apply at the next start.
        case system
        /// The zone data bundled with the Swift toolchain (ICU): updates come with a new build.
        case bundled
    }

    public let kind: Kind
    /// The data's release, e.g. `2025b`; `unknown` when the system's files do not say.
    public let version: String
    /// The TZif file read (system data only).
    public let path: String?
    /// Why the system's file was not used (bundled data only, when it was tried).
    public let note: String?

    public init(kind: Kind, version: String, path: String?, note: String?) {
        self.kind = kind
        self.version = version
        self.path = path
        self.note = note
    }

    /// `system tzdata 2025b (/usr/share/zoneinfo/America/New_York)`, or
    /// `bundled zone data 2025b (system file not used: ...)`.
    public var description: String {
        switch kind {
        case .system: return "system tzdata \(version) (\(path ?? "?"))"
        case .bundled: return "bundled zone data \(version)" + (note.map { " (system file not used: \($0))" } ?? "")
        }
    }
}
