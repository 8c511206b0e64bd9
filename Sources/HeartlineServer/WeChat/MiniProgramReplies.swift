import ChatCore

/// Fixed texts of the mini-program Q&A API that the shared catalogue does not have.
enum MiniProgramReply {
    /// The question was judged `risky` by WeChat's content check.
    case questionRefused
    /// The answer was judged `risky` and withheld.
    case answerWithheld

    func text(_ language: ReplyLanguage) -> String {
        switch (self, language) {
        case (.questionRefused, .zh):
            "抱歉，这个问题我没办法回答。如果你正在经历难过的事，可以换一种方式说说你的感受，我会认真听。"
        case (.questionRefused, .en):
            "Sorry, I can't answer that. If you are going through something hard, try telling me about how you feel in other words; I'm listening."
        case (.answerWithheld, .zh):
            "抱歉，我刚才组织的回答不太合适，没有发出来。可以换个方式再问我一次吗？"
        case (.answerWithheld, .en):
            "Sorry, the answer I put together wasn't appropriate, so I held it back. Could you ask me again in a different way?"
        }
    }
}
