import Testing
@testable import Scheduling

/// `scheduler.store`, `postgres_url`, `host_id`, `host_lease` and a task's `hosts:`.
@Suite struct ConfigClusterTests {
    static let job = "command: [\"/bin/true\"]\nat: \"09:30\""

    @Test func theDefaultsAreOneHostOnSQLite() throws {
        let config = try #require(ConfigTest.load(ConfigTest.task(Self.job))).config
        #expect(config.cluster.store == .sqlite && config.cluster.postgresURL == nil && config.cluster.hostID == nil)
        #expect(config.cluster.hostLeaseSeconds == 30)
        #expect(config.tasks[0].hosts.isEmpty && config.tasks[0].runs(on: "anyone"))
    }

    @Test func aClusterConfigurationIsRead() throws {
        let yaml = ConfigTest.task(Self.job + "\nhosts: [gateway1, gateway2]",
                                   scheduler: "store: postgres\npostgres_url: env:V6_PG\nhost_id: gateway1\nhost_lease: 45s")
        let config = try #require(ConfigTest.load(yaml, environment: ["V6_PG": "postgres://v6@db/v6"])).config
        #expect(config.cluster.store == .postgres && config.cluster.hostID == "gateway1" && config.cluster.hostLeaseSeconds == 45)
        #expect(config.cluster.postgresURL?.source == .environment("V6_PG"))
        #expect(config.tasks[0].hosts == ["gateway1", "gateway2"])
        #expect(config.tasks[0].runs(on: "gateway2") && !config.tasks[0].runs(on: "laptop"))
    }

    @Test(arguments: [
        ("store: mysql", "store: \"mysql\" is not a store"),
        ("store: postgres", "postgres needs scheduler.postgres_url"),
        ("host_id: \"a b\"", "is not a host id"),
        ("host_lease: 2s", "is out of range (from 5s to 1h"),
        ("store: postgres\npostgres_url: mysql://x", "is not a PostgreSQL URL"),
    ])
    func badClusterSettingsNameTheKey(_ setting: String, _ message: String) {
        let errors = ConfigTest.errors(ConfigTest.task(Self.job, scheduler: setting))
        #expect(errors.count == 1 && errors.first?.contains(message) == true, "\(errors)")
        #expect(errors.first?.hasPrefix("config/test.yaml:2: scheduler.") == true || errors.first?.hasPrefix("config/test.yaml:3: scheduler.") == true,
                "\(errors)")
    }

    @Test func aHostListedTwiceOrABadHostIDIsRefused() {
        #expect(ConfigTest.errors(ConfigTest.task(Self.job + "\nhosts: [a, a]")).first?.contains("a is listed twice") == true)
        #expect(ConfigTest.errors(ConfigTest.task(Self.job + "\nhosts: [\"no way\"]")).first?.contains("is not a host id") == true)
    }
}
