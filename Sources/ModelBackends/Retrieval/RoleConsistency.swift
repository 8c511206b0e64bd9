import ChatCore
import Foundation

/// Finds people, relationships and pets a reply names that the question did not: an answer about
/// "your father" to someone who never mentioned a father invents a fact. A role in the reply is
/// fine when the question has any of its cues (父母 is fine after 我妈; 宠物 after 我的猫).
public enum RoleConsistency {
    struct Role: Sendable {
        var name: String
        /// Words in a reply that name the role.
        var words: [String]
        /// Words in a question that make the role part of the user's story.
        var cues: [String]
    }

    static let father = ["爸", "父", "dad", "father"]
    static let mother = ["妈", "母亲", "mom", "mum", "mother"]
    static let child = ["孩子", "儿子", "女儿", "闺女", "小孩", "娃", "宝宝", "kid", "child", "son", "daughter", "teen", "teenager"]
    static let pet = ["hamster", "rabbit", "parrot", "宠物", "猫", "狗", "喵", "汪", "仓鼠", "兔", "鹦鹉", "pet", "cat", "dog", "puppy", "kitten"]

    static let roles: [Role] = [
        Role(name: "father", words: ["父亲", "爸爸", "老爸", "dad", "father"], cues: father),
        Role(name: "mother", words: ["母亲", "妈妈", "老妈", "mom", "mum", "mother"], cues: mother),
        Role(name: "parents", words: ["父母", "爸妈", "双亲", "parents"], cues: father + mother + ["家长", "家里", "家人", "parent", "family"]),
        Role(name: "daughter", words: ["女儿", "闺女", "daughter"], cues: ["女儿", "闺女", "daughter"]),
        Role(name: "son", words: ["儿子", "son"], cues: ["儿子", "son"]),
        Role(name: "child", words: ["孩子", "child", "kid"], cues: child + ["家长", "当妈", "当爸", "育儿", "初中", "高中", "小学", "初一", "初二", "初三", "高一", "高二", "高三", "年级", "上学", "作业", "叛逆", "单亲", "抚养", "岁", "幼儿", "收手机", "year old", "二胎", "老大", "大宝", "二宝", "parent"]),
        Role(name: "husband", words: ["老公", "丈夫", "husband"], cues: ["老公", "丈夫", "先生", "爱人", "husband"]),
        Role(name: "wife", words: ["妻子", "老婆", "媳妇", "wife"], cues: ["妻子", "老婆", "媳妇", "爱人", "wife"]),
        Role(name: "boyfriend", words: ["男朋友", "男友", "boyfriend"], cues: ["男朋友", "男友", "男票", "boyfriend"]),
        Role(name: "girlfriend", words: ["女朋友", "女友", "girlfriend"], cues: ["女朋友", "女友", "女票", "girlfriend"]),
        Role(name: "mother-in-law", words: ["婆婆", "岳母", "丈母娘", "mother-in-law"], cues: ["婆婆", "岳母", "丈母娘", "婆媳", "婆家", "in-law"]),
        Role(name: "father-in-law", words: ["公公", "岳父", "老丈人", "father-in-law"], cues: ["公公", "岳父", "老丈人", "公婆", "婆家", "in-law"]),
        Role(name: "grandparent", words: ["爷爷", "奶奶", "外公", "外婆", "姥姥", "姥爷", "grandma", "grandpa", "grandmother", "grandfather"],
             cues: ["爷爷", "奶奶", "外公", "外婆", "姥姥", "姥爷", "grand"]),
        Role(name: "sibling", words: ["哥哥", "姐姐", "弟弟", "妹妹", "brother", "sister"], cues: ["哥", "姐", "弟", "妹", "brother", "sister", "sibling"]),
        Role(name: "cat", words: ["猫", "cat", "kitten"], cues: ["猫", "喵", "cat", "kitten"]),
        Role(name: "dog", words: ["狗", "dog", "puppy"], cues: ["狗", "汪", "dog", "puppy"]),
        Role(name: "pet", words: ["宠物", "pet"], cues: pet),
    ]

    /// Roles the reply names that the question gives no cue for (role names, in table order).
    /// Runs for every answer the retrieval model gives, so it searches UTF-8 bytes: Foundation's
    /// `String.contains` (locale-aware folding) cost a third of the server's CPU per message.
    public static func invented(reply: String, question: String) -> [String] {
        let r = Array(TextNormalizer.fold(reply).lowercased().utf8)
        var q: [UInt8]?
        return roles.filter { role in
            guard role.words.contains(where: { contains(r, $0) }) else { return false }
            if q == nil { q = Array(TextNormalizer.fold(question).lowercased().utf8) }
            return !role.cues.contains { contains(q ?? [], $0) }
        }.map(\.name)
    }

    /// Substring match on UTF-8 bytes; Latin words must stand alone ("son" is not in "person", "cat"
    /// not in "educate"; a plural "s" may follow).
    static func contains(_ text: [UInt8], _ word: String) -> Bool {
        let needle = Array(word.utf8)
        guard !needle.isEmpty, needle.count <= text.count else { return false }
        let latin = needle.allSatisfy { $0 < 0x80 }
        func isLetter(_ byte: UInt8) -> Bool { (0x61...0x7A).contains(byte) || (0x41...0x5A).contains(byte) }
        var start = 0
        while start + needle.count <= text.count {
            if text[start] == needle[0], text[start..<(start + needle.count)].elementsEqual(needle) {
                guard latin else { return true }
                let end = start + needle.count
                let before = start > 0 && isLetter(text[start - 1])
                let after = end < text.count && isLetter(text[end]) && text[end] != UInt8(ascii: "s")
                if !before && !after { return true }
            }
            start += 1
        }
        return false
    }
}
