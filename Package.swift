// swift-tools-version:6.2
import PackageDescription

// Strict, modern Swift everywhere: Swift 6 language mode (complete concurrency checking) plus a few
// upcoming features that keep imports and existentials explicit.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

extension Target.Dependency {
    static let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
    static let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
    static let cryptoExtras = Target.Dependency.product(name: "CryptoExtras", package: "swift-crypto")
    static let httpClient = Target.Dependency.product(name: "AsyncHTTPClient", package: "async-http-client")
    static let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
    static let nioHTTP1 = Target.Dependency.product(name: "NIOHTTP1", package: "swift-nio")
    static let httpTypes = Target.Dependency.product(name: "HTTPTypes", package: "swift-http-types")
    static let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
    static let hummingbirdTesting = Target.Dependency.product(name: "HummingbirdTesting", package: "hummingbird")
    static let serviceLifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
    static let configuration = Target.Dependency.product(name: "Configuration", package: "swift-configuration")
    static let systemPackage = Target.Dependency.product(name: "SystemPackage", package: "swift-system")
    static let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
    static let yams = Target.Dependency.product(name: "Yams", package: "Yams")
    static let metrics = Target.Dependency.product(name: "Metrics", package: "swift-metrics")
    static let prometheus = Target.Dependency.product(name: "Prometheus", package: "swift-prometheus")
    static let postgresNIO = Target.Dependency.product(name: "PostgresNIO", package: "postgres-nio")
    static let grdb = Target.Dependency.product(name: "GRDB", package: "GRDB.swift")
    static let subprocess = Target.Dependency.product(name: "Subprocess", package: "swift-subprocess")
}

