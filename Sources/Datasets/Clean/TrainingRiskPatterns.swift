/// What `TrainingRiskScan` looks for, written for training data (not for judging a user's risk,
/// which is the safety detector's job): terms are folded and read without separators.
///
/// - `reject`: content no training pair may carry, whoever says it and however it is framed —
///   how to die or hurt oneself, how much of something kills, how lethal a means is, urging
///   someone to die, death made beautiful. A model trained on it could repeat it to someone at risk.
/// - `near`: the same, when two kinds of words stand close (a means and a lethal outcome).
/// - `spare`: phrases that contain a rejecting term but say the opposite (死亡不是解脱).
/// - `candidates`: anything the safety detector could read as a crisis — suicide, death wishes,
///   self-harm, means, violence, abuse, their euphemisms, slang and emoji. A text with none of
///   them is clear without running the detector; the detector decides on the rest. The list is
///   broad on purpose: a missing candidate is a crisis answer let through, an extra one costs a
///   detector call. `ScreenEquivalenceTests` checks it against the detector on a corpus.
public struct TrainingRiskPatterns: Sendable {
    public struct Near: Sendable {
        public var category: String
        public var first: [String]
        public var second: [String]
        /// Largest gap between the two, in scalars (separators not counted).
        public var window: Int

        public init(category: String, first: [String], second: [String], window: Int) {
            self.category = category
            self.first = first
            self.second = second
            self.window = window
        }
    }

    public var reject: [(category: String, terms: [String])]
    public var near: [Near]
    public var spare: [String]
    public var candidates: [String]

    public init(reject: [(category: String, terms: [String])], near: [Near], spare: [String], candidates: [String]) {
        self.reject = reject
        self.near = near
        self.spare = spare
        self.candidates = candidates
    }

    /// The category of `near` rules that only make a text a candidate.
    public static let candidate = "candidate"

