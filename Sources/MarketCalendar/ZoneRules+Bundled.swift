import Foundation

extension ZoneRules {
    /// The first and last instants of every table: 1883-01-08 and 2300-01-01.
    static let tableStart: Int64 = -2_745_000_000
    static let tableEnd: Int64 = 10_413_792_000

    /// Reads a zone's transitions, 1883 (railway time) through 2300, from the zone data bundled
    /// with the Swift toolchain (Foundation reads ICU's copy, not /usr/share/zoneinfo).
    public static func loadBundled(identifier: String, note: String? = nil) throws(ZoneError) -> ZoneRules {
        // Touching the data version keeps the zone code linked into static-stdlib builds,
        // where TimeZone(identifier:) otherwise returns nil (see docs/architecture.md).
        let version = TimeZone.timeZoneDataVersion
        guard let zone = TimeZone(identifier: identifier) else {
            throw ZoneError(identifier: identifier, detail: note)
        }
        let start = Date(timeIntervalSince1970: TimeInterval(tableStart))
        let end = Date(timeIntervalSince1970: TimeInterval(tableEnd))
        var transitions: [Int64] = []
        var offsets: [Int] = []
        var previous = zone.secondsFromGMT(for: start)
        let initial = previous
        var cursor = start
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next < end {
            let offset = zone.secondsFromGMT(for: next)
            if offset != previous {
                transitions.append(Int64(next.timeIntervalSince1970.rounded()))
                offsets.append(offset)
                previous = offset
            }
            cursor = next
        }
        return ZoneRules(identifier: identifier, transitions: transitions, offsets: offsets, initialOffset: initial,
                         origin: ZoneDataOrigin(kind: .bundled, version: version, path: nil, note: note))
    }
}

/// Neither the system's zone files nor the bundled data know the zone.
public struct ZoneError: Error, CustomStringConvertible {
    public let identifier: String
    /// Why the system's file was not used, if it was tried.
    public let detail: String?

    public var description: String {
        "time zone \(identifier) is not available from the bundled zone data "
            + "(Foundation \(TimeZone.timeZoneDataVersion))" + (detail.map { " nor from the system's: \($0)" } ?? "")
            + "; the scheduler cannot run without it"
    }
}
