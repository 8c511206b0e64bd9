// swift-tools-version:6.2
import PackageDescription

// Strict, modern Swift everywhere: Swift 6 language mode (complete concurrency checking) plus a few
// upcoming features that keep imports and existentials explicit.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

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
    ],
    targets: [
        // Domain types, ports and the conversation pipeline. No I/O frameworks.
        .target(
            name: "ChatCore",
            dependencies: [.product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // File store (sessions, inbox, dedupe) and keyed hashing.
        .target(
            name: "Storage",
            dependencies: [
                "ChatCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Completion models: retrieval (embedded default), OpenAI-compatible client, fallback chain.
        .target(
            name: "ModelBackends",
            dependencies: [
                "ChatCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            resources: [.copy("Resources/starter-corpus.jsonl")],
            swiftSettings: swiftSettings
        ),
        // Telegram Bot API: update decoding and filtering, formatter, Bot API client, long polling.
        .target(
            name: "TelegramAdapter",
            dependencies: [
                "ChatCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "adapters/telegram/Sources/TelegramAdapter",
            swiftSettings: swiftSettings
        ),
        // The only Hummingbird user: routes, workers, services, configuration wiring.
        .target(
            name: "HeartlineServer",
            dependencies: [
                "ChatCore", "Storage", "ModelBackends", "TelegramAdapter",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The command tree; one subcommand per file.
        .target(
            name: "HeartlineCLI",
            dependencies: [
                "ChatCore", "Storage", "ModelBackends", "HeartlineServer", "TelegramAdapter",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "heartline",
            dependencies: ["HeartlineCLI"],
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "ChatCoreTests", dependencies: ["ChatCore"], swiftSettings: swiftSettings),

        // A strict fake of the Telegram Bot API on loopback, shared by the tests and the benchmark.
        .target(
            name: "TelegramBotAPIFake",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/Support/TelegramBotAPIFake",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TelegramAdapterTests",
            dependencies: [
                "TelegramAdapter", "ChatCore", "TelegramBotAPIFake",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HeartlineServerTests",
            dependencies: [
                "HeartlineServer", "ChatCore", "Storage", "ModelBackends", "TelegramAdapter", "TelegramBotAPIFake",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // `swift run -c release TelegramWebhookBench`: webhook throughput through the full pipeline.
        .executableTarget(
            name: "TelegramWebhookBench",
            dependencies: [
                "HeartlineServer", "ChatCore", "TelegramAdapter", "TelegramBotAPIFake",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "bench/telegram/Sources/TelegramWebhookBench",
            swiftSettings: swiftSettings
        ),
    ]
)
