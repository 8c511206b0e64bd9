import ChatCore

/// The pieces the safety responder builds its replies from. Every piece is fixed, vetted text in
/// Chinese and English (`ResponderText+Chinese.swift`, `ResponderText+English.swift`); none is
/// built from the user's words, and none names a method, a dose or a place.
enum ResponderPiece: Hashable {
    /// The opening line, naming the feeling the message showed.
    case acknowledge(Feeling)
    /// A direct yes/no question (yes means more risk).
    case question(SafetyQuestion)
    /// Moving means out of reach ("能先把刀交给别人或放远一点吗？").
    case meansSafety
    /// Looking after a wound (self-harm).
    case woundCare
    /// 110/120 when in immediate danger.
    case emergency
    /// Introduces the hotline list.
    case hotlinesIntro
    /// Invites the person to keep talking.
    case invitation
    /// An attempt in progress: call 120 now, before anything else.
    case callNow
    /// What to do for someone else at risk: call 110, the nearest person, keep trying, stay.
    case helperScript
    /// Asked of a helper: where the person is, who is nearest.
    case whereaboutsQuestion
    /// Hotlines can also advise the helper.
    case helperHotlines
    /// Harm to others: step away, move what could hurt, 110.
    case stepAway
    /// A confirmed plan or intent: reach someone now, don't stay alone.
    case reachSomeoneNow
    /// Asked after a confirmed plan: is someone with you.
    case companyQuestion
    /// Asked after a confirmed intent to harm someone: can you leave.
    case leaveQuestion
    /// A gentle question about coping (concern).
    case copingQuestion
    /// Invitation of a concern reply.
    case concernInvitation

    /// Which feeling an acknowledgement names.
    enum Feeling: Hashable {
        case pain
        case passiveWish
        case burden
        case belonging
        case methodQuestion
        case plan
        case preparation
        case means
        case selfHarm
        case treatment
        case attempt
        case harmToOthers
        case thirdPerson
        case hopelessness
        case distress
        /// The person said yes to a safety question.
        case confirmed
        /// The person said no to a safety question.
        case answeredNo
        /// The person said no to the question about hurting someone.
        case answeredNoAnger
    }
}

enum ResponderText {
    static func text(_ piece: ResponderPiece, _ language: ReplyLanguage) -> String {
        switch language {
        case .zh: chinese(piece)
        case .en: english(piece)
        }
    }

    /// Every hotline for the language, its own region first, one per line.
    static func hotlines(_ language: ReplyLanguage) -> String {
        HotlineDirectory.ordered(for: language).map { hotline in
            switch language {
            case .zh: "· \(hotline.name)：\(hotline.number)"
            case .en: "· \(hotline.nameEN): \(hotline.number)"
            }
        }.joined(separator: "\n")
    }
}
