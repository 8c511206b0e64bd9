#!/usr/bin/env python3
"""Writes a synthetic file in the flyrae Chinese-Psychological-QA-DataSet shape for benchmarks.

The text is random combinations of phrases written for this project (no dataset content).
Fixed seed: the same arguments always give the same bytes. Never commit the output.

    python3 bench/datasets/gen_flyrae.py --mb 500 --out /tmp/heartline-bench/flyrae-500mb.json
    python3 bench/datasets/gen_flyrae.py --shape dense --out /tmp/heartline-bench/flyrae-dense.json

Two shapes:
- sparse (default): 1–10 answers per question, 15 % flagged 推荐, short answers; most answers are
  skipped by the recipe's filter before any cleaning or screening.
- dense: the shape of the published dump's busy part — 60,000 questions (--questions), 1–6 answers
  of 30–400 Chinese characters, a third flagged 推荐 (about 70,000 pairs kept, about 227 MB). A
  few per cent of questions and answers touch risk the way forum posts do (a counsellor mentioning
  a hotline, someone saying they hurt themselves), so the content screen's slow path is exercised
  at a realistic rate rather than never.
"""
import argparse
import json
import os
import random

OPENERS = ["最近", "这段时间", "从上个月开始", "毕业以后", "换了工作之后", "和家里吵架以后", "考试前", "分手之后"]
FEELINGS = ["总是睡不着", "心里很乱", "觉得很累", "对什么都提不起兴趣", "很焦虑", "特别容易发脾气", "不想和人说话", "觉得自己很差劲"]
CONTEXT = ["每天晚上躺在床上脑子停不下来", "白天上班也没有精神", "和朋友聊天也觉得没意思", "父母总说我想太多",
           "我试过跑步和听音乐", "不知道该找谁说", "周末只想一个人待着", "工作压力一直很大", "室友关系也不太好"]
ASKS = ["该怎么办？", "这正常吗？", "怎么调整？", "有什么办法吗？", "需要去看医生吗？", "我该怎么面对？"]
ANSWER_PARTS = ["先试着接纳现在的情绪，不要急着赶走它", "可以每天固定时间起床，让身体慢慢找回节奏",
                "睡前一小时放下手机，做几次缓慢的深呼吸", "把担心的事写下来，分成能做的和暂时做不了的",
                "和信任的朋友聊一聊，说出来本身就会轻松一些", "如果持续两周以上都这样，建议找专业的心理咨询师聊聊",
                "每天给自己安排一件小而具体的事，完成了就肯定一下自己", "运动不用很剧烈，散步二十分钟也有帮助",
                "试着留意身体的感受，肩膀紧了就放松一下", "你愿意把这些说出来，已经很不容易了",
                "别人的评价只是他们的看法，不等于你的价值", "可以记录一周的心情变化，找找规律"]
LABELS = [["成长", "自我成长"], ["婚姻"], ["恋爱", "单身"], ["治疗", "躯体反应"], ["职场"], ["家庭", "亲子"], ["情绪"]]
NOISE = ["", "", "", "", " http://example.com/post/123", " 电话 010-12345678", "\r\n\r\n", "&nbsp;", "\u200b"]


# Dense shape: longer, more varied counselling answers (the project's own words).
DENSE_ANSWER_PARTS = ANSWER_PARTS + [
    "你描述的这些感受在压力大的时候很常见，并不代表你哪里出了问题", "可以先从调整作息开始，晚上尽量在同一时间上床",
    "焦虑的时候身体会紧张，心跳变快，这是身体在提醒你需要休息", "试着把注意力放回当下，感受脚踩在地面上的感觉",
    "和父母沟通时，先说自己的感受，再说希望他们怎么做", "工作上的压力可以和领导坦诚地谈一谈，看看哪些任务可以调整",
    "分手之后难过是正常的，给自己一点时间，不用逼自己马上走出来", "每个人都有低落的时候，重要的是不要一个人扛着",
    "如果情绪已经影响到了吃饭和睡觉，最好去医院的心理科看一看", "咨询师会陪你一起梳理这些困扰，找到适合你的方法",
    "你已经在努力了，这一点值得被看见", "有时候我们对自己太苛刻，换个角度看，你其实做得不错",
    "可以试试正念练习，每天十分钟，慢慢就能感觉到变化", "孩子的问题往往和家庭的相处方式有关，可以一起想想办法",
    "婚姻里的矛盾需要两个人一起面对，找个安静的时间好好聊聊", "考试前紧张很正常，适度的紧张反而能帮你集中注意力",
    "社交恐惧可以一点一点练习，先从和熟悉的人多说几句话开始", "试着写下三件今天让你感到还不错的小事",
    "自我价值感不是靠别人的评价建立的，而是来自你对自己的接纳", "身体的不适有时候和情绪有关，但也要先排除身体的疾病",
    "强迫的念头越压越强，可以试着允许它存在，不跟它较劲", "童年的经历会影响我们，但它不会决定我们的全部",
]
RISK_ANSWER_PARTS = [
    "如果你有伤害自己的想法，请一定告诉身边信任的人，或者拨打心理援助热线",
    "你说有时候觉得活着很累，这种感受需要被认真对待，建议尽快找专业的人聊聊",
    "如果出现了结束生命的念头，请马上联系家人或者去医院急诊",
    "我以前也有过很绝望的时候，是朋友陪我熬过来的",
    "看到你说用刀划过手臂，我很担心你，伤口要好好处理，也请和医生说一说",
    "他打你是不对的，家暴不是你的错，可以向妇联或者警察求助",
]
RISK_QUESTION_PARTS = [
    "有时候觉得活着没什么意思", "晚上会一个人偷偷哭，觉得撑不下去", "我用刀片划过自己的手臂", "最近总想着一了百了",
    "我爸喝醉了就会打我",
]


