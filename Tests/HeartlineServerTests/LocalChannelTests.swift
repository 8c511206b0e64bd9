import ChatCore
import Storage
import Foundation
import HTTPTypes
import HeartlineServer
import HeartlineTestSupport
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct LocalChannelTests {
    @Test func answersThroughThePipeline() async throws {
        let model = CountingModel()
        let env = try TestEnvironment(model: model)
        try await env.app().test(.router) { client in
            let response = try await client.postLocal(#"{"user":"alice","text":"最近总是失眠怎么办","id":"m1"}"#)
            #expect(response.status == .ok)
            let body = object(response)
            #expect(body["body"] as? String == "回答：最近总是失眠怎么办")
            #expect((body["reply"] as? String)?.hasPrefix("回答：最近总是失眠怎么办\n\n") == true)
            #expect(body["tier"] as? String == "none")
            #expect(body["source"] as? String == "model")
            #expect(body["duplicate"] as? Bool == false)
        }
        #expect(model.calls == 1)
    }

    @Test func sameIDIsAnsweredOnceAndReturnsTheSameReply() async throws {
        let model = CountingModel()
        let env = try TestEnvironment(model: model)
        try await env.app().test(.router) { client in
            let first = object(try await client.postLocal(#"{"user":"alice","text":"你好","id":"same"}"#))
            let second = object(try await client.postLocal(#"{"user":"alice","text":"你好","id":"same"}"#))
            #expect(first["reply"] as? String == second["reply"] as? String)
            #expect(second["duplicate"] as? Bool == true)
        }
        #expect(model.calls == 1)
    }

    @Test func concurrentDuplicatesGetOneAnswer() async throws {
        let model = CountingModel { request in
            try await Task.sleep(for: .milliseconds(50))
            return "慢一点的回答"
        }
        let env = try TestEnvironment(model: model)
        try await env.app().test(.router) { client in
            try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<5 {
                    group.addTask { object(try await client.postLocal(#"{"user":"alice","text":"你好","id":"dup"}"#))["body"] as? String }
                }
                for try await body in group { #expect(body == "慢一点的回答") }
            }
        }
        #expect(model.calls == 1)
    }

    @Test(arguments: [
        (#"{"user":"alice","text":"#, "invalid_json", HTTPResponse.Status.badRequest),
        (#"["user","alice"]"#, "invalid_field", .badRequest),
        (#"{"text":"hi"}"#, "invalid_field", .badRequest),
        (#"{"user":"alice"}"#, "invalid_field", .badRequest),
        (#"{"user":42,"text":"hi"}"#, "invalid_field", .badRequest),
        (#"{"user":"","text":"hi"}"#, "invalid_field", .badRequest),
        (#"{"user":"a","text":"hi","id":""}"#, "invalid_field", .badRequest),
        (#"{"user":"a","text":null}"#, "invalid_field", .badRequest),
        ("", "invalid_json", .badRequest),
    ])
    func malformedBodiesAreClear4xx(body: String, code: String, status: HTTPResponse.Status) async throws {
        let model = CountingModel()
        let env = try TestEnvironment(model: model, name: "malformed\(body.hashValue)")
        try await env.app().test(.router) { client in
            let response = try await client.postLocal(body)
            #expect(response.status == status)
            #expect(errorCode(response) == code)
        }
        #expect(model.calls == 0)
    }

    @Test func invalidUTF8OversizeAndContentType() async throws {
        let env = try TestEnvironment()
        try await env.app().test(.router) { client in
            var bytes = Array(#"{"user":"alice","text":"bad "#.utf8)
            bytes += [0xC3, 0x28, 0xFF]
            bytes += Array(#""}"#.utf8)
            let invalid = try await client.postLocal(bytes: bytes)
            #expect(invalid.status == .badRequest && errorCode(invalid) == "invalid_utf8")

            let huge = #"{"user":"alice","text":""# + String(repeating: "长", count: 30_000) + #""}"#
            let tooLarge = try await client.postLocal(huge)
            #expect(tooLarge.status == .contentTooLarge && errorCode(tooLarge) == "body_too_large")

            let form = try await client.postLocal("user=alice&text=hi", contentType: "application/x-www-form-urlencoded")
            #expect(form.status == .unsupportedMediaType && errorCode(form) == "unsupported_media_type")

            let charset = try await client.postLocal(#"{"user":"alice","text":"hi"}"#, contentType: "application/json; charset=utf-8")
            #expect(charset.status == .ok)
        }
    }

    @Test func emptyAndOverlongTextGetPoliteReplies() async throws {
        let model = CountingModel()
        let env = try TestEnvironment(model: model)
        try await env.app().test(.router) { client in
            let empty = object(try await client.postLocal(#"{"user":"alice","text":"   "}"#))
            #expect(empty["body"] as? String == ReplyCatalog.text(.emptyInput, .zh))
            let long = #"{"user":"alice","text":""# + String(repeating: "长", count: 2001) + #""}"#
            #expect(object(try await client.postLocal(long))["body"] as? String == ReplyCatalog.text(.tooLong(limit: 2000), .zh))
        }
        #expect(model.calls == 0)
    }

    @Test func apiKeyIsRequiredWhenConfigured() async throws {
        let env = try TestEnvironment { $0.local.apiKey = "local-secret-key" }
        try await env.app().test(.router) { client in
            let none = try await client.postLocal(#"{"user":"a","text":"hi"}"#)
            #expect(none.status == .unauthorized)
            let wrong = try await client.postLocal(#"{"user":"a","text":"hi"}"#, headers: [.authorization: "Bearer nope"])
            #expect(wrong.status == .unauthorized)
            let right = try await client.postLocal(#"{"user":"a","text":"hi"}"#, headers: [.authorization: "Bearer local-secret-key"])
            #expect(right.status == .ok)
        }
    }

    @Test func localChannelIsOffOnAPublicAddressWithoutAKey() async throws {
        let env = try TestEnvironment { $0.http.host = "0.0.0.0" }
        try await env.app().test(.router) { client in
            let response = try await client.postLocal(#"{"user":"a","text":"hi"}"#)
            #expect(response.status == .notFound)
        }
    }

    @Test func fullQueueAnswers503WithRetryAfter() async throws {
        let gate = Gate()
        let model = CountingModel { _ in
            await gate.wait()
            return "done"
        }
        let queue = WorkQueue(capacity: 1)
        var env = try TestEnvironment(model: model) {
            $0.workers = 1
            $0.local.replyTimeout = .milliseconds(200)
        }
        env.dependencies.workSource = queue
        let inbox = env.dependencies.inbox
        try await env.app().test(.router) { client in
            // One message occupies the worker, a second fills the queue, a third is refused.
            async let first = client.postLocal(#"{"user":"a","text":"1","id":"1"}"#)
            #expect(await eventually(timeout: .seconds(30)) { model.calls == 1 })
            async let second = client.postLocal(#"{"user":"b","text":"2","id":"2"}"#)
            #expect(await eventually(timeout: .seconds(30)) { await queue.depth() == 1 })
            let third = try await client.postLocal(#"{"user":"c","text":"3","id":"3"}"#)
            #expect(third.status == .serviceUnavailable)
            #expect(third.headers[.retryAfter] != nil)
            #expect(errorCode(third) == "busy")
            // The slow ones time out for the caller, who can retry with the same id.
            #expect(try await first.status == .gatewayTimeout)
            _ = try await second
            await gate.open()
            // Synchronous messages are not replayable inbox entries (their accept rides the
            // answer's commit), so wait until nothing is in progress.
            #expect(await eventually(timeout: .seconds(30)) { (inbox as? SQLiteInbox)?.stats().pending == 0 })
            let retried = try await client.postLocal(#"{"user":"a","text":"1","id":"1"}"#)
            #expect(retried.status == .ok && object(retried)["body"] as? String == "done")
        }
    }

    @Test func healthAndReadiness() async throws {
        let env = try TestEnvironment()
        try await env.app().test(.router) { client in
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            // Workers are not running in router tests, so readiness lists them as missing.
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(object(ready)["components"] as? [String: String] != nil)
        }
    }
}

/// A one-shot gate for tests.
actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        for w in waiters { w.resume() }
        waiters.removeAll()
    }
}
