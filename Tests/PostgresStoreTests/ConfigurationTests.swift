import PostgresStore
import Testing

@Suite struct ConfigurationTests {
    @Test func parsesURLsAndOptions() throws {
        let c = try PostgresStoreConfiguration(url: "postgres://app:s%3Acret@db.internal:6543/heartline?pool=4&lease_ms=5000&poll_ms=250&batch=8")
        #expect(c.host == "db.internal" && c.port == 6543 && c.username == "app" && c.password == "s:cret" && c.database == "heartline")
        #expect(c.poolSize == 4 && c.lease == .seconds(5) && c.pollInterval == .milliseconds(250) && c.claimBatch == 8)
        #expect(c.description == "postgres://app:***@db.internal:6543/heartline")
        let socket = try PostgresStoreConfiguration(url: "postgresql://app@/heartline?host=/run/postgresql")
        #expect(socket.unixSocketDirectory == "/run/postgresql" && socket.port == 5432 && socket.password == nil)
    }

    @Test func rejectsBadURLsWithoutRepeatingThePassword() {
        for url in [
            "postgres://:hunter2@host/db", "postgres://u:hunter2@host", "postgres://u:hunter2@host/db?pool=0",
            "postgres://u:hunter2@host/db?colour=red", "postgres://u:hunter2@host/db?sslmode=verify-full", "mysql://u:hunter2@h/db",
        ] {
            do {
                _ = try PostgresStoreConfiguration(url: url)
                Issue.record("accepted \(url)")
            } catch {
                #expect(error.description.hasPrefix("store: "))
                #expect(!error.description.contains("hunter2"))
            }
        }
    }
}
