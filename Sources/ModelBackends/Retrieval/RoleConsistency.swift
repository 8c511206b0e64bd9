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
    public static func invented(reply: String, question: String) -> [String] {
        let r = TextNormalizer.fold(reply).lowercased()
        let q = TextNormalizer.fold(question).lowercased()
        return roles.filter { role in
            role.words.contains { contains(r, $0) } && !role.cues.contains { contains(q, $0) }
        }.map(\.name)
    }

    /// Substring match; Latin words must stand alone ("son" is not in "person", "cat" not in "educate").
    static func contains(_ text: String, _ word: String) -> Bool {
        guard word.unicodeScalars.allSatisfy({ $0.isASCII }) else { return text.contains(word) }
        var rest = text[...]
        while let range = rest.range(of: word) {
            let before = range.lowerBound == text.startIndex ? nil : text[text.index(before: range.lowerBound)]
            let after = range.upperBound == text.endIndex ? nil : text[range.upperBound]
            let isLetter = { (c: Character?) in c.map { $0.isLetter && $0.isASCII } ?? false }
            if !isLetter(before) && (!isLetter(after) || after == "s") { return true }
            rest = text[range.upperBound...]
        }
        return false
    }
}
