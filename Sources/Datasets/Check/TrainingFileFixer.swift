import ChatCore

/// `dataset check --fix`: writes a corrected copy of a training file (never the input itself)
/// applying every automatic fix of the report, plus the opt-in ones that were asked for.
public struct TrainingFileFixer {
    public struct Options: Sendable {
        public var format: PromptFormat = .standard
        public var maxExampleCharacters = 10_000
        public var lowercase = false
        /// The common prefix to remove from prompts / completions (from the report), if asked.
        public var stripPromptPrefix: String?
        public var stripCompletionPrefix: String?
        /// Keep chat lines (true) or prompt/completion lines (false) when a file mixes them.
        public var chat = false
        public init() {}
    }

    /// What the fix did: lines kept, lines dropped and lines changed, by check.
    public struct Summary: Sendable, Equatable {
        public var kept = 0
        public var dropped: [CheckID: Int] = [:]
        public var changed: [CheckID: Int] = [:]
    }

    public var options: Options
    public var screen: any ContentScreen

    public init(options: Options = Options(), screen: any ContentScreen = KeywordContentScreen()) {
        self.options = options
        self.screen = screen
    }

    public func fix(path: String, output: String) throws(DatasetError) -> Summary {
        guard output != path else { throw .invalidOption("--fix writes a corrected copy; choose an output other than the input") }
        var summary = Summary()
        let writer = try AtomicFileWriter(path: output)
        var scanner = LineScanner(source: try DatasetInput.open(path: path))
        defer { scanner.close() }
        var seen: Set<Fingerprint> = []
        var out: [UInt8] = []
        do throws(DatasetError) {
            while let line = try scanner.next() {
                var bytes = line.bytes
                if line.number == 1, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
                    bytes = UnsafeBufferPointer(rebasing: bytes[3...])
                    summary.changed[.byteOrderMark, default: 0] += 1
                }
                if line.terminator == .crlf { summary.changed[.lineEndings, default: 0] += 1 }
                switch repair(bytes, seen: &seen, summary: &summary) {
                case .drop(let reason):
                    summary.dropped[reason, default: 0] += 1
                case .keep(let value):
                    JSONLEncoder.appendValue(value, to: &out)
                    out.append(0x0A)
                    summary.kept += 1
                    if out.count > 1 << 20 {
                        try writer.append(out)
                        out.removeAll(keepingCapacity: true)
                    }
                }
            }
            guard summary.kept > 0 else {
                writer.abandon()
                throw .emptyOutput("no line survived the fixes")
            }
            try writer.append(out)
            try writer.commit()
            return summary
        } catch {
            writer.abandon()
            throw error
        }
    }

    private enum Outcome {
        case keep(JSONValue)
        case drop(CheckID)
    }

    private func repair(_ bytes: UnsafeBufferPointer<UInt8>, seen: inout Set<Fingerprint>, summary: inout Summary) -> Outcome {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return .drop(.blankLines) }
        if JSONParser.firstInvalidUTF8(bytes) < bytes.count { return .drop(.invalidUTF8) }
        var parser = JSONParser(bytes: bytes, start: 0, end: bytes.count)
        guard let value = try? parser.parseValue() else { return .drop(.notJSONObject) }
        parser.skipWhitespace()
        guard parser.index == bytes.count, let members = value.members else { return .drop(.notJSONObject) }
        if TrainingFileChecker.hasEscapedNonASCII(bytes) { summary.changed[.escapedNonASCII, default: 0] += 1 }
        let isChat = value["messages"] != nil
        guard isChat == options.chat else { return .drop(.mixedFormats) }
        return isChat ? repairChat(value, seen: &seen, summary: &summary) : repairCompletion(members, seen: &seen, summary: &summary)
    }

    private func repairCompletion(_ members: [JSONMember], seen: inout Set<Fingerprint>, summary: inout Summary) -> Outcome {
        let format = options.format
        let prompt = members.first { $0.key == "prompt" } ?? members.first { $0.key.lowercased() == "prompt" }
        let completion = members.first { $0.key == "completion" } ?? members.first { $0.key.lowercased() == "completion" }
        guard let prompt else { return .drop(.missingPrompt) }
        guard let completion else { return .drop(.missingCompletion) }
        if prompt.key != "prompt" || completion.key != "completion" { summary.changed[.missingPrompt, default: 0] += 1 }
        if members.count > 2 { summary.changed[.additionalColumn, default: 0] += 1 }
        if completion.value == .null { return .drop(.emptyCompletion) }
        guard var p = prompt.value.string, var c = completion.value.string else { return .drop(.fieldTypes) }
        if c.isEmpty { return .drop(.emptyCompletion) }
        if UnicodeEscapes.containsEscape(p) || UnicodeEscapes.containsEscape(c) {
            p = UnicodeEscapes.decode(p)
            c = UnicodeEscapes.decode(c)
            summary.changed[.unicodeEscapes, default: 0] += 1
        }
        // The question: without separator, opt-in prefix and inner separators.
        var question = p
        if question.hasSuffix(format.separator) { question.removeLast(format.separator.count) } else { summary.changed[.missingSeparator, default: 0] += 1 }
        if let prefix = options.stripPromptPrefix, !prefix.isEmpty, question.hasPrefix(prefix) { question.removeFirst(prefix.count) }
        if question.contains(format.separator) {
            question = question.replacingOccurrences(of: format.separator, with: " ")
            summary.changed[.separatorInside, default: 0] += 1
        }
        // The answer: without prefix, stop sequence, opt-in prefix and inner stops.
        var answer = c
        if !format.stopSequence.isEmpty {
            if answer.hasSuffix(format.stopSequence) { answer.removeLast(format.stopSequence.count) } else { summary.changed[.missingStop, default: 0] += 1 }
        }
        if !format.completionPrefix.isEmpty {
            if answer.hasPrefix(format.completionPrefix) { answer.removeFirst(format.completionPrefix.count) } else { summary.changed[.missingLeadingSpace, default: 0] += 1 }
        }
        if let prefix = options.stripCompletionPrefix, !prefix.isEmpty, answer.hasPrefix(prefix) {
            answer.removeFirst(prefix.count)
        }
        if !format.stopSequence.isEmpty, answer.contains(format.stopSequence) {
            answer = answer.replacingOccurrences(of: format.stopSequence, with: " ")
            summary.changed[.stopInside, default: 0] += 1
        }
        if options.lowercase {
            question = question.lowercased()
            answer = answer.lowercased()
        }
        if question.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return .drop(.emptyPrompt) }
        if answer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return .drop(.emptyAnswer) }
        if screen.screen(answer) != nil { return .drop(.crisisCompletion) }
        if screen.screen(question) != nil { return .drop(.crisisPrompt) }
        let fixedPrompt = question + format.separator
        let fixedCompletion = format.completionPrefix + answer + format.stopSequence
        if fixedPrompt.unicodeScalars.count + fixedCompletion.unicodeScalars.count > options.maxExampleCharacters { return .drop(.longExamples) }
        guard seen.insert(Fingerprint(fixedPrompt).combined(with: Fingerprint(fixedCompletion))).inserted else { return .drop(.duplicatedRows) }
        return .keep(.object([JSONMember(key: "prompt", value: .string(fixedPrompt)), JSONMember(key: "completion", value: .string(fixedCompletion))]))
    }

    private func repairChat(_ value: JSONValue, seen: inout Set<Fingerprint>, summary: inout Summary) -> Outcome {
        guard case .success(.chat(let messages)) = TrainingLine.interpret(value), let list = value["messages"]?.array else { return .drop(.chatFormat) }
        var decodedAny = false
        let fixedMessages: [JSONValue] = list.map { message in
            guard var members = message.members else { return message }
            for index in members.indices where members[index].key == "content" {
                if let text = members[index].value.string, UnicodeEscapes.containsEscape(text) {
                    members[index].value = .string(UnicodeEscapes.decode(text))
                    decodedAny = true
                }
            }
            return .object(members)
        }
        if decodedAny { summary.changed[.unicodeEscapes, default: 0] += 1 }
        let contents = messages.map { (role: $0.role, text: UnicodeEscapes.decode($0.content)) }
        if contents.contains(where: { $0.role == "assistant" && $0.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) { return .drop(.emptyAnswer) }
        if contents.contains(where: { $0.role == "user" && $0.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) { return .drop(.emptyPrompt) }
        if contents.contains(where: { $0.role == "assistant" && screen.screen($0.text) != nil }) { return .drop(.crisisCompletion) }
        if contents.contains(where: { $0.role == "user" && screen.screen($0.text) != nil }) { return .drop(.crisisPrompt) }
        if contents.reduce(0, { $0 + $1.text.unicodeScalars.count }) > options.maxExampleCharacters { return .drop(.longExamples) }
        let key = contents.reduce(Fingerprint(bytes: [])) { $0.combined(with: Fingerprint($1.role + "\u{1}" + $1.text)) }
        guard seen.insert(key).inserted else { return .drop(.duplicatedRows) }
        var members = value.members ?? []
        for index in members.indices where members[index].key == "messages" { members[index].value = .array(fixedMessages) }
        return .keep(.object(members))
    }
}

import Foundation
