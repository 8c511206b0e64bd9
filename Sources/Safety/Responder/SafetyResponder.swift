import ChatCore

/// Composes the replies to messages at risk, by concept, from the fixed texts in `ResponderText`.
///
/// A crisis reply always names the feeling the message showed, asks one direct yes/no question,
/// asks about means when a plan, preparation, means or method is in view, lists the hotlines of
/// the user's language with 110/120 for immediate danger, and invites the person to keep talking.
/// An attempt in progress starts with "call 120 now"; a third person at risk gets a helper script;
/// harm to others gets its own text. A concern reply is a supportive check-in with a resource line.
/// Nothing here repeats the user's words, so no method detail is ever echoed back.
public struct SafetyResponder: Sendable {
    public init() {}

    /// The reply to a crisis-tier message. `concepts` may be empty (a generic risk check).
    public func crisis(_ concepts: Set<RiskConcept>, language: ReplyLanguage) -> SafetyResponse {
        let sorted = concepts.sorted()
        if concepts.contains(.attempt) {
            return attempt(sorted, language)
        }
        // The detector reports a third person's farewell or means as concepts too; the third
        // person is what the message is about.
        if concepts.contains(.thirdPersonAtRisk) {
            return thirdPerson(sorted, language)
        }
        if concepts.contains(.harmToOthers), concepts.isDisjoint(with: Self.selfConcepts) {
            return harmToOthers(sorted, language)
        }
        let feeling = Self.feeling(for: concepts)
        let question = Self.question(for: concepts)
        var pieces: [ResponderPiece] = [.acknowledge(feeling), .question(question)]
        if concepts.contains(.selfHarm) { pieces.append(.woundCare) }
        if !concepts.isDisjoint(with: Self.meansConcepts) { pieces.append(.meansSafety) }
        if concepts.contains(.harmToOthers) { pieces.append(.stepAway) }
        return SafetyResponse(body: compose(pieces, hotlines: .hotlinesIntro, after: [.emergency, .invitation], language), question: question, concepts: sorted)
    }

    /// The reply to a concern-tier message: acknowledge, a gentle question, an invitation, and the
    /// resource line apart. Hopelessness (or any risk concept the detector held at concern) is met
    /// with the screening question, so a yes escalates; other distress with a question about coping.
    /// Only a reply without a risk concept may frame a model answer (`lead`).
    public func concern(_ concepts: Set<RiskConcept>, language: ReplyLanguage) -> SafetyResponse {
        // A risk concept held at concern (the rules' context lowered it, or the classifier leans
        // towards risk: the risk check) is answered by this text alone, never framed around a
        // model answer: `lead` stays nil, so the pipeline does not ask the model.
        let riskCheck = !concepts.isDisjoint(with: Self.selfConcepts)
        let hopeless = concepts.contains(.hopelessness) || riskCheck
        let lead = ResponderText.text(.acknowledge(hopeless ? .hopelessness : .distress), language)
        let question: SafetyQuestion? = hopeless ? .screening : nil
        let middle = ResponderText.text(hopeless ? .question(.screening) : .copingQuestion, language)
        let invitation = ResponderText.text(.concernInvitation, language)
        return SafetyResponse(
            body: [lead, middle, invitation].joined(separator: "\n\n"),
            resourceLine: SafetyReplies.concernLine(language),
            question: question,
            concepts: concepts.sorted(),
            lead: riskCheck ? nil : lead,
            followUp: hopeless ? [middle, invitation].joined(separator: "\n\n") : nil
        )
    }

    /// The reply to a short yes or no answering `question`: a yes is a crisis (the next question,
    /// or what to do now); a no is met calmly with a concern reply and no alarm.
    public func answer(_ answer: SafetyAnswer, to question: SafetyQuestion, language: ReplyLanguage) -> (tier: SafetyTier, response: SafetyResponse) {
        switch (answer, question) {
        case (.yes, .suicidalThoughts), (.yes, .methodIntent), (.yes, .screening):
            let pieces: [ResponderPiece] = [.acknowledge(.confirmed), .question(.plan), .meansSafety]
            var response = SafetyResponse(body: compose(pieces, hotlines: .hotlinesIntro, after: [.emergency, .invitation], language), question: .plan)
            response.answered = .yes
            return (.crisis, response)
        case (.yes, .injured):
            let body = compose([.callNow, .acknowledge(.attempt), .companyQuestion], hotlines: .hotlinesIntro, after: [.invitation], language)
            return (.crisis, SafetyResponse(body: body, answered: .yes, concepts: [.attempt]))
        case (.yes, .plan), (.yes, .intent):
            let pieces: [ResponderPiece] = [.acknowledge(.confirmed), .reachSomeoneNow, .meansSafety, .companyQuestion]
            let body = compose(pieces, hotlines: .hotlinesIntro, after: [.emergency, .invitation], language)
            return (.crisis, SafetyResponse(body: body, answered: .yes))
        case (.yes, .harmOthers):
            let pieces: [ResponderPiece] = [.acknowledge(.confirmed), .stepAway, .leaveQuestion]
            let body = compose(pieces, hotlines: .hotlinesIntro, after: [.invitation], language)
            return (.crisis, SafetyResponse(body: body, answered: .yes, concepts: [.harmToOthers]))
        case (.no, _):
            let feeling: ResponderPiece.Feeling = question == .harmOthers ? .answeredNoAnger : .answeredNo
            let body = [.acknowledge(feeling), .copingQuestion, .concernInvitation].map { ResponderText.text($0, language) }
            return (.concern, SafetyResponse(body: body.joined(separator: "\n\n"), resourceLine: SafetyReplies.concernLine(language), answered: .no))
        }
    }

