import Foundation
import HeartlineTestSupport
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A throwaway PostgreSQL cluster for tests and benchmarks: `initdb` in a temporary directory,
/// the server on a free loopback port (its unix socket in the same directory), stopped by `stop()`
/// or, at the latest, when the test process exits. Its tools run through swift-subprocess
/// (`runCommand`), awaited without blocking a thread.
///
/// The server binaries are looked up in `/usr/lib/postgresql/*/bin` and on `PATH`. When none are
/// installed, `start` returns nil and prints why, so tests can skip. Running as root (CI), the
/// binaries run as the unprivileged `postgres` user (initdb refuses root) through `runuser`.
public final class PostgresTestServer: Sendable {
    public let directory: String
    public let port: Int
    public let binDirectory: String
    public let user = "heartline"
    private let runAs: String?

    public var dataDirectory: String { directory + "/data" }
    public var socketDirectory: String { directory }

    /// A URL for `database` (TCP on loopback; trust authentication, no password).
    public func url(database: String = "heartline", options: String = "") -> String {
        "postgres://\(user)@127.0.0.1:\(port)/\(database)" + (options.isEmpty ? "" : "?" + options)
    }

    private init(directory: String, port: Int, binDirectory: String, runAs: String?) {
        self.directory = directory
        self.port = port
        self.binDirectory = binDirectory
        self.runAs = runAs
    }

    public enum Failure: Error, CustomStringConvertible {
        case command(String, Int32, String)
        public var description: String {
            switch self {
            case .command(let name, let status, let output): "\(name) exited with \(status): \(output)"
            }
        }
    }

    /// The one server shared by a test process (each test creates its own database), started once.
    /// Starting takes seconds (`initdb`, the server's start); the tests that ask meanwhile await
    /// the same start, holding no lock and no thread.
    public static func shared() async throws -> PostgresTestServer? {
        let starting = sharedServer.withLock { state -> Task<PostgresTestServer?, any Error> in
            if let task = state { return task }
            let task = Task { try await start() }
            state = task
            return task
        }
        return try await starting.value
    }

    private static let sharedServer = Mutex<Task<PostgresTestServer?, any Error>?>(nil)
    /// The data folders of the clusters this process started and has not stopped for good.
    private static let running = Mutex<Set<String>>([])

    /// Why no cluster can be started here, or nil when one can. Tests gate on it with
    /// `.enabled(if: PostgresTestServer.isAvailable, …)`, so a machine without PostgreSQL reports
    /// them as skipped, never as passed.
    public static let unavailableReason: String? = {
        guard findBinaries() != nil else {
            return "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin or PATH): install `postgresql`"
        }
        if geteuid() == 0, getpwnam("postgres") == nil {
            return "running as root and there is no `postgres` user to run the server as"
        }
        return nil
    }()

    public static var isAvailable: Bool { unavailableReason == nil }

