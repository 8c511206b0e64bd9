import Foundation
import Testing
@testable import ChatCore

@Suite struct CommandTests {
    @Test(arguments: [
        ("/start", Command.Parsed.command(.start)),
        ("/HELP", .command(.help)),
        ("  /reset please", .command(.reset)),
        ("/forget@heartline_bot", .command(.forget)),
        ("/unknown", .unknown),
    ])
    func recognisesCommands(text: String, expected: Command.Parsed) {
        #expect(Command.parse(text) == expected)
    }

    @Test(arguments: ["我最近总是失眠", "/ 我很好", "///", "/1234", "a/start", "", "/启动"])
    func ordinaryTextIsNotACommand(text: String) {
        #expect(Command.parse(text) == nil)
    }
}
