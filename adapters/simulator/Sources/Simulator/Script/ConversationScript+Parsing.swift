import Foundation
import Yams

extension ConversationScript {
    // MARK: Parsing

    /// Parses YAML; every problem names its line.
    public static func parse(_ yaml: String, file: String = "script") throws(ScriptError) -> ConversationScript {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else { throw ScriptError(file: file, line: 1, reason: "the file is empty") }
            root = node
        } catch let error as ScriptError {
            throw error
        } catch let error as YamlError {
            throw ScriptError(file: file, line: Self.line(of: error), reason: "not valid YAML: \(Self.problem(of: error))")
        } catch {
            throw ScriptError(file: file, line: 1, reason: "not valid YAML")
        }
        let p = ScriptParser(file: file)
        return try p.script(root)
    }

    static func line(of error: YamlError) -> Int {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: 1
        }
    }

    static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
        default: "\(error)"
        }
    }

    struct ScriptParser {
        let file: String

        func fail(_ node: Node?, _ reason: String) -> ScriptError {
            ScriptError(file: file, line: node?.mark?.line ?? 1, reason: reason)
        }

        func mapping(_ node: Node, _ what: String) throws(ScriptError) -> [(key: String, keyNode: Node, value: Node)] {
            guard let mapping = node.mapping else { throw fail(node, "\(what) must be a mapping (key: value)") }
            var entries: [(key: String, keyNode: Node, value: Node)] = []
            for (key, value) in mapping {
                guard let name = key.string else { throw fail(key, "keys must be text") }
                entries.append((name, key, value))
            }
            return entries
        }

        func string(_ node: Node, _ key: String) throws(ScriptError) -> String {
            guard let scalar = node.scalar else { throw fail(node, "\(key) must be text") }
            return scalar.string
        }

        func int(_ node: Node, _ key: String, _ range: ClosedRange<Int>) throws(ScriptError) -> Int {
            guard let value = node.int, range.contains(value) else { throw fail(node, "\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound)") }
            return value
        }

        func bool(_ node: Node, _ key: String) throws(ScriptError) -> Bool {
            guard node.scalar != nil, let value = node.bool else { throw fail(node, "\(key) must be true or false") }
            return value
        }

        func strings(_ node: Node, _ key: String) throws(ScriptError) -> [String] {
            if let sequence = node.sequence {
                var out: [String] = []
                for item in sequence { out.append(try string(item, key)) }
                return out
            }
            return [try string(node, key)]
        }

        func platform(_ node: Node) throws(ScriptError) -> SimPlatform {
            let text = try string(node, "platform")
            guard let platform = SimPlatform(rawValue: text.lowercased()) else {
                throw fail(node, "unknown platform \"\(text)\"; expected telegram, wechat or miniprogram")
            }
            return platform
        }

        func script(_ root: Node) throws(ScriptError) -> ConversationScript {
            var platform = SimPlatform.telegram
            var user = "alice"
            var conversations: [Conversation] = []
            var topSteps: Node?
            var name = "conversation"
            let entries = try mapping(root, "the script")
            // Defaults first, whatever the order of keys.
            for entry in entries {
                switch entry.key {
                case "platform": platform = try self.platform(entry.value)
                case "user": user = try string(entry.value, "user")
                case "name": name = try string(entry.value, "name")
                default: break
                }
            }
            for entry in entries {
                switch entry.key {
                case "platform", "user", "name": break
                case "steps": topSteps = entry.value
                case "conversations":
                    guard let list = entry.value.sequence, !list.isEmpty else { throw fail(entry.value, "conversations must be a non-empty list") }
                    for item in list { conversations.append(try conversation(item, platform: platform, user: user)) }
                default:
                    throw fail(entry.keyNode, "unknown key \"\(entry.key)\"; expected name, platform, user, steps or conversations")
                }
            }
            if let topSteps {
                conversations.insert(Conversation(name: name, platform: platform, user: user, steps: try steps(topSteps, platform: platform, user: user)), at: 0)
            }
            guard !conversations.isEmpty else { throw fail(root, "the script has no steps: add steps or conversations") }
            return ConversationScript(conversations: conversations)
        }

        func conversation(_ node: Node, platform defaultPlatform: SimPlatform, user defaultUser: String) throws(ScriptError) -> Conversation {
            let entries = try mapping(node, "a conversation")
            var platform = defaultPlatform, user = defaultUser, name = "conversation at line \(node.mark?.line ?? 0)"
            var stepsNode: Node?
            for entry in entries {
                switch entry.key {
                case "platform": platform = try self.platform(entry.value)
                case "user": user = try string(entry.value, "user")
                case "name": name = try string(entry.value, "name")
                case "steps": stepsNode = entry.value
                default: throw fail(entry.keyNode, "unknown key \"\(entry.key)\" in a conversation; expected name, platform, user or steps")
                }
            }
            guard let stepsNode else { throw fail(node, "a conversation needs steps") }
            return Conversation(name: name, platform: platform, user: user, steps: try steps(stepsNode, platform: platform, user: user))
        }

        func steps(_ node: Node, platform: SimPlatform, user: String) throws(ScriptError) -> [Step] {
            guard let list = node.sequence, !list.isEmpty else { throw fail(node, "steps must be a non-empty list") }
            var out: [Step] = []
            for item in list { out.append(try step(item, platform: platform, user: user)) }
            return out
        }

        static let stepKeys = ["send", "kind", "format", "deliveries", "concurrent", "expect", "redeliver", "reorder", "fault", "count", "reset"]

        func step(_ node: Node, platform: SimPlatform, user: String) throws(ScriptError) -> Step {
            let line = node.mark?.line ?? 1
            if let scalar = node.scalar {
                // `- 你好` is short for `- send: 你好`.
                return Step(line: line, action: .send(SendRequest(platform: platform, user: user, text: scalar.string)), expect: nil)
            }
            let entries = try mapping(node, "a step")
            var request = SendRequest(platform: platform, user: user, text: "")
            var action: Action?
            var expect: Expectation?
            var faultCount = 1
            var sawSendOptions = false
            for entry in entries {
                switch entry.key {
                case "send":
                    request.text = try string(entry.value, "send")
                    action = .send(request)
                case "kind":
                    let text = try string(entry.value, "kind")
                    guard let kind = SimKind(rawValue: text) else {
                        throw fail(entry.value, "unknown kind \"\(text)\"; expected one of \(SimKind.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    request.kind = kind
                    sawSendOptions = true
                case "format":
                    let text = try string(entry.value, "format").lowercased()
                    guard text == "json" || text == "xml" else { throw fail(entry.value, "format must be json or xml") }
                    request.format = text
                    sawSendOptions = true
                case "deliveries":
                    request.deliveries = try int(entry.value, "deliveries", 1...5)
                    sawSendOptions = true
                case "concurrent":
                    request.concurrent = try bool(entry.value, "concurrent")
                    sawSendOptions = true
                case "expect":
                    expect = try expectation(entry.value)
                case "redeliver":
                    guard try bool(entry.value, "redeliver") else { throw fail(entry.value, "redeliver: true is the only form") }
                    action = .redeliver
                case "reset":
                    guard try bool(entry.value, "reset") else { throw fail(entry.value, "reset: true is the only form") }
                    action = .reset
                case "reorder":
                    let texts = try strings(entry.value, "reorder")
                    guard texts.count == 2 else { throw fail(entry.value, "reorder takes a list of two messages") }
                    action = .reorder(first: texts[0], second: texts[1])
                case "fault":
                    action = .fault(try string(entry.value, "fault"), count: 1)
                case "count":
                    faultCount = try int(entry.value, "count", 1...10)
                default:
                    throw fail(entry.keyNode, "unknown key \"\(entry.key)\" in a step; expected one of \(Self.stepKeys.joined(separator: ", "))")
                }
            }
            // `- kind: photo` (or image, event, edited) sends without text.
            if action == nil, let kind = request.kind, [.photo, .image, .event, .edited].contains(kind) { action = .send(request) }
            switch action {
            case nil:
                throw fail(node, "a step needs one of send, redeliver, reorder, fault or reset")
            case .send?:
                // Options may come before or after `send`.
                if request.text.isEmpty, request.kind != .photo, request.kind != .image, request.kind != .event, request.kind != .edited {
                    throw fail(node, "send needs a message text")
                }
                action = .send(request)
            case .fault(let name, _)?:
                action = .fault(name, count: faultCount)
            default:
                if sawSendOptions { throw fail(node, "kind, format, deliveries and concurrent belong to a send step") }
            }
            guard let action else { throw fail(node, "a step needs an action") }
            return Step(line: line, action: action, expect: expect)
        }

        static let expectKeys = ["replied", "tier", "contains", "not_contains", "max_latency_ms", "exactly_one_reply", "replies"]

        func expectation(_ node: Node) throws(ScriptError) -> Expectation {
            var e = Expectation()
            for entry in try mapping(node, "expect") {
                switch entry.key {
                case "replied": e.replied = try bool(entry.value, "replied")
                case "tier":
                    let tier = try string(entry.value, "tier")
                    guard ["none", "concern", "crisis"].contains(tier) else { throw fail(entry.value, "tier must be none, concern or crisis") }
                    e.tier = tier
                case "contains": e.contains = try strings(entry.value, "contains")
                case "not_contains": e.notContains = try strings(entry.value, "not_contains")
                case "max_latency_ms": e.maxLatencyMs = try int(entry.value, "max_latency_ms", 1...600_000)
                case "exactly_one_reply": e.exactlyOneReply = try bool(entry.value, "exactly_one_reply")
                case "replies": e.replies = try int(entry.value, "replies", 0...50)
                default:
                    throw fail(entry.keyNode, "unknown expectation \"\(entry.key)\"; expected one of \(Self.expectKeys.joined(separator: ", "))")
                }
            }
            return e
        }
    }
}
