import Foundation

/// Colloquial phrases and the canonical term they mean. When a text contains any phrase of a group,
/// the group's canonical term is tokenised as well, on both the corpus side and the query side.
public struct SynonymTable: Sendable {
    public struct Group: Sendable {
        public var canonical: String
        public var phrases: [String]
    }

    public let groups: [Group]
    /// Phrases by their first scalar, for one pass over the text.
    private let byFirstScalar: [Unicode.Scalar: [(phrase: [Unicode.Scalar], group: Int)]]

    public init(groups: [Group]) {
        self.groups = groups
        var index: [Unicode.Scalar: [(phrase: [Unicode.Scalar], group: Int)]] = [:]
        for (g, group) in groups.enumerated() {
            for phrase in group.phrases {
                let scalars = Array(phrase.unicodeScalars)
                guard let first = scalars.first else { continue }
                index[first, default: []].append((scalars, g))
            }
        }
        self.byFirstScalar = index
    }

    /// Canonical terms whose phrases occur in `folded` (already passed through `TextNormalizer`).
    public func expansions(in folded: String) -> [String] {
        expansionGroups(in: folded).map { groups[$0].canonical }
    }

    /// Indexes of the groups whose phrases occur in `folded`, in order of first occurrence. A Latin
    /// phrase must start a word ("ex" is not in "next"), and one of at most three letters must also
    /// end it, an `s` aside ("ex" is not in "exam"; "cats" has "cat"); longer ones match as stems
    /// ("cheat" in "cheated").
    public func expansionGroups(in folded: String) -> [Int] {
        let text = Array(folded.unicodeScalars)
        var found = [Bool](repeating: false, count: groups.count)
        var result: [Int] = []
        func isLetter(_ i: Int) -> Bool { i >= 0 && i < text.count && text[i].isASCII && text[i].properties.isAlphabetic }
        for i in text.indices {
            guard let candidates = byFirstScalar[text[i]] else { continue }
            for (phrase, group) in candidates where !found[group] && i + phrase.count <= text.count {
                var match = true
                for k in 1..<phrase.count where text[i + k] != phrase[k] {
                    match = false
                    break
                }
                if match, phrase[0].isASCII, phrase[0].properties.isAlphabetic {
                    let end = i + phrase.count
                    let endsWord = !isLetter(end) || (text[end] == "s" && !isLetter(end + 1))
                    match = !isLetter(i - 1) && (phrase.count > 3 || endsWord)
                }
                if match {
                    found[group] = true
                    result.append(group)
                }
            }
        }
        return result
    }

    /// Parses `canonical: phrase, phrase, …` lines; `#` starts a comment.
    public init(parsing text: String) {
        self.init(groups: Self.parse(text))
    }

