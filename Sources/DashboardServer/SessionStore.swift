import NIOConcurrencyHelpers

/// A signed-in browser: who, their role, the CSRF token of its forms, preferences.
public struct Session: Sendable, Equatable {
    public let id: String
    public let user: String
    public let role: Role
    /// Put in every form; a POST without it is refused.
    public let csrf: String
    /// The display time zone (ET is always shown too).
    public var displayZone: String?
    /// The last action's message, shown once.
    public var flash: (text: String, isError: Bool)?
    var expires: Int64

    public static func == (a: Session, b: Session) -> Bool { a.id == b.id && a.csrf == b.csrf }
}

/// The login sessions, in memory only (the dashboard keeps no other state): a restart signs
/// everyone out. Sessions last `lifetime` seconds from their last use; at most `capacity` are
/// kept, the least recently used going first.
public final class SessionStore: Sendable {
    private let sessions = NIOLockedValueBox<[String: Session]>([:])
    let lifetime: Int64
    let capacity: Int

    public init(lifetime: Int64 = 12 * 3600, capacity: Int = 1000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// A new session for `user`.
    public func create(user: String, role: Role, now: Int64) -> Session {
        let session = Session(id: Credentials.randomToken(), user: user, role: role, csrf: Credentials.randomToken(),
                              displayZone: nil, flash: nil, expires: now + lifetime)
        sessions.withLockedValue { all in
            all = all.filter { $0.value.expires > now }
            if all.count >= capacity, let oldest = all.min(by: { $0.value.expires < $1.value.expires })?.key {
                all.removeValue(forKey: oldest)
            }
            all[session.id] = session
        }
        return session
    }

    /// The live session with this id, its lifetime extended.
    public func session(_ id: String, now: Int64) -> Session? {
        sessions.withLockedValue { all in
            guard var session = all[id] else { return nil }
            guard session.expires > now else {
                all.removeValue(forKey: id)
                return nil
            }
            session.expires = now + lifetime
            all[id] = session
            return session
        }
    }

    /// Changes a session (flash message, display zone).
    public func update(_ id: String, _ change: @Sendable (inout Session) -> Void) {
        sessions.withLockedValue { all in
            if var session = all[id] {
                change(&session)
                all[id] = session
            }
        }
    }

    /// Takes the flash message (shown once).
    public func takeFlash(_ id: String) -> (text: String, isError: Bool)? {
        sessions.withLockedValue { all in
            let flash = all[id]?.flash
            all[id]?.flash = nil
            return flash
        }
    }

    public func remove(_ id: String) {
        _ = sessions.withLockedValue { $0.removeValue(forKey: id) }
    }
}