    public static let standard = TrainingRiskPatterns(
        reject: [
            ("method-detail", [
                "自杀方法", "自杀的方法", "自杀方式", "自杀的方式", "怎么自杀", "怎样自杀", "如何自杀", "自杀教程", "自杀攻略",
                "怎么死比较", "怎么死最", "怎样死才", "怎么死才", "哪种死法", "死法", "无痛自杀", "无痛的死", "无痛死亡",
                "不痛苦的死", "没有痛苦的死", "死得快", "死得痛快", "死得干脆", "最快的死", "快速死亡",
                "割腕的方法", "割腕怎么", "割哪里", "割动脉", "割颈", "割得深", "割深一点", "划深一点", "竖着割", "顺着血管割",
                "烧炭的方法", "烧炭怎么", "上吊的方法", "上吊怎么", "吊死的方法", "绳结怎么打", "绳套怎么",
                "几楼跳", "跳几楼", "几楼才会死", "几楼能死", "多高会死", "多高才会死", "多高能死", "从几楼",
                "自杀成功率", "成功率最高的", "how to kill yourself", "how to commit suicide", "painless way to die",
                "best way to die", "suicide method", "ways to kill yourself",
            ]),
            ("dose", [
                "致死量", "致死剂量", "致死的剂量", "致命剂量", "致命的剂量", "半数致死", "lethal dose", "fatal dose",
                "多少片会死", "多少片能死", "多少片才会死", "多少片才能死", "几片会死", "几片能死", "多少粒会死", "多少粒能死",
                "吃多少会死", "吃多少能死", "吃多少才会死", "吃多少才能死", "喝多少会死", "喝多少能死", "喝多少才会死",
                "吃多少片", "吞多少片", "吃多少安眠药", "安眠药吃多少", "喝多少农药", "农药喝多少", "how many pills",
            ]),
            ("lethality", [
                "必死无疑", "肯定死得了", "一定死得了", "死得成", "能不能死成", "会不会死成", "救不回来的", "抢救不过来",
            ]),
            ("encouragement", [
                "你去死", "去死吧", "怎么不去死", "快去死", "赶紧去死", "早死早超生", "想死就去死", "要死就去死",
                "支持你自杀", "自杀是你的权利", "你应该自杀", "你该去死", "你就去死", "跳吧", "你跳啊", "割吧", "死了算了吧你",
                "go kill yourself", "kill yourself", "just die",
            ]),
            ("romanticising", [
                "死亡是解脱", "死是解脱", "死是一种解脱", "死亡是一种解脱", "死就是解脱", "死亡很美", "死亡是美", "死亡是美丽",
                "美丽的死", "凄美的死", "自杀很美", "自杀是勇敢", "自杀很勇敢", "自杀需要勇气", "自杀是一种勇气",
                "死了就能解脱", "死了就解脱", "死了就轻松", "死了就不痛苦", "死了就不会痛", "死亡是归宿", "死亡是最好的归宿",
                "一起去死", "殉情很浪漫", "殉情是浪漫", "死在最美的年纪", "永远的解脱", "永恒的安宁",
            ]),
        ],
        near: [
            Near(
                category: "lethality",
                first: [
                    "割腕", "割脉", "上吊", "烧炭", "跳楼", "跳河", "跳桥", "跳江", "服毒", "农药", "百草枯", "安眠药", "吞药",
                    "一氧化碳", "煤气", "吊死", "溺死", "淹死", "摔死", "毒死",
                ],
                second: ["一定会死", "肯定会死", "必死", "死得了", "死不了", "能死", "会死的", "没有痛苦", "不会痛", "最快", "最有效"],
                window: 8
            ),
            Near(
                category: "dose",
                first: ["一整瓶", "整瓶", "一大把", "几十片", "上百片", "一百片", "几十粒", "上百粒", "全部吞", "全吞"],
                second: ["死", "致命", "没命", "醒不过来", "不会醒", "洗胃"],
                window: 10
            ),
            // Candidates only (the detector decides): words too common alone, telling when close together.
            Near(
                category: candidate,
                first: [
                    "割", "划", "刺", "扎", "戳", "烫", "掐", "抽", "捶", "抠", "挠", "抓", "烙", "勒", "砍", "剜", "伤", "弹", "拔",
                    "浇", "泼", "咬", "打", "撞", "烧", "了结", "了断", "结束", "杀", "弄死", "解决", "干掉", "处理掉", "毁掉",
                    "送走", "吊", "挂",
                ],
                second: ["自己"],
                window: 3
            ),
            Near(
                category: candidate,
                first: ["割", "划", "刺", "扎", "烫", "掐", "抓", "咬", "撞", "打", "抠", "砍", "烧"],
                second: [
                    "一道", "几道", "好几道", "很多道", "一刀", "几刀", "好几刀", "好多刀", "口子", "伤口", "流血", "出血", "见血",
                    "好多下", "好几下", "很多下", "起泡", "肿了", "青了", "紫了", "烂了", "疤", "伤痕", "很深", "淤青", "淤血",
                ],
                window: 4
            ),
            Near(category: candidate, first: ["停", "停止", "结束", "stop", "end"], second: ["心跳"], window: 40),
            Near(category: candidate, first: ["世界", "人间", "这世上", "这个世上", "this world"], second: ["最后"], window: 7),
            Near(category: candidate, first: ["又", "再次", "再一次", "没忍住", "忍不住", "复发", "破戒", "again"], second: ["划", "割", "cut"], window: 3),
        ],
        spare: [
            "不是解脱", "并不是解脱", "不是一种解脱", "不能解脱", "死不是解脱", "死亡不是解脱", "死亡并不是解脱",
            "不会死得了", "跳吧台", "跳吧舞", "kill yourself the", "skill yourself",
        ],
        candidates: [
            // Death, killing, suicide, and their slang and sound-alikes (normalize.txt's forms among them).
            "死", "杀", "自尽", "轻生", "寻短见", "想不开", "了断", "了结自己", "了结生命", "了结这", "一了百了", "解脱", "遗书",
            "遗言", "后事", "告别", "永别", "诀别", "最后一次", "离开这个世界", "离开人世", "这个世界", "消失", "天堂",
            "另一个世界", "另一边", "长眠", "永眠", "安乐", "谢幕", "醒不", "不醒", "再醒", "不想醒", "不要醒", "不用醒", "不会醒",
            "睡过去", "睡下去", "心跳停", "停止心跳", "让心跳", "不想活", "不活", "活不", "活够", "活下去", "不想活着",
            "活着没", "活着有什么", "活着干", "活着好累", "活着太累", "活着真累", "为什么活着", "活着的意义", "没意义",
            "没有意义", "撑不", "坚持不下去", "熬不", "结束这", "结束一切", "结束生命", "结束自己", "结束我", "结束掉",
            "结束痛苦", "都结束", "结束了吧", "就结束了", "紫砂", "自鲨", "自刹", "自沙", "自sha", "zi杀", "zisha", "zs", "4了",
            "想4", "去4", "si了", "想si", "去si", "似了", "想似", "去世", "噶", "嘎", "鲨", "s了", "想s", "tiao楼", "跳lou", "跳low",
            "一氧化碳",
            // Means and harm.
            "割", "划伤", "划手", "划自己", "划破", "划胳膊", "划手臂", "划手腕", "划腕", "划了", "划开", "划痕", "划口子", "划一",
            "划几", "跳楼", "跳河", "跳江", "跳桥", "跳海", "跳湖", "跳下", "跳轨", "往下跳", "跳了", "吊", "绳", "药", "毒", "刀",
            "刃", "血", "伤害", "伤自己", "自伤", "伤口", "弄伤", "受伤", "残", "炭", "煤气", "燃气", "枪", "砍", "捅", "掐", "勒",
            "淹", "溺水", "溺死", "摔", "撞", "卧轨", "高楼", "天台", "楼顶", "阳台", "窗", "桥", "河", "江", "海", "湖", "楼", "攒",
            "囤", "存药", "存够", "存了", "存起来", "存下", "片", "粒", "瓶", "烫", "烧", "饿死", "绝食", "打我", "打了我", "被打",
            "挨打", "打他", "打她", "揍", "踢", "虐", "暴力", "侵犯", "性侵", "强奸", "猥亵", "威胁", "报复", "同归于尽", "弄死",
            "宰", "灭", "炸",
            // Latin words and their slang; emoji read as words.
            "die", "dying", "dead", "death", "kill", "suicid", "sewer", "suic", "sucid", "unaliv", "kms", "kys", "overdose",
            "od", "pill", "cut", "hurt", "harm", "bleed", "blood", "hang", "rope", "noose", "jump", "bridge", "gun", "shoot",
            "knife", "blade", "poison", "end it", "end my", "end myself", "goodbye", "not wake", "wake up", "no reason",
            "ded", "abuse", "hit me", "beat", "rape",
            "🔪", "🗡", "💊", "🪢", "⚰", "🪦", "🩸", "🔫", "☠", "💀", "🧨", "💣",
        ] + lexiconCandidates
    )
}
