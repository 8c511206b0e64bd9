#!/usr/bin/env python3
"""Writes a synthetic retrieval corpus of N question→answer pairs (JSONL) for benchmarks.

Fixed seed, so every run produces the same file. The text is random combinations of everyday
counselling vocabulary: it has the token statistics of real questions, not their meaning. Never
commit the output; write it under /tmp.

    python3 bench/gen_synthetic_corpus.py 100000 > /tmp/synthetic-100k.jsonl
"""
import json
import random
import sys

CATEGORIES = ["学业与未来规划", "工作与职场", "家庭问题与矛盾", "物质滥用与成瘾", "悲恸与丧失", "失眠", "压力",
              "人际关系", "情感关系", "离婚", "分手", "自我探索", "低自尊", "青春期", "强迫", "其它", "LGBT", "性", "亲子关系"]
SUBJECTS = ["我", "我妈", "我爸", "老公", "老婆", "男朋友", "女朋友", "室友", "同事", "领导", "孩子", "朋友", "婆婆", "同学", "老师"]
VERBS = ["总是", "最近", "一直", "经常", "突然", "每天", "好像", "越来越", "有时候", "从来不"]
EVENTS = ["睡不着", "吵架", "不理我", "加班到很晚", "刷手机停不下来", "考试没考好", "被批评", "冷战", "想分手", "焦虑",
          "失眠到凌晨", "不想上班", "觉得自己很差", "反复检查门锁", "喝酒", "玩游戏", "不说话", "哭", "发脾气", "压力很大",
          "被孤立", "想辞职", "不敢表白", "出轨了", "要离婚", "去世了", "没有方向", "不自信", "叛逆", "催婚"]
TAILS = ["怎么办", "该怎么调整", "我该怎么做", "正常吗", "好难受", "有什么办法", "是不是我的问题", "求建议", "好烦", "不知道怎么办"]
ANSWER_PARTS = ["听起来你真的很辛苦", "这种感受很常见", "可以先试着把担心写下来", "每天留出一点时间给自己", "和信任的人聊一聊",
                "规律作息会有帮助", "如果持续影响生活，可以找专业的心理咨询师", "先照顾好身体", "试着慢慢呼吸", "把大目标拆成小步骤"]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rng = random.Random(20261124)
    out = sys.stdout
    for i in range(n):
        parts = [rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(EVENTS)]
        if rng.random() < 0.6:
            parts += ["，", rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(EVENTS)]
        if rng.random() < 0.3:
            parts += ["，而且", rng.choice(EVENTS)]
        prompt = "".join(parts) + "，" + rng.choice(TAILS)
        completion = "。".join(rng.sample(ANSWER_PARTS, 4)) + "。"
        line = {"id": f"syn-{i}", "category": rng.choice(CATEGORIES), "lang": "zh", "prompt": prompt, "completion": completion}
        out.write(json.dumps(line, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
