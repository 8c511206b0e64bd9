import Foundation
import Logging

/// One message in, one reply out: commands, input checks, safety, session context, prompt, model,
/// output check, session append. `handle` never throws: every failure becomes a calm reply.
public struct ConversationPipeline: Sendable {
    public let configuration: PipelineConfiguration
    let sessions: any SessionStore
    let inbox: (any Inbox)?
    let handoffs: (any HandoffStore)?
    /// Answer feedback, deleted with everything else by `/forget`.
    let feedback: (any FeedbackStore)?
    let model: any CompletionModel
    let safety: any SafetyFilter
    let observer: any PipelineObserver
    let logger: Logger
    let now: @Sendable () -> Date

    public init(
        configuration: PipelineConfiguration = PipelineConfiguration(),
        sessions: any SessionStore,
        inbox: (any Inbox)? = nil,
        handoffs: (any HandoffStore)? = nil,
        feedback: (any FeedbackStore)? = nil,
        model: any CompletionModel,
        safety: any SafetyFilter,
        observer: any PipelineObserver = NoPipelineObserver(),
        logger: Logger = Logger(label: "heartline.pipeline"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.sessions = sessions
        self.inbox = inbox
        self.handoffs = handoffs
        self.feedback = feedback
        self.model = model
        self.safety = safety
        self.observer = observer
        self.logger = logger
        self.now = now
    }

    /// Answers one message. `entryID` is the inbox entry being processed (kept by `/forget`).
    /// With `drafts`, a streaming model's answer is shown while it is written, one checked sentence
    /// at a time (`PipelineConfiguration.streamReplies`; never for crisis or concern messages).
    public func handle(_ message: InboundMessage, userHash: UserHash, entryID: String? = nil, drafts: ReplyDraftSink? = nil) async -> Reply {
        let started = ContinuousClock.now
        var log = logger
        log[metadataKey: "chat.channel"] = "\(message.channel.rawValue)"
        log[metadataKey: "chat.user"] = "\(userHash.short)"
        let reply = await answer(message, userHash: userHash, entryID: entryID, drafts: drafts, logger: log)
        let latency = ContinuousClock.now - started
        observer.record(.replied(channel: message.channel, source: reply.source, tier: reply.tier, latency: latency))
        log.debug(
            "replied",
            metadata: [
                "reply.source": "\(reply.source.rawValue)", "safety.tier": "\(reply.tier.rawValue)",
                "pipeline.latency_ms": "\(latency.milliseconds)",
            ]
        )
        return reply
    }

    private func answer(_ message: InboundMessage, userHash: UserHash, entryID: String?, drafts: ReplyDraftSink?, logger: Logger) async -> Reply {
        let language = message.language
        switch message.kind {
        case .unsupported:
            return fixed(.textOnly, language)
        case .edited:
            return fixed(.editedIgnored, language)
        case .greeting:
            return await greet(userHash: userHash, language: language, logger: logger)
        case .text:
            break
        }

        if handoffEnabled(for: message.channel), HandoffRequest.matches(message.text) {
            return await requestHandoff(message, userHash: userHash, logger: logger)
        }
        if let parsed = Command.parse(message.text) {
            switch parsed {
            case .command(let command):
                return await run(command, userHash: userHash, entryID: entryID, language: language, logger: logger)
            case .unknown:
                return fixed(.unknownCommand, language)
            }
        }

        let question = message.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !question.isEmpty else { return fixed(.emptyInput, language) }
        // The length limit is applied after the safety check, so risk buried in a long message
        // still gets the crisis reply.
        return await converse(question, message: message, userHash: userHash, drafts: drafts, logger: logger)
    }

    // MARK: Conversation

    private func converse(
        _ question: String, message: InboundMessage, userHash: UserHash, drafts: ReplyDraftSink?, logger: Logger
    ) async -> Reply {
        let language = message.language
        let timestamp = now()
        var (session, storeTrouble) = await loadSession(userHash, at: timestamp, logger: logger)
        var handoff = await activeHandoff(userHash, channel: message.channel, logger: logger)
        let pending = session.pendingSafetyQuestion.flatMap { $0.isLive(at: timestamp, ttl: configuration.safetyQuestionTTL) ? $0 : nil }

        let input = SafetyInput(
            text: question,
            userHash: userHash,
            channel: message.channel,
            language: language,
            recentQuestions: session.turns.suffix(configuration.safetyContextTurns).map(\.question),
            pendingQuestion: pending,
            now: timestamp
        )

        let verdict: InputVerdict
        do {
            verdict = try await safety.assessInput(input)
        } catch {
            logger.error("safety input check failed; sending holding reply", metadata: ["error.kind": "\(type(of: error))"])
            observer.record(.safetyFailed(stage: "input"))
            return Reply(body: ReplyCatalog.text(.holding, language), tier: .concern, source: .failSafe)
        }

        var concern: SafetyResponse?
        switch verdict {
        case .blocked(let reason, let reply):
            logger.info("input blocked", metadata: ["safety.block_reason": "\(reason)"])
            return Reply(body: reply, tier: .none, source: .blocked)
        case .crisis(let reasons, let response):
            observer.record(.crisis(channel: message.channel))
            logger.warning("crisis message; model not called", metadata: Self.safetyMetadata(reasons, response))
            session.crisisModeUntil = timestamp.addingTimeInterval(configuration.crisisCooldown.seconds)
            session.pendingSafetyQuestion = nextPendingQuestion(asked: response.question, answered: response.answered, current: pending, at: timestamp)
            let disclaimer = takeDisclaimer(&session, language)
            session.append(Turn(question: question, answer: response.body, tier: .crisis, at: timestamp), limits: configuration.sessionLimits)
            storeTrouble = await saveSession(session, userHash, logger: logger) || storeTrouble
            await safety.crisisRaised(CrisisEvent(userHash: userHash, channel: message.channel, tier: .crisis, reasons: reasons, at: timestamp))
            let holding = await handoffAfterCrisis(handoff, message: message, userHash: userHash, question: question, answer: response.body, logger: logger)
            return Reply(body: response.body, tier: .crisis, source: .crisis, disclaimer: disclaimer, resourceLine: holding)
        case .concern(let reasons, let response):
            logger.info("concern message; supportive reply", metadata: Self.safetyMetadata(reasons, response))
            concern = response
        case .allow:
            break
        }
        var handoffNotice: String?
        if let open = handoff, open.status == .open {
            switch await holdForCounsellor(open, question: question, concern: concern, at: timestamp, logger: logger) {
            case .held(let reply):
                if concern != nil {
                    session.pendingSafetyQuestion = nextPendingQuestion(asked: concern?.question, answered: concern?.answered, current: pending, at: timestamp)
                    _ = await saveSession(session, userHash, logger: logger)
                }
                return reply
            case .timedOut(let expired):
                handoff = expired
                handoffNotice = HandoffText.timedOut(language)
            }
        }
        let tooLong = question.count > configuration.maxInputCharacters
        if tooLong, concern == nil {
            return Reply(body: ReplyCatalog.text(.tooLong(limit: configuration.maxInputCharacters), language), tier: .none, source: .fixed)
        }

        let outcome: Outcome
        if let concern {
            // A long message at concern tier still gets the supportive reply, without the model.
            outcome = await concernOutcome(concern, question: question, input: input, session: session, askModel: !tooLong, logger: logger)
        } else {
            guard let answered = await modelOutcome(question, input: input, session: session, drafts: drafts, logger: logger) else {
                return Reply(body: ReplyCatalog.text(.holding, language), tier: .concern, source: .failSafe)
            }
            outcome = answered
        }
        session.pendingSafetyQuestion = nextPendingQuestion(asked: outcome.asked, answered: concern?.answered, current: pending, at: timestamp)

        var resourceLine = outcome.resourceLine
        if resourceLine == nil, session.isInCrisisMode(at: timestamp) {
            resourceLine = safety.resourceLine(for: language)
        }
        let disclaimer = takeDisclaimer(&session, language)
        session.append(
            Turn(question: question, answer: outcome.body, tier: outcome.tier, at: timestamp, answerID: outcome.answerID),
            limits: configuration.sessionLimits
        )
        storeTrouble = await saveSession(session, userHash, logger: logger) || storeTrouble
        if storeTrouble {
            resourceLine = [resourceLine, ReplyCatalog.text(.storageTrouble, language)].compactMap { $0 }.joined(separator: "\n")
        }
        if let visible = handoff {
            // Timed out: the bot answers again, and the counsellor still sees the exchange.
            await recordExchange(visible, question: question, answer: outcome.body, at: timestamp, logger: logger)
        }
        let body = [handoffNotice, outcome.body].compactMap { $0 }.joined(separator: "\n\n")
        return Reply(
            body: body, tier: outcome.tier, source: outcome.source, disclaimer: disclaimer, resourceLine: resourceLine,
            answerID: outcome.answerID, intent: outcome.intent, category: outcome.category
        )
    }

    func completionRequest(_ question: String, session: Session, userHash: UserHash, language: ReplyLanguage) -> CompletionRequest {
        CompletionRequest(
            question: question,
            history: session.turns,
            prompt: configuration.promptFormat.prompt(question: question, history: session.turns),
            userHash: userHash,
            language: language,
            recentAnswerIDs: Set(session.turns.compactMap(\.answerID)),
            deadline: .now + configuration.modelBudget
        )
    }

    func complete(
        _ question: String, session: Session, userHash: UserHash, language: ReplyLanguage, logger: Logger
    ) async -> Completion {
        let request = completionRequest(question, session: session, userHash: userHash, language: language)
        do {
            let completion = try await model.complete(request)
            let text = completion.text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty { return completion }
            logger.warning("model returned an empty answer", metadata: ["model.name": "\(model.name)"])
        } catch {
            let kind = (error as? ModelError)?.kind ?? "unexpected"
            logger.warning("model failed; calm fallback", metadata: ["model.name": "\(model.name)", "error.kind": "\(kind)"])
        }
        return Completion(text: ReplyCatalog.text(.fallback, language), model: "fixed", origin: .fixed)
    }

    // MARK: Commands and greetings

    private func run(_ command: Command, userHash: UserHash, entryID: String?, language: ReplyLanguage, logger: Logger) async -> Reply {
        let timestamp = now()
        switch command {
        case .start:
            var (session, _) = await loadSession(userHash, at: timestamp, logger: logger)
            session.disclaimerShown = true
            session.updatedAt = timestamp
            _ = await saveSession(session, userHash, logger: logger)
            return Reply(body: ReplyCatalog.text(.welcome, language), source: .fixed, disclaimer: ReplyCatalog.text(.disclaimer, language))
        case .help:
            return fixed(.help, language)
        case .reset:
            var (session, _) = await loadSession(userHash, at: timestamp, logger: logger)
            session.turns.removeAll()
            session.crisisModeUntil = nil
            session.pendingSafetyQuestion = nil
            session.updatedAt = timestamp
            let trouble = await saveSession(session, userHash, logger: logger)
            return trouble ? fixed(.storageTrouble, language) : fixed(.resetDone, language)
        case .forget:
            do {
                try await sessions.delete(userHash)
                try await inbox?.purge(userHash, keeping: entryID)
                try await handoffs?.delete(userHash)
                try await feedback?.delete(userHash)
                await safety.forget(userHash)
                logger.info("user data forgotten")
                return fixed(.forgetDone, language)
            } catch {
                observer.record(.storeFailed(operation: "forget"))
                logger.error("forget failed", metadata: ["error.kind": "\(type(of: error))"])
                return fixed(.forgetFailed, language)
            }
        }
    }

    private func greet(userHash: UserHash, language: ReplyLanguage, logger: Logger) async -> Reply {
        let timestamp = now()
        var (session, _) = await loadSession(userHash, at: timestamp, logger: logger)
        guard !session.disclaimerShown else {
            // Greeted already in this session: say nothing rather than spend the platform's quota.
            return Reply(body: "", source: .fixed, deliver: false)
        }
        session.disclaimerShown = true
        session.updatedAt = timestamp
        _ = await saveSession(session, userHash, logger: logger)
        return Reply(body: ReplyCatalog.text(.greeting, language), source: .fixed, disclaimer: ReplyCatalog.text(.disclaimer, language))
    }

    // MARK: Helpers

    private func fixed(_ reply: FixedReply, _ language: ReplyLanguage) -> Reply {
        Reply(body: ReplyCatalog.text(reply, language), source: .fixed)
    }

    private func takeDisclaimer(_ session: inout Session, _ language: ReplyLanguage) -> String? {
        guard !session.disclaimerShown else { return nil }
        session.disclaimerShown = true
        return ReplyCatalog.text(.disclaimer, language)
    }

    /// Loads the session or starts a new one. The flag is true when the store failed.
    private func loadSession(_ user: UserHash, at timestamp: Date, logger: Logger) async -> (Session, Bool) {
        do {
            if let session = try await sessions.load(user) {
                let idle = timestamp.timeIntervalSince(session.updatedAt)
                if idle <= configuration.sessionLimits.idleTTL.seconds { return (session, false) }
            }
            return (Session(now: timestamp), false)
        } catch {
            observer.record(.storeFailed(operation: "load"))
            logger.error("session load failed", metadata: ["error.kind": "\(type(of: error))", "error": "\(error)"])
            return (Session(now: timestamp), true)
        }
    }

    /// Saves the session; returns true when the store failed.
    func saveSession(_ session: Session, _ user: UserHash, logger: Logger) async -> Bool {
        do {
            try await sessions.save(session, for: user)
            return false
        } catch {
            observer.record(.storeFailed(operation: "save"))
            logger.error("session save failed", metadata: ["error.kind": "\(type(of: error))", "error": "\(error)"])
            return true
        }
    }
}

extension Duration {
    /// The duration in seconds as a `TimeInterval`.
    public var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }

    public var milliseconds: Int64 {
        let (s, atto) = components
        return s * 1000 + atto / 1_000_000_000_000_000
    }
}
