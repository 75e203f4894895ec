import Foundation
import Testing
import TestSupport

/// The daemon and v6ctl read America/New_York from the system's zone files, `$TZDIR` first: a
/// crafted zone with other rules (compiled with zic in the test's folder) changes what they
/// print, and they say where the data came from; without the file, the bundled data is used.
@Suite(.serialized) struct E2EZoneDataTests {
    static let config = E2E.header + """
            idle:
              command: ["/bin/true"]
              at: "03:00"
              days: [\(E2E.weekday(daysFromToday: 2))]

        """

    /// A zone directory whose America/New_York keeps the pre-2007 US rules (DST from the first
    /// Sunday of April) forever, with a tzdata.zi that names release 2099z.
    static func craftedZoneDirectory(_ dir: TemporaryDirectory) throws -> String {
        let source = try dir.write("crafted.zi", """
            Rule Crafted 2000 max - Apr Sun>=1 2:00 1:00 D
            Rule Crafted 2000 max - Oct lastSun 2:00 0 S
            Zone America/New_York -5:00 - EST 2000
            \t\t\t-5:00 Crafted E%sT

            """)
        let zones = dir.file("zoneinfo")
        let zic = try Command.run("/usr/sbin/zic", ["-b", "slim", "-d", zones, source])
        guard zic.status == 0 else { throw HarnessError("zic failed: \(zic.stderr)") }
        try dir.write("zoneinfo/tzdata.zi", "# version 2099z\n")
        return zones
    }

    @Test func aCraftedZoneInTZDIRIsWhatTheDaemonAndV6ctlUse() throws {
        let daemon = try DaemonHarness(config: Self.config, label: "v6e2e-zone")
        let zones = try Self.craftedZoneDirectory(daemon.directory)
        try daemon.start(environment: ["TZDIR": zones])
        defer { daemon.stop() }
        let zone = try #require(try daemon.json(["status"])["zone_data"] as? [String: String])
        #expect(zone == ["source": "system", "version": "2099z", "file": zones + "/America/New_York"])
        #expect(try daemon.v6ctl(["status"]).stdout.contains("zone data: system tzdata 2099z (\(zones)/America/New_York)"))
        #expect(daemon.log.contains("ready: 1 tasks from \(daemon.configPath)"))
        #expect(daemon.log.contains("zone data: system tzdata 2099z (\(zones)/America/New_York)"))

        // 2026-03-20 10:00 is EDT under the real rules, EST under the crafted ones.
        let phase = ["calendar", "phase", "--at", "2026-03-20T10:00"]
        #expect(try Command.run("v6ctl", phase, environment: ["TZDIR": zones]).stdout.contains("at 2026-03-20T10:00:00-05:00"))
        #expect(try Command.run("v6ctl", phase, removingEnvironment: ["TZDIR"]).stdout.contains("at 2026-03-20T10:00:00-04:00"))
        #expect(daemon.stop() == 0)
    }

    @Test func withoutTheSystemFileTheBundledDataIsUsedAndNamed() throws {
        let daemon = try DaemonHarness(config: Self.config, label: "v6e2e-zone-missing")
        let empty = daemon.directory.file("no-zones")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        try daemon.start(environment: ["TZDIR": empty])
        defer { daemon.stop() }
        let zone = try #require(try daemon.json(["status"])["zone_data"] as? [String: String])
        #expect(zone["source"] == "bundled")
        #expect(zone["note"] == "\(empty)/America/New_York: missing or not readable")
        #expect(zone["version"]?.isEmpty == false)
        let text = try daemon.v6ctl(["status"]).stdout
        #expect(text.contains("zone data: bundled zone data "), "\(text)")
        #expect(text.contains("(system file not used: \(empty)/America/New_York: missing or not readable)"))
        // The bundled table has the real rules.
        let phase = try Command.run("v6ctl", ["calendar", "phase", "--at", "2026-03-20T10:00"], environment: ["TZDIR": empty])
        #expect(phase.stdout.contains("at 2026-03-20T10:00:00-04:00"), "\(phase.stdout) \(phase.stderr)")
        #expect(daemon.stop() == 0)
    }
}
