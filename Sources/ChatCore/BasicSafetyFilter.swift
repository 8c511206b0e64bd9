import Foundation

/// A safety filter that lets every message through at tier `none` and passes every reply. It is
/// what the pipeline uses when no safety layer is wired in (unit tests of the pipeline); the
/// service uses the `Safety` module's detector.
public struct BasicSafetyFilter: SafetyFilter {
    public init() {}

    public func assessInput(_ input: SafetyInput) async throws -> InputVerdict {
        .allow
    }

    public func checkOutput(_ reply: String, for input: SafetyInput) async throws -> OutputVerdict {
        .pass
    }

    public func resourceLine(for language: ReplyLanguage) -> String {
        HotlineDirectory.shortLine(for: language)
    }
}
