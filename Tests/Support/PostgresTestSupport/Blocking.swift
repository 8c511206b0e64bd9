import Foundation

/// Runs blocking work (starting or stopping a cluster, `psql`, waiting for a process) on a thread
/// of its own, so that it never occupies one of Swift's cooperative threads: there may be only
/// two, and a test that blocks them stalls every other test in the process (and the servers they
/// run in-process).
public enum Blocking {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try body() })
            }
            thread.start()
        }
    }
}
