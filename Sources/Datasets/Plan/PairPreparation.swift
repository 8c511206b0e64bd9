import ChatCore
import Dispatch
import Synchronization

/// The per-pair work of `dataset prepare` that needs no shared state — cleaning, screening,
/// limits and rendering — so batches of pairs can be prepared on all cores. Deduplication and
/// writing stay sequential, in input order, so the output does not depend on the core count.
struct PairPreparation: Sendable {
    let options: PrepareOptions
    let screen: any ContentScreen

    enum Outcome: Sendable {
        case drop(DropReason)
        case crisis(String)
        case ready(Prepared)
    }

    struct Prepared: Sendable {
        var line: [UInt8]
        var counts: (prompt: CharacterCount, completion: CharacterCount)
        var question: String
        var answer: String
        var normalizedQuestion: String
        var normalizedAnswer: String
        var category: String?
    }

    /// Answers of one question arrive together; their question is cleaned once.
    struct QuestionCache {
        var raw: String?
        var clean = ""
        var flag: ContentFlag?
        var normalized = ""
    }

    func prepare(_ pair: SourcePair, cache: inout QuestionCache) -> Outcome {
        let cleaner = TextCleaner(options: options.cleaner)
        if pair.question != cache.raw {
            cache.raw = pair.question
            cache.clean = cleaner.clean(pair.question)
            let folded = Folding.fold(cache.clean)
            cache.flag = options.screenCrisis ? screen.screen(cache.clean, folded: folded) : nil
            cache.normalized = Deduplicator.normalized(folded: folded)
        }
        let question = cache.clean
        let answer = cleaner.clean(pair.answer)
        guard !question.isEmpty, !answer.isEmpty else { return .drop(.emptyAfterCleaning) }
        let foldedAnswer = Folding.fold(answer)
        let normalizedAnswer = Deduplicator.normalized(folded: foldedAnswer)
        if options.dropLowContent, LowContentFilter.isLowContent(normalized: normalizedAnswer) { return .drop(.thanksOrEmojiOnly) }
        let answerLength = answer.unicodeScalars.count
        if answerLength < options.minAnswerCharacters { return .drop(.tooShort) }
        if options.maxPromptCharacters > 0, question.unicodeScalars.count > options.maxPromptCharacters { return .drop(.promptTooLong) }
        if options.maxAnswerCharacters > 0, answerLength > options.maxAnswerCharacters { return .drop(.answerTooLong) }
        if options.screenCrisis, let flag = cache.flag ?? screen.screen(answer, folded: foldedAnswer) { return .crisis(flag.category) }
        let context = pair.context.map { ContextTurn(question: cleaner.clean($0.question), answer: cleaner.clean($0.answer)) }
        var line: [UInt8] = []
        line.reserveCapacity(question.utf8.count + answer.utf8.count + 64)
        let counts = options.output.append(TrainingExample(question: question, answer: answer, context: context), to: &line)
        if counts.prompt.total + counts.completion.total > options.maxExampleCharacters { return .drop(.exampleTooLong) }
        return .ready(Prepared(
            line: line, counts: counts, question: question, answer: answer,
            normalizedQuestion: cache.normalized, normalizedAnswer: normalizedAnswer, category: pair.category
        ))
    }

    /// Prepares a batch, split into contiguous slices over the cores; results in input order.
    func prepare(batch: [SourcePair], workers: Int) -> [Outcome] {
        guard workers > 1, batch.count >= 64 else {
            var cache = QuestionCache()
            return batch.map { prepare($0, cache: &cache) }
        }
        let slice = (batch.count + workers - 1) / workers
        // Each worker prepares a contiguous slice and hands it over once, under the lock.
        let slices = Mutex([[Outcome]](repeating: [], count: workers))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var cache = QuestionCache()
            let range = min(batch.count, worker * slice)..<min(batch.count, (worker + 1) * slice)
            let prepared = range.map { prepare(batch[$0], cache: &cache) }
            slices.withLock { $0[worker] = prepared }
        }
        return slices.withLock { $0.flatMap { $0 } }
    }
}
