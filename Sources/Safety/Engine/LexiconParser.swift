import Foundation

/// Parses the three lexicon file kinds. Syntax errors name the file and line.
enum LexiconParser {
    /// Strips a `#` comment (at line start or after whitespace) and surrounding spaces.
    static func content(of line: Substring) -> String {
        var previous: Character = " "
        var cut = line.endIndex
        for index in line.indices {
            let c = line[index]
            if c == "#", previous == " " || previous == "\t" {
                cut = index
                break
            }
            previous = c
        }
        return line[..<cut].trimmingCharacters(in: .whitespaces)
    }

    static func lines(_ text: String) -> [(number: Int, text: String)] {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, raw in
            let line = content(of: raw.hasSuffix("\r") ? raw.dropLast() : raw)
            return line.isEmpty ? nil : (index + 1, line)
        }
    }

    /// `FORM => PLAIN`; `[form]` marks a Latin form that must stand alone as a word.
    static func parseVariants(_ text: String, file: String, into lexicon: inout Lexicon) throws(LexiconError) {
        for (number, line) in lines(text) {
            let sides = line.components(separatedBy: "=>")
            guard sides.count == 2 else { throw .syntax(file: file, line: number, message: "expected `FORM => PLAIN`") }
            var form = sides[0].trimmingCharacters(in: .whitespaces)
            let plain = sides[1].trimmingCharacters(in: .whitespaces)
            var wordOnly = false
            if form.hasPrefix("["), form.hasSuffix("]"), form.count > 2 {
                form = String(form.dropFirst().dropLast())
                wordOnly = true
            }
            guard !form.isEmpty, !plain.isEmpty else { throw .syntax(file: file, line: number, message: "empty form or plain text") }
            lexicon.variants.append(.init(form: form, plain: plain, wordOnly: wordOnly))
        }
    }

    /// Pairs of characters, `FROM` then `TO`, separated by spaces: `剛刚 傳传`.
    static func parseCharacters(_ text: String, file: String, into lexicon: inout Lexicon) throws(LexiconError) {
        for (number, line) in lines(text) {
            for pair in line.split(separator: " ") {
                let scalars = Array(pair.unicodeScalars)
                guard scalars.count == 2 else { throw .syntax(file: file, line: number, message: "expected pairs of two characters, got `\(pair)`") }
                lexicon.variants.append(.init(form: String(scalars[0]), plain: String(scalars[1]), wordOnly: false))
            }
        }
    }

    /// `@name` starts a class; following lines hold terms separated by `|`.
    static func parseClasses(_ text: String, file: String, into lexicon: inout Lexicon) throws(LexiconError) {
        var current: String?
        for (number, line) in lines(text) {
            if line.hasPrefix("@") {
                let name = String(line.dropFirst()).trimmingCharacters(in: .whitespaces)
                guard isName(name) else { throw .syntax(file: file, line: number, message: "bad class name `\(name)`") }
                current = name
                if let other = lexicon.classFiles[name], other != file, name != EngineClass.hardNegative {
                    throw .syntax(file: file, line: number, message: "class @\(name) is already defined in \(other)")
                }
                lexicon.classFiles[name] = file
                if lexicon.classes[name] == nil { lexicon.classes[name] = [] }
                continue
            }
            guard let name = current else { throw .syntax(file: file, line: number, message: "terms before any `@class` line") }
            for raw in line.split(separator: "|") {
                var term = raw.trimmingCharacters(in: .whitespaces)
                guard !term.isEmpty else { continue }
                var prefix = false
                if term.hasSuffix("*") {
                    term.removeLast()
                    prefix = true
                }
                lexicon.classes[name, default: []].append(.init(text: term, prefix: prefix))
            }
        }
    }

    /// `LABEL FAMILY : ELEMENT [~N | &] ELEMENT … [!ELEMENT] [flags]`.
    static func parseRules(_ text: String, file: String) throws(LexiconError) -> [Lexicon.Rule] {
        var rules: [Lexicon.Rule] = []
        for (number, line) in lines(text) {
            guard let colon = line.firstIndex(of: ":") else { throw .syntax(file: file, line: number, message: "expected `LABEL FAMILY : PATTERN`") }
            let head = line[..<colon].split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard head.count == 2 else { throw .syntax(file: file, line: number, message: "expected a label and a family before `:`") }
            var body = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            var flags: Lexicon.Rule.Flags = []
            if body.hasSuffix("]"), let open = body.lastIndex(of: "[") {
                for flag in body[body.index(after: open)..<body.index(before: body.endIndex)].split(separator: ",") {
                    switch flag.trimmingCharacters(in: .whitespaces) {
                    case "any": flags.insert(.anySubject)
                    case "third": flags.insert(.thirdParty)
                    case "fixed": flags.insert(.fixed)
                    case "ask": flags.insert(.question)
                    case let other: throw .syntax(file: file, line: number, message: "unknown flag `\(other)`")
                    }
                }
                body = String(body[..<open]).trimmingCharacters(in: .whitespaces)
            }
            var parts: [Lexicon.Rule.Element] = []
            var links: [Lexicon.Rule.Link] = []
            var pending: Lexicon.Rule.Link = .after(gap: defaultGap)
            for var token in tokens(body) {
                if token.hasPrefix("!"), token.count > 1 {
                    guard !parts.isEmpty else { throw .syntax(file: file, line: number, message: "a pattern cannot start with `!`") }
                    token.removeFirst()
                    let anywhere = token.hasPrefix("&")
                    if anywhere { token.removeFirst() }
                    pending = .absent(anywhere: anywhere)
                }
                if token == "&" {
                    pending = .anywhere
                } else if token.hasPrefix("~"), let gap = Int(token.dropFirst()), gap >= 0 {
                    pending = .after(gap: gap)
                } else if token.hasPrefix("@") {
                    parts.append(.termClass(String(token.dropFirst())))
                    links.append(pending)
                    pending = .after(gap: defaultGap)
                } else {
                    parts.append(.literal(token))
                    links.append(pending)
                    pending = .after(gap: defaultGap)
                }
            }
            guard !parts.isEmpty else { throw .syntax(file: file, line: number, message: "empty pattern") }
            rules.append(.init(label: String(head[0]), family: String(head[1]), parts: parts, links: links, flags: flags, file: file, line: number))
        }
        return rules
    }

    /// Units allowed between two elements when the rule does not say (`~N`).
    static let defaultGap = 2

    /// Splits on spaces, keeping `"quoted phrases"` whole.
    static func tokens(_ body: String) -> [String] {
        var out: [String] = []
        var current = ""
        var quoted = false
        for c in body {
            if c == "\"" {
                if quoted, !current.isEmpty { out.append(current) }
                if !quoted, !current.isEmpty { out.append(current) }
                current = ""
                quoted.toggle()
            } else if !quoted, c == " " || c == "\t" {
                if !current.isEmpty { out.append(current) }
                current = ""
            } else {
                current.append(c)
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    static func isName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "_" }
    }

    static func checkReferences(_ lexicon: Lexicon) throws(LexiconError) {
        for rule in lexicon.rules.values.joined() {
            for part in rule.parts {
                if case .termClass(let name) = part, lexicon.classes[name] == nil, !EngineClass.builtIn.contains(name) {
                    throw .syntax(file: rule.file, line: rule.line, message: "unknown class @\(name)")
                }
            }
        }
    }
}
