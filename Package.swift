// swift-tools-version:6.1
// v6-scheduler: runs a trading desk's jobs on the NYSE clock.
// Why each dependency is here: docs/architecture.md, "Dependencies".
import PackageDescription

let package = Package(
    name: "v6-scheduler",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "v6-scheduler", targets: ["v6-scheduler"]),
        .executable(name: "v6ctl", targets: ["v6ctl"]),
        .executable(name: "v6-dashboard", targets: ["v6-dashboard"]),
        .library(name: "MarketCalendar", targets: ["MarketCalendar"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        // No default traits: the dashboard needs neither swift-configuration nor full Foundation.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // Alerts and metrics: only the targets the daemon needs depend on these (see docs/architecture.md).
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // The shared store of several hosts (scheduler.store: postgres; docs/high-availability.md).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // Pure: NYSE rules, sessions, phases, America/New_York conversions. Foundation only.
        .target(
            name: "MarketCalendar",
            resources: [.embedInCode("Resources/nyse-special-days.csv")]
        ),
        // Pure: configuration model and validation, schedule maths, the scheduler state machine.
        .target(
            name: "Scheduling",
            dependencies: [
                "MarketCalendar",
                .product(name: "Yams", package: "Yams"),
                .product(name: "HeapModule", package: "swift-collections"),
            ]
        ),
        // Pure: configuration -> Kubernetes CronJobs, systemd timers, crontab (v6-scheduler export).
        .target(name: "ScheduleExport", dependencies: ["Scheduling", "MarketCalendar"]),
        // Pure: the alert streak/dedup machine, alert messages and their payloads, metric names.
        .target(name: "Monitoring", dependencies: ["Scheduling", "MarketCalendar"]),
        // I/O: alert channels (Slack, Discord, webhook over HTTP; e-mail over SMTP) and their queues.
        .target(
            name: "AlertChannels",
            dependencies: [
                "Monitoring", "Scheduling",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Pure: the control socket's requests, responses, framing and error codes.
        .target(name: "ControlProtocol"),
        // libsystemd: sd_notify, sd_journal_sendv, sd_listen_fds.
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        // What Glibc's module hides behind _GNU_SOURCE: timerfd, posix_spawn setsid, pidfd, ucred, prctl.
        .target(name: "CShim"),
        // I/O edge: timer, task processes, run store, control server, systemd and journald.
        .target(
            name: "SchedulerDaemon",
            dependencies: [
                "Scheduling", "ControlProtocol", "CSystemd", "CShim", "Monitoring", "AlertChannels",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .executableTarget(
            name: "v6-scheduler",
            dependencies: [
                "SchedulerDaemon", "ScheduleExport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The one client of the control socket, used by v6ctl and v6-dashboard alike (blocking POSIX).
        .target(name: "ControlClient", dependencies: ["ControlProtocol", "MarketCalendar"]),
        // The operator's client: control commands plus the offline calendar and gate (whose decision,
        // GateRule, is Scheduling's: see docs/architecture.md, "v6ctl gate and Scheduling").
        .executableTarget(
            name: "v6ctl",
            dependencies: [
                "MarketCalendar", "Scheduling", "ControlProtocol", "ControlClient", "CShim",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Pure: the dashboard's pages, view models and SVG charts, built from protocol results.
        .target(name: "DashboardViews", dependencies: ["ControlProtocol", "MarketCalendar"]),
        // I/O edge: the dashboard's HTTP server (routes, login, CSRF, API, streams) over ControlClient.
        .target(
            name: "DashboardServer",
            dependencies: [
                "DashboardViews", "ControlClient", "ControlProtocol", "MarketCalendar",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.embedInCode("Assets/app.css"), .embedInCode("Assets/app.js"), .embedInCode("Assets/openapi.yaml")]
        ),
        // The operator's web dashboard (thin: options, token, start-up line).
        .executableTarget(
            name: "v6-dashboard",
            dependencies: [
                "DashboardServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Helpers shared by the test targets: running built binaries, temporary directories, a
        // journald in a private mount namespace (CShim: setns for one thread), the fixtures.
        .target(name: "TestSupport", dependencies: ["CShim"], path: "Sources/TestSupport"),
        .testTarget(name: "MarketCalendarTests", dependencies: ["MarketCalendar", "TestSupport"]),
        .testTarget(name: "SchedulingTests", dependencies: ["Scheduling", "TestSupport"]),
        .testTarget(name: "ControlProtocolTests", dependencies: ["ControlProtocol", "TestSupport"]),
        .testTarget(name: "MonitoringTests", dependencies: ["Monitoring", "Scheduling", "TestSupport"]),
        .testTarget(name: "DaemonTests",
                    dependencies: ["SchedulerDaemon", "AlertChannels", "Monitoring", "ControlProtocol", "TestSupport", "v6-scheduler", "v6ctl"]),
        .testTarget(
            name: "ExportTests",
            dependencies: ["ScheduleExport", "Scheduling", "TestSupport", "v6ctl", .product(name: "Yams", package: "Yams")]
        ),
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "v6ctl", "v6-scheduler"]),
        .testTarget(
            name: "DashboardTests",
            dependencies: [
                "DashboardServer", "DashboardViews", "ControlClient", "ControlProtocol", "TestSupport",
                "v6-scheduler", "v6-dashboard",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
