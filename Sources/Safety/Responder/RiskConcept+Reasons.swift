import ChatCore

extension RiskConcept {
    /// Concepts read from a detection's rule families, for a detection that reports no concepts
    /// (a detector or classifier that only gives reasons). Unknown families give nothing; the
    /// responder then answers with its generic risk check.
    static func fromReasons(_ reasons: [String]) -> Set<RiskConcept> {
        var concepts = Set<RiskConcept>()
        for reason in reasons {
            if let concept = RiskConcept(rawValue: reason) {
                concepts.insert(concept)
                continue
            }
            switch reason {
            case "intent": concepts.insert(.suicidalThought)
            case "method": concepts.insert(.methodQuestion)
            case "violence": concepts.insert(.harmToOthers)
            case "third_party": concepts.insert(.thirdPersonAtRisk)
            case "ideation": concepts.insert(.passiveWish)
            default: break
            }
        }
        return concepts
    }
}
