/// Refuses model text that cannot be a reply: U+FFFD (the server cut a multi-byte character or
/// decoded bytes that were not UTF-8), control characters, or chat-template tokens the server
/// failed to strip. Such a reply makes the model call fail, so the fallback chain answers from
/// the retrieval model instead of showing it. This is not a quality judgement: fluent nonsense
/// passes, and then the output check still reads it before anyone sees it.
enum ReplySanity {
    static let templateMarkers = ["<|im_start|>", "<|im_end|>", "<|eot_id|>", "<|start_header_id|>", "<|endoftext|>", "</s>", "<s>", "[INST]"]

    /// Why `text` is refused, or nil when it may go on to the output check.
    static func problem(in text: String) -> String? {
        var controls = 0
        for scalar in text.unicodeScalars {
            if scalar == "\u{FFFD}" { return "replacement character" }
            let value = scalar.value
            if value < 0x20, scalar != "\n", scalar != "\t", scalar != "\r" { controls += 1 }
            if (0x7F...0x9F).contains(value) { controls += 1 }
        }
        if controls > 0 { return "control characters" }
        if templateMarkers.contains(where: { text.contains($0) }) { return "chat-template tokens" }
        return nil
    }
}
