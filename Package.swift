// swift-tools-version:6.0
// v6-scheduler: runs a trading desk's jobs on the NYSE clock.
// Why each dependency is here: docs/architecture.md, "Dependencies".
import PackageDescription

let package = Package(
    name: "v6-scheduler",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "v6ctl", targets: ["v6ctl"]),
        .library(name: "MarketCalendar", targets: ["MarketCalendar"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Pure: NYSE rules, sessions, phases, America/New_York conversions. Foundation only.
        .target(
            name: "MarketCalendar",
            resources: [.embedInCode("Resources/nyse-special-days.csv")]
        ),
        // The operator's client: control commands plus the offline calendar and gate.
        .executableTarget(
            name: "v6ctl",
            dependencies: [
                "MarketCalendar",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Helpers shared by the test targets: running built binaries, temporary directories.
        .target(name: "TestSupport", path: "Sources/TestSupport"),
        .testTarget(name: "MarketCalendarTests", dependencies: ["MarketCalendar"]),
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "v6ctl"]),
    ],
    swiftLanguageModes: [.v6]
)
