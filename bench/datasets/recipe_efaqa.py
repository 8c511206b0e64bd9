#!/usr/bin/env python3
"""The seed recipe's efaqa conversion, reproduced (written for this project from the recipe's
description): read the gzip JSON lines, keep chats labelled knowledge and not negative, prompt =
title, one pair per kept chat, appended with json.dumps.

    python3 bench/datasets/recipe_efaqa.py efaqa-corpus-zh.utf8.gz out.jsonl
"""
import gzip
import json
import sys


def main():
    source, target = sys.argv[1], sys.argv[2]
    opener = gzip.open if source.endswith(".gz") else open
    open(target, "w").close()
    count = 0
    with opener(source, "rt", encoding="utf-8") as f:
        for line in f:
            thread = json.loads(line)
            for chat in thread["chats"]:
                label = chat.get("label", {})
                if label.get("knowledge") and not label.get("negative"):
                    with open(target, "a") as out:
                        out.write(json.dumps({"prompt": thread["title"], "completion": chat["value"]}) + "\n")
                    count += 1
    print("kept %d pairs" % count)


if __name__ == "__main__":
    main()
