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
        // Crisis detection, input policy, output checks, operator alerts. Rules and lexicons are
        // data files under Resources/lexicon, parsed at start.
        .target(
            name: "Safety",
            dependencies: ["ChatCore", .product(name: "Logging", package: "swift-log")],
            resources: [.copy("Resources/lexicon")],
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
        // Dataset preparation: streaming readers (JSON array, JSON lines, gzip), cleaning, dedupe,
        // writers in `PromptFormat`, the training-file checker, split, stats and cost estimate.
        .target(
            name: "Datasets",
            dependencies: ["ChatCore"],
            swiftSettings: swiftSettings
        ),
        // WeChat mini-program adapter: signatures, safe-mode crypto, push decoding, access token,
        // customer-service, jscode2session and msg_sec_check clients.
        .target(
            name: "WeChatAdapter",
            dependencies: [
                "ChatCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "adapters/wechat-miniprogram/Sources/WeChatAdapter",
            swiftSettings: swiftSettings
        ),
        // The only Hummingbird user: routes, workers, services, configuration wiring.
        .target(
            name: "HeartlineServer",
            dependencies: [
                "ChatCore", "Storage", "ModelBackends", "Safety", "WeChatAdapter",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
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
                "ChatCore", "Storage", "ModelBackends", "HeartlineServer", "Safety", "Datasets", "WeChatAdapter",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
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

        // In-process benchmarks (release build): bench/README.md.
        .executableTarget(
            name: "HeartlineBench",
            dependencies: ["ChatCore", "ModelBackends"],
            path: "bench/Sources/HeartlineBench",
            swiftSettings: swiftSettings
        ),
        // Test helper: records messages in a loop until killed (crash test).
        .executableTarget(
            name: "InboxCrashHelper",
            dependencies: ["ChatCore", "Storage"],
            path: "Tests/Support/InboxCrashHelper",
            swiftSettings: swiftSettings
        ),

        // Test support only (not part of any product): a fake WeChat API on loopback.
        .target(
            name: "WeChatTestSupport",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/WeChatTestSupport",
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "ChatCoreTests", dependencies: ["ChatCore"], swiftSettings: swiftSettings),
        .testTarget(name: "SafetyTests", dependencies: ["Safety", "ChatCore"], swiftSettings: swiftSettings),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "ChatCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ModelBackendsTests",
            dependencies: [
                "ModelBackends", "ChatCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HeartlineServerTests",
            dependencies: [
                "HeartlineServer", "ChatCore", "Storage", "ModelBackends", "Safety", "WeChatAdapter", "WeChatTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WeChatAdapterTests",
            dependencies: [
                "WeChatAdapter", "ChatCore", "WeChatTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FineTuningTests",
            dependencies: [
                "ModelBackends", "Datasets", "ChatCore", "heartline",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["heartline", "InboxCrashHelper", "ChatCore", "Storage"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DatasetsTests",
            dependencies: ["Datasets", "ChatCore"],
            swiftSettings: swiftSettings
        ),
    ]
)
