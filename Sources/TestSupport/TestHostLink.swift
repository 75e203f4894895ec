import Foundation
import Glibc

/// One test host's network link to a server on this machine: a network namespace of its own
/// joined to the root namespace by a veth pair (`10.S.I.2` inside, `10.S.I.1` outside, S from
/// the test process's pid so that concurrent test processes do not collide). A daemon started
/// with `launcher` runs inside it and reaches the server only through the pair; `cut()` takes
/// the outer end down (packets are lost, connections hang: a partition), `restore()` brings it up.
///
/// Needs root and `ip` (iproute2); `unavailableReason` says why not otherwise. Every namespace and
/// link is removed by `remove()` (and deinit).
public final class TestHostLink: @unchecked Sendable {
    public static let ip = "/usr/sbin/ip"
    public let namespace: String
    public let outerDevice: String
    public let innerDevice: String
    /// The address the server listens on (the root namespace's end).
    public let outerAddress: String
    /// The host's own address (inside its namespace).
    public let innerAddress: String
    private var removed = false

    /// Why no namespace can be made here; nil when one can.
    public static var unavailableReason: String? {
        if getuid() != 0 { return "network namespaces need root" }
        if access(ip, X_OK) != 0 { return "\(ip) (iproute2) is missing" }
        return nil
    }

    /// The network of every link of this test process (`10.S.0.0/16`), for the server's allow list.
    public static var network: String { "10.\(subnet).0.0/16" }
    private static var subnet: Int { 150 + Int(getpid()) % 100 }

    /// Makes the namespace and the pair for test host `index` (1-250).
    public init(index: Int) throws {
        let tag = "v6t\(getpid() % 100_000)h\(index)"
        namespace = tag
        outerDevice = tag + "o"
        innerDevice = tag + "i"
        outerAddress = "10.\(Self.subnet).\(index).1"
        innerAddress = "10.\(Self.subnet).\(index).2"
        do {
            try Self.run(["netns", "add", namespace])
            try Self.run(["link", "add", outerDevice, "type", "veth", "peer", "name", innerDevice])
            try Self.run(["link", "set", innerDevice, "netns", namespace])
            try Self.run(["addr", "add", "\(outerAddress)/24", "dev", outerDevice])
            try Self.run(["link", "set", outerDevice, "up"])
            try Self.run(["-n", namespace, "addr", "add", "\(innerAddress)/24", "dev", innerDevice])
            try Self.run(["-n", namespace, "link", "set", innerDevice, "up"])
            try Self.run(["-n", namespace, "link", "set", "lo", "up"])
        } catch {
            remove()
            throw error
        }
    }

    /// Runs a program inside the namespace, in the same process (`ip netns exec` execs it).
    public var launcher: [String] { [Self.ip, "netns", "exec", namespace] }

    /// The link goes down: nothing passes until `restore()`.
    public func cut() throws { try Self.run(["link", "set", outerDevice, "down"]) }

    public func restore() throws { try Self.run(["link", "set", outerDevice, "up"]) }

    /// Deletes the pair and the namespace (once).
    public func remove() {
        guard !removed else { return }
        removed = true
        _ = try? Self.run(["link", "del", outerDevice])
        _ = try? Self.run(["netns", "del", namespace])
    }

    deinit { remove() }

    @discardableResult
    private static func run(_ arguments: [String]) throws -> CommandResult {
        let result = try Command.run(ip, arguments)
        guard result.status == 0 else {
            throw HarnessError("ip \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
        }
        return result
    }
}
