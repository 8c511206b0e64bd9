import Foundation

/// The commands every channel understands. Adapters strip platform decorations (`/help@mybot`)
/// before the text reaches the pipeline.
public enum Command: String, Sendable, CaseIterable {
    case start
    case help
    case reset
    case forget

    /// The result of looking at a message for a command.
    public enum Parsed: Sendable, Equatable {
        case command(Command)
        /// Looks like a command (`/something`) but is not one of ours.
        case unknown
    }

    /// Recognises `/start`, `/HELP`, `/reset please` (arguments ignored). Text that does not begin
    /// with `/` followed by a letter is not a command (so "/ 我很好" or "/// " is ordinary text).
    public static func parse(_ text: String) -> Parsed? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("/") else { return nil }
        let word = trimmed.dropFirst().prefix { !$0.isWhitespace }
        guard let first = word.first, first.isASCII, first.isLetter else { return nil }
        var name = word.lowercased()
        if let at = name.firstIndex(of: "@") { name = String(name[..<at]) }
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else { return nil }
        return Command(rawValue: name).map(Parsed.command) ?? .unknown
    }
}
