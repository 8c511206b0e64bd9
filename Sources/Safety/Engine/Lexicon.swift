import Foundation

/// Why the lexicon could not be loaded. Loading happens at start, so these stop the service with a
/// message naming the file and line to fix.
public enum LexiconError: Error, Sendable, Equatable, CustomStringConvertible {
    case missing(String)
    case unreadable(String)
    case syntax(file: String, line: Int, message: String)

    public var description: String {
        switch self {
        case .missing(let path): "lexicon file missing: \(path)"
        case .unreadable(let path): "lexicon file not readable as UTF-8: \(path)"
        case .syntax(let file, let line, let message): "\(file):\(line): \(message)"
        }
    }
}

/// The safety rules as data: variants (slang, obfuscation, emoji), term classes and rules, parsed
/// from the readable files in `Resources/lexicon` (layout and syntax: `docs/safety.md`).
public struct Lexicon: Sendable {
    public struct Variant: Sendable, Equatable {
        public var form: String
        public var plain: String
        /// The form only counts as a whole Latin word (`[zs]`), not inside `zsh`.
        public var wordOnly: Bool
    }

    public struct Term: Sendable, Equatable {
        public var text: String
        /// `suicid*`: a Latin term that may continue with more letters.
        public var prefix: Bool
    }

    public struct Rule: Sendable, Equatable {
        public enum Link: Sendable, Equatable {
            /// The element follows the previous one in the same clause, at most `gap` units later.
            case after(gap: Int)
            /// The element occurs anywhere in the text (`&`), not negated.
            case anywhere
            /// The rule fails when the element occurs in the sentence where the match starts (`!@x`:
            /// `炭 … !@bbq`), or anywhere in the text (`!&@x`: `跳下去 !&@leisure_jump`).
            case absent(anywhere: Bool)
        }

        public enum Element: Sendable, Equatable {
            case termClass(String)
            case literal(String)
        }

        public struct Flags: OptionSet, Sendable, Equatable {
            public let rawValue: Int
            public init(rawValue: Int) { self.rawValue = rawValue }
            /// Whoever the subject is, the rule holds (method questions, threats to others).
            public static let anySubject = Flags(rawValue: 1)
            /// The rule itself is about someone else (`kill herself`).
            public static let thirdParty = Flags(rawValue: 2)
            /// Negation, reported speech and topic frames do not soften it.
            public static let fixed = Flags(rawValue: 4)
            /// Only in a question: the sentence ends with a question mark or holds a question word
            /// (`@question`: 怎么, 多少, 哪里, 是不是…).
            public static let question = Flags(rawValue: 8)
        }

        public var label: String
        public var family: String
        public var parts: [Element]
        /// `links[0]` is ignored; `links[i]` ties element `i` to element `i - 1` (or to the text).
        public var links: [Link]
        public var flags: Flags
        public var file: String
        public var line: Int
    }

    public var variants: [Variant] = []
    /// Whole sentences in pinyin, read as characters (`pinyin.txt`; empty when the file is absent).
    var pinyin = PinyinReader()
    public var classes: [String: [Term]] = [:]
    /// Rules by file name without extension: `input`, `output`.
    public var rules: [String: [Rule]] = [:]
    /// The file each class was defined in; only `@hard_negative` may be continued in another file.
    var classFiles: [String: String] = [:]

    public init() {}

    /// The lexicon shipped with the binary (parsed once per process; it never changes).
    public static func bundled() throws(LexiconError) -> Lexicon {
        try shipped.get()
    }

    private static let shipped: Result<Lexicon, LexiconError> = {
        guard let url = Bundle.module.url(forResource: "lexicon", withExtension: nil) else {
            return .failure(.missing("lexicon (bundle resource)"))
        }
        do throws(LexiconError) {
            return .success(try load(directory: url.path))
        } catch {
            return .failure(error)
        }
    }()

    /// Loads `normalize.txt`, every `*.classes` file and every `*.rules` file in `directory`.
    public static func load(directory: String) throws(LexiconError) -> Lexicon {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw .missing(directory)
        }
        var lexicon = Lexicon()
        let normalize = (directory as NSString).appendingPathComponent("normalize.txt")
        guard names.contains("normalize.txt") else { throw .missing(normalize) }
        try LexiconParser.parseVariants(try read(normalize), file: "normalize.txt", into: &lexicon)
        if names.contains("traditional.txt") {
            let path = (directory as NSString).appendingPathComponent("traditional.txt")
            try LexiconParser.parseCharacters(try read(path), file: "traditional.txt", into: &lexicon)
        }
        if names.contains("pinyin.txt") {
            let path = (directory as NSString).appendingPathComponent("pinyin.txt")
            lexicon.pinyin = try PinyinReader.parse(try read(path), file: "pinyin.txt")
        }
        for name in names where name.hasSuffix(".classes") {
            let path = (directory as NSString).appendingPathComponent(name)
            try LexiconParser.parseClasses(try read(path), file: name, into: &lexicon)
        }
        for name in names where name.hasSuffix(".rules") {
            let path = (directory as NSString).appendingPathComponent(name)
            // `input.rules` and `input.violence.rules` both belong to the `input` set.
            let set = String(name.dropLast(".rules".count).prefix { $0 != "." })
            lexicon.rules[set, default: []] += try LexiconParser.parseRules(try read(path), file: name)
        }
        try LexiconParser.checkReferences(lexicon)
        return lexicon
    }

    private static func read(_ path: String) throws(LexiconError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw .missing(path) }
        guard let text = String(data: data, encoding: .utf8) else { throw .unreadable(path) }
        return text
    }
}
