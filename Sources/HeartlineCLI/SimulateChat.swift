import Foundation
import Simulator

/// The interactive terminal chat of `heartline simulate`.
struct Chat {
    let simulator: any SimulatorDriving
    var platform: SimPlatform
    var user: String
    var format: String
    var showWire: Bool

    mutating func run() async throws {
        let interactive = isatty(STDIN_FILENO) == 1
        if interactive {
            print("Talking to Heartline as \(user) on \(platform.rawValue). Type a message; :help for commands, :quit to leave.")
        }
        let lines = StandardInputLines.stream()
        prompt(interactive)
        for await raw in lines {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty {
                prompt(interactive)
                continue
            }
            if line.hasPrefix(":") {
                if try await command(line) == false { return }
            } else {
                show(try await simulator.send(SendRequest(platform: platform, user: user, text: line, format: platform == .wechat ? format : nil)))
            }
            prompt(interactive)
        }
    }

    func prompt(_ interactive: Bool) {
        guard interactive else { return }
        print("\(user)@\(platform.rawValue) › ", terminator: "")
        fflush(nil)
    }

    /// Runs a `:command`; false ends the chat.
    mutating func command(_ line: String) async throws -> Bool {
        let parts = line.dropFirst().split(separator: " ", maxSplits: 1).map(String.init)
        let name = parts.first ?? ""
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        switch name {
        case "quit", "q", "exit":
            return false
        case "dup", "retry", "redeliver":
            show(try await simulator.redeliver(platform: platform, user: user))
        case "reorder":
            let texts = argument.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard texts.count == 2 else {
                print("usage: :reorder first message | second message")
                return true
            }
            show(try await simulator.reorder(platform: platform, user: user, first: texts[0], second: texts[1]))
        case "reset":
            show(try await simulator.reset(platform: platform, user: user))
        case "fault":
            do {
                print("  ⚙ " + (try await simulator.inject(FaultRequest(platform: platform, fault: argument))))
            } catch {
                print("  ✗ \(error)")
            }
        case "platform":
            if let next = SimPlatform(rawValue: argument.lowercased()) { platform = next } else { print("unknown platform \"\(argument)\"; expected telegram, wechat or miniprogram") }
        case "user":
            if !argument.isEmpty { user = argument }
        case "wire":
            showWire.toggle()
            print("wire view \(showWire ? "on" : "off")")
        default:
            print(":dup  :reorder A | B  :fault NAME  :reset  :platform telegram|wechat|miniprogram  :user NAME  :wire  :quit")
        }
        return true
    }

    func show(_ exchange: Exchange) {
        if showWire {
            for record in exchange.wire {
                let arrow = switch record.direction {
                case "to-heartline": "→"
                case "from-heartline": "←"
                default: "⇢"
                }
                print("  \(arrow) \(record.label)")
                if !record.body.isEmpty { print(record.body.split(separator: "\n", omittingEmptySubsequences: false).map { "      " + $0 }.joined(separator: "\n")) }
            }
        }
        for note in exchange.notes { print("  · \(note)") }
        if let error = exchange.error { print("  ✗ \(error)") }
        for reply in exchange.replies { print("heartline › " + reply.replacingOccurrences(of: "\n", with: "\n            ")) }
        let tier = exchange.tier.map { "tier \($0)\(exchange.tierSource == "inferred" ? " (inferred)" : "")" } ?? "no reply"
        let deliveries = exchange.deliveries.map { $0.status.map(String.init) ?? $0.outcome }.joined(separator: ", ")
        print("  [\(tier) · \(exchange.latencyMs) ms · deliveries: \(deliveries)]")
        fflush(nil)
    }
}

/// Standard input as lines, read on a thread of its own so that a blocking read never holds a
/// thread of the concurrency pool (the server runs in the same process).
enum StandardInputLines {
    static func stream() -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream<String>.makeStream()
        let thread = Thread {
            while let line = readLine(strippingNewline: true) { continuation.yield(line) }
            continuation.finish()
        }
        thread.start()
        return stream
    }
}
