import ChatCore
import Crypto
import Foundation

/// The `replyId` of an answer on the mini-program API: what a later 👍/👎 refers to. It is signed
/// rather than stored, so that an answer costs no extra write and any instance accepts a vote on
/// an answer another instance gave (adapters/wechat-miniprogram/README.md §4).
///
/// `r1.<base64url(JSON)>.<base64url(HMAC-SHA256, 16 bytes)>`. The JSON holds what the feedback
/// report counts by — the reply key (the inbox id, a keyed hash), source, tier, retrieval answer,
/// intent, category and the time — never text. The HMAC also covers the user's hash, which is
/// not in the id: a reply id is valid only for the user it was given to.
struct MiniProgramReplyIDs: Sendable {
    struct Payload: Codable, Equatable {
        var k: String
        var s: String
        var t: String
        var a: String?
        var i: String?
        var c: String?
        var at: Int64
    }

    /// How long after an answer a vote on it is accepted.
    static let window: TimeInterval = 30 * 24 * 3600
    static let maxLength = 1024

    private let key: SymmetricKey

    init(secret: String) {
        key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: Array(secret.utf8)), salt: Array("heartline.wechat.miniprogram.reply".utf8),
            info: Array("sign".utf8), outputByteCount: 32
        )
    }

    /// The id of `reply`, answered to `user` under `replyKey` at `at`.
    func issue(_ reply: Reply, replyKey: String, user: UserHash, at: Date) -> String {
        let payload = Payload(
            k: replyKey, s: reply.source.rawValue, t: reply.tier.rawValue, a: Self.bounded(reply.answerID),
            i: Self.bounded(reply.intent), c: Self.bounded(reply.category), at: Int64(at.timeIntervalSince1970)
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let body = "r1." + MiniProgramTokens.base64URL(Array((try? encoder.encode(payload)) ?? Data()))
        return body + "." + MiniProgramTokens.base64URL(mac(body, user: user))
    }

    /// The answer a reply id names, when it is authentic, given to `user`, and not too old.
    func resolve(_ id: String, user: UserHash, channel: ChatChannel, now: Date) -> (replyKey: String, answer: RatedAnswer)? {
        guard id.utf8.count <= Self.maxLength else { return nil }
        let parts = id.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "r1", let json = MiniProgramTokens.unbase64URL(parts[1]),
              let presented = MiniProgramTokens.unbase64URL(parts[2])
        else { return nil }
        let body = "r1." + parts[1]
        // Constant-time comparison of the truncated MAC.
        let expected = mac(body, user: user)
        guard presented.count == expected.count, zip(presented, expected).reduce(UInt8(0), { $0 | ($1.0 ^ $1.1) }) == 0 else { return nil }
        guard let payload = try? JSONDecoder().decode(Payload.self, from: Data(json)),
              let source = Reply.Source(rawValue: payload.s), let tier = SafetyTier(rawValue: payload.t)
        else { return nil }
        let answeredAt = Date(timeIntervalSince1970: TimeInterval(payload.at))
        guard now.timeIntervalSince(answeredAt) <= Self.window, answeredAt.timeIntervalSince(now) < 300 else { return nil }
        return (payload.k, RatedAnswer(
            source: source, tier: tier, channel: channel, answerID: payload.a, intent: payload.i, category: payload.c, answeredAt: answeredAt
        ))
    }

    private func mac(_ body: String, user: UserHash) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array((body + "\u{0}" + user.value).utf8), using: key).prefix(16))
    }

    /// Corpus ids are short; a long one is cut (at 64 UTF-8 bytes, on a character boundary) so
    /// that the id stays well under `maxLength`.
    static func bounded(_ value: String?) -> String? {
        guard let value else { return nil }
        var out = ""
        for character in value {
            guard out.utf8.count + character.utf8.count <= 64 else { break }
            out.append(character)
        }
        return out
    }
}
