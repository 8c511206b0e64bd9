import Synchronization
import Testing
@testable import WeChatAdapter

/// `stable_token`'s `force_refresh` is allowed 20 times a day, 30 s apart: the cache never asks
/// for more, however often WeChat rejects the token it keeps returning.
@Suite struct AccessTokenForceRefreshTests {
    /// A `stable_token` that always returns the same token unless forced; counts forced calls.
    final class StubbornSource: AccessTokenSource {
        let forced = Mutex(0)

        func fetchToken(forceRefresh: Bool) async throws(WeChatAPIError) -> (token: String, expiresIn: Int) {
            let count = forced.withLock { count -> Int in
                if forceRefresh { count += 1 }
                return count
            }
            return ("token-\(count)", 7200)
        }
    }

    @Test func forceRefreshStopsAtTwentyADayAndResumesAfterADay() async throws {
        let source = StubbornSource()
        let offset = Mutex(Duration.zero)
        let start = ContinuousClock.now
        let cache = AccessTokenCache(source: source, now: { start + offset.withLock { $0 } })
        var token = try await cache.token()
        // Each round: WeChat rejects the current token and stable_token keeps returning it.
        // Rounds are 31 s apart, so only the daily cap can stop a forced refresh.
        for _ in 0..<25 {
            offset.withLock { $0 += .seconds(31) }
            await cache.invalidate(token)
            // Make the unforced fetch return the rejected token: it returns the last forced one.
            token = try await cache.token()
        }
        #expect(source.forced.withLock { $0 } == AccessTokenCache.forcedRefreshesPerDay)
        #expect(await cache.forcedRefreshCount == 20)
        // A day after the first forced refresh, forcing is allowed again.
        offset.withLock { $0 += .seconds(24 * 3600) }
        await cache.invalidate(token)
        _ = try await cache.token()
        #expect(source.forced.withLock { $0 } == 21)
    }

    @Test func forceRefreshesAreThirtySecondsApart() async throws {
        let source = StubbornSource()
        let offset = Mutex(Duration.zero)
        let start = ContinuousClock.now
        let cache = AccessTokenCache(source: source, now: { start + offset.withLock { $0 } })
        var token = try await cache.token()
        await cache.invalidate(token)
        token = try await cache.token()
        #expect(source.forced.withLock { $0 } == 1)
        offset.withLock { $0 += .seconds(10) }
        await cache.invalidate(token)
        token = try await cache.token()
        #expect(source.forced.withLock { $0 } == 1)  // too soon: not forced
        offset.withLock { $0 += .seconds(25) }
        await cache.invalidate(token)
        _ = try await cache.token()
        #expect(source.forced.withLock { $0 } == 2)
    }
}
