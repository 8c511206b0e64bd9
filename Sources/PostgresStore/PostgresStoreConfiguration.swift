import Foundation

/// Where the PostgreSQL store connects and how it shares work, parsed from a
/// `postgres://user:password@host:port/database?option=value` URL.
///
/// Query options: `sslmode` (`disable`, the default, or `require`), `pool` (connections per
/// instance), `lease_ms`, `poll_ms`, `batch`, `timeout_ms` (one request's deadline). A `host` option (or an empty host part) naming a
/// directory connects through the server's unix socket in that directory.
/// The password is never part of `description`, which is what logs and errors show.
public struct PostgresStoreConfiguration: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// A directory holding the server's socket (`.s.PGSQL.<port>`); nil: TCP to `host`.
    public var unixSocketDirectory: String?
    public var username: String
    public var password: String?
    public var database: String
    public var requireTLS: Bool
    /// Connections in this instance's pool (besides the one that listens for notifications).
    public var poolSize: Int
    /// How long a claimed entry stays reserved for this instance without a renewal. A worker that
    /// dies stops renewing; another instance takes the entry once the lease has run out.
    public var lease: Duration
    /// The fallback poll when no notification arrives (notifications can be lost while the
    /// listening connection reconnects, and expired leases notify nobody).
    public var pollInterval: Duration
    /// Most entries claimed in one round trip.
    public var claimBatch: Int
    /// The longest one database request may take (waiting for a pooled connection included)
    /// before it fails and its caller retries or reports the store unavailable.
    public var requestTimeout: Duration
    /// How often readiness is probed (a cheap query through the pool), and how long a probe may take.
    public var probeInterval: Duration { min(pollInterval, .seconds(1)) }
    public var probeTimeout: Duration { min(requestTimeout, .seconds(2)) }
    /// How long answered entries keep their dedupe key, and API replies their text.
    public var dedupeRetention: Duration = .seconds(7 * 24 * 3600)
    public var replyRetention: Duration = .seconds(24 * 3600)

    public init(
        host: String = "127.0.0.1", port: Int = 5432, unixSocketDirectory: String? = nil,
        username: String, password: String? = nil, database: String,
        requireTLS: Bool = false, poolSize: Int = 8, lease: Duration = .seconds(30),
        pollInterval: Duration = .seconds(5), claimBatch: Int = 32, requestTimeout: Duration = .seconds(5)
    ) {
        self.host = host
        self.port = port
        self.unixSocketDirectory = unixSocketDirectory
        self.username = username
        self.password = password
        self.database = database
        self.requireTLS = requireTLS
        self.poolSize = poolSize
        self.lease = lease
        self.pollInterval = pollInterval
        self.claimBatch = claimBatch
        self.requestTimeout = requestTimeout
    }

    public enum ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        case invalid(String)
        public var description: String {
            switch self {
            case .invalid(let reason): "store: \(reason)"
            }
        }
    }

    /// Parses a `postgres://` or `postgresql://` URL. Errors never repeat the URL (it may hold a
    /// password).
    public init(url text: String) throws(ParseError) {
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") else {
            throw .invalid("expected a URL starting with postgres:// or postgresql://")
        }
        guard let components = URLComponents(string: text) else {
            throw .invalid("the PostgreSQL URL cannot be parsed (special characters in the password must be percent-encoded)")
        }
        guard let user = components.percentEncodedUser.flatMap({ $0.removingPercentEncoding }), !user.isEmpty else {
            throw .invalid("the PostgreSQL URL needs a user name (postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
        }
        let path = components.percentEncodedPath.removingPercentEncoding ?? ""
        let database = path.hasPrefix("/") ? String(path.dropFirst()) : path
        guard !database.isEmpty, !database.contains("/") else {
            throw .invalid("the PostgreSQL URL needs a database name (postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
        }
        var options: [String: String] = [:]
        for item in components.queryItems ?? [] { options[item.name] = item.value ?? "" }
        let known: Set = ["sslmode", "pool", "lease_ms", "poll_ms", "batch", "host", "timeout_ms"]
        if let unknown = options.keys.sorted().first(where: { !known.contains($0) }) {
            throw .invalid("unknown PostgreSQL URL option `\(unknown)` (known: \(known.sorted().joined(separator: ", ")))")
        }
        func int(_ name: String, _ range: ClosedRange<Int>) throws(ParseError) -> Int? {
            guard let raw = options[name] else { return nil }
            guard let value = Int(raw), range.contains(value) else {
                throw .invalid("PostgreSQL URL option `\(name)` must be a number in \(range.lowerBound)...\(range.upperBound)")
            }
            return value
        }
        var tls = false
        switch options["sslmode"] {
        case nil, "disable", "prefer", "allow": tls = false
        case "require": tls = true
        default: throw .invalid("PostgreSQL URL option `sslmode` must be `disable` or `require`")
        }
        let socketHost = options["host"] ?? ((components.host ?? "").hasPrefix("/") ? components.host : nil)
        let host = components.host ?? ""
        if host.isEmpty, socketHost == nil {
            throw .invalid("the PostgreSQL URL needs a host (or `?host=/socket/directory`)")
        }
        if let socketHost, !socketHost.hasPrefix("/") {
            throw .invalid("PostgreSQL URL option `host` must be an absolute socket directory")
        }
        self.init(
            host: host.isEmpty ? "localhost" : host,
            port: components.port ?? 5432,
            unixSocketDirectory: socketHost,
            username: user,
            password: components.percentEncodedPassword.flatMap { $0.removingPercentEncoding },
            database: database,
            requireTLS: tls,
            poolSize: try int("pool", 1...256) ?? 8,
            lease: .milliseconds(try int("lease_ms", 200...3_600_000) ?? 30_000),
            pollInterval: .milliseconds(try int("poll_ms", 50...600_000) ?? 5_000),
            claimBatch: try int("batch", 1...1000) ?? 32,
            requestTimeout: .milliseconds(try int("timeout_ms", 100...600_000) ?? 5_000)
        )
        if !(1...65535).contains(port) { throw .invalid("the PostgreSQL URL port must be in 1...65535") }
    }

    /// For logs: everything but the password.
    public var description: String {
        let target = unixSocketDirectory.map { "\($0)/.s.PGSQL.\(port)" } ?? "\(host):\(port)"
        return "postgres://\(username)\(password == nil ? "" : ":***")@\(target)/\(database)"
    }
}
