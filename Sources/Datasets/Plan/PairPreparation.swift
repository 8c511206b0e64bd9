import ChatCore
import Dispatch

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
        var results = [Outcome?](repeating: nil, count: batch.count)
        let slice = (batch.count + workers - 1) / workers
        results.withUnsafeMutableBufferPointer { buffer in
            // Each worker writes only its own slice of the buffer.
            let output = UnsafeSendableBuffer(buffer)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var cache = QuestionCache()
                let range = (worker * slice)..<min(batch.count, (worker + 1) * slice)
                for index in range { output.store(prepare(batch[index], cache: &cache), at: index) }
            }
        }
        return results.map { $0 ?? .drop(.malformedRecord) }
    }
}

/// A buffer that workers of `concurrentPerform` write at disjoint indices. `@unchecked` because
/// the compiler cannot see that the slices do not overlap; `prepare(batch:workers:)` guarantees it
/// and returns only after every worker finished.
struct UnsafeSendableBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element?>

    init(_ buffer: UnsafeMutableBufferPointer<Element?>) {
        self.buffer = buffer
    }

    func store(_ value: Element, at index: Int) { buffer[index] = value }
}
