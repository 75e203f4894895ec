import ControlProtocol

/// Who gets a control connection: the decision part of the connection limits (no sockets here).
///
/// - at most `total` connections at once;
/// - at most `perUID` of them from one uid, so that one user cannot take every slot;
/// - the last `reserved` slots only for peers that may change things (root, the daemon's uid, the
///   control group), so that an operator always gets in while others hold the rest.
struct ConnectionAdmission: Sendable {
    let total: Int
    let perUID: Int
    let reserved: Int
    private(set) var open = 0
    private(set) var byUID: [UInt32: Int] = [:]

    /// Whether a new connection may stay, and if not, the `busy` message that says why.
    enum Decision: Equatable, Sendable {
        case admitted
        case refused(String)
    }

    init(total: Int = ProtocolLimits.maxConnections, perUID: Int = ProtocolLimits.maxConnectionsPerUID,
         reserved: Int = ProtocolLimits.reservedPrivilegedConnections) {
        self.total = total
        self.perUID = perUID
        self.reserved = reserved
    }

    /// Counts the connection in when admitted; every admitted one must be `release`d once.
    mutating func admit(uid: UInt32, privileged: Bool) -> Decision {
        if open >= total {
            return .refused("too many connections (\(total)); try again")
        }
        if byUID[uid, default: 0] >= perUID {
            return .refused("too many connections from uid \(uid) (\(perUID)); close some and try again")
        }
        if !privileged, open >= total - reserved {
            return .refused("too many connections (\(total - reserved) open; the last \(reserved) are kept for root and the control group); try again")
        }
        open += 1
        byUID[uid, default: 0] += 1
        return .admitted
    }

    mutating func release(uid: UInt32) {
        open -= 1
        let left = byUID[uid, default: 1] - 1
        byUID[uid] = left > 0 ? left : nil
    }
}
