import ChatCore

/// Recognises answers that say nothing: only thanks, filler (顶, +1, 路过, 同意, 抱抱…),
/// punctuation, symbols or emoji. They teach a model nothing but to be brief.
public enum LowContentFilter {
    /// Filler words and phrases, folded (lower-case, Simplified). Longest first so that
    /// `谢谢楼主` is removed whole before `谢谢`.
    public static let fillers: [String] = [
        "thank you very much", "thank you", "thanks", "thankyou", "thx", "3q", "ty",
        "谢谢楼主", "谢谢分享", "感谢分享", "分享", "谢谢你", "谢谢您", "谢谢大家", "谢谢", "感谢楼主", "感谢你", "感谢", "多谢", "谢了", "谢啦", "蟹蟹", "十分感谢", "非常感谢",
        "楼上正解", "楼上说得对", "说得好", "说的好", "写得好", "有道理", "同意楼上", "同意", "同感", "赞同", "顶顶", "顶", "点赞", "赞",
        "支持", "路过", "围观", "沙发", "板凳", "mark", "+1", "1", "抱抱", "拥抱", "加油", "嗯嗯", "嗯", "哈哈", "哈", "呵呵", "呵",
        "好的", "好", "ok", "是的", "对", "楼主", "lz", "你", "我", "了", "啊", "呀", "哦", "噢", "的", "！", "~",
    ].sorted { $0.count > $1.count }

    /// True when nothing but filler, punctuation, symbols, emoji and spaces remains.
    public static func isLowContent(_ text: String) -> Bool {
        isLowContent(normalized: Deduplicator.normalized(text))
    }

    /// The same on text already folded and reduced to letters and digits (`Deduplicator.normalized`).
    public static func isLowContent(normalized: String) -> Bool {
        var remaining = normalized
        if remaining.isEmpty { return true }
        // Only worth the phrase pass for short texts.
        guard remaining.count <= 40 else { return false }
        for filler in fillers where ByteSearch.contains(remaining, filler) {
            remaining = remaining.replacingOccurrences(of: filler, with: "")
            if remaining.isEmpty { return true }
        }
        return remaining.isEmpty
    }

    /// Letters, digits and ideographs count; spaces, punctuation, symbols and emoji do not.
    @inline(__always)
    static func isContent(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        // Fast answers for ASCII and the CJK blocks, which are nearly all of the text.
        if v < 0x80 {
            return (v >= 0x30 && v <= 0x39) || (v | 0x20 >= 0x61 && v | 0x20 <= 0x7A) || v == 0x2B
        }
        if (0x4E00...0x9FFF).contains(v) { return true }
        if (0x3000...0x303F).contains(v) || (0xFF00...0xFF0F).contains(v) || (0xFF1A...0xFF20).contains(v) { return false }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber, .letterNumber, .otherNumber:
            return true
        case .mathSymbol where scalar == "+":
            return true
        default:
            return false
        }
    }
}

import Foundation
