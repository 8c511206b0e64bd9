import Foundation

/// A coding key for any JSON object key, so decoders can look at keys they do not model.
struct AnyCodingKey: CodingKey, Hashable {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension KeyedDecodingContainer where Key == AnyCodingKey {
    /// An optional field that is dropped, not fatal, when it has an unexpected shape: Telegram adds
    /// and changes optional fields over time, and one odd field must not lose a person's message.
    func lenient<T: Decodable>(_ type: T.Type, _ key: String) -> T? {
        (try? decodeIfPresent(T.self, forKey: AnyCodingKey(key))) ?? nil
    }
}

/// An array whose undecodable elements are skipped instead of failing the whole array.
struct LenientArray<Element: Decodable>: Decodable {
    var elements: [Element]

    init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        var elements: [Element] = []
        while !container.isAtEnd {
            if let element = try? container.decode(Element.self) {
                elements.append(element)
            } else {
                _ = try? container.decode(Skip.self)
            }
        }
        self.elements = elements
    }

    /// Consumes one value of any shape.
    private struct Skip: Decodable {
        init(from decoder: any Decoder) throws {}
    }
}
