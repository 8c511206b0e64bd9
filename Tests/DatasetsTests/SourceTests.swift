import ChatCore
import Foundation
import Testing
@testable import Datasets

@Suite("Source filters and the recipe's selection")
struct SourceTests {
    /// Every candidate pair a source yields from a fixture file, before cleaning.
    func candidates(_ kind: SourceKind, _ file: String, flyrae: FlyraeSource.Options = .init(), efaqa: EfaqaSource.Options = .init()) throws -> (pairs: [SourcePair], drops: [DropReason: Int], sos: Int) {
        var reader = RecordReader(source: try DatasetInput.open(path: Fixture.path(file)), layout: kind.layout)
        defer { reader.close() }
        var pairs: [SourcePair] = []
        var drops: [DropReason: Int] = [:]
        var sos = 0
        while let item = try reader.next() {
            guard case .record(let value, let position) = item else { continue }
            switch kind {
            case .flyrae: pairs += try FlyraeSource(options: flyrae).pairs(from: value, at: position, drops: &drops).get()
            case .efaqa:
                let extraction = try EfaqaSource(options: efaqa).pairs(from: value, at: position, drops: &drops).get()
                pairs += extraction.pairs
                if extraction.isSOS { sos += 1 }
            case .generic: pairs += try GenericSource().pairs(from: value, at: position).get()
            }
        }
        return (pairs, drops, sos)
    }

