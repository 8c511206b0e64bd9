/// Replaces contact details in forum text with placeholders: a model must not learn to hand out
/// links, phone numbers or accounts (and the people who posted them deserve privacy).
/// - URLs: `http://`, `https://`, `www.` and bare domains ending in a common TLD → `[链接]`
/// - e-mail addresses → `[邮箱]`
/// - phone numbers: mainland mobiles (`1[3-9]` + 9 digits), landlines (`0` + 2–3 digit area code
///   + 7–8 digits), `400`/`800` numbers, `+` international numbers, with `-` or space inside →
///   `[电话]`; bare 7–8 digit numbers only right after 电话/手机/热线/tel
/// - QQ numbers and WeChat ids after `QQ`, `扣扣`, `微信`, `vx`, `wx` → `[账号]`
/// Dates, years, prices and other numbers are left alone.
public enum Redactor {
    public static let link = "[链接]"
    public static let email = "[邮箱]"
    public static let phone = "[电话]"
    public static let account = "[账号]"

    public static func redact(_ text: String) -> String {
        guard mayContainContact(text) else { return text }
        let s = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < s.count {
            // Matches start at ASCII characters or at the markers 微信 / 扣扣 only.
            if s[i].value >= 0x80, s[i] != "微", s[i] != "扣" {
                out.append(s[i])
                i += 1
                continue
            }
            if let end = url(s, i) {
                out.append(contentsOf: link.unicodeScalars)
                i = end
            } else if let (start, end) = emailAt(s, i, emitted: out) {
                out.removeLast(i - start)
                out.append(contentsOf: email.unicodeScalars)
                i = end
            } else if let end = accountAt(s, i) {
                out.append(contentsOf: s[i..<end.keep])
                out.append(contentsOf: account.unicodeScalars)
                i = end.end
            } else if let end = phoneAt(s, i) {
                out.append(contentsOf: phone.unicodeScalars)
                i = end
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return String(out)
    }

    /// A cheap byte pass that rules out most texts: no '@', no ASCII `x.y`, no run of 7 digits,
    /// no account marker means nothing to redact.
    static func mayContainContact(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { s in
            var digits = 0
            var previous: UInt8 = 0
            for (i, b) in s.enumerated() {
                let lower = b | 0x20
                if b >= 0x30, b <= 0x39 {
                    digits += 1
                    if digits >= 5 { return true }
                } else if !(b == 0x2D || b == 0x20) || digits == 0 {
                    digits = 0
                }
                if b == 0x40 { return true }
                if b == 0x2E, i + 1 < s.count, isAlnum(previous), isAlnum(s[i + 1]) { return true }
                let p = previous | 0x20
                if (p == 0x71 && lower == 0x71) || (p == 0x76 && lower == 0x78) || (p == 0x77 && (lower == 0x78 || lower == 0x65)) { return true }
                if b == 0xE5 || b == 0xE6, i + 2 < s.count {
                    // 微 (E5 BE AE) and 扣 (E6 89 A3) start the Chinese markers.
                    if (b == 0xE5 && s[i + 1] == 0xBE && s[i + 2] == 0xAE) || (b == 0xE6 && s[i + 1] == 0x89 && s[i + 2] == 0xA3) { return true }
                }
                previous = b
            }
            return false
        }
    }

    private static func isAlnum(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) }

    // MARK: Scanners (each returns the end index of a match starting at i)

    static func isASCIIAlnum(_ c: Unicode.Scalar) -> Bool {
        (c.value >= 0x30 && c.value <= 0x39) || (c.value | 0x20 >= 0x61 && c.value | 0x20 <= 0x7A)
    }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 0x30 && c.value <= 0x39 }

    private static func hasPrefix(_ s: [Unicode.Scalar], _ i: Int, _ prefix: String) -> Bool {
        var k = i
        for p in prefix.unicodeScalars {
            guard k < s.count, Unicode.Scalar(s[k].value | (isASCIIAlnum(s[k]) && !isDigit(s[k]) ? 0x20 : 0)) == p else { return false }
            k += 1
        }
        return true
    }

    private static let urlCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/?#[]@!$&'()*+,;=%".unicodeScalars)
    private static let trailingPunctuation = Set(".,;:!?)]'".unicodeScalars)
    private static let topLevelDomains = ["com", "cn", "net", "org", "cc", "me", "io", "info", "top", "xyz"]

    static func url(_ s: [Unicode.Scalar], _ i: Int) -> Int? {
        if i > 0, isASCIIAlnum(s[i - 1]) { return nil }
        var k: Int
        if hasPrefix(s, i, "http://") { k = i + 7 } else if hasPrefix(s, i, "https://") { k = i + 8 } else if hasPrefix(s, i, "www.") { k = i + 4 } else {
            return bareDomain(s, i)
        }
        let bodyStart = k
        while k < s.count, urlCharacters.contains(s[k]) { k += 1 }
        while k > bodyStart, trailingPunctuation.contains(s[k - 1]) { k -= 1 }
        return k > bodyStart ? k : nil
    }

