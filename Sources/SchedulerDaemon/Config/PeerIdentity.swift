import Glibc

extension Authorization.Peer {
    /// The user name of the peer's uid (`getpwuid_r`), nil when it has none.
    var userName: String? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.pw_name else { return nil }
        return String(cString: name)
    }

    /// `root (uid 0)`, `desk (uid 1000)`, `uid 4242` (no user of that uid).
    var who: String { userName.map { "\($0) (uid \(uid))" } ?? "uid \(uid)" }
}
