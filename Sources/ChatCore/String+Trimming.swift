extension StringProtocol {
    /// Whitespace and newlines removed from both ends, without bridging to Foundation (much
    /// faster on Linux, where `trimmingCharacters(in:)` goes through NSString).
    public func trimmedWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace }) ?? first
        return String(self[first...last])
    }
}
