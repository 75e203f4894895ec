import Testing
@testable import Scheduling

@Suite struct PostgresURLTests {
    @Test func tcpURLsWithPasswordAndSSLMode() throws {
        let url = try PostgresURL.parse("postgres://sched:s%40cret@db.desk:6432/v6?sslmode=require").get()
        #expect(url.user == "sched" && url.password == "s@cret" && url.host == "db.desk" && url.port == 6432)
        #expect(url.database == "v6" && url.sslMode == .require && url.socketPath == nil)
        #expect(!url.description.contains("s@cret") && url.description.contains("***"))
    }

    @Test func unixSocketsAsInLibpq() throws {
        let encoded = try PostgresURL.parse("postgresql://v6@%2Frun%2Fpostgresql/v6").get()
        #expect(encoded.socketPath == "/run/postgresql/.s.PGSQL.5432" && encoded.host == nil)
        let parameter = try PostgresURL.parse("postgres:///v6?host=/tmp/pg&port=5433").get()
        #expect(parameter.socketPath == "/tmp/pg/.s.PGSQL.5433" && parameter.user == "postgres")
    }

    @Test(arguments: ["mysql://x@y/z", "postgres://x@y/z?sslmode=sometimes", "postgres://x@y/z?port=99999", "postgres://x@y/z?pool=3"])
    func refusedWithAReason(_ text: String) {
        guard case .failure(let problem) = PostgresURL.parse(text) else {
            Issue.record("\(text) accepted")
            return
        }
        #expect(!problem.message.isEmpty)
    }
}