    /// The completions the recipe's scripts wrote (bench/datasets/recipe_*.py on the fixtures).
    func recipeOutput(_ file: String) throws -> [(prompt: String, completion: String)] {
        let text = try String(contentsOfFile: Fixture.path(file), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
            return (try #require(object["prompt"]), try #require(object["completion"]))
        }
    }

    @Test("flyrae: the recipe's selection exactly (推荐 answers, title + content, one pair each)")
    func flyraeRecipe() throws {
        let ours = try candidates(.flyrae, "flyrae-sample.json").pairs
        let recipe = try recipeOutput("flyrae-recipe-output.jsonl")
        #expect(ours.count == recipe.count)
        #expect(ours.map(\.answer) == recipe.map(\.completion))
        // The recipe concatenates title and content; we put a newline between them.
        for (pair, line) in zip(ours, recipe) {
            #expect(pair.question.replacingOccurrences(of: "\n", with: "") == line.prompt.replacingOccurrences(of: "\n", with: ""))
        }
    }

    @Test("efaqa: the recipe's selection exactly when SOS threads are included")
    func efaqaRecipe() throws {
        var options = EfaqaSource.Options()
        options.includeSOS = true
        for file in ["efaqa-sample.jsonl", "efaqa-sample.jsonl.gz"] {
            let ours = try candidates(.efaqa, file, efaqa: options).pairs
            let recipe = try recipeOutput("efaqa-recipe-output.jsonl")
            #expect(ours.map(\.answer) == recipe.map(\.completion))
            #expect(ours.map(\.question) == recipe.map(\.prompt))
        }
    }

    @Test("flyrae filters: non-recommended, minimum upvotes, title only, labels")
    func flyraeFilters() throws {
        let base = try candidates(.flyrae, "flyrae-sample.json")
        #expect(base.pairs.count == 10)
        #expect(base.drops[.notRecommended] == 3)

        var all = FlyraeSource.Options()
        all.includeNonRecommended = true
        #expect(try candidates(.flyrae, "flyrae-sample.json", flyrae: all).pairs.count == 13)

        var zan = FlyraeSource.Options()
        zan.minimumUpvotes = 3  // "12", "3", 5 (a number), "8", "20" qualify among 推荐 answers
        let upvoted = try candidates(.flyrae, "flyrae-sample.json", flyrae: zan)
        #expect(upvoted.pairs.count == 5)
        #expect(upvoted.drops[.belowMinimumUpvotes] == 5)

        var titleOnly = FlyraeSource.Options()
        titleOnly.includeContent = false
        #expect(try candidates(.flyrae, "flyrae-sample.json", flyrae: titleOnly).pairs.first?.question == "最近总是失眠怎么办？")

        var labels = FlyraeSource.Options()
        labels.includeLabels = ["职场", "恋爱"]
        labels.excludeLabels = ["失恋"]
        let labelled = try candidates(.flyrae, "flyrae-sample.json", flyrae: labels)
        #expect(Set(labelled.pairs.map(\.groupKey)) == ["flyrae:q-work-002"])
        #expect(labelled.pairs.allSatisfy { $0.category == "职场" })
    }

    @Test("efaqa filters: knowledge, negative, SOS, audience only, description, labels")
    func efaqaFilters() throws {
        let base = try candidates(.efaqa, "efaqa-sample.jsonl")
        #expect(base.pairs.count == 5)
        #expect(base.drops[.notKnowledge] == 3)
        #expect(base.drops[.negative] == 1)
        #expect(base.drops[.sosTopic] == 1)
        #expect(base.sos == 1)
        #expect(base.pairs.first?.category == "学业与未来规划")

        var audience = EfaqaSource.Options()
        audience.audienceOnly = true
        let fromAudience = try candidates(.efaqa, "efaqa-sample.jsonl", efaqa: audience)
        #expect(fromAudience.pairs.count == 4)
        #expect(fromAudience.drops[.ownerMessage] == 1)

        var description = EfaqaSource.Options()
        description.includeDescription = true
        #expect(try candidates(.efaqa, "efaqa-sample.jsonl", efaqa: description).pairs.first?.question == "考试前特别紧张睡不着\n下周就要考试了，一想到就心慌。")

        var negative = EfaqaSource.Options()
        negative.excludeNegative = false
        negative.requireKnowledge = false
        #expect(try candidates(.efaqa, "efaqa-sample.jsonl", efaqa: negative).pairs.count == 9)

        var labels = EfaqaSource.Options()
        labels.includeLabels = [try #require(EfaqaSource.LabelMatch("s1=1.6")), try #require(EfaqaSource.LabelMatch("s1=1.1"))]
        labels.excludeLabels = [try #require(EfaqaSource.LabelMatch("s1=1.1"))]
        let labelled = try candidates(.efaqa, "efaqa-sample.jsonl", efaqa: labels)
        #expect(Set(labelled.pairs.map(\.groupKey)) == ["efaqa:e4"])
        var prefix = EfaqaSource.Options()
        prefix.includeLabels = [try #require(EfaqaSource.LabelMatch("s1=1.1"))]
        #expect(try candidates(.efaqa, "efaqa-sample.jsonl", efaqa: prefix).pairs.count == 1)
        prefix.includeLabels = [try #require(EfaqaSource.LabelMatch("s1=1."))]
        #expect(try candidates(.efaqa, "efaqa-sample.jsonl", efaqa: prefix).pairs.count == 5)
        #expect(EfaqaSource.LabelMatch("x=1") == nil)
        #expect(EfaqaSource.LabelMatch("s1") == nil)
    }

    @Test("SOS is 3.1–3.5 (and unknown 3.x); 3.6 and absence are not")
    func sos() {
        #expect(EfaqaSource.isSOS("3.1"))
        #expect(EfaqaSource.isSOS("3.5"))
        #expect(EfaqaSource.isSOS("3.9"))
        #expect(!EfaqaSource.isSOS("3.6"))
        #expect(!EfaqaSource.isSOS(nil))
        #expect(!EfaqaSource.isSOS(""))
    }

    @Test("missing fields make a record malformed, with its position")
    func malformed() throws {
        let at = SourcePosition(line: 3, byteOffset: 10, record: 2)
        var drops: [DropReason: Int] = [:]
        let noInfo = FlyraeSource().pairs(from: .object([JSONMember(key: "answers_info", value: .array([]))]), at: at, drops: &drops)
        guard case .failure(let why) = noInfo else { Issue.record("accepted"); return }
        #expect(why.reason == "missing field ques_info")
        #expect(why.description.contains("line 3"))
        let notObject = EfaqaSource().pairs(from: .array([]), at: at, drops: &drops)
        guard case .failure = notObject else { Issue.record("accepted"); return }
        let noChats = EfaqaSource().pairs(from: .object([JSONMember(key: "title", value: .string("t"))]), at: at, drops: &drops)
        guard case .failure(let why2) = noChats else { Issue.record("accepted"); return }
        #expect(why2.reason == "missing field chats")
    }

    @Test("generic: formatted prompt/completion is unwrapped; messages give pairs with context")
    func generic() throws {
        let items = try readAll("""
        {"prompt":"睡不着\\n\\n###\\n\\n","completion":" 试试放松 [END]"}
        {"messages":[{"role":"system","content":"s"},{"role":"user","content":"q1"},{"role":"assistant","content":"a1"},{"role":"user","content":"q2"},{"role":"assistant","content":"a2"}]}
        {"messages":[{"role":"user","content":"only"}]}
        {"prompt":3,"completion":"x"}
        """, layout: .lines)
        let source = GenericSource()
        let first = try source.pairs(from: try #require(items[0].value), at: items[0].position).get()
        #expect(first == [SourcePair(question: "睡不着", answer: "试试放松", groupKey: "prompt:睡不着", source: .generic, position: items[0].position)])
        let chat = try source.pairs(from: try #require(items[1].value), at: items[1].position).get()
        #expect(chat.map(\.answer) == ["a1", "a2"])
        #expect(chat[1].context == [ContextTurn(question: "q1", answer: "a1")])
        guard case .failure = source.pairs(from: try #require(items[2].value), at: items[2].position) else { Issue.record("accepted"); return }
        guard case .failure = source.pairs(from: try #require(items[3].value), at: items[3].position) else { Issue.record("accepted"); return }
    }
}