    // MARK: Scripts

    private func attempt(_ concepts: [RiskConcept], _ language: ReplyLanguage) -> SafetyResponse {
        let pieces: [ResponderPiece] = [.callNow, .acknowledge(.attempt), .question(.injured)]
        return SafetyResponse(body: compose(pieces, hotlines: .hotlinesIntro, after: [.invitation], language), question: .injured, concepts: concepts)
    }

    private func thirdPerson(_ concepts: [RiskConcept], _ language: ReplyLanguage) -> SafetyResponse {
        let pieces: [ResponderPiece] = [.acknowledge(.thirdPerson), .helperScript, .whereaboutsQuestion]
        // The question is about where the other person is, not a yes/no about risk: not pending.
        return SafetyResponse(body: compose(pieces, hotlines: .helperHotlines, after: [.invitation], language), concepts: concepts)
    }

    private func harmToOthers(_ concepts: [RiskConcept], _ language: ReplyLanguage) -> SafetyResponse {
        let pieces: [ResponderPiece] = [.acknowledge(.harmToOthers), .question(.harmOthers), .stepAway]
        return SafetyResponse(body: compose(pieces, hotlines: .hotlinesIntro, after: [.invitation], language), question: .harmOthers, concepts: concepts)
    }

    /// Paragraphs: `pieces`, the hotline list under its introduction, then `after`.
    private func compose(_ pieces: [ResponderPiece], hotlines intro: ResponderPiece, after: [ResponderPiece], _ language: ReplyLanguage) -> String {
        var paragraphs = pieces.map { ResponderText.text($0, language) }
        paragraphs.append(ResponderText.text(intro, language) + "\n" + ResponderText.hotlines(language))
        paragraphs += after.map { ResponderText.text($0, language) }
        return paragraphs.joined(separator: "\n\n")
    }

    // MARK: Choosing by concept

    /// Concepts about the speaker's own life: with any of them, harm to others is answered inside
    /// the speaker's own risk check.
    static let selfConcepts: Set<RiskConcept> = [
        .suicidalThought, .passiveWish, .burdensomeness, .thwartedBelonging, .methodQuestion, .plan,
        .preparation, .means, .selfHarm, .attempt, .treatmentRefusal,
    ]
    /// Concepts after which the reply asks for means to be moved away.
    static let meansConcepts: Set<RiskConcept> = [.plan, .preparation, .means, .methodQuestion, .selfHarm]

    /// The most specific feeling in the message; the order puts what is most urgent first.
    static func feeling(for concepts: Set<RiskConcept>) -> ResponderPiece.Feeling {
        let order: [(RiskConcept, ResponderPiece.Feeling)] = [
            (.plan, .plan), (.preparation, .preparation), (.means, .means), (.methodQuestion, .methodQuestion),
            (.selfHarm, .selfHarm), (.burdensomeness, .burden), (.thwartedBelonging, .belonging),
            (.passiveWish, .passiveWish), (.treatmentRefusal, .treatment),
        ]
        return order.first { concepts.contains($0.0) }?.1 ?? .pain
    }

    /// The direct question: a method question is asked about ("你问这个，是在考虑伤害自己吗？");
    /// a stated plan is asked about intent; a stated wish to die about a plan; everything else
    /// (passive wish, burden, belonging, preparation, means, self-harm) gets the direct question
    /// about thoughts of ending one's life.
    static func question(for concepts: Set<RiskConcept>) -> SafetyQuestion {
        if concepts.contains(.plan) { return .intent }
        if concepts.contains(.suicidalThought) { return .plan }
        if concepts.contains(.methodQuestion), concepts.isDisjoint(with: [.preparation, .means]) { return .methodIntent }
        return .suicidalThoughts
    }
}
