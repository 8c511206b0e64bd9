/// Finds where the finished sentences of a growing answer end, so that only whole sentences are
/// checked and shown while a model streams. A sentence ends at a Chinese or full-width end mark
/// (。！？；), at `!` `?` `;`, at a newline, or at `.` followed by white space (so "3.5" and
/// "e.g" mid-word do not end one); an ellipsis, often mid-sentence in Chinese, does not. Closing
/// quotes and brackets right after the mark belong to the sentence. Text after the last end is
/// unfinished: the next draft may still change it.
public enum SentenceSplitter {
    static let endMarks: Set<Character> = ["。", "！", "？", "；", "!", "?", ";", "\n", "\r\n"]
    static let closers: Set<Character> = ["”", "’", "」", "』", "）", ")", "\"", "'", "】", "》"]

    /// The longest prefix of `text` made of whole sentences (empty when none is finished yet).
    public static func finishedPrefix(of text: String) -> Substring {
        var end = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            var next = text.index(after: index)
            let ends: Bool
            if character == "." {
                // A full stop ends a sentence only once white space is seen after it.
                ends = next < text.endIndex && text[next].isWhitespace
            } else {
                ends = endMarks.contains(character)
            }
            if ends {
                while next < text.endIndex, closers.contains(text[next]) { next = text.index(after: next) }
                end = next
            }
            index = next
        }
        return text[..<end]
    }
}