    /// Starts a new cluster; nil when `isAvailable` is false (tests are gated on it first).
    /// `fsync` off makes tests faster; benchmarks keep it on.
    public static func start(fsync: Bool = false, settings: [String: String] = [:]) async throws -> PostgresTestServer? {
        guard isAvailable, let bin = findBinaries() else { return nil }
        var runAs: String?
        if geteuid() == 0 {
            runAs = "postgres"
        }
        let directory = NSTemporaryDirectory() + "heartline-pg-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if let runAs, let entry = getpwnam(runAs) {
            chown(directory, entry.pointee.pw_uid, entry.pointee.pw_gid)
        }
        let server = PostgresTestServer(directory: directory, port: freePort(), binDirectory: bin, runAs: runAs)
        try await server.run("initdb", ["-D", server.dataDirectory, "-U", server.user, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"])
        var config = [
            "listen_addresses = '127.0.0.1'",
            "port = \(server.port)",
            "unix_socket_directories = '\(directory)'",
            "fsync = \(fsync ? "on" : "off")",
            "max_connections = 200",
            "shared_buffers = '128MB'",
        ]
        for (key, value) in settings.sorted(by: { $0.key < $1.key }) { config.append("\(key) = \(value)") }
        let conf = server.dataDirectory + "/postgresql.conf"
        let existing = (try? String(contentsOfFile: conf, encoding: .utf8)) ?? ""
        try (existing + "\n" + config.joined(separator: "\n") + "\n").write(toFile: conf, atomically: false, encoding: .utf8)
        running.withLock { _ = $0.insert(server.dataDirectory) }
        registerExitHandler()
        try await server.startServer()
        try await server.createDatabase("heartline")
        return server
    }

    /// Starts the server (again, after `stopServer`) and returns once it accepts connections.
    ///
    /// `pg_ctl start -w` runs the server detached from this process and waits until the server of
    /// this data folder is ready (one that could not bind its port fails the start instead of
    /// another cluster answering on it). The server writes its log to `server.log`, not to the
    /// pipe of the command that started it.
    public func startServer() async throws {
        try await run("pg_ctl", ["-D", dataDirectory, "-l", directory + "/server.log", "-w", "-t", "60", "start"])
    }

    /// Stops the server (`fast`: disconnects clients, like a database restart).
    public func stopServer(mode: String = "fast") async throws {
        try await run("pg_ctl", ["-D", dataDirectory, "-m", mode, "-w", "stop"])
    }

    /// Stops the server for good and removes its files.
    public func stop() async {
        _ = try? await run("pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "stop"])
        _ = Self.running.withLock { $0.remove(dataDirectory) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A fresh database; returns its URL.
    @discardableResult
    public func createDatabase(_ name: String, options: String = "") async throws -> String {
        try await run("createdb", ["-h", "127.0.0.1", "-p", "\(port)", "-U", user, name])
        return url(database: name, options: options)
    }

    /// Runs SQL with psql; returns its unaligned, tuples-only output.
    @discardableResult
    public func psql(_ sql: String, database: String) async throws -> String {
        try await run("psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", "\(port)", "-U", user, "-d", database, "-c", sql])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A database name unique in this process.
    public static func databaseName(_ hint: String = #function) -> String {
        "t_" + hint.lowercased().filter { $0.isLetter || $0.isNumber }.prefix(30) + "_" + UUID().uuidString.prefix(8).lowercased()
    }

    // MARK: Internals

    /// Runs one of the server's tools to its end (through `runuser` when running as root) and
    /// returns its output; throws with the output when it fails.
    @discardableResult
    func run(_ tool: String, _ arguments: [String]) async throws -> String {
        let executable = binDirectory + "/" + tool
        let result = if let runAs {
            try await runCommand("/usr/sbin/runuser", ["-u", runAs, "--", executable] + arguments, directory: "/tmp", combineOutput: true, timeout: .seconds(120))
        } else {
            try await runCommand(executable, arguments, directory: "/tmp", combineOutput: true, timeout: .seconds(120))
        }
        guard result.status == 0 else {
            throw Failure.command(tool, result.status, String(result.stdout.suffix(2000)))
        }
        return result.stdout
    }

    static func findBinaries() -> String? {
        if let override = ProcessInfo.processInfo.environment["HEARTLINE_PG_BIN"], FileManager.default.isExecutableFile(atPath: override + "/initdb") {
            return override
        }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap { Int($0) }.sorted(by: >)
        for version in versions where FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/initdb") {
            return "\(root)/\(version)/bin"
        }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            if FileManager.default.isExecutableFile(atPath: "\(directory)/initdb"), FileManager.default.isExecutableFile(atPath: "\(directory)/pg_ctl") {
                return String(directory)
            }
        }
        return nil
    }

    /// A loopback port nobody listens on right now, and never one this test process handed out
    /// before: a cluster stopped for a restart test must get its own port back, not find another
    /// test's cluster on it (pg_isready would then succeed against the wrong server). Taken below
    /// Linux's ephemeral range (32768–60999): the kernel hands those to every other test's
    /// `bind(0)` and outgoing connection, and one did take a cluster's port during its 30 s outage.
    static func freePort() -> Int {
        while true {
            let port = Int.random(in: 20_000..<32_000)
            guard isFree(port), handedOut.withLock({ $0.insert(port).inserted }) else { continue }
            return port
        }
    }

    private static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        return withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } } == 0
    }

    private static let handedOut = Mutex<Set<Int>>([])

    private static let exitHandler = Mutex(false)

    /// At exit, stops every cluster still running (a test that failed before its `stop()`): an
    /// immediate shutdown, the postmaster's SIGQUIT, sent to the process its pid file names. It
    /// starts no process, which an exit handler should not do.
    private static func registerExitHandler() {
        let first = exitHandler.withLock { registered -> Bool in
            defer { registered = true }
            return !registered
        }
        guard first else { return }
        atexit {
            for data in PostgresTestServer.running.withLock({ $0 }) {
                guard let pidFile = try? String(contentsOfFile: data + "/postmaster.pid", encoding: .utf8),
                      let line = pidFile.split(separator: "\n").first, let pid = pid_t(line.trimmingCharacters(in: .whitespaces)), pid > 0
                else { continue }
                kill(pid, SIGQUIT)
            }
        }
    }
}
