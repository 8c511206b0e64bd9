import ChatCore
import Foundation
import Hummingbird
import Logging
import WeChatAdapter

/// Adds the WeChat push endpoint and the mini-program Q&A API when the channel is enabled.
enum WeChatRoutes {
    static func add<Context: RequestContext>(
        to router: Router<Context>, settings: HeartlineSettings, dependencies: HeartlineDependencies, intake: MessageIntake, logger: Logger
    ) {
        let w = settings.wechat
        guard w.isEnabled else { return }
        guard let services = dependencies.wechat else {
            logger.warning("WeChat channel enabled but its services are not configured; routes not added")
            return
        }
        WeChatPushRoutes(
            services: services, intake: intake, path: w.pushPath, maxBodyBytes: w.maxBodyBytes,
            logger: logger.with(label: "heartline.wechat.push"), now: dependencies.now
        ).add(to: router)
        let secret = w.sessionSecret ?? MiniProgramTokens.derivedSecret(from: intake.hasher)
        MiniProgramRoutes(
            services: services,
            intake: intake,
            tokens: MiniProgramTokens(secret: secret, ttl: w.sessionTTL, now: dependencies.now),
            limiter: MiniProgramRateLimiter(perMinute: w.askPerMinute),
            // Every 10 s while a handoff is open, plus onShow and a few after answers.
            pollLimiter: MiniProgramRateLimiter(perMinute: 30),
            handoffs: settings.handoff.pipeline.channels.contains(.miniprogram) && settings.handoff.isEnabled ? dependencies.handoffs : nil,
            feedback: dependencies.feedback,
            replyIDs: MiniProgramReplyIDs(secret: secret),
            feedbackLimiter: MiniProgramRateLimiter(perMinute: 30),
            loginLimiter: MiniProgramRateLimiter(perMinute: w.loginPerMinute),
            loginTotalLimiter: MiniProgramRateLimiter(perMinute: w.loginPerMinuteTotal),
            safety: .bundled(sessions: dependencies.sessions, contextTurns: settings.pipeline.safetyContextTurns),
            moderation: MiniProgramModeration(checker: services.contentCheck, logger: logger.with(label: "heartline.wechat.moderation")),
            checked: MiniProgramCheckedQuestions(),
            prefix: w.miniProgramPath,
            askTimeout: w.askTimeout,
            askBudget: w.askBudget,
            maxQuestionCharacters: settings.pipeline.maxInputCharacters,
            logger: logger.with(label: "heartline.wechat.miniprogram"),
            now: dependencies.now
        ).add(to: router)
        logger.info("WeChat channel on", metadata: ["wechat.push_path": "\(w.pushPath)", "wechat.mode": "\(w.effectiveMode.rawValue)"])
    }
}