def dense_answer(rng):
    if rng.random() < 0.03:
        return "谢谢" if rng.random() < 0.5 else "抱抱~"
    target = rng.randint(30, 400)
    parts = []
    length = 0
    while length < target:
        piece = rng.choice(RISK_ANSWER_PARTS) if rng.random() < 0.01 else rng.choice(DENSE_ANSWER_PARTS)
        parts.append(piece)
        length += len(piece) + 1
    text = ""
    for k, piece in enumerate(parts):
        text += piece + ("。" if k % 3 == 2 or k == len(parts) - 1 else "，")
        if k % 6 == 5:
            text += "\n"
    return text + rng.choice(NOISE)


def dense_question(rng):
    title = rng.choice(OPENERS) + rng.choice(FEELINGS) + "，" + rng.choice(ASKS)
    content = "".join(sentence(rng, CONTEXT, rng.randint(2, 5)) + rng.choice(NOISE) for _ in range(rng.randint(1, 5)))
    if rng.random() < 0.03:
        content += rng.choice(RISK_QUESTION_PARTS) + "。"
    answers = []
    for _ in range(rng.randint(1, 6)):
        answers.append(answer_record(rng, lambda: dense_answer(rng), 1 / 3))
    return question_record(rng, title, content, answers)


def answer_record(rng, make_text, recommend_share):
    # The draws happen in the order of the original literal (flag, then text), so a seed still
    # generates the same file.
    flag = "推荐" if rng.random() < recommend_share else "不推荐"
    return {
        "recommend_flag": flag,
        "content": make_text() + "\n",
        "zan": str(rng.choice([0, 0, 0, 1, 2, 5, 12])),
        "shang": "0",
        "comment_count": str(rng.randint(0, 3)),
    }


def question_record(rng, title, content, answers):
    return {
        "ques_id": "%032x" % rng.getrandbits(128),
        "ques_info": {"title": title, "content": content, "answer_count": str(len(answers)), "reward_num": -1,
                      "ques_label": rng.choice(LABELS)},
        "staic_info": {"hug": str(rng.randint(0, 9)), "collect": "0", "reply": "%d个回答" % len(answers)},
        "answers_info": answers,
    }


def sentence(rng, parts, n):
    return "，".join(rng.choice(parts) for _ in range(n)) + "。"


def question(rng, i):
    title = rng.choice(OPENERS) + rng.choice(FEELINGS) + "，" + rng.choice(ASKS)
    content = "".join(sentence(rng, CONTEXT, rng.randint(2, 5)) + rng.choice(NOISE) for _ in range(rng.randint(1, 6)))
    answers = []
    for _ in range(rng.randint(1, 10)):
        r = rng.random()
        if r < 0.05:
            text = rng.choice(["谢谢", "顶", "抱抱~", "同意楼上", "加油！！"])
        else:
            text = "\n".join(sentence(rng, ANSWER_PARTS, rng.randint(2, 6)) for _ in range(rng.randint(1, 8))) + rng.choice(NOISE)
        answers.append(answer_record(rng, lambda: text, 0.15))
    return question_record(rng, title, content, answers)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=500)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--shape", choices=["sparse", "dense"], default="sparse")
    parser.add_argument("--questions", type=int, default=60000, help="dense: number of questions")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    limit = int(args.mb * 1_000_000) if args.shape == "sparse" else 1 << 62
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("[\n")
        written, i = 2, 0
        while written < limit and (args.shape == "sparse" or i < args.questions):
            if i:
                f.write(",\n")
                written += 2
            record = question(rng, i) if args.shape == "sparse" else dense_question(rng)
            block = json.dumps(record, ensure_ascii=False, indent=4)
            block = "    " + block.replace("\n", "\n    ")
            f.write(block)
            written += len(block.encode("utf-8"))
            i += 1
        f.write("\n]\n")
    print("wrote %d questions, %d bytes to %s" % (i, os.path.getsize(args.out), args.out))


if __name__ == "__main__":
    main()
