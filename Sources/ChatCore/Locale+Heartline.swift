import Foundation

/// The language fixed replies are written in. Chinese is the default; English is used when a
/// platform tells us the user's language is English (Telegram `language_code`, an API field).
public enum ReplyLanguage: String, Sendable, Codable, CaseIterable {
    case zh
    case en

    /// Maps a platform language tag (`en`, `en-GB`, `zh-hans`, nil) to a reply language.
    public init(languageTag: String?) {
        guard let tag = languageTag?.lowercased(), !tag.isEmpty else {
            self = .zh
            return
        }
        self = tag == "en" || tag.hasPrefix("en-") || tag.hasPrefix("en_") ? .en : .zh
    }

    /// The language to answer a message in: the script of the text when it is clear (Chinese
    /// characters → zh; only Latin letters, at least a few → en), otherwise the platform's tag.
    public init(text: String, languageTag: String?) {
        var latin = 0
        for scalar in text.unicodeScalars {
            if TextNormalizer.isCJK(scalar) {
                self = .zh
                return
            }
            if scalar.isASCII, scalar.properties.isAlphabetic { latin += 1 }
        }
        let isCommand = text.trimmingCharacters(in: .whitespaces).hasPrefix("/")
        if latin >= 3, !isCommand {
            self = .en
            return
        }
        self.init(languageTag: languageTag)
    }
}