let package = Package(
    name: "heartline",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "heartline", targets: ["heartline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        // The embedded store (links the system libsqlite3: `apt-get install libsqlite3-dev`).
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        // Child processes in tests (the binary, PostgreSQL, Chromium): Foundation's `Process.run()`
        // can crash the test process on Linux (docs/testing.md).
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
    ],
    targets: [
        // MARK: Libraries

        // Domain types, ports and the conversation pipeline. No I/O frameworks.
        .target(name: "ChatCore", dependencies: [.logging], swiftSettings: swiftSettings),
        // Embedded SQLite store (sessions, inbox, dedupe, kept replies), the old file store's reader
        // for migration, and keyed hashing.
        .target(name: "Storage", dependencies: ["ChatCore", .logging, .crypto, .grdb], swiftSettings: swiftSettings),
        // PostgreSQL store (sessions, inbox with leases and dedupe, work distribution across instances).
        .target(name: "PostgresStore", dependencies: ["ChatCore", .postgresNIO, .serviceLifecycle, .logging], swiftSettings: swiftSettings),
        // Crisis detection, input policy, output checks, alerts. Rules are data files.
        .target(
            name: "Safety",
            dependencies: ["ChatCore", .logging],
            resources: [.copy("Resources/lexicon"), .copy("Resources/risk-classifier.tsv")],
            swiftSettings: swiftSettings
        ),
        // Completion models: retrieval (embedded default), OpenAI-compatible client, fallback chain.
        .target(
            name: "ModelBackends",
            dependencies: ["ChatCore", .logging, .httpClient, .nioCore, .nioHTTP1],
            resources: [.copy("Resources/starter-corpus.jsonl"), .copy("Resources/intents.tsv"), .copy("Resources/out-of-scope.jsonl")],
            swiftSettings: swiftSettings
        ),
        // Dataset preparation: streaming readers (JSON array, JSON lines, gzip), cleaning, dedupe,
        // writers in `PromptFormat`, the training-file checker, split, stats and cost estimate.
        .target(name: "Datasets", dependencies: ["ChatCore"], swiftSettings: swiftSettings),

        // MARK: Platform adapters (adapters/<platform>)

        // Telegram Bot API: update decoding and filtering, formatter, Bot API client, long polling.
        .target(
            name: "TelegramAdapter",
            dependencies: ["ChatCore", .crypto, .logging, .httpClient, .nioCore, .nioHTTP1],
            path: "adapters/telegram/Sources/TelegramAdapter",
            swiftSettings: swiftSettings
        ),
        // WeChat mini-program: signatures, safe-mode crypto, push decoding, access token,
        // customer-service, jscode2session and msg_sec_check clients.
        .target(
            name: "WeChatAdapter",
            dependencies: ["ChatCore", .crypto, .cryptoExtras, .httpClient, .nioCore, .nioHTTP1, .logging],
            path: "adapters/wechat-miniprogram/Sources/WeChatAdapter",
            swiftSettings: swiftSettings
        ),

        // MARK: Service and command line

        // The only Hummingbird user: routes, workers, services, configuration wiring.
        .target(
            name: "HeartlineServer",
            dependencies: [
                "ChatCore", "Storage", "PostgresStore", "ModelBackends", "Safety", "TelegramAdapter", "WeChatAdapter",
                .crypto, .hummingbird, .httpClient, .nioCore, .nioHTTP1, .httpTypes, .serviceLifecycle,
                .configuration, .systemPackage, .logging, .metrics, .prometheus,
            ],
            // The counsellors' console page (plain HTML and JavaScript).
            resources: [.copy("Resources/console")],
            swiftSettings: swiftSettings
        ),
        // Local webhook simulator: the fake platforms in one process, drivers that post to the real
        // endpoints, conversation scripts and the browser UI (adapters/simulator).
        .target(
            name: "Simulator",
            dependencies: [
                "ChatCore", "Safety", "WeChatAdapter", "TelegramBotAPIFake", "WeChatTestSupport",
                .hummingbird, .httpClient, .nioCore, .nioHTTP1, .httpTypes, .serviceLifecycle, .yams, .logging,
            ],
            path: "adapters/simulator/Sources/Simulator",
            resources: [.copy("Resources/web")],
            swiftSettings: swiftSettings
        ),
        // The command tree; one subcommand per file.
        .target(
            name: "HeartlineCLI",
            dependencies: [
                "ChatCore", "Storage", "PostgresStore", "ModelBackends", "HeartlineServer", "Safety", "Datasets", "TelegramAdapter", "WeChatAdapter", "Simulator",
                .argumentParser, .httpClient, .crypto, .hummingbird, .nioCore, .serviceLifecycle, .configuration, .logging,
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "heartline", dependencies: ["HeartlineCLI"], swiftSettings: swiftSettings),

        // MARK: Benchmarks and test support (not part of any product)

        // In-process benchmarks (release build): see bench/.
        .executableTarget(
            name: "HeartlineBench",
            dependencies: ["ChatCore", "ModelBackends"],
            path: "bench/Sources/HeartlineBench",
            swiftSettings: swiftSettings
        ),
        // `swift build -c release --product DatasetBench`: `dataset prepare`'s pipeline with the safety
        // screen, without the server's dependencies (bench/datasets/run.sh).
        .executableTarget(
            name: "DatasetBench",
            dependencies: ["Datasets", "Safety", "ChatCore"],
            path: "bench/Sources/DatasetBench",
            swiftSettings: swiftSettings
        ),
        // `swift run -c release TelegramWebhookBench`: webhook throughput through the full pipeline.
        .executableTarget(
            name: "TelegramWebhookBench",
            dependencies: ["TelegramBotAPIFake", .hummingbird, .nioCore, .serviceLifecycle, .logging],
            path: "bench/telegram/Sources/TelegramWebhookBench",
            swiftSettings: swiftSettings
        ),
        // Test helper: records messages in a loop until killed (crash test).
        .executableTarget(
            name: "InboxCrashHelper",
            dependencies: ["ChatCore", "Storage"],
            path: "Tests/Support/InboxCrashHelper",
            swiftSettings: swiftSettings
        ),
        // A strict fake of the Telegram Bot API on loopback, shared by the tests and the benchmark.
        .target(
            name: "TelegramBotAPIFake",
            dependencies: [.hummingbird, .nioCore, .serviceLifecycle, .logging],
            path: "adapters/simulator/Sources/TelegramBotAPIFake",
            swiftSettings: swiftSettings
        ),
        // Starting, watching and stopping child processes in tests (the built binary, Chromium,
        // node): locating executables, readiness with a deadline, `eventually`.
        .target(
            name: "HeartlineTestSupport",
            dependencies: [.subprocess, .systemPackage],
            path: "Tests/Support/HeartlineTestSupport",
            swiftSettings: swiftSettings
        ),
        // A throwaway PostgreSQL cluster (initdb, pg_ctl) for tests and benchmarks.
        .target(
            name: "PostgresTestSupport",
            dependencies: ["HeartlineTestSupport"],
            path: "Tests/Support/PostgresTestSupport",
            swiftSettings: swiftSettings
        ),
        // A strict fake of the WeChat server API on loopback.
        .target(
            name: "WeChatTestSupport",
            dependencies: [.hummingbird, .nioCore, .logging],
            path: "adapters/simulator/Sources/WeChatTestSupport",
            swiftSettings: swiftSettings
        ),

        // MARK: Tests

        .testTarget(name: "ChatCoreTests", dependencies: ["ChatCore"], swiftSettings: swiftSettings),
        .testTarget(name: "SafetyTests", dependencies: ["Safety", "ChatCore"], swiftSettings: swiftSettings),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "ChatCore", .grdb], swiftSettings: swiftSettings),
        .testTarget(
            name: "PostgresStoreTests",
            dependencies: ["PostgresStore", "PostgresTestSupport", "HeartlineTestSupport", "ChatCore", "Storage", .postgresNIO, .logging],
            swiftSettings: swiftSettings
        ),
        // Safety: the content screen is checked against the crisis detector it stands in for.
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "ChatCore", "Safety"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ModelBackendsTests",
            dependencies: ["ModelBackends", "ChatCore", "HeartlineTestSupport", .httpClient, .hummingbird, .hummingbirdTesting, .httpTypes, .nioCore],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TelegramAdapterTests",
            dependencies: ["TelegramAdapter", "ChatCore", "TelegramBotAPIFake", .httpClient, .logging],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WeChatAdapterTests",
            dependencies: ["WeChatAdapter", "ChatCore", "WeChatTestSupport", "HeartlineTestSupport", .crypto, .cryptoExtras, .httpClient],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HeartlineServerTests",
            dependencies: [
                "HeartlineServer", "ChatCore", "Storage", "PostgresStore", "ModelBackends", "Safety",
                "TelegramAdapter", "TelegramBotAPIFake", "WeChatAdapter", "WeChatTestSupport", "HeartlineTestSupport",
                .hummingbird, .hummingbirdTesting, .httpTypes, .httpClient, .nioCore, .nioHTTP1, .configuration, .logging,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FineTuningTests",
            dependencies: ["ModelBackends", "Datasets", "heartline", "HeartlineTestSupport", .hummingbird, .httpClient, .nioCore, .nioHTTP1, .httpTypes, .logging],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SimulatorTests",
            dependencies: ["Simulator", "ChatCore", "Safety", "heartline", "HeartlineTestSupport", .hummingbird, .nioCore, .logging],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "heartline", "InboxCrashHelper", "ChatCore", "Storage", "Datasets", "HeartlineTestSupport", "PostgresTestSupport", "TelegramBotAPIFake",
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
