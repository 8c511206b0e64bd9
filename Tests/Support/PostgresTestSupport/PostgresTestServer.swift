import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A throwaway PostgreSQL cluster for tests and benchmarks: `initdb` in a temporary directory,
/// the server on a free loopback port (its unix socket in the same directory), stopped by `stop()`
/// or, at the latest, when the test process exits.
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

    /// The one server shared by a test process (each test creates its own database), started once
    /// on a thread of its own: `initdb` and the start take seconds, and neither a cooperative
    /// thread nor a lock is held meanwhile (with both cooperative threads blocked, as the earlier
    /// lock-holding version did, every other test in the process stalled for those seconds).
    public static func shared() async throws -> PostgresTestServer? {
        let starting = sharedServer.withLock { state -> Task<PostgresTestServer?, any Error> in
            if let task = state { return task }
            let task = Task { try await Blocking.run { try start() } }
            state = task
            return task
        }
        return try await starting.value
    }

    private static let sharedServer = Mutex<Task<PostgresTestServer?, any Error>?>(nil)
    private static let running = Mutex<[String: (bin: String, runAs: String?)]>([:])

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
    public static func start(fsync: Bool = false, settings: [String: String] = [:]) throws -> PostgresTestServer? {
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
        try server.run("initdb", ["-D", server.dataDirectory, "-U", server.user, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"])
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
        running.withLock { $0[server.dataDirectory] = (bin, runAs) }
        registerExitHandler()
        try server.startServer()
        try server.createDatabase("heartline")
        return server
    }

    /// Starts the server (again, after `stopServer`), waiting until it accepts connections.
    ///
    /// The postmaster runs as a direct child rather than through `pg_ctl start`: Foundation's
    /// `Process` notices a child's exit through an inherited descriptor, which a daemon that
    /// `pg_ctl` leaves behind would keep open, so waiting for `pg_ctl` would never end.
    public func startServer() throws {
        let process = Process()
        let postgres = binDirectory + "/postgres"
        if let runAs {
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
            process.arguments = ["-u", runAs, "--", postgres, "-D", dataDirectory]
        } else {
            process.executableURL = URL(fileURLWithPath: postgres)
            process.arguments = ["-D", dataDirectory]
        }
        let logPath = directory + "/server.log"
        if !FileManager.default.fileExists(atPath: logPath) { FileManager.default.createFile(atPath: logPath, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        Self.children.withLock { $0.append(process) }
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            guard process.isRunning else { break }
            // Ready, and it is this cluster that answers (its postmaster is still running: one that
            // could not bind the port would have exited).
            if (try? run("pg_isready", ["-q", "-h", "127.0.0.1", "-p", "\(port)", "-U", user, "-d", "postgres"])) != nil {
                Thread.sleep(forTimeInterval: 0.2)
                if process.isRunning { return }
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw Failure.command("postgres", process.isRunning ? -1 : process.terminationStatus, "did not accept connections; see \(logPath)")
    }

    /// Server processes started by this test process (kept so that Foundation can reap them).
    private static let children = Mutex<[Process]>([])

    /// Stops the server (`fast`: disconnects clients, like a database restart).
    public func stopServer(mode: String = "fast") throws {
        try run("pg_ctl", ["-D", dataDirectory, "-m", mode, "-w", "stop"])
    }

    /// Stops the server for good and removes its files.
    public func stop() {
        _ = try? run("pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "stop"])
        Self.running.withLock { _ = $0.removeValue(forKey: dataDirectory) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A fresh database; returns its URL.
    @discardableResult
    public func createDatabase(_ name: String, options: String = "") throws -> String {
        try run("createdb", ["-h", "127.0.0.1", "-p", "\(port)", "-U", user, name])
        return url(database: name, options: options)
    }

    /// Runs SQL with psql; returns its unaligned, tuples-only output.
    @discardableResult
    public func psql(_ sql: String, database: String) throws -> String {
        try run("psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", "\(port)", "-U", user, "-d", database, "-c", sql])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A database name unique in this process.
    public static func databaseName(_ hint: String = #function) -> String {
        "t_" + hint.lowercased().filter { $0.isLetter || $0.isNumber }.prefix(30) + "_" + UUID().uuidString.prefix(8).lowercased()
    }

    // MARK: Internals

    @discardableResult
    func run(_ tool: String, _ arguments: [String]) throws -> String {
        try Self.run(binDirectory + "/" + tool, arguments, runAs: runAs)
    }

    static func run(_ executable: String, _ arguments: [String], runAs: String?) throws -> String {
        let process = Process()
        if let runAs {
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
            process.arguments = ["-u", runAs, "--", executable] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        }
        process.currentDirectoryURL = URL(fileURLWithPath: "/tmp")
        // Output goes to a file, not a pipe: a process left running by the command would
        // inherit the pipe and reading it would never see its end.
        let outputPath = NSTemporaryDirectory() + "heartline-pg-output-" + UUID().uuidString
        FileManager.default.createFile(atPath: outputPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try? output.close()
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            throw Failure.command((executable as NSString).lastPathComponent, process.terminationStatus, String(text.suffix(2000)))
        }
        return text
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

    private static func registerExitHandler() {
        let first = exitHandler.withLock { registered -> Bool in
            defer { registered = true }
            return !registered
        }
        guard first else { return }
        atexit {
            let servers = PostgresTestServer.running.withLock { $0 }
            for (data, info) in servers {
                _ = try? PostgresTestServer.run(info.bin + "/pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"], runAs: info.runAs)
            }
        }
    }
}
