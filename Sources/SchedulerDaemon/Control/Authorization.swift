import Foundation

/// Who may change the daemon through the control socket: uid 0, the daemon's own uid, or
/// a member of `control_group` (primary or supplementary). Anyone who can connect may read.
struct Authorization: Sendable {
    let daemonUID: uid_t
    let controlGroupID: gid_t?

    struct Peer: Sendable, CustomStringConvertible {
        let pid: pid_t
        let uid: uid_t
        let gid: gid_t
        /// Whether this peer may send changes; filled in for the requests that report it (`status`).
        var mayChange: Bool? = nil
        /// The person the client says it acts for (`on_behalf_of` of a toggle or `run_now`): the
        /// client's word, recorded as such in log lines and a toggle's `set_by`.
        var onBehalfOf: String? = nil
        var description: String { "uid \(uid) pid \(pid)" + (onBehalfOf.map { " for \($0)" } ?? "") }
    }

    func mayChange(_ peer: Peer) -> Bool {
        if peer.uid == 0 || peer.uid == daemonUID { return true }
        guard let group = controlGroupID else { return false }
        return peer.gid == group || Authorization.supplementaryGroups(of: peer.pid).contains(group)
    }

    /// SO_PEERCRED reports the primary group only; the rest are in /proc/PID/status.
    static func supplementaryGroups(of pid: pid_t) -> Set<gid_t> {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Groups:") })
        else { return [] }
        return Set(line.dropFirst("Groups:".count).split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { gid_t($0) })
    }

    static func groupID(named name: String) -> gid_t? {
        guard let entry = getgrnam(name) else { return nil }
        return entry.pointee.gr_gid
    }
}
