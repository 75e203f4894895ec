import Foundation

/// Files under Tests/Fixtures: reference data from independent sources (exchange_calendars,
/// Python's zoneinfo), written by the scripts there (`generate_fixtures.py`,
/// `generate_schedule_fixture.py`).
public enum Fixtures {
    public static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/Fixtures")

    public static func text(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    /// Data rows of a CSV fixture, header dropped.
    public static func rows(_ name: String) throws -> [[Substring]] {
        try text(name).split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    }
}
