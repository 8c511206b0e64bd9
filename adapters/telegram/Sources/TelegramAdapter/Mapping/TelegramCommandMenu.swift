import ChatCore
import Foundation

/// The command menu shown in Telegram clients (`setMyCommands`): the four commands every channel
/// understands, described in Chinese (the default menu) and English (`language_code: en`).
public enum TelegramCommandMenu {
    public static func commands(_ language: ReplyLanguage) -> [TelegramCommandDescription] {
        switch language {
        case .zh:
            [
                TelegramCommandDescription(command: "start", description: "开始聊天"),
                TelegramCommandDescription(command: "help", description: "怎么使用"),
                TelegramCommandDescription(command: "reset", description: "清空本次对话"),
                TelegramCommandDescription(command: "forget", description: "删除我保存的关于你的全部内容"),
            ]
        case .en:
            [
                TelegramCommandDescription(command: "start", description: "Start a conversation"),
                TelegramCommandDescription(command: "help", description: "How this works"),
                TelegramCommandDescription(command: "reset", description: "Clear this conversation"),
                TelegramCommandDescription(command: "forget", description: "Delete everything stored about you"),
            ]
        }
    }

    /// Registers the menu: Chinese as the default, English for English-language clients.
    public static func register(with api: TelegramBotAPI, retry: TelegramRetryPolicy? = nil) async throws(TelegramAPIError) {
        try await api.setMyCommands(commands(.zh), retry: retry)
        try await api.setMyCommands(commands(.en), languageCode: "en", retry: retry)
    }
}
