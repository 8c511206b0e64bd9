#!/usr/bin/env python3
"""Writes a synthetic file in the flyrae Chinese-Psychological-QA-DataSet shape for benchmarks.

The text is random combinations of phrases written for this project (no dataset content).
Fixed seed: the same arguments always give the same bytes. Never commit the output.

    python3 bench/datasets/gen_flyrae.py --mb 500 --out /tmp/heartline-bench/flyrae-500mb.json
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
        answers.append({
            "recommend_flag": "推荐" if rng.random() < 0.15 else "不推荐",
            "content": text + "\n",
            "zan": str(rng.choice([0, 0, 0, 1, 2, 5, 12])),
            "shang": "0",
            "comment_count": str(rng.randint(0, 3)),
        })
    return {
        "ques_id": "%032x" % rng.getrandbits(128),
        "ques_info": {"title": title, "content": content, "answer_count": str(len(answers)), "reward_num": -1,
                      "ques_label": rng.choice(LABELS)},
        "staic_info": {"hug": str(rng.randint(0, 9)), "collect": "0", "reply": "%d个回答" % len(answers)},
        "answers_info": answers,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=500)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    limit = int(args.mb * 1_000_000)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("[\n")
        written, i = 2, 0
        while written < limit:
            if i:
                f.write(",\n")
                written += 2
            block = json.dumps(question(rng, i), ensure_ascii=False, indent=4)
            block = "    " + block.replace("\n", "\n    ")
            f.write(block)
            written += len(block.encode("utf-8"))
            i += 1
        f.write("\n]\n")
    print("wrote %d questions, %d bytes to %s" % (i, os.path.getsize(args.out), args.out))


if __name__ == "__main__":
    main()
