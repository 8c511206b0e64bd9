/// Class names the engine gives a meaning to. They are ordinary classes in the `.classes` files;
/// the engine reads them as context rather than as patterns.
enum EngineClass {
    /// Phrases that look risky and are not (`笑死`, `跳楼价`, `kill -9`): hits they overlap are dropped.
    static let hardNegative = "hard_negative"
    /// Phrases that make a risk word a topic (`自杀式袭击`, `自杀率`): overlapped findings become concern.
    static let topic = "topic"
    /// Negation cues (`没有`, `不会`, `never`) shortly before a finding in the same clause cancel it.
    static let negation = "negation"
    /// Look like negation and are not (`没想到`, `忍不住`, `don't know`).
    static let notNegation = "not_negation"
    /// Reported speech, fiction, news and study frames before a finding (`新闻`, `小说里`, `in the movie`).
    static let frame = "frame"
    /// The same frames right after a finding (`…的电影`, `…的新闻`).
    static let frameAfter = "frame_after"
    /// First-person words: the speaker is the subject.
    static let selfWords = "self"
    /// Other people: the nearest subject before a finding decides whether it is about someone else.
    static let otherPeople = "other"
    /// Words that make the next person an object, not the subject (`被`, `跟`, `和`).
    static let preposition = "preposition"
    /// Immediacy (`今晚`, `现在`, `正在`, `tonight`): a third party at immediate risk is a crisis.
    static let immediate = "immediate"
    /// Accidents (`不小心`, `accidentally`) anywhere before a finding in its clause cancel it: an
    /// accident is not an act (切菜的时候不小心被刀划了一下).
    static let accident = "accident"
    /// Dreams (`梦到`, `in my dream`): a frame even with the speaker inside it (梦到自己跳楼).
    static let dream = "dream"
    /// Someone else said to be calm and safe now (`情绪还算稳定`): their risk is a concern, not a crisis.
    static let calm = "calm"
    /// `等`, `要是`, `once`… opening a clause whose people are not the subject after `就` (`mainClause`):
    /// in 等她生日过完就去跳楼 the one who jumps is the speaker.
    static let subordinate = "subordinate"
    static let mainClause = "main_clause"
    /// Past-time cues (`以前`, `五年前`, `used to`) in the clause of a finding…
    static let past = "past"
    /// …together with a recovery statement in the message (`现在已经好多了`) make it a concern.
    static let recovered = "recovered"
    /// Thanks, relief, reaching out (`谢谢`, `好多了`, `我会打电话`): a message that de-escalates is
    /// not held to the crisis of the turns before it.
    static let deescalation = "deescalation"
    /// Question words (`怎么`, `多少`, `哪里`, `是不是`, `how`): with a question mark, what `[ask]` rules need.
    static let question = "question"
    /// Laughter and irony (`哈哈`, 😂, `lol`, `[狗头]`): exaggeration that may lower a bare wish.
    static let joke = "joke"
    /// Saying that it is meant (`不是开玩笑`, `认真的`): nothing is lowered as exaggeration.
    static let serious = "serious"
    /// Degree complements (`累得`, `气得`, `烦得`): 累得想死 is how tired, not a wish.
    static let degree = "degree"
    /// Fiction anywhere in the message (`小说`, `剧里`, `主角`): a plot, not the speaker.
    static let fiction = "fiction"
    /// An everyday grievance (`又改需求`, `不倒垃圾`, `dishes in the sink`, `气话`): 想掐死他 said of it
    /// is anger, not intent.
    static let grievance = "grievance"
    /// A weapon, a decision, a time or a place next to harm to others (`刀在包里`, `决定了`, `等他下班`,
    /// `I've got his gun`): the grievance is no longer only anger.
    static let resolve = "resolve"
    /// Standing by what the turns before said (`对`, `是真的`, `想过很多遍`, `yes`, `every night`): after a
    /// turn that was a crisis, the answer is the same crisis, not a new, empty message.
    static let affirmation = "affirmation"
    /// Built in: runs of digits or Chinese numerals.
    static let number = "number"
    /// Built in: numbers of ten or more (`30`, `几十`).
    static let many = "many"

    static let builtIn: Set<String> = [number, many]
    static let context: [String] = [
        hardNegative, topic, negation, notNegation, frame, frameAfter, selfWords, otherPeople, preposition, immediate, past, recovered, deescalation, accident, dream, calm, subordinate, mainClause,
        question, joke, serious, degree, fiction, grievance, resolve, affirmation,
    ]

    /// Units between a negation cue and what it negates.
    static let negationWindow = 1
    /// Units between a finding and a frame that follows it.
    static let frameAfterWindow = 2
}
