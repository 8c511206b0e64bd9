import ChatCore

/// The support resources of a Q&A answer as data, so the page can show them as tap-to-call
/// numbers (`wx.makePhoneCall`) in a card: every hotline for a crisis, the main ones for concern.
struct MiniProgramResource: Encodable, Sendable, Equatable {
    var name: String
    var number: String

    /// Nil when the answer carries no resources (tier none and no resource line).
    static func list(tier: SafetyTier, hasResourceLine: Bool, language: ReplyLanguage) -> [MiniProgramResource]? {
        let hotlines: [Hotline]
        switch tier {
        case .crisis:
            hotlines = HotlineDirectory.ordered(for: language)
        default:
            guard tier >= .concern || hasResourceLine else { return nil }
            // The numbers the short resource line names, in the same order.
            let regions: [String] = switch language {
            case .zh: ["CN", "HK", "TW"]
            case .en: ["US", "UK", "CN", "HK", "TW"]
            }
            hotlines = regions.flatMap { region in HotlineDirectory.ordered(for: language).filter { $0.region == region } }
        }
        var resources = hotlines.map { MiniProgramResource(name: language == .zh ? $0.name : $0.nameEN, number: $0.number) }
        // Emergency numbers last: in mainland China 110 (police) and 120 (ambulance).
        switch language {
        case .zh: resources += [MiniProgramResource(name: "急救电话", number: "120"), MiniProgramResource(name: "报警电话", number: "110")]
        case .en: resources += [MiniProgramResource(name: "Ambulance (mainland China)", number: "120"), MiniProgramResource(name: "Police (mainland China)", number: "110")]
        }
        return resources
    }
}
