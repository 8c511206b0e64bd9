import ChatCore

/// `dataset check`: every check of the legacy `prepare_data` (docs/protocols.md C.9, same thresholds)
/// plus this project's: encoding, line endings, one object per line, escapes, the `PromptFormat`
/// separator / leading space / stop sequence, empty fields and crisis content. One streaming pass
/// (a second only to find a foreign common suffix inside prompts), memory bounded by the number
/// of distinct examples (16-byte fingerprints).
public struct TrainingFileChecker {
    public struct Options: Sendable {
        public var format: PromptFormat = .standard
        /// The legacy `MIN_EXAMPLES`.
        public var minExamples = 100
        /// The legacy long-example limit (characters of prompt + completion).
        public var maxExampleCharacters = 10_000
        /// OpenAI's per-file limit (C.6).
        public var maxFileBytes = 512 * 1_000_000
        /// The model the file is for: its layout must match (chat models take `messages` lines).
        public var targetModel: String?
        public init() {}
    }

    public var options: Options
    public var screen: any ContentScreen

    public init(options: Options = Options(), screen: any ContentScreen = KeywordContentScreen()) {
        self.options = options
        self.screen = screen
    }

    /// Everything pass 1 learns about the file.
    struct Tally {
        var lines: [CheckID: LineList] = [:]
        var examples = 0
        var completionLines = LineList()
        var chatLines = LineList()
        var firstLineIsArray = false
        var bom = false
        var missingFinalNewline = false
        var extraKeys: Set<String> = []
        var miscasedKeys: Set<String> = []
        var totalPromptLength = 0
        var promptIdentical = true
        var firstPrompt: String?
        var completionIdentical = true
        var firstCompletion: String?
        var distinctCompletions: Set<Fingerprint> = []
        var pairs: Set<Fingerprint> = []
        var promptPrefix = CommonAffix(.prefix)
        var promptSuffix = CommonAffix(.suffix)
        var completionPrefix = CommonAffix(.prefix)
        var completionSuffix = CommonAffix(.suffix)
        var upper = (prompt: 0, completion: 0)
        var lower = (prompt: 0, completion: 0)
        var completionFirstCharacters: Set<Character> = []
        var firstCompletionStartsWithSpace: Bool?
        var anyPromptHasNewline = false
        var separatorCandidatesPresent = [Bool](repeating: false, count: TrainingFileChecker.separatorCandidates.count)
        var endingCandidatesPresent = [Bool](repeating: false, count: TrainingFileChecker.endingCandidates.count)
        var longLines = LineList()

        mutating func flag(_ id: CheckID, _ line: Int) { lines[id, default: LineList()].add(line) }
    }

    /// Legacy separator candidates, tried in order (C.9 check 11).
    static let separatorCandidates = [" ->", "\n\n###\n\n", "\n\n===\n\n", "\n\n---\n\n", "\n\n===>\n\n", "\n\n--->\n\n"]
    static let separatorFallback = "\n\n### =>\n\n"
    /// Legacy ending candidates (C.9 check 14).
    static let endingCandidates = ["\n", ".", " END", "***", "+++", "&&&", "$$$", "@@@", "%%%"]
    static let endingFallback = " [END]"

    public func check(path: String) throws(DatasetError) -> CheckReport {
        var tally = Tally()
        var scanner = LineScanner(source: try DatasetInput.open(path: path))
        defer { scanner.close() }
        while let line = try scanner.next() {
            inspect(line, tally: &tally)
        }
        var insideSuffix = (prompt: LineList(), completion: LineList())
        if needsSecondPass(tally) {
            insideSuffix = try secondPass(path: path, tally: tally)
        }
        let size = FileByteSource.size(of: path) ?? 0
        let format = tally.chatLines.count > tally.completionLines.count ? "chat" : "prompt-completion"
        var found = findings(tally, insideSuffix: insideSuffix, path: path, fileSize: size)
        if let model = options.targetModel {
            found.append(contentsOf: Self.modelFindings(model: model, fileFormat: format, examples: tally.examples))
        }
        return CheckReport(path: path, format: format, examples: tally.examples, findings: found)
    }

    // MARK: Pass 1

