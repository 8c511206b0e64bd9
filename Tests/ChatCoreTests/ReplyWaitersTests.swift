import Foundation
import Testing
@testable import ChatCore

@Suite struct ReplyWaitersTests {
    @Test func replyBeforeWaitIsKept() async {
        let waiters = ReplyWaiters()
        let ticket = waiters.register("x")
        waiters.resume("x", with: Reply(body: "早到的", source: .fixed))
        #expect(await waiters.wait(ticket, timeout: .seconds(5))?.body == "早到的")
        #expect(waiters.count == 0)
    }

    @Test func replyWhileWaitingWakesEveryone() async {
        let waiters = ReplyWaiters()
        let t1 = waiters.register("x"), t2 = waiters.register("x")
        async let a = waiters.wait(t1, timeout: .seconds(30))
        async let b = waiters.wait(t2, timeout: .seconds(30))
        // Resumed whether or not the waits have started yet (a reply that comes first is kept),
        // so no sleep is needed to order the two.
        waiters.resume("x", with: Reply(body: "答", source: .fixed))
        #expect(await a?.body == "答")
        #expect(await b?.body == "答")
        #expect(waiters.count == 0)
    }

    @Test func timesOutWithNilAndCleansUp() async {
        let waiters = ReplyWaiters()
        let ticket = waiters.register("never")
        #expect(await waiters.wait(ticket, timeout: .milliseconds(20)) == nil)
        #expect(waiters.count == 0)
    }
}
