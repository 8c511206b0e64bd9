import Foundation

/// Paces outgoing messages to Telegram's limits (B.9): about one per second per chat, twenty per
/// minute per group, thirty per second overall. A caller reserves a slot and sleeps outside the
/// actor, so a busy chat waits without holding up other chats (they share only the global limit).
///
/// - Per chat: evenly spaced slots (a GCRA meter without burst).
/// - Per group: an exact sliding window (at most twenty slots in any sixty seconds), which works
///   because one chat's slots only grow.
/// - Overall: a calendar of 1/30 s slots, one send each. A calendar (not a meter) because slots
///   are booked out of order: a chat that must wait two seconds books a slot two seconds ahead,
///   and that must not push back a chat that could send now.
public actor TelegramPacer {
    public struct Limits: Sendable, Equatable {
        public var perChatInterval: Duration
        public var perGroupPerMinute: Int
        public var globalPerSecond: Int

        public init(perChatInterval: Duration = .seconds(1), perGroupPerMinute: Int = 20, globalPerSecond: Int = 30) {
            self.perChatInterval = perChatInterval
            self.perGroupPerMinute = max(1, perGroupPerMinute)
            self.globalPerSecond = max(1, globalPerSecond)
        }

        /// No pacing (benchmarks against a fake; never for the real Telegram).
        public static let unlimited = Limits(perChatInterval: .zero, perGroupPerMinute: 1_000_000_000, globalPerSecond: 1_000_000_000)
    }

    /// GCRA state without burst: the earliest time of the next send.
    struct Meter: Sendable {
        var interval: Duration
        var nextDue: ContinuousClock.Instant

        func earliest(_ desired: ContinuousClock.Instant) -> ContinuousClock.Instant {
            max(desired, nextDue)
        }

        mutating func take(at slot: ContinuousClock.Instant) {
            nextDue = max(nextDue, slot) + interval
        }
    }

    /// The last `capacity` send slots of one group, oldest first.
    struct Window: Sendable {
        var capacity: Int
        var span: Duration
        var slots: [ContinuousClock.Instant] = []

        func earliest(_ desired: ContinuousClock.Instant) -> ContinuousClock.Instant {
            guard slots.count >= capacity, let oldest = slots.first else { return desired }
            return max(desired, oldest + span)
        }

        mutating func take(at slot: ContinuousClock.Instant) {
            slots.append(slot)
            // Slots older than the span no longer constrain anything.
            let expired = slots.prefix { $0 + span <= slot }.count
            let excess = max(expired, slots.count - capacity)
            if excess > 0 { slots.removeFirst(excess) }
        }

        var lastSlot: ContinuousClock.Instant? { slots.last }
    }

    /// Global slots of width 1/rate, each booked at most once.
    struct Calendar: Sendable {
        var origin: ContinuousClock.Instant
        var width: Duration
        var booked: Set<Int64> = []

        func index(_ instant: ContinuousClock.Instant) -> Int64 {
            Int64(((instant - origin) / width).rounded(.up))
        }

        func earliest(_ desired: ContinuousClock.Instant) -> ContinuousClock.Instant {
            guard width > .zero else { return desired }
            var k = max(0, index(desired))
            while booked.contains(k) { k += 1 }
            return max(desired, origin + width * k)
        }

        mutating func take(at slot: ContinuousClock.Instant) {
            guard width > .zero else { return }
            booked.insert(max(0, index(slot)))
        }

        mutating func prune(before instant: ContinuousClock.Instant) {
            guard width > .zero else { return }
            let current = index(instant)
            booked = booked.filter { $0 >= current }
        }
    }

    public let limits: Limits
    private let now: @Sendable () -> ContinuousClock.Instant
    private var global: Calendar
    private var chats: [Int64: Meter] = [:]
    private var groups: [Int64: Window] = [:]
    private var reservations = 0

    public init(limits: Limits = Limits(), now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.limits = limits
        self.now = now
        let start = now()
        global = Calendar(origin: start, width: Self.spacing(perSecond: limits.globalPerSecond))
    }

    /// One second divided by the rate, rounded up so that `n` sends never fit in less than a second.
    static func spacing(perSecond n: Int) -> Duration {
        n >= 1_000_000_000 ? .zero : .nanoseconds((1_000_000_000 + n - 1) / n)
    }

    /// Reserves the next send to `chat` and returns how long to wait before sending.
    public func reserve(chat: Int64, isGroup: Bool) -> Duration {
        let current = now()
        var chatMeter = chats[chat] ?? Meter(interval: limits.perChatInterval, nextDue: current)
        var groupMeter = isGroup ? groups[chat] ?? Window(capacity: limits.perGroupPerMinute, span: .seconds(60)) : nil
        var slot = chatMeter.earliest(current)
        if let groupMeter { slot = groupMeter.earliest(slot) }
        slot = global.earliest(slot)
        chatMeter.take(at: slot)
        groupMeter?.take(at: slot)
        global.take(at: slot)
        chats[chat] = chatMeter
        if isGroup { groups[chat] = groupMeter }
        reservations += 1
        if reservations % 1024 == 0 { prune(before: current) }
        return slot - current
    }

    /// After a 429 for `chat`, nothing more is sent there until `wait` has passed.
    public func penalize(chat: Int64, for wait: Duration) {
        let until = now() + wait
        var meter = chats[chat] ?? Meter(interval: limits.perChatInterval, nextDue: until)
        meter.nextDue = max(meter.nextDue, until)
        chats[chat] = meter
    }

    /// Chats whose meters no longer constrain anything are forgotten, so memory stays bounded.
    private func prune(before instant: ContinuousClock.Instant) {
        global.prune(before: instant)
        chats = chats.filter { $0.value.nextDue > instant }
        groups = groups.filter { ($0.value.lastSlot.map { $0 + .seconds(60) } ?? instant) > instant }
    }

    var trackedChats: Int { chats.count }
}
