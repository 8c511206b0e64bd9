import Foundation

/// How much risk a message shows. Ordered: `none < concern < crisis`.
public enum SafetyTier: String, Sendable, Codable, CaseIterable, Comparable {
    case none
    case concern
    case crisis

    private var rank: Int {
        switch self {
        case .none: 0
        case .concern: 1
        case .crisis: 2
        }
    }

    public static func < (lhs: SafetyTier, rhs: SafetyTier) -> Bool { lhs.rank < rhs.rank }
}
