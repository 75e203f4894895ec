import Foundation
import Testing
import TestSupport

/// Changes need root, the daemon's uid or the control group; reads are open to whoever can
/// connect. Checked with a real unprivileged peer (uid/gid 65534 through setpriv).
@Suite(.serialized) struct E2EPermissionTests {
    static let config = E2E.header + """
            e2e_target:
              command: ["/bin/true"]
              at: "03:00"
              days: every_day

        """
    static let nobody: UInt32 = 65534
    static let setpriv = "/usr/bin/setpriv"

    /// `v6ctl ARGS` as uid/gid 65534 with no supplementary groups.
    static func v6ctlAsNobody(_ daemon: DaemonHarness, _ arguments: [String]) throws -> CommandResult {
        try Command.run(setpriv, ["--reuid=\(nobody)", "--regid=\(nobody)", "--clear-groups", Command.path(of: "v6ctl"),
                                  "--socket", daemon.socketPath] + arguments)
    }

    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: setpriv),
                   "needs root and setpriv to act as uid 65534; runs under CI as root"))
    func anUnprivilegedPeerMayReadButNotChange() throws {
        let daemon = try DaemonHarness(config: Self.config)
        // mkdtemp made the folder 0700: uid 65534 must be able to reach the socket inside.
        chmod(daemon.directory.path, 0o755)
        try daemon.start()
        defer { daemon.stop() }

        // The first gate is the file mode: 0660 root:root (no control_group) keeps uid 65534 out.
        let locked = try Self.v6ctlAsNobody(daemon, ["status"])
        #expect(locked.status == 1, "\(locked.stderr)")
        #expect(locked.stderr.contains("permission denied"))

        // To reach the daemon's own check, open the file to everyone (as an operator could with
        // a wider mode). The peer is then not root, not the daemon's uid (0) and, with no
        // control_group configured, in no control group: it may read, not change.
        #expect(chmod(daemon.socketPath, 0o666) == 0)
        let status = try Self.v6ctlAsNobody(daemon, ["status", "--json"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(try JSONText.object(status.stdout)["pid"] as? Int == Int(daemon.pid))
        for read in [["list"], ["show", "e2e_target"], ["history"], ["next", "--limit", "1"]] {
            #expect(try Self.v6ctlAsNobody(daemon, read).status == 0, "v6ctl \(read)")
        }

        let refused = try Self.v6ctlAsNobody(daemon, ["disable", "e2e_target"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("permission_denied"))
        #expect(refused.stderr.contains("needs root"))
        #expect(daemon.waitForLog("refused disable from uid \(Self.nobody)"))
        #expect(!daemon.logLines(containing: "refused disable", "peer_uid=\(Self.nobody)").isEmpty, "\(daemon.log)")
        for change in [["enable", "e2e_target"], ["clear", "e2e_target"], ["run-now", "e2e_target"], ["reload"]] {
            let result = try Self.v6ctlAsNobody(daemon, change)
            #expect(result.status == 1, "v6ctl \(change): \(result.stderr)")
            #expect(result.stderr.contains("permission_denied"), "v6ctl \(change): \(result.stderr)")
        }

        // Nothing changed, nothing ran; root still may.
        let target = try #require(try daemon.taskStatus("e2e_target"))
        #expect(target["enabled"] as? Bool == true && target["enabled_source"] as? String == "default")
        #expect(try daemon.runs(of: "e2e_target").isEmpty)
        #expect(try daemon.v6ctl(["disable", "e2e_target"]).status == 0)
    }
}
