#!/usr/bin/env python3
"""Regenerates the lexicon-derived word section of Sources/Safety/Resources/lexicon/pinyin.txt.

A sentence typed in pinyin is read word by word (PinyinReader): a run of syllables that spells a
word of the table becomes that word, any other syllable its default character. Without word
entries, `you hua shou le` reads 有话手了 and no rule sees 划手. This tool gives every Chinese term
of the lexicon's classes (2–4 characters) its pinyin reading, plus a short hand-written list of
everyday words that hold pinyin sentences together (孩子, 枕头, 已经…), so the rules meet pinyin
sentences in the words they are written in. Entries written by hand above the generated section
win; among generated ones, the first class file in FILES wins (risk vocabulary first).

Needs pypinyin (`pip install pypinyin`); run after changing a .classes file:
    python3 tools/pinyin_words.py
"""
import os
import re
import sys

from pypinyin import lazy_pinyin

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LEXICON = os.path.join(ROOT, "Sources/Safety/Resources/lexicon")
TABLE = os.path.join(LEXICON, "pinyin.txt")
FILES = ["risk", "selfharm", "means", "plans", "concepts", "everyday", "violence", "people",
         "context", "policy", "hard-negatives"]
BEGIN = "# --- words generated from the lexicon by tools/pinyin_words.py (do not edit by hand) ---"
END = "# --- end of generated words ---"
# Everyday words that carry pinyin sentences between the risk words.
EVERYDAY = """孩子 枕头 底下 下面 一起 已经 带着 放在 车里 房间 门窗 关好 走法 办法 方法 不疼 不痛 最快 最好
哪里 哪个 哪种 多少 几片 几颗 几楼 多高 多深 放心 没用 吃药 药片 楼顶 天台 阳台 河边 江边 海边 桥上 绳子
木炭 手腕 遗书 再见 告别 密码 存款 银行卡 账号 照片 东西 送人 送给 以后 明天 今晚 今天 晚上 周末 下周
父母 爸妈 家人 朋友 男朋友 女朋友 老公 老婆 室友 同学 同事 妹妹 弟弟 哥哥 姐姐 知道 觉得 感觉 真的 其实
为什么 怎么 什么 没有 不会 不要 不用 别找 担心 麻烦 拖累 负担 累赘 消失 离开 解脱 结束 准备 计划 决定
打算 想好 好了 完了 滑手机 手机 手机屏幕 屏幕 烤肉 点了 买了 吃了 喝了 割了 划了 跳了 死了 走了 睡着 醒来 醒不 每天 每晚 一直 总是""".split()


def class_terms(name):
    terms = []
    with open(os.path.join(LEXICON, name + ".classes"), encoding="utf-8") as f:
        for line in f:
            if not line.startswith("  "):
                continue
            for term in line.split("|"):
                term = term.strip()
                if 2 <= len(term) <= 4 and all("\u4e00" <= ch <= "\u9fff" for ch in term):
                    terms.append(term)
    return terms


# Characters whose spoken reading pypinyin gives but people type the other way (血: xie, typed xue).
TYPED = {"血": "xue"}


def readings(term):
    """pypinyin's reading of `term`, and the typed one where a character above differs."""
    spoken = lazy_pinyin(term)
    typed = [TYPED.get(ch, syl) for ch, syl in zip(term, spoken)]
    return [" ".join(spoken)] + ([" ".join(typed)] if typed != spoken else [])


def main():
    text = open(TABLE, encoding="utf-8").read()
    if BEGIN in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1].lstrip("\n")
    else:
        marker = "# --- English words"
        head, tail = text.split(marker, 1)
        tail = marker + tail
    syllables = set()
    taken = set()
    for line in head.splitlines():
        if "=" in line and not line.startswith("#"):
            taken.add(line.split("=", 1)[0].strip())
        elif re.match(r"^[a-z]+ ", line):
            syllables.add(line.split(" ", 1)[0])
    entries = []
    for term in [t for name in FILES for t in class_terms(name)] + EVERYDAY:
        for key in readings(term):
            if key in taken or not all(s in syllables for s in key.split(" ")):
                continue
            taken.add(key)
            entries.append(f"{key} = {term}")
    out = head.rstrip("\n") + "\n\n" + BEGIN + "\n" + "\n".join(entries) + "\n" + END + "\n\n" + tail
    open(TABLE, "w", encoding="utf-8").write(out)
    print(f"{len(entries)} generated word entries", file=sys.stderr)


if __name__ == "__main__":
    main()
