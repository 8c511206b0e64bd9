import Foundation
import HeartlineTestSupport
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The built `heartline` binary, as a newcomer runs it.
@Suite(.serialized) struct ServeBinaryTests {
    func startServe(dataDirectory: String, extra: [String] = [], environment: [String: String] = [:]) async throws -> (ChildProcess, Int) {
        let child = try await ChildProcess(Binaries.path("heartline"), ["serve", "--port", "0", "--data-dir", dataDirectory] + extra, environment: environment, directory: dataDirectory)
        let banner = try #require(await child.waitForLine { $0.hasPrefix("Heartline is listening on ") }, "no banner; stderr: \(child.errors.suffix(5))")
        let port = try #require(Int(banner.split(separator: ":").last ?? ""))
        return (child, port)
    }

    @Test func serveAnswersOnTheLocalChannelAndStopsCleanlyOnSIGTERM() async throws {
        let directory = temporaryDirectory()
        let (child, port) = try await startServe(dataDirectory: directory)
        let base = "http://127.0.0.1:\(port)"

        let (status, reply) = try await postJSON(base + "/v1/local/messages", #"{"user":"alice","text":"最近总是失眠，晚上翻来覆去睡不着","id":"e2e-1"}"#)
        #expect(status == 200)
        #expect(reply["source"] as? String == "retrieval")
        #expect((reply["body"] as? String)?.count ?? 0 >= 80)
        #expect(reply["disclaimer"] as? String != nil)

        let (again, duplicate) = try await postJSON(base + "/v1/local/messages", #"{"user":"alice","text":"最近总是失眠，晚上翻来覆去睡不着","id":"e2e-1"}"#)
        #expect(again == 200 && duplicate["duplicate"] as? Bool == true && duplicate["body"] as? String == reply["body"] as? String)

        let (bad, error) = try await postJSON(base + "/v1/local/messages", #"{"user":"alice""#)
        #expect(bad == 400 && (error["error"] as? [String: Any])?["code"] as? String == "invalid_json")

        child.signal(SIGTERM)
        #expect(await child.waitForExit() == 0)
        // Nothing is left unanswered and no message text is in the logs.
        #expect(!child.errors.joined().contains("翻来覆去"))
        // One session in the embedded store, found by `heartline store check`; no raw user id on disk.
        let check = try await ChildProcess(Binaries.path("heartline"), ["store", "check", "--data-dir", directory], directory: directory)
        #expect(await check.waitForExit() == 0)
        #expect(check.output.contains("sessions: 1") && check.output.contains("store OK"), "\(check.output)")
        for file in ["heartline.db", "heartline.db-wal"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: directory + "/" + file))) ?? Data()
            #expect(bytes.range(of: Data("alice".utf8)) == nil, "\(file) holds the raw user id")
        }
    }

    @Test func crisisRepliesAskAndTheAnswerIsRemembered() async throws {
        let directory = temporaryDirectory()
        let (child, port) = try await startServe(dataDirectory: directory)
        let url = "http://127.0.0.1:\(port)/v1/local/messages"

        let (status, crisis) = try await postJSON(url, #"{"user":"carol","text":"我不想活了","id":"c-1"}"#)
        let body = crisis["body"] as? String ?? ""
        #expect(status == 200 && crisis["source"] as? String == "crisis" && crisis["tier"] as? String == "crisis")
        #expect(body.contains("？") && body.contains("12356") && body.contains("400-161-9995") && body.contains("120"))
        // The question asked is kept in the session file: a short yes is read as its answer.
        let (_, yes) = try await postJSON(url, #"{"user":"carol","text":"嗯","id":"c-2"}"#)
        #expect(yes["source"] as? String == "crisis" && (yes["body"] as? String ?? "").contains("12356"))

        _ = try await postJSON(url, #"{"user":"dave","text":"我不想活了","id":"d-1"}"#)
        let (_, no) = try await postJSON(url, #"{"user":"dave","text":"没有","id":"d-2"}"#)
        #expect(no["source"] as? String == "concern" && no["tier"] as? String == "concern")
        #expect((no["body"] as? String ?? "").hasPrefix("谢谢你告诉我"))

        // The risk check: a message only the classifier finds risky (long sleeves again for a whole
        // summer) is asked directly about suicide, never answered by the retrieval model, and a
        // short yes escalates to the crisis reply.
        let (_, check) = try await postJSON(url, #"{"user":"erin","text":"长袖又要穿一个夏天了","id":"e-1"}"#)
        let checkBody = check["body"] as? String ?? ""
        #expect(check["source"] as? String == "crisis" || (check["source"] as? String == "concern" && checkBody.contains("不想活下去的念头")), "\(check)")
        let (_, confirmed) = try await postJSON(url, #"{"user":"erin","text":"嗯，有过","id":"e-2"}"#)
        #expect(confirmed["tier"] as? String == "crisis" && (confirmed["body"] as? String ?? "").contains("12356"), "\(confirmed)")

        child.signal(SIGTERM)
        #expect(await child.waitForExit() == 0)
        #expect(!child.errors.joined().contains("不想活"))
    }

    @Test func askPrintsOneReply() async throws {
        let directory = temporaryDirectory()
        let child = try await ChildProcess(Binaries.path("heartline"), ["ask", "我最近总是失眠怎么办", "--data-dir", directory, "--json"], directory: directory)
        #expect(await child.waitForExit() == 0)
        let line = try #require(child.output.first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["source"] as? String == "retrieval")
        #expect(object["tier"] as? String == "none")
    }

    @Test func invalidSettingsAreAllListedAtStart() async throws {
        let directory = temporaryDirectory()
        let child = try await ChildProcess(
            Binaries.path("heartline"), ["serve", "--data-dir", directory],
            environment: ["HEARTLINE_PORT": "eighty", "HEARTLINE_LOG_LEVEL": "loud", "HEARTLINE_MODEL_BASE_URL": "ftp://x"], directory: directory
        )
        let status = await child.waitForExit()
        #expect(status != 0 && status != nil)
        let stderr = child.errors.joined(separator: "\n")
        #expect(stderr.contains("port") && stderr.contains("log.level") && stderr.contains("model.baseUrl"))
    }

    @Test func aSecondServerOnTheSameDataDirectoryRefusesToStart() async throws {
        let directory = temporaryDirectory()
        let (first, _) = try await startServe(dataDirectory: directory)
        let second = try await ChildProcess(Binaries.path("heartline"), ["serve", "--port", "0", "--data-dir", directory], directory: directory)
        let status = await second.waitForExit()
        #expect(status != 0)
        #expect(second.errors.joined().contains("another Heartline process"))
        first.signal(SIGTERM)
        let firstStatus = await first.waitForExit()
        #expect(firstStatus == 0, "first server: status \(String(describing: firstStatus)); stderr \(first.errors.suffix(3))")
    }
}
