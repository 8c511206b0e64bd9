import Testing
@testable import ChatCore

@Suite struct HandoffRequestTests {
    @Test(arguments: [
        "转人工", "转人工！", " 人工客服 ", "找真人", "我要转人工", "能不能转人工", "请帮我转人工", "人工", "我要人工", "真人客服",
        "人工服务", "轉人工", "找个真人聊聊", "想和真人聊", "我想找咨询师", "咨询师", "/human", "/HUMAN", "/human@example_helper_bot",
        "talk to a human", "Talk to a human, please", "I want to speak to a real person", "human", "Human please", "human agent",
        "can I talk to someone", "counsellor",
    ])
    func recognisesRequestsForAPerson(_ text: String) {
        #expect(HandoffRequest.matches(text), "\(text)")
    }

    @Test(arguments: [
        "人工智能会取代我的工作吗", "我之前看过心理咨询师，感觉没用", "最近总是失眠，晚上翻来覆去睡不着怎么办", "我和真人聊天的时候会特别紧张，不知道说什么",
        "/help", "/humanity", "humanity is doomed", "I read about human psychology and I want to understand why I feel sad all the time",
        "人工呼吸", "", "   ", "你好", "my counsellor said I should write things down",
    ])
    func leavesOtherMessagesAlone(_ text: String) {
        #expect(!HandoffRequest.matches(text), "\(text)")
    }
}
