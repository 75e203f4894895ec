import Foundation
import Testing
import TestSupport
@testable import MarketCalendar

/// America/New_York from the system's TZif files (RFC 8536), with the bundled data as the
/// fallback. Zone files are made with `zic` (Debian's libc-bin) in the test's own folder.
@Suite(.serialized) struct SystemZoneDataTests {
    static let system = "/usr/share/zoneinfo"

    /// `zic -b SIZE` of `source` into `dir`; the source is a zic input file (tzdata.zi form works).
    static func compile(_ source: String, into dir: String, bloat: String) throws {
        let zic = try Command.run("/usr/sbin/zic", ["-b", bloat, "-d", dir, source])
        guard zic.status == 0 else { throw HarnessError("zic failed: \(zic.stderr)") }
    }

    static func rows(_ zone: ZoneRules, from: Int64 = ZoneRules.tableStart) -> [String] {
        zone.allTransitions.filter { $0.instant.seconds >= from }
            .map { "\($0.instant.utcISO8601) \($0.before) \($0.after)" }
    }

    @Test func systemFileMatchesTheBundledDataFrom1883To2300() throws {
        let system = try ZoneRules.loadSystem(identifier: "America/New_York", directory: Self.system)
        let bundled = try ZoneRules.loadBundled(identifier: "America/New_York")
        #expect(system.origin.kind == .system)
        #expect(system.origin.path == "/usr/share/zoneinfo/America/New_York")
        #expect(bundled.origin.kind == .bundled)
        #expect(Self.rows(system).count > 700)  // 759 with tzdata 2025b
        #expect(Self.rows(system) == Self.rows(bundled))
        #expect(system.initialOffset == bundled.initialOffset)
    }

    @Test func systemFileMatchesTheZoneinfoFixtures() throws {
        let zone = try ZoneRules.loadSystem(identifier: "America/New_York", directory: Self.system)
        let expected = try Fixtures.rows("ny-transitions.csv").map { "\($0[0]),\($0[1]),\($0[2])" }
        let actual = zone.allTransitions.filter { $0.instant.seconds >= 0 && $0.instant.seconds < 4_133_980_800 }
            .map { "\($0.instant.utcISO8601),\($0.before),\($0.after)" }
        #expect(actual == expected)
        for row in try Fixtures.rows("ny-local-conversions.csv") {
            #expect(InstantParser.parse(String(row[0]), zone: zone)?.utcISO8601 == String(row[1]), "\(row[0])")
        }
    }

    /// A slim file stops listing transitions once the rule is periodic (2007): everything after
    /// comes from the footer's TZ string, and must equal the fat file's table through 2300.
    @Test func slimFileFooterRuleGivesTheSameTableTo2300() throws {
        let dir = try TemporaryDirectory("v6zone-slim")
        try Self.compile(Self.system + "/tzdata.zi", into: dir.path, bloat: "slim")
        let slimBytes = try Data(contentsOf: URL(fileURLWithPath: dir.file("America/New_York")))
        let file = try TZifFile.parse(Array(slimBytes))
        #expect(file.footer == "EST5EDT,M3.2.0,M11.1.0")
        #expect(file.transitions.last.map { $0.at < 1_200_000_000 } == true, "a slim file ends its list in 2007")
        let slim = try ZoneRules.loadSystem(identifier: "America/New_York", directory: dir.path)
        let fat = try ZoneRules.loadSystem(identifier: "America/New_York", directory: Self.system)
        #expect(Self.rows(slim) == Self.rows(fat))
        let in2199 = slim.allTransitions.filter { $0.instant.utcISO8601.hasPrefix("2199-") }.map(\.instant.utcISO8601)
        #expect(in2199 == ["2199-03-10T07:00:00Z", "2199-11-03T06:00:00Z"])
    }

