import ChatCore
import Foundation
import Synchronization

/// Why the operator's blocklist could not be used.
public enum BlocklistError: Error, Sendable, Equatable {
    /// The file cannot be read and no earlier version was ever loaded.
    case unreadable(String)
}

/// The operator's blocklist: one phrase per line, `#` comments. Re-read when the file's
/// modification time changes (checked at most once per `checkInterval`). A file that becomes
/// unreadable keeps the last good list in force — the gate never opens because of an I/O error —
/// and one that was never readable makes `phrases(at:)` throw, so the safety layer fails safe.
public final class Blocklist: Sendable {
    public let path: String
    public let checkInterval: TimeInterval

    private struct State {
        var phrases: [String]?
        var modified: Date?
        var checked: Date?
        var lastError: Bool = false
    }

    private let state = Mutex(State())

    public init(path: String, checkInterval: TimeInterval = 2) {
        self.path = path
        self.checkInterval = checkInterval
    }

    /// Loads the file now; throws when it cannot be read (used at start to fail fast).
    public func load(at now: Date = Date()) throws(BlocklistError) {
        _ = try phrases(at: now, force: true)
    }

    /// The phrases in force (folded), reloading the file when it changed.
    public func phrases(at now: Date, force: Bool = false) throws(BlocklistError) -> [String] {
        let result: Result<[String], BlocklistError> = state.withLock { s in
            if !force, let checked = s.checked, now.timeIntervalSince(checked) < checkInterval, let phrases = s.phrases {
                return .success(phrases)
            }
            s.checked = now
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            let modified = attributes?[.modificationDate] as? Date
            if let phrases = s.phrases, modified != nil, modified == s.modified { return .success(phrases) }
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                s.lastError = true
                if let phrases = s.phrases { return .success(phrases) }
                return .failure(.unreadable(path))
            }
            s.lastError = false
            s.modified = modified
            s.phrases = Self.parse(text)
            return .success(s.phrases ?? [])
        }
        return try result.get()
    }

    /// True when the last reload failed (the previous list is still in force).
    public var isStale: Bool { state.withLock { $0.lastError } }

    static func parse(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { return nil }
            return TextNormalizer.fold(trimmed).filter { !$0.isWhitespace }
        }
    }

    /// The first phrase the text contains, compared without spaces after folding.
    public func match(_ text: String, at now: Date) throws(BlocklistError) -> Bool {
        let list = try phrases(at: now)
        guard !list.isEmpty else { return false }
        let folded = TextNormalizer.fold(text).filter { !$0.isWhitespace && !$0.isPunctuation }
        return list.contains { !$0.isEmpty && folded.contains($0) }
    }
}