    /// `example.com`, `foo.bar.cn/path`: ASCII labels ending in a known TLD.
    private static func bareDomain(_ s: [Unicode.Scalar], _ i: Int) -> Int? {
        guard isASCIIAlnum(s[i]) else { return nil }
        var k = i
        var lastDot = -1
        while k < s.count, isASCIIAlnum(s[k]) || s[k] == "-" || (s[k] == "." && k + 1 < s.count && isASCIIAlnum(s[k + 1])) {
            if s[k] == "." { lastDot = k }
            k += 1
        }
        guard lastDot > i else { return nil }
        let tld = String(String.UnicodeScalarView(s[(lastDot + 1)..<k])).lowercased()
        guard topLevelDomains.contains(tld), k == s.count || s[k] != "@" else { return nil }
        if k < s.count, s[k] == "/" {
            while k < s.count, urlCharacters.contains(s[k]) { k += 1 }
            while trailingPunctuation.contains(s[k - 1]) { k -= 1 }
        }
        return k
    }

    private static let localCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-".unicodeScalars)

    /// At an '@' with a plausible local part already emitted and a domain after it.
    static func emailAt(_ s: [Unicode.Scalar], _ i: Int, emitted: String.UnicodeScalarView) -> (Int, Int)? {
        guard s[i] == "@" else { return nil }
        var start = i
        while start > 0, localCharacters.contains(s[start - 1]), i - start < 64 { start -= 1 }
        guard start < i, emitted.count >= i - start else { return nil }
        var k = i + 1
        var dots = 0
        while k < s.count, isASCIIAlnum(s[k]) || s[k] == "-" || (s[k] == "." && k + 1 < s.count && isASCIIAlnum(s[k + 1])) {
            if s[k] == "." { dots += 1 }
            k += 1
        }
        guard dots > 0, k > i + 3 else { return nil }
        return (start, k)
    }

    private static let accountMarkers = ["qq", "扣扣", "微信", "vx", "wx", "weixin", "wechat"]

    /// `QQ：12345678`, `微信号 abc_123`: returns where the id starts (the marker and separator
    /// are kept) and ends.
    static func accountAt(_ s: [Unicode.Scalar], _ i: Int) -> (keep: Int, end: Int)? {
        guard let marker = accountMarkers.first(where: { hasPrefix(s, i, $0) }) else { return nil }
        if i > 0, isASCIIAlnum(s[i - 1]), marker.unicodeScalars.first.map(isASCIIAlnum) == true { return nil }
        var k = i + marker.unicodeScalars.count
        var gap = 0
        while k < s.count, gap < 4, "号是:：为 ".unicodeScalars.contains(s[k]) { k += 1; gap += 1 }
        let idStart = k
        while k < s.count, isASCIIAlnum(s[k]) || s[k] == "_" || s[k] == "-" { k += 1 }
        let length = k - idStart
        let digitsOnly = s[idStart..<k].allSatisfy(isDigit)
        guard length >= 5, length <= 20, digitsOnly || (length >= 6 && !isDigit(s[idStart])) else { return nil }
        return (idStart, k)
    }

    private static let phoneContext = ["电话", "手机", "热线", "tel", "致电", "拨打"]

    static func phoneAt(_ s: [Unicode.Scalar], _ i: Int) -> Int? {
        let plus = s[i] == "+"
        guard plus || isDigit(s[i]) else { return nil }
        if i > 0, isASCIIAlnum(s[i - 1]) || s[i - 1] == "." || s[i - 1] == "-" { return nil }
        var k = plus ? i + 1 : i
        var digits: [UInt8] = []
        var separators = 0
        while k < s.count {
            if isDigit(s[k]) {
                digits.append(UInt8(s[k].value - 0x30))
                k += 1
            } else if (s[k] == "-" || s[k] == " "), k + 1 < s.count, isDigit(s[k + 1]), !digits.isEmpty {
                separators += 1
                k += 1
            } else {
                break
            }
        }
        if k < s.count, isASCIIAlnum(s[k]) || s[k] == "." || s[k] == "@" { return nil }
        let n = digits.count
        let matches: Bool
        if plus {
            matches = n >= 8 && n <= 15
        } else if digits.first == 1, n == 11, (3...9).contains(digits[1]) {
            matches = true
        } else if digits.first == 0, n >= 10, n <= 12 {
            matches = true
        } else if n == 10, digits.starts(with: [4, 0, 0]) || digits.starts(with: [8, 0, 0]) {
            matches = true
        } else if n >= 7, n <= 8, separators <= 1 {
            let before = String(String.UnicodeScalarView(s[max(0, i - 6)..<i])).lowercased()
            matches = phoneContext.contains(where: before.contains)
        } else {
            matches = false
        }
        return matches ? k : nil
    }
}
