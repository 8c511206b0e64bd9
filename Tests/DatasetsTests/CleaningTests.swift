import Testing
@testable import Datasets

@Suite("Cleaning rules")
struct CleaningTests {
    let cleaner = TextCleaner()

    @Test("line ends, runs of whitespace, blank lines and edges")
    func whitespace() {
        #expect(cleaner.clean("  第一行\r\n第二行\r第三行  ") == "第一行\n第二行\n第三行")
        #expect(cleaner.clean("很多   空格\t\t和\u{3000}全角空格") == "很多 空格 和 全角空格")
        #expect(cleaner.clean("段一\n\n\n\n段二   \n  段三") == "段一\n\n段二\n段三")
        #expect(cleaner.clean(" \n \n ") == "")
    }

    @Test("zero-width and control characters are removed")
    func invisible() {
        #expect(cleaner.clean("自\u{200B}杀\u{FEFF}预\u{200D}防\u{0007}") == "自杀预防")
        #expect(cleaner.clean("soft\u{00AD}hyphen") == "softhyphen")
    }

    @Test("HTML entities and line-break tags")
    func html() {
        #expect(cleaner.clean("先&nbsp;休息&amp;放松&lt;一下&gt;&#x4F60;&#22909;") == "先 休息&放松<一下>你好")
        #expect(cleaner.clean("第一句<br/>第二句<p>第三句</p><b>重点</b>") == "第一句\n第二句\n第三句\n重点")
        #expect(cleaner.clean("a<b and 3 > 2 & so on, &unknown;") == "a<b and 3 > 2 & so on, &unknown;")
    }

    @Test("literal \\uXXXX text is decoded")
    func escapes() {
        #expect(cleaner.clean(#"\u4f60\u597d，朋友"#) == "你好，朋友")
    }

    @Test("URLs, e-mail addresses, phone numbers and account ids are redacted")
    func redaction() {
        #expect(cleaner.clean("看看 https://example.com/a?b=1。") == "看看 [链接]。")
        #expect(cleaner.clean("访问www.example.cn/help了解") == "访问[链接]了解")
        #expect(cleaner.clean("我的博客 blog.example.com 有写") == "我的博客 [链接] 有写")
        #expect(cleaner.clean("写信到 help.me@example.org 吧") == "写信到 [邮箱] 吧")
        #expect(cleaner.clean("手机13812345678或138-1234-5678") == "手机[电话]或[电话]")
        #expect(cleaner.clean("座机 010-82951332，热线 400-161-9995") == "座机 [电话]，热线 [电话]")
        #expect(cleaner.clean("打 +86 138 1234 5678") == "打 [电话]")
        #expect(cleaner.clean("电话 8295133 找我") == "电话 [电话] 找我")
        #expect(cleaner.clean("加QQ：12345678或微信号 heart_line88") == "加QQ：[账号]或微信号 [账号]")
    }

    @Test("numbers that are not contact details stay")
    func redactionNegatives() {
        for text in ["我2002年生了孩子", "花了2000块", "20200503这天", "版本 1.2.3", "考了138分", "3.14159", "第12345678名"] {
            #expect(Redactor.redact(text) == text, "\(text)")
        }
    }

    @Test("thanks-, filler- and emoji-only answers are low content; real answers are not")
    func lowContent() {
        for text in ["谢谢", "谢谢楼主分享！！", "😊👍", "顶", "+1", "Thanks!", "抱抱~", "同意楼上。", "哈哈哈", "……"] {
            #expect(LowContentFilter.isLowContent(text), "\(text)")
        }
        for text in ["先学会爱自己", "多出去走走", "谢谢你愿意说出来，你可以先试着每天写日记", "去医院看看吧"] {
            #expect(!LowContentFilter.isLowContent(text), "\(text)")
        }
    }

    @Test("the keyword screen flags crisis content and spares hard negatives")
    func screen() {
        let screen = KeywordContentScreen()
        for text in ["我不想活了", "有想过自殺", "可以割腕吗", "想死", "I want to kill myself", "想和他同归于尽"] {
            #expect(screen.screen(text) != nil, "\(text)")
        }
        for text in ["笑死我了", "饿死了", "社死现场", "想死你了", "kill -9 之后重启", "跳楼价大甩卖"] {
            #expect(screen.screen(text) == nil, "\(text)")
        }
        #expect(screen.screen("割腕")?.category == "suicide")
        #expect(screen.screen("自残")?.category == "self-harm")
    }

    @Test("exact and near duplicates, and repeated answers")
    func dedupe() {
        var d = Deduplicator(nearDuplicates: true, maxAnswerRepeats: 2)
        #expect(d.check(question: "失眠怎么办", answer: "多运动，早点睡。") == .unique)
        #expect(d.check(question: "失眠怎么办", answer: "多运动，早点睡。") == .exactDuplicate)
        #expect(d.check(question: "失眠怎么办？", answer: "多运动 早点睡！！") == .nearDuplicate)
        #expect(d.check(question: "睡不着", answer: "多运动，早点睡。") == .unique)
        #expect(d.check(question: "睡眠差", answer: "多运动，早点睡。") == .repeatedAnswer)
        var exactOnly = Deduplicator(nearDuplicates: false)
        #expect(exactOnly.check(question: "a", answer: "b c") == .unique)
        #expect(exactOnly.check(question: "a", answer: "b  c") == .unique)
    }

    @Test("fingerprints separate part boundaries")
    func fingerprint() {
        #expect(Fingerprint("ab").combined(with: Fingerprint("c")) != Fingerprint("a").combined(with: Fingerprint("bc")))
        #expect(Fingerprint("same") == Fingerprint("same"))
    }
}