    func inspect(_ line: LineScanner.Line, tally: inout Tally) {
        let n = line.number
        var bytes = line.bytes
        if n == 1, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            tally.bom = true
            bytes = UnsafeBufferPointer(rebasing: bytes[3...])
        }
        if line.terminator == .crlf || bytes.contains(0x0D) { tally.flag(.lineEndings, n) }
        if line.terminator == .none { tally.missingFinalNewline = true }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
            tally.flag(.blankLines, n)
            return
        }
        let invalidAt = JSONParser.firstInvalidUTF8(bytes)
        if invalidAt < bytes.count {
            tally.flag(.invalidUTF8, n)
            return
        }
        var parser = JSONParser(bytes: bytes, start: 0, end: bytes.count)
        let value: JSONValue
        do {
            value = try parser.parseValue()
            parser.skipWhitespace()
            guard parser.index == bytes.count else {
                tally.flag(.notJSONObject, n)
                return
            }
        } catch {
            if n == 1, bytes.first(where: { $0 != 0x20 && $0 != 0x09 }) == UInt8(ascii: "[") { tally.firstLineIsArray = true }
            tally.flag(.notJSONObject, n)
            return
        }
        guard let members = value.members else {
            if n == 1, case .array = value { tally.firstLineIsArray = true }
            tally.flag(.notJSONObject, n)
            return
        }
        if Self.hasEscapedNonASCII(bytes) { tally.flag(.escapedNonASCII, n) }
        if value["messages"] != nil {
            tally.chatLines.add(n)
            inspectChat(value, line: n, tally: &tally)
        } else {
            tally.completionLines.add(n)
            inspectCompletion(members, line: n, tally: &tally)
        }
    }

    private func inspectCompletion(_ members: [JSONMember], line n: Int, tally: inout Tally) {
        var prompt: JSONValue?
        var completion: JSONValue?
        for member in members {
            switch member.key {
            case "prompt": prompt = member.value
            case "completion": completion = member.value
            default:
                let lower = member.key.lowercased()
                if lower == "prompt", prompt == nil {
                    prompt = member.value
                    tally.miscasedKeys.insert(member.key)
                } else if lower == "completion", completion == nil {
                    completion = member.value
                    tally.miscasedKeys.insert(member.key)
                } else {
                    tally.extraKeys.insert(member.key)
                    tally.flag(.additionalColumn, n)
                }
            }
        }
        guard let prompt else { tally.flag(.missingPrompt, n); return }
        guard let completion else { tally.flag(.missingCompletion, n); return }
        // The legacy tool reads every cell as a string and NaN as "".
        let p: String
        let c: String
        switch (prompt, completion) {
        case (.string(let ps), .string(let cs)):
            p = ps
            c = cs
        case (_, .null) where prompt.string != nil:
            tally.flag(.emptyCompletion, n)
            return
        default:
            tally.flag(.fieldTypes, n)
            return
        }
        tally.examples += 1
        if c.isEmpty { tally.flag(.emptyCompletion, n) }
        recordLegacy(prompt: p, completion: c, line: n, tally: &tally)
        recordFormat(prompt: p, completion: c, line: n, tally: &tally)
    }

    private func recordLegacy(prompt p: String, completion c: String, line n: Int, tally: inout Tally) {
        let promptLength = p.unicodeScalars.count
        let completionLength = c.unicodeScalars.count
        tally.totalPromptLength += promptLength
        if let first = tally.firstPrompt { if first != p { tally.promptIdentical = false } } else { tally.firstPrompt = p }
        if let first = tally.firstCompletion { if first != c { tally.completionIdentical = false } } else { tally.firstCompletion = c }
        tally.distinctCompletions.insert(Fingerprint(c))
        if !tally.pairs.insert(Fingerprint(p).combined(with: Fingerprint(c))).inserted { tally.flag(.duplicatedRows, n) }
        if promptLength + completionLength > options.maxExampleCharacters { tally.longLines.add(n) }
        tally.promptPrefix.add(p)
        tally.promptSuffix.add(p)
        tally.completionPrefix.add(c)
        tally.completionSuffix.add(c)
        // Case is counted on the text without this project's separator and stop sequence: the
        // ` [END]` marker would otherwise make every Chinese file look upper-case.
        let format = options.format
        let promptText = p.hasSuffix(format.separator) ? String(p.dropLast(format.separator.count)) : p
        let completionText = !format.stopSequence.isEmpty && c.hasSuffix(format.stopSequence) ? String(c.dropLast(format.stopSequence.count)) : c
        for scalar in promptText.unicodeScalars where scalar.properties.isAlphabetic {
            if scalar.properties.isUppercase { tally.upper.prompt += 1 } else if scalar.properties.isLowercase { tally.lower.prompt += 1 }
        }
        for scalar in completionText.unicodeScalars where scalar.properties.isAlphabetic {
            if scalar.properties.isUppercase { tally.upper.completion += 1 } else if scalar.properties.isLowercase { tally.lower.completion += 1 }
        }
        if let first = c.first { tally.completionFirstCharacters.insert(first) } else { tally.completionFirstCharacters.insert("\0") }
        if tally.firstCompletionStartsWithSpace == nil { tally.firstCompletionStartsWithSpace = c.hasPrefix(" ") }
        if p.utf8.contains(0x0A) { tally.anyPromptHasNewline = true }
        for (i, candidate) in Self.separatorCandidates.enumerated() where !tally.separatorCandidatesPresent[i] && ByteSearch.contains(p, candidate) {
            tally.separatorCandidatesPresent[i] = true
        }
        for (i, candidate) in Self.endingCandidates.enumerated() where !tally.endingCandidatesPresent[i] && ByteSearch.contains(c, candidate) {
            tally.endingCandidatesPresent[i] = true
        }
    }

    private func recordFormat(prompt p: String, completion c: String, line n: Int, tally: inout Tally) {
        let format = options.format
        var question = p
        if p.hasSuffix(format.separator) {
            question.removeLast(format.separator.count)
            if ByteSearch.contains(question, format.separator) { tally.flag(.separatorInside, n) }
        } else {
            tally.flag(.missingSeparator, n)
        }
        if !format.stopSequence.isEmpty {
            if c.hasSuffix(format.stopSequence) {
                if ByteSearch.contains(String(c.dropLast(format.stopSequence.count)), format.stopSequence) { tally.flag(.stopInside, n) }
            } else {
                tally.flag(.missingStop, n)
            }
        }
        if !format.completionPrefix.isEmpty, !c.hasPrefix(format.completionPrefix) { tally.flag(.missingLeadingSpace, n) }
        let answer = format.answer(fromCompletion: c)
        if question.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { tally.flag(.emptyPrompt, n) }
        if answer.isEmpty, !c.isEmpty { tally.flag(.emptyAnswer, n) }
        if UnicodeEscapes.containsEscape(p) || UnicodeEscapes.containsEscape(c) { tally.flag(.unicodeEscapes, n) }
        if screen.screen(answer) != nil { tally.flag(.crisisCompletion, n) }
        if screen.screen(question) != nil { tally.flag(.crisisPrompt, n) }
    }

    private func inspectChat(_ value: JSONValue, line n: Int, tally: inout Tally) {
        switch TrainingLine.interpret(value) {
        case .failure:
            tally.flag(.chatFormat, n)
        case .success(let line):
            guard case .chat(let messages) = line else { return }
            tally.examples += 1
            let key = messages.reduce(Fingerprint(bytes: [])) { $0.combined(with: Fingerprint($1.role + "\u{1}" + $1.content)) }
            if !tally.pairs.insert(key).inserted { tally.flag(.duplicatedRows, n) }
            if line.characterCount.total > options.maxExampleCharacters { tally.longLines.add(n) }
            if messages.contains(where: { UnicodeEscapes.containsEscape($0.content) }) { tally.flag(.unicodeEscapes, n) }
            if messages.contains(where: { $0.role == "assistant" && $0.content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) {
                tally.flag(.emptyAnswer, n)
            }
            if messages.contains(where: { $0.role == "user" && $0.content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) {
                tally.flag(.emptyPrompt, n)
            }
            if messages.contains(where: { $0.role == "assistant" && screen.screen($0.content) != nil }) { tally.flag(.crisisCompletion, n) }
            if messages.contains(where: { $0.role == "user" && screen.screen($0.content) != nil }) { tally.flag(.crisisPrompt, n) }
        }
    }

    /// `\uXXXX` JSON escapes for non-ASCII characters in the raw line (valid JSON, but written by
    /// an `ensure_ascii` writer: six bytes per character, and a sign of the recipe's scripts).
    static func hasEscapedNonASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 6 else { return false }
        var i = 0
        while i + 5 < bytes.count {
            if bytes[i] == 0x5C {
                if bytes[i + 1] == UInt8(ascii: "u") {
                    let first = bytes[i + 2] | 0x20, second = bytes[i + 3] | 0x20
                    // \u0080 and above: anything but \u00XX with X < 8.
                    if first != UInt8(ascii: "0") || second != UInt8(ascii: "0") || bytes[i + 4] >= UInt8(ascii: "8") { return true }
                }
                i += 2
                continue
            }
            i += 1
        }
        return false
    }

    // MARK: Pass 2

    private func needsSecondPass(_ tally: Tally) -> Bool {
        let promptSuffix = tally.promptSuffix.text
        let completionSuffix = tally.completionSuffix.text
        return (!promptSuffix.isEmpty && promptSuffix != options.format.separator)
            || (!completionSuffix.isEmpty && completionSuffix != options.format.stopSequence)
    }

    /// Lines where the common suffix also occurs earlier in the text (legacy checks 11 and 14).
    private func secondPass(path: String, tally: Tally) throws(DatasetError) -> (prompt: LineList, completion: LineList) {
        let promptSuffix = tally.promptSuffix.text
        let completionSuffix = tally.completionSuffix.text
        var result = (prompt: LineList(), completion: LineList())
        var scanner = LineScanner(source: try DatasetInput.open(path: path))
        defer { scanner.close() }
        while let line = try scanner.next() {
            var parser = JSONParser(bytes: line.bytes, start: 0, end: line.bytes.count, lenient: true)
            guard let value = try? parser.parseValue(), let p = value["prompt"]?.string, let c = value["completion"]?.string else { continue }
            if !promptSuffix.isEmpty, ByteSearch.contains(String(p.dropLast(promptSuffix.count)), promptSuffix) { result.prompt.add(line.number) }
            if !completionSuffix.isEmpty, ByteSearch.contains(String(c.dropLast(completionSuffix.count)), completionSuffix) { result.completion.add(line.number) }
        }
        return result
    }
}

import Foundation
