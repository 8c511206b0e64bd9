import ChatCore
import Foundation
import Logging

/// Heartline's safety layer, the live `SafetyFilter`. Order matters: crisis detection runs first
/// and wins over every refusal (a person at risk always gets the hotlines, even when rate limited
/// or swearing); then a short yes or no answering the last safety question; then the operator's
/// blocklist, spam and abuse, and the rate limit; then concern. Crisis and concern replies are
/// composed by the `SafetyResponder` from the concepts the detector saw. Model replies go through
/// the output checks.
public final class SafetyLayer: SafetyFilter {
    public struct Configuration: Sendable {
        public var rateLimits: RateLimiter.Limits
        /// Operator blocklist file, re-read when it changes.
        public var blocklistPath: String?
        /// The same message more than this many times in ten minutes is refused as spam.
        public var maxRepeats: Int
        /// Refuse insults aimed at the bot (with a kind reply) instead of answering them.
        public var refuseAbuse: Bool

        public init(rateLimits: RateLimiter.Limits = .init(), blocklistPath: String? = nil, maxRepeats: Int = 3, refuseAbuse: Bool = true) {
            self.rateLimits = rateLimits
            self.blocklistPath = blocklistPath
            self.maxRepeats = maxRepeats
            self.refuseAbuse = refuseAbuse
        }
    }

    let detector: any CrisisDetecting
    let outputChecker: OutputChecker
    let rateLimiter: RateLimiter
    let repeatGuard: RepeatGuard
    let blocklist: Blocklist?
    let alerts: AlertDispatcher?
    let refuseAbuse: Bool
    let responder = SafetyResponder()
    public let counters = SafetyCounters()
    let logger: Logger

    public init(
        detector: any CrisisDetecting,
        outputChecker: OutputChecker,
        configuration: Configuration = Configuration(),
        alerts: AlertDispatcher? = nil,
        logger: Logger = Logger(label: "heartline.safety")
    ) {
        self.detector = detector
        self.outputChecker = outputChecker
        self.rateLimiter = RateLimiter(limits: configuration.rateLimits)
        self.repeatGuard = RepeatGuard(maxRepeats: configuration.maxRepeats)
        self.blocklist = configuration.blocklistPath.map { Blocklist(path: $0) }
        self.alerts = alerts
        self.refuseAbuse = configuration.refuseAbuse
        self.logger = logger
    }

    /// The layer over the built-in lexicon. Fails at start when the lexicon or the configured
    /// blocklist cannot be read, so a misconfiguration is seen before any user is.
    public static func live(
        configuration: Configuration, alerts: AlertDispatcher? = nil, logger: Logger = Logger(label: "heartline.safety")
    ) throws -> SafetyLayer {
        let layer = SafetyLayer(
            detector: try CrisisDetector.bundled(), outputChecker: try OutputChecker.bundled(),
            configuration: configuration, alerts: alerts, logger: logger
        )
        try layer.blocklist?.load()
        return layer
    }

    public func assessInput(_ input: SafetyInput) async throws -> InputVerdict {
        // A short answer to the safety question just asked is read against that question, not
        // against the turns before it (whose risk the question is already about); what it says
        // on its own is still checked first.
        let answer = input.pendingQuestion == nil ? nil : SafetyAnswerReader.read(input.text)
        let detection = try detector.detect(input.text, recent: answer == nil ? input.recentQuestions : [])
        let rate = rateLimiter.consume(input.userHash, at: input.now)
        let flood = repeatGuard.isFlood(input.text, user: input.userHash, at: input.now)
        counters.increment("input.\(detection.tier.rawValue)")

        if detection.tier == .crisis {
            let concepts = detection.concepts.isEmpty ? RiskConcept.fromReasons(detection.reasons) : detection.concepts
            var response = responder.crisis(concepts, language: input.language)
            response.answered = answer
            return .crisis(reasons: detection.reasons, response: response)
        }
        if let pending = input.pendingQuestion, let answer {
            counters.increment("answer.\(answer.rawValue)")
            let (tier, response) = responder.answer(answer, to: pending.question, language: input.language)
            let reasons = ["answer.\(answer.rawValue).\(pending.question.rawValue)"]
            return tier == .crisis ? .crisis(reasons: reasons, response: response) : .concern(reasons: reasons, response: response)
        }
        if let blocklist, try blocklist.match(input.text, at: input.now) {
            return refuse("blocklist", input.language)
        }
        if flood || detection.policy.contains("spam") {
            return refuse("spam", input.language)
        }
        if refuseAbuse, detection.policy.contains("abuse") {
            return refuse("abuse", input.language)
        }
        if case .limited(let retryAfter) = rate {
            counters.increment("blocked.rate_limit")
            return .blocked(reason: "rate_limit", reply: SafetyReplies.rateLimited(input.language, retryAfter: retryAfter))
        }
        if detection.tier == .concern {
            let concepts = detection.concepts.isEmpty ? RiskConcept.fromReasons(detection.reasons) : detection.concepts
            return .concern(reasons: detection.reasons, response: responder.concern(concepts, language: input.language))
        }
        return .allow
    }

    private func refuse(_ reason: String, _ language: ReplyLanguage) -> InputVerdict {
        counters.increment("blocked.\(reason)")
        return .blocked(reason: reason, reply: SafetyReplies.blocked(language, reason: reason))
    }

    public func checkOutput(_ reply: String, for input: SafetyInput) async throws -> OutputVerdict {
        let violations = outputChecker.violations(in: reply)
        guard let first = violations.first else { return .pass }
        for reason in violations { counters.increment("output.replaced.\(reason)") }
        logger.warning("model reply failed the output check", metadata: ["safety.output_reasons": "\(violations.joined(separator: ","))"])
        return .replace(reason: first, reply: SafetyReplies.outputReplacement(input.language))
    }

    public func resourceLine(for language: ReplyLanguage) -> String {
        HotlineDirectory.shortLine(for: language)
    }

    public func crisisRaised(_ event: CrisisEvent) async {
        counters.increment("crisis.\(event.channel.rawValue)")
        alerts?.enqueue(CrisisAlert(event))
    }

    public func forget(_ user: UserHash) async {
        rateLimiter.forget(user)
        repeatGuard.forget(user)
        alerts?.forget(user)
    }
}
