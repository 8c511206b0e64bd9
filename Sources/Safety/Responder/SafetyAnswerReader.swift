import ChatCore

/// Reads a short message as a yes or a no to the safety question asked just before ("嗯", "有",
/// "是的", "想过", "yes", "yeah" / "没有", "不是", "no"). Only short answers count: a message with
/// more to say than a few words after its yes or no is read as a message of its own. Hesitant
/// answers ("有时候", "可能吧", "kind of") count as a yes, so a risk that is half said is still
/// asked about.
public enum SafetyAnswerReader {
    /// Characters after the leading yes or no beyond which a message is not just an answer.
    static let maxRemainder = 20

    public static func read(_ text: String) -> SafetyAnswer? {
        guard text.count <= 60 else { return nil }
        var pieces = Self.pieces(of: text)
        // "嗯，没有" is a no: a leading filler only acknowledges the question.
        while pieces.count > 1, let first = pieces.first, fillers.contains(first) { pieces.removeFirst() }
        guard let head = pieces.first else { return nil }
        guard pieces.dropFirst().reduce(0, { $0 + $1.count }) <= maxRemainder else { return nil }
        if no.contains(head) { return .no }
        if yes.contains(head) || fillers.contains(head) { return .yes }
        return nil
    }

    /// Lower-cased clauses split at punctuation, emoji and symbols dropped, spaces collapsed,
    /// Chinese sentence particles (啊, 吧, 呢…) taken off the end.
    static func pieces(of text: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        func close() {
            var piece = current.split(separator: " ").joined(separator: " ")
            while piece.count > 1, let last = piece.last, particles.contains(last) { piece.removeLast() }
            if !piece.isEmpty { pieces.append(piece) }
            current = ""
        }
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if character == "'" || character == "’" {
                current.append("'")
            } else if character.isWhitespace {
                current.append(" ")
            } else if character.isPunctuation {
                close()
            }
            // Anything else (emoji, symbols) says nothing about yes or no.
        }
        close()
        return pieces
    }

    static let particles: Set<Character> = ["啊", "呀", "吧", "呢", "啦", "哦", "噢", "嘛", "哈", "喔"]

    static let fillers: Set<String> = ["嗯", "恩", "唔", "哦", "噢", "额", "呃", "emm", "hmm", "um", "well"]

    static let yes: Set<String> = [
        "嗯嗯", "恩恩", "有", "有的", "有过", "有想过", "想过", "想", "是", "是的", "对", "对的", "会", "会的",
        "嗯有", "嗯是", "嗯对", "有时候", "有时", "有时候会", "偶尔", "偶尔会", "有一点", "有点", "有一些",
        "经常", "一直", "一直都有", "确实", "确实有", "算是", "可能", "可能有", "也许", "是有", "在想",
        "yes", "yeah", "yep", "yup", "ya", "yah", "y", "sometimes", "i have", "i do", "i am", "i guess",
        "kind of", "kinda", "sort of", "maybe", "a little", "often", "always", "yes i have", "yeah i have",
    ]

    static let no: Set<String> = [
        "没有", "没", "没有的", "没想过", "没有想过", "从来没有", "从没有", "从没想过", "不是", "不是的", "不会",
        "不会的", "不", "不想", "并没有", "当然没有", "当然不是", "没有没有", "不不", "不是不是", "没那么严重",
        "no", "nope", "nah", "not really", "never", "no i haven't", "i haven't", "i'm not", "im not",
        "not at all", "of course not", "no i'm not", "no no",
    ]
}