    static func parse(_ text: String) -> [Group] {
        var groups: [Group] = []
        for line in text.split(separator: "\n") {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let parts = content.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let canonical = parts[0].trimmingCharacters(in: .whitespaces)
            let phrases = parts[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
            guard !canonical.isEmpty, !phrases.isEmpty else { continue }
            groups.append(Group(canonical: canonical, phrases: phrases))
        }
        return groups
    }

    /// The table used by the embedded model. Each line: canonical term, then everyday wordings.
    public static let standard = SynonymTable(parsing: """
    # sleep
    失眠: 睡不着, 睡不好, 入睡难, 入睡困难, 翻来覆去, 早醒, 半夜醒, 凌晨醒, 凌晨三点, 熬夜, 睡眠, 整夜, 失眠, 睡着, 安眠, insomnia, can't sleep, cant sleep, sleep, awake, 3am, 4am
    # stress and anxiety
    压力: 压力, 焦虑, 喘不过气, 压得, 崩溃, 心累, 好累, 扛不住, 紧绷, 内耗, 减压, 解压, 放松不下来, ddl, deadline, 赶工, 事情太多, stress, overwhelm, pressure, anxious, burnt out
    想太多: 想太多, 想得多, 想很多, 胡思乱想, 往坏处想, 反复想, 琢磨, 多想, 内耗, overthink
    # family roles: parents together, and each parent, so a father's and a mother's story stay apart
    父母: 爸妈, 父母, 家里人, 长辈, 家长, parents
    父亲: 爸, 父亲, 老爸, dad, father
    母亲: 妈, 母亲, mom, mum, mother
    配偶: 老公, 老婆, 丈夫, 妻子, 爱人, 媳妇, 另一半, husband, wife, spouse
    恋人: 男朋友, 女朋友, 男友, 女友, 对象, 恋人, 男票, 女票, boyfriend, girlfriend, partner
    孩子: 孩子, 儿子, 女儿, 小孩, 娃, 宝宝, 熊孩子, kid, son, daughter, child
    婆媳: 婆婆, 公公, 岳母, 丈母娘, 婆家, 娘家, 婆媳, in-law
    比较: 比较, 攀比, 别人家, 拿我和, 拿我跟, 把我和, 把我跟, 和别人比, 跟别人比, 比不上, 不如别人, compare, comparing
    # relationships
    分手: 分手, 分开了, 被甩, 提分手, 前任, 前男友, 前女友, 复合, 失恋, ex, broke up, breakup, dumped, heartbroken, heartbreak
    离婚: 离婚, 离了婚, 协议离婚, 抚养权, 抚养费, 离异, 单亲, 前夫, 前妻, divorce
    出轨: 出轨, 劈腿, 外遇, 小三, 背叛, 偷吃, 绿了, cheat, affair
    冷暴力: 冷战, 冷暴力, 不理我, 不理人, 不回消息, 已读不回, 玩失踪, 不说话, silent treatment, ignore
    吃醋: 吃醋, 嫉妒, 占有欲, 查手机, 翻手机, 安全感, jealous, insecure
    暗恋: 暗恋, 喜欢一个人, 单恋, 表白, 告白, crush
    异地: 异地, 两地, 远距离, long distance
    # work and study
    工作: 上班, 工作, 职场, 公司, 加班, 996, 辞职, 跳槽, 面试, 找工作, 实习, 秋招, 春招, 校招, offer, 摸鱼, 模鱼, 绩效, 工资, job, work, office
    领导: 领导, 老板, 上司, 主管, 经理, boss, manager
    同事: 同事, 同组, 办公室, coworker, colleague
    失业: 裁员, 被裁, 失业, 辞退, 被炒, 炒鱿鱼, 优化, 开除, 丢了工作, 没了工作, laid off, layoff, fired, lost my job, redundan, unemploy
    倦怠: 倦怠, 累垮, 被掏空, 身心俱疲, 干不动, 不想上班, 榨干, burnout, burned out, burnt out, exhaust
    学业: 考试, 考研, 考公, 高考, 中考, 期末, 挂科, 成绩, 学习, 作业, 论文, 毕业, 专业, 学校, 老师, 上学, 读书, exam, study, school, college, grade
    考前: 考前, 倒计时, 快考, 要考试, 马上要考, 临考, 冲刺, 考场, 进考场, before the exam, exam tomorrow
    考砸: 考砸, 没考好, 考得差, 考得很差, 考差, 一塌糊涂, 挂科, 挂了, 没考上, 落榜, 失利, 没过, 没上线, failed
    # addiction: each habit its own topic, plus what every addiction shares
    成瘾: 上瘾, 成瘾, 戒不掉, 停不下来, 控制不住, 沉迷, addicted, addiction
    手机: 刷手机, 玩手机, 刷视频, 短视频, 抖音, 快手, 小红书, 手机瘾, 屏幕时间, 手机, scroll, screen time, phone, tiktok, instagram
    游戏: 打游戏, 玩游戏, 游戏, 王者, 吃鸡, gaming, game
    喝酒: 喝酒, 酗酒, 断片, 戒酒, 喝醉, 酒精, 啤酒, 白酒, drinking, alcohol, drunk
    抽烟: 抽烟, 戒烟, 烟瘾, 复吸, 香烟, 电子烟, smoking, cigarette, vape
    # grief
    离世: 去世, 离世, 走了, 过世, 离开了我们, 离开我们, 离开了我, 永远离开, 离开了这个世界, 离开这个世界, 逝世, 病逝, 葬礼, 不在了, 失去, 猫死了, 狗死了, 宠物死了, 狗狗死了, 猫咪死了, 它死了, 死掉, 老死, 安乐死, 彩虹桥, 喵星, 汪星, 忌日, 头七, 遗物, 遗照, 没保住, 流产, 胎停, 没救回来, 没救过来, 仓鼠死了, 兔子死了, 鹦鹉死了, grief, grieving, passed away, funeral, lost my, losing, died, dead, put down, put my
    宠物: 宠物, 猫, 狗, 毛孩子, 仓鼠, 兔子, pet, cat, dog
    # self
    自卑: 自卑, 不如别人, 比不上, 没自信, 不自信, 自我否定, 看不起自己, worthless, not good enough, confidence
    外貌: 长得丑, 外貌, 容貌, 身材, 长相, 照镜子, 胖, 颜值, ugly, appearance
    讨好: 讨好, 不会拒绝, 不好意思拒绝, 不敢拒绝, 拒绝别人, 老好人, 看别人脸色, say no, people pleas, please everyone
    迷茫: 迷茫, 意义, 方向, 我是谁, 价值观, 人生目标, 不知道自己想要, 性格, mbti, 什么样的人, who i am, lost, purpose, meaning
    # adolescence
    青春期: 青春期, 初中, 高中生, 初二, 初三, 高一, 高二, 早恋, 叛逆, 发育, 校园霸凌, 被霸凌, 同桌, 班主任, teen, puberty, bully
    # obsessive
    强迫: 强迫, 反复检查, 反复洗手, 洗手, 检查门, 关没关, 控制不住地想, 停不下来地想, 仪式, 侵入性, 数数, ocd, intrusive, checking
    # sexuality and gender
    LGBT: 同性恋, 同性, 双性恋, 性取向, 出柜, 跨性别, 拉拉, 男同, 女同, gay, lesbian, bisexual, queer, trans, lgbt, coming out
    性: 性生活, 性欲, 性冷淡, 第一次, 做爱, 同房, 性方面, 性知识, 性教育, 时间太短, 早泄, 勃起, 避孕, sex, sexual, libido
    # parenting
    亲子: 叛逆期, 不听话, 写作业, 辅导作业, 顶嘴, 管孩子, 带娃, 育儿, 家长, 当妈, 当爸, 亲子, parenting, toddler, tantrum
    产后: 产后, 生完孩子, 坐月子, 月子, 生了宝宝, 生完宝宝, 新手妈妈, 喂奶, 哺乳, postpartum, after giving birth
    # social
    人际: 朋友, 室友, 舍友, 同学关系, 人际, 社交, 社恐, 合群, 被孤立, 排挤, 闺蜜, 兄弟, 冷场, 交朋友, friend, roommate, social, left out
    孤独: 孤独, 孤单, 一个人, 没人陪, 寂寞, alone, loneliness, lonely
    愤怒: 生气, 发火, 脾气, 愤怒, 暴躁, 控制不住情绪, angry, anger, temper
    """)
}
