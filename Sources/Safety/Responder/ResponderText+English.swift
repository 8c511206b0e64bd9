import ChatCore

extension ResponderText {
    static func english(_ piece: ResponderPiece) -> String {
        switch piece {
        case .acknowledge(let feeling): english(feeling)
        case .question(let question): english(question)
        case .meansSafety:
            "Could you hand the knife, the pills or anything else you could hurt yourself with to someone else, or put it far out of reach for now?"
        case .woundCare:
            "If you have a wound right now, please look after it first; if it is deep or won't stop bleeding, go to a hospital or call emergency services now."
        case .emergency:
            "If you have already hurt yourself or feel you might be in immediate danger, call your local emergency number now (110 or 120 in China), or ask someone nearby to take you to the nearest hospital."
        case .hotlinesIntro:
            "Please reach out now to someone who can talk with you, or call a free crisis line (answered around the clock):"
        case .invitation:
            "I'm still here if you want to keep talking."
        case .callNow:
            "Please call emergency services now (120 or 110 in China, or your local emergency number). If you have taken something or hurt yourself, don't wait: call now, or ask someone nearby to take you to the nearest hospital."
        case .helperScript:
            """
            If you're worried they are in danger right now, please:
            1. Call the police now (110 in China, or your local emergency number); if they may already be hurt or have taken something, call an ambulance too (120 in China). Tell them who it is, where they might be and what you saw.
            2. Contact the person nearest to them (family, a flatmate, a neighbour, a classmate or colleague) and ask them to go and check right away.
            3. Keep trying to reach them: call and message, and tell them you care and are looking for them.
            4. Once they are found, don't leave them alone; stay with them until professional help arrives.
            """
        case .whereaboutsQuestion:
            "Do you know roughly where they are right now, or who is nearest to them?"
        case .helperHotlines:
            "A crisis line can also advise you on how to help them (answered around the clock):"
        case .stepAway:
            "If you feel you might hurt someone soon (a child with you too), please leave them with someone you trust, leave the place yourself and put anything that could hurt someone out of reach; if you can't hold back, call the police (110 in China, or your local emergency number), and if anyone is hurt, an ambulance (120 in China)."
        case .reachSomeoneNow:
            "Your safety matters most right now. Please call a crisis line now, or your local emergency number; if someone is nearby, tell them how things are and ask them to stay with you. Please don't stay alone tonight."
        case .companyQuestion:
            "Is there someone with you right now who can stay with you?"
        case .leaveQuestion:
            "Can you leave that place for now and give yourself some time to calm down?"
        case .copingQuestion:
            "How have you been getting through these days? Is there someone around you can talk to?"
        case .concernInvitation:
            "If you'd like, tell me more about what has been happening. I'm listening."
        }
    }

    private static func english(_ feeling: ResponderPiece.Feeling) -> String {
        switch feeling {
        case .pain:
            "Thank you for telling me. It sounds like you are in a lot of pain right now, and that pain is real and matters. You don't have to carry it alone."
        case .passiveWish:
            "Thank you for telling me. Wishing you could just not wake up, or that everything would simply stop, usually means you are exhausted beyond words. That pain is real, and you don't have to carry it alone."
        case .burden:
            "Thank you for telling me. Feeling like a burden to your family or the people around you is a heavy and lonely feeling. Thoughts like that are often the pain talking; they are not the whole truth."
        case .belonging:
            "Thank you for telling me. Feeling that nobody cares, that no one would even notice if you were gone, is a very hard kind of loneliness. Right now, I am listening to you."
        case .methodQuestion:
            "I can't answer that question, but I care about how you are doing right now."
        case .plan:
            "Thank you for telling me. It sounds like you have thought this through in detail, and I'm worried about your safety right now."
        case .preparation:
            "Thank you for telling me. What you describe sounds like saying goodbye and putting things in order, and that worries me. If that is what you are thinking about, you don't have to face it alone."
        case .means:
            "Thank you for telling me. Keeping something you could hurt yourself with close by tells me you are carrying a lot of pain, and I'm worried about your safety."
        case .selfHarm:
            "Thank you for telling me. Hurting yourself is often a way of carrying pain that feels too heavy inside. It isn't your fault, and you deserve to be cared for."
        case .treatment:
            "Thank you for telling me. Feeling like giving up on treatment means you must be exhausted and very disappointed. Those feelings deserve to be taken seriously, and your doctor should hear them too."
        case .attempt:
            "You told me, which tells me part of you wants help. I care about you, and your safety comes first right now."
        case .harmToOthers:
            "Thank you for telling me. Wanting to hurt someone usually means a great deal of anger or pain has built up inside, and those feelings deserve to be taken seriously."
        case .thirdPerson:
            "Thank you for telling me. Noticing this and wanting to help them matters a lot."
        case .hopelessness:
            "It sounds like you are really worn out right now, as if there is no hope in sight. Putting that into words is not easy."
        case .distress:
            "It sounds like you have been carrying a lot lately. What you feel is real, and it deserves care."
        case .confirmed:
            "Thank you for being honest with me; it takes courage to say that. I care about your safety right now."
        case .answeredNo:
            "Thank you for telling me; I understand. Even without those thoughts, what you are feeling matters."
        case .answeredNoAnger:
            "Thank you for telling me; I understand. Whatever made you this angry is worth talking through too."
        }
    }

    private static func english(_ question: SafetyQuestion) -> String {
        switch question {
        case .suicidalThoughts: "Are you having thoughts of ending your life right now?"
        case .methodIntent: "Are you asking because you are thinking of hurting yourself?"
        case .plan: "Have you thought about how you would do it, or started to prepare?"
        case .intent: "Are you planning to end your life?"
        case .injured: "Have you already hurt yourself or taken something?"
        case .harmOthers: "Are you really planning to hurt them?"
        case .screening: "Sometimes, when things get this hard, people have thoughts of not wanting to live. Have you had thoughts like that?"
        }
    }
}
