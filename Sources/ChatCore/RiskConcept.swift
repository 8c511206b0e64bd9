/// The risk concepts the safety layer recognises in a message, named after the screening levels in
/// `docs/safety.md` (C-SSRS: wish to be dead, thoughts, method, intent, plan, preparation,
/// behaviour; the interpersonal theory: burdensomeness, thwarted belonging) plus a third person at
/// risk and harm to others. The detector reports which concepts it saw; the safety responder
/// composes the reply from them, so a person who asks "how many pills" is asked about that, and a
/// person who feels like a burden is answered about that.
public enum RiskConcept: String, Sendable, Codable, CaseIterable, Comparable {
    /// An explicit wish or thought to die or to kill oneself ("我想死", "我是不是该去死").
    case suicidalThought = "suicidal_thought"
    /// A passive wish to be dead: not waking up, hoping for an illness, an accident, a crash.
    case passiveWish = "passive_wish"
    /// Others would be better off without me; I am only a burden.
    case burdensomeness
    /// Nobody would notice or miss me; I belong nowhere.
    case thwartedBelonging = "thwarted_belonging"
    /// A question about a method, a dose, a place or an outcome, with or without a death word.
    case methodQuestion = "method_question"
    /// A decided time, place or method.
    case plan
    /// Farewell and preparation acts: giving things away, passwords, deleting accounts, goodbye
    /// notes, tidying up "so nobody has trouble later", "don't look for me".
    case preparation
    /// Means at hand or hidden for oneself (a knife under the mattress, pills saved up).
    case means
    /// Self-harm behaviour or urge (cutting, burning, hitting oneself).
    case selfHarm = "self_harm"
    /// An attempt in progress or just made (took the pills, standing on the roof now).
    case attempt
    /// Stopping treatment or medication together with hopelessness.
    case treatmentRefusal = "treatment_refusal"
    /// Intent to hurt another person.
    case harmToOthers = "harm_to_others"
    /// Someone else at immediate risk (a friend's last message, a sibling who cannot be reached).
    case thirdPersonAtRisk = "third_person_at_risk"
    /// Hopelessness, worthlessness, exhaustion without a wish to die (concern tier).
    case hopelessness
    /// Distress in general (concern tier).
    case distress

    public static func < (lhs: RiskConcept, rhs: RiskConcept) -> Bool { lhs.rawValue < rhs.rawValue }
}
