import Foundation
import HeartlineTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `heartline simulate` as a user runs it: script mode with passing and failing expectations, the
/// interactive chat on standard input, and bad input (never a hang).
extension SimulatorEndToEnd {
@Suite(.serialized) struct SimulateCommandTests {
    func simulate(_ arguments: [String], stdin: String? = nil, timeout: Duration = .seconds(240)) async throws -> (Int32?, ChildProcess) {
        let directory = temporaryDirectory()
        let child = try await ChildProcess(Binaries.heartline, ["simulate"] + arguments, directory: directory, stdin: stdin)
        return (await child.waitForExit(timeout: timeout), child)
    }

    func write(_ text: String, name: String = "script.yaml") -> String {
        let path = temporaryDirectory() + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    @Test func theExampleScriptPassesAgainstTheRealBinary() async throws {
        let (status, child) = try await simulate(["--script", Binaries.packageRoot + "/adapters/simulator/examples/conversation.yaml"])
        #expect(status == 0, "stdout: \(child.output) stderr: \(child.errors.suffix(10))")
        #expect(child.output.last?.hasPrefix("all ") == true)
    }

    @Test func aFailedExpectationExitsNonZeroAndSaysWhichAndWhy() async throws {
        let path = write("""
        platform: wechat
        user: eve
        steps:
          - send: 最近总是失眠怎么办
            expect: {tier: crisis, contains: 不存在的词}
          - send: 晚上睡不好
            expect: {replied: true}
        """)
        let (status, child) = try await simulate(["--script", path])
        #expect(status == 1)
        let out = child.output.joined(separator: "\n")
        #expect(out.contains("\(path):4") && out.contains("expected tier crisis, got none") && out.contains("does not contain \"不存在的词\""), "\(out)")
        #expect(out.contains("✓ \(path):6"))
    }

    @Test func aMalformedScriptIsReportedWithLineAndReason() async throws {
        let path = write("steps:\n  - send: hi\n    expct: {replied: true}\n", name: "bad.yaml")
        let (status, child) = try await simulate(["--script", path], timeout: .seconds(60))
        #expect(status == 2)
        #expect(child.errors.joined().contains("\(path):3: unknown key \"expct\""), "\(child.errors)")
        let (missing, child2) = try await simulate(["--script", "/nonexistent/x.yaml"], timeout: .seconds(60))
        #expect(missing == 2 && child2.errors.joined().contains("no such file"))
    }

    @Test func unknownPlatformIsRefused() async throws {
        let (status, child) = try await simulate(["--platform", "icq"], timeout: .seconds(60))
        #expect(status != 0 && status != nil)
        #expect(child.errors.joined().contains("unknown platform \"icq\""), "\(child.errors)")
    }

    @Test func anUnreachableServerIsAClearErrorNotAHang() async throws {
        let port = try ClosedPort.find()
        let start = ContinuousClock.now
        let (status, child) = try await simulate(["--server", "http://127.0.0.1:\(port)/simulator/"], timeout: .seconds(60))
        #expect(status == 1)
        #expect(child.errors.joined().contains("cannot reach the simulator"), "\(child.errors)")
        #expect(ContinuousClock.now - start < .seconds(30))
    }

    @Test func aServerThatNeverAnswersHitsTheDeadline() async throws {
        let silent = try SilentListener()
        defer { silent.close() }
        let start = ContinuousClock.now
        let (status, child) = try await simulate(["--server", "http://127.0.0.1:\(silent.port)"], timeout: .seconds(60))
        #expect(status == 1)
        #expect(child.errors.joined().contains("did not answer"), "\(child.errors)")
        #expect(ContinuousClock.now - start < .seconds(40))
    }

    @Test func theInteractiveChatShowsReplyTierTimingAndWire() async throws {
        let (status, child) = try await simulate(
            ["--platform", "wechat", "--user", "dan", "--show-wire", "--format", "xml"],
            stdin: "最近总是失眠怎么办\n:platform miniprogram\n我不想活了\n:quit\n"
        )
        #expect(status == 0, "\(child.errors.suffix(5))")
        let out = child.output.joined(separator: "\n")
        #expect(out.contains("heartline › "), "\(out)")
        #expect(out.contains("→ POST /wechat/push?") && out.contains("encrypt_type=aes") && out.contains("⇢ /cgi-bin/message/custom/send"), "\(out)")
        #expect(out.contains("tier none (inferred)") && out.contains("tier crisis ·"), "\(out)")
        #expect(out.contains(" ms · deliveries: 200"))
    }
}

}

/// A loopback port nothing listens on.
enum ClosedPort {
    static func find() throws -> Int {
        let listener = try SilentListener()
        let port = listener.port
        listener.close()
        return port
    }
}

/// A TCP socket that accepts connections (the kernel does) and never answers.
final class SilentListener: Sendable {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0, listen(fd, 16) == 0 else { throw TestFailure("cannot listen") }
        var actual = sockaddr_in()
        _ = withUnsafeMutablePointer(to: &actual) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        self.fd = fd
        port = Int(UInt16(bigEndian: actual.sin_port))
    }

    func close() {
        #if canImport(Glibc)
        _ = Glibc.close(fd)
        #endif
    }
}
