import Foundation

/// How hard the fault and fuzz suites push: `full`, the figures the project promises (the default,
/// what `make test` and CI run), or `quick` (`V6_FAULT_SCALE=quick`), a fraction of them for a
/// developer's edit-and-test loop.
public enum FaultScale {
    public static let isQuick = ProcessInfo.processInfo.environment["V6_FAULT_SCALE"] == "quick"

    /// `full` unless the quick scale was asked for.
    public static func pick<T>(quick: T, full: T) -> T { isQuick ? quick : full }

    /// `full` or `quick`, for FIGURE lines.
    public static var name: String { isQuick ? "quick" : "full" }
}