    /// Rules that differ from the real ones (the pre-2007 US dates, from 2000 on), installed in a
    /// private TZDIR: `load` takes them, reports where from, and every year to 2200 follows them.
    @Test func craftedZoneInTZDIRWins() throws {
        let dir = try TemporaryDirectory("v6zone-crafted")
        let source = try dir.write("crafted.zi", """
            Rule Crafted 2000 max - Apr Sun>=1 2:00 1:00 D
            Rule Crafted 2000 max - Oct lastSun 2:00 0 S
            Zone America/New_York -5:00 - EST 2000
            \t\t\t-5:00 Crafted E%sT

            """)
        try Self.compile(source, into: dir.path, bloat: "slim")
        try dir.write("tzdata.zi", "# version 2099z\n# crafted for a test\n")
        let zone = try ZoneRules.load(identifier: "America/New_York", environment: ["TZDIR": dir.path])
        #expect(zone.origin == ZoneDataOrigin(kind: .system, version: "2099z", path: dir.file("America/New_York"), note: nil))
        #expect(zone.origin.description == "system tzdata 2099z (\(dir.file("America/New_York")))")
        // 2026-03-20 is EDT under the real rules and EST under these.
        let march = try #require(InstantParser.parse("2026-03-20T10:00", zone: zone))
        #expect(zone.iso8601(march) == "2026-03-20T10:00:00-05:00")
        for year in [2026, 2100, 2199] {
            let starts = zone.allTransitions.filter { $0.instant.utcISO8601.hasPrefix("\(year)-") && $0.after == -14400 }
            let expected = LocalDate.nth(1, .sunday, of: 4, year)
            #expect(starts.map { zone.local($0.instant).date } == [expected], "\(year)")
        }
        // A gap at the crafted start: 02:30 on the first Sunday of April 2150 is read as 03:30 EDT.
        let gapDay = LocalDate.nth(1, .sunday, of: 4, 2150)
        #expect(zone.iso8601(zone.instant(date: gapDay, time: TimeOfDay(hour: 2, minute: 30)!)) == "\(gapDay)T03:30:00-04:00")
    }

    @Test func missingOrBrokenSystemFilesFallBackToTheBundledData() throws {
        let dir = try TemporaryDirectory("v6zone-broken")
        let empty = try ZoneRules.load(identifier: "America/New_York", environment: ["TZDIR": dir.path])
        #expect(empty.origin.kind == .bundled)
        #expect(empty.origin.note == "\(dir.file("America/New_York")): missing or not readable")
        #expect(empty.origin.version == TimeZone.timeZoneDataVersion)

        let real = try Data(contentsOf: URL(fileURLWithPath: Self.system + "/America/New_York"))
        try FileManager.default.createDirectory(atPath: dir.file("America"), withIntermediateDirectories: true)
        try real.prefix(real.count - 30).write(to: URL(fileURLWithPath: dir.file("America/New_York")))
        let truncated = try ZoneRules.load(identifier: "America/New_York", environment: ["TZDIR": dir.path])
        #expect(truncated.origin.kind == .bundled)
        #expect(truncated.origin.note?.hasPrefix(dir.file("America/New_York") + ": ") == true)
        #expect(Self.rows(truncated) == Self.rows(try ZoneRules.loadBundled(identifier: "America/New_York")))
        #expect(throws: TZifError.self) { try ZoneRules.loadSystem(identifier: "../etc/passwd", directory: dir.path) }
    }

    /// Every prefix and many single-byte corruptions of a real file: a clean error or a table,
    /// never a trap.
    @Test func damagedFilesNeverTrap() throws {
        let real = Array(try Data(contentsOf: URL(fileURLWithPath: Self.system + "/America/New_York")))
        var rejected = 0
        for length in 0..<real.count where (try? TZifFile.parse(Array(real.prefix(length)))) == nil { rejected += 1 }
        #expect(rejected == real.count, "every proper prefix is incomplete")
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            var bytes = real
            bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            if let file = try? TZifFile.parse(bytes) { _ = try? PosixTZRule(parsing: file.footer) }
        }
        #expect(throws: TZifError.self) { try TZifFile.parse(Array("TZif".utf8) + [0] + [UInt8](repeating: 0, count: 39)) }
    }
}
