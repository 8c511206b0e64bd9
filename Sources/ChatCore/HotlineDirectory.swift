import Foundation

/// Crisis hotlines by region. Numbers are public services; keep them vetted and dated in
/// `docs/safety.md` when changing them.
public struct Hotline: Sendable, Equatable, Codable {
    public var region: String
    public var name: String
    public var nameEN: String
    public var number: String

    public init(region: String, name: String, nameEN: String, number: String) {
        self.region = region
        self.name = name
        self.nameEN = nameEN
        self.number = number
    }
}

public enum HotlineDirectory {
    public static let all: [Hotline] = [
        Hotline(region: "CN", name: "全国心理援助热线", nameEN: "Mainland China psychological assistance", number: "12356"),
        Hotline(region: "CN", name: "希望24热线", nameEN: "Hope 24 hotline (mainland China)", number: "400-161-9995"),
        Hotline(region: "CN-BJ", name: "北京心理危机研究与干预中心", nameEN: "Beijing crisis line", number: "010-82951332"),
        Hotline(region: "CN-SH", name: "上海市心理热线", nameEN: "Shanghai mental health line", number: "962525"),
        Hotline(region: "CN-YOUTH", name: "青少年服务台", nameEN: "Youth line (mainland China)", number: "12355"),
        Hotline(region: "HK", name: "香港撒玛利亚防止自杀会", nameEN: "Hong Kong", number: "18111"),
        Hotline(region: "TW", name: "台湾安心专线", nameEN: "Taiwan", number: "1925"),
        Hotline(region: "US", name: "美国 988 危机热线", nameEN: "US Suicide & Crisis Lifeline", number: "988"),
        Hotline(region: "UK", name: "英国/爱尔兰 Samaritans", nameEN: "UK & Ireland Samaritans", number: "116 123"),
    ]

    /// Regions listed first for a reply language: Chinese speakers see mainland numbers first,
    /// English speakers see US/UK first; everyone sees the emergency numbers.
    public static func ordered(for language: ReplyLanguage) -> [Hotline] {
        switch language {
        case .zh: all
        case .en: all.filter { ["US", "UK"].contains($0.region) } + all.filter { !["US", "UK"].contains($0.region) }
        }
    }

    /// A compact line of the main numbers, used in holding replies and resource lines.
    public static func shortLine(for language: ReplyLanguage) -> String {
        switch language {
        case .zh:
            "心理援助热线 12356 或 400-161-9995（24小时）；香港 18111，台湾 1925；紧急情况请拨打 110 或 120。"
        case .en:
            "US 988, UK/IE 116 123, mainland China 12356, Hong Kong 18111, Taiwan 1925; in immediate danger call your local emergency number (110/120 in China)."
        }
    }
}
