import Foundation

/// Shared text folding for matching (retrieval and safety): lower-case, full-width ASCII to
/// half-width, zero-width and control characters removed, and common Traditional characters mapped
/// to Simplified, so that `自殺`, `ＳＬＥＥＰ` and `睡不著` match their usual forms.
public enum TextNormalizer {
    public static func fold(_ text: String) -> String {
        // Fast path: text that needs no change is returned as is (most stored corpus text).
        if !text.unicodeScalars.contains(where: needsFolding) { return text }
        var out = String.UnicodeScalarView()
        out.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            let v = scalar.value
            switch v {
            case 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2064, 0xFEFF, 0x00AD:
                continue  // zero-width and direction marks hide words from matching
            case 0xFF01...0xFF5E:
                out.append(Self.lowercasedASCII(Unicode.Scalar(v - 0xFEE0)!))
            case 0x3000:
                out.append(" ")
            case 0x41...0x5A:
                out.append(Unicode.Scalar(v + 0x20)!)
            default:
                if v < 0x20, v != 0x0A, v != 0x09 { out.append(" "); continue }
                if let simplified = simplified(scalar) {
                    out.append(simplified)
                } else if v >= 0x80, v < 0x2E80, scalar.properties.isUppercase {
                    out.append(contentsOf: String(scalar).lowercased().unicodeScalars)
                } else {
                    out.append(scalar)
                }
            }
        }
        return String(out)
    }

    @inline(__always)
    private static func needsFolding(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x80 { return (v >= 0x41 && v <= 0x5A) || (v < 0x20 && v != 0x0A && v != 0x09) }
        if v >= 0x4E00, v <= 0x9FFF { return simplifiedTable[Int(v - 0x4E00)] != 0 }
        if v < 0x2E80 { return v == 0x00AD || scalar.properties.isUppercase || (0x200B...0x2064).contains(v) }
        return v == 0x3000 || v == 0xFEFF || (0xFF01...0xFF5E).contains(v) || traditionalToSimplified[scalar] != nil
    }

    /// The Simplified form of a Traditional character, if it is one we map.
    @inline(__always)
    public static func simplified(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        let v = scalar.value
        if v >= 0x4E00, v <= 0x9FFF {
            let mapped = simplifiedTable[Int(v - 0x4E00)]
            return mapped == 0 ? nil : Unicode.Scalar(mapped)
        }
        return v < 0x3400 ? nil : traditionalToSimplified[scalar]
    }

    /// `traditionalToSimplified` as a flat table over the main CJK block, for fast lookups.
    private static let simplifiedTable: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 0x9FFF - 0x4E00 + 1)
        for (from, to) in traditionalToSimplified where (0x4E00...0x9FFF).contains(from.value) {
            table[Int(from.value - 0x4E00)] = to.value
        }
        return table
    }()

    private static func lowercasedASCII(_ s: Unicode.Scalar) -> Unicode.Scalar {
        (0x41...0x5A).contains(s.value) ? Unicode.Scalar(s.value + 0x20)! : s
    }

    /// True for CJK ideographs (the scripts we split into characters).
    @inline(__always)
    public static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x20000...0x2A6DF).contains(v)
            || (0xF900...0xFAFF).contains(v)
    }

    /// Traditional → Simplified for characters common in emotional and everyday writing. Not a full
    /// converter: enough that Traditional-script users are understood by both retrieval and safety.
    public static let traditionalToSimplified: [Unicode.Scalar: Unicode.Scalar] = {
        let pairs = """
        殺杀 輕轻 絕绝 望望 傷伤 憂忧 鬱郁 慮虑 緊紧 張张 壓压 難难 過过 們们 說说 這这 麼么 與与 關关 係系 \
        離离 媽妈 學学 習习 試试 業业 職职 場场 親亲 愛爱 戀恋 覺觉 沒没 總总 會会 還还 應应 該该 兒儿 為为 \
        麗丽 時时 間间 個个 來来 對对 後后 開开 讓让 給给 將将 無无 於于 從从 點点 還还 體体 頭头 聽听 話话 \
        認认 識识 談谈 論论 請请 謝谢 錯错 錢钱 買买 賣卖 讀读 書书 寫写 課课 題题 師师 長长 氣气 實实 現现 \
        經经 歲岁 樂乐 歡欢 興兴 動动 邊边 車车 東东 見见 覺觉 電电 腦脑 機机 網网 遊游 戲戏 癮瘾 煙烟 藥药 \
        醫医 療疗 院院 夢梦 覺觉 擔担 心心 懼惧 驚惊 嚇吓 慘惨 憤愤 恨恨 煩烦 惱恼 悶闷 淚泪 哭哭 孤孤 獨独 \
        寂寂 寞寞 累累 壞坏 罵骂 吵吵 架架 婦妇 夫夫 妻妻 婚婚 離离 異异 鄉乡 國国 號号 語语 寶宝 貓猫 狗狗 \
        隻只 條条 屍尸 墳坟 葬葬 喪丧 禮礼 紀纪 憶忆 極极 爛烂 廢废 醜丑 胖胖 罷罢 斷断 結结 盡尽 終终 亂乱 \
        夠够 很很 還还 麼么 嗎吗 們们 麵面 飯饭 睏困 睡睡 醒醒 瞭了 晚晚 燒烧 墜坠 樓楼 跳跳 橋桥 淹淹 溺溺 \
        槍枪 彈弹 刀刀 割割 腕腕 血血 傷伤 痕痕 鏈链 繩绳 吊吊 窒窒 劑剂 農农 藥药 瓶瓶 遺遗 囑嘱 訣诀 別别 \
        計计 劃划 準准 備备 隨随 頂顶 臺台 陽阳 陰阴 瘋疯 癲癫 罪罪 賤贱 廢废 辦办 嗚呜 啟启 學学 認认 為为 \
        殘残 著着 義义 種种 樣样 幫帮 護护 險险 災灾 禍祸 斃毙 懸悬 針针 鋒锋 銳锐 鐵铁 軌轨 臥卧 厭厌 棄弃 \
        敗败 輸输 贏赢 勁劲 撐撑 虧亏 躍跃 衝冲 緒绪 罰罚 懲惩 頸颈 紮扎 掙挣 癒愈 誰谁 裡里 裏里 層层 當当 \
        並并 務务 負负 責责 債债 貸贷 賭赌 惡恶 願愿 滅灭 殯殡 靈灵 歸归 歷历 刪删 帳账 寵宠 託托 爺爷 級级 \
        績绩 測测 驗验 誤误 錄录 聞闻 報报 導导 視视 劇剧 節节 詞词 術术 際际 讚赞 變变 態态 兇凶 幹干 輛辆 \
        載载 飛飞 發发 髮发 嗎吗 結结 願愿 憐怜 慾欲 淒凄 鎮镇 靜静 劑剂 顆颗 種种 專专 們们 鬧闹 緣缘 陪陪
        """
        var map: [Unicode.Scalar: Unicode.Scalar] = [:]
        for token in pairs.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let scalars = Array(token.unicodeScalars)
            guard scalars.count == 2, scalars[0] != scalars[1] else { continue }
            map[scalars[0]] = scalars[1]
        }
        return map
    }()
}
