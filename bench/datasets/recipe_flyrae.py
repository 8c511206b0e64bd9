#!/usr/bin/env python3
"""What the seed recipe's conversion script does with the flyrae file, reproduced for the
benchmark (written for this project from the recipe's description): load the whole JSON array
with json.load, keep answers flagged 推荐, prompt = title + content, and append each pair to the
output by reopening the file once per pair, with Python's default json.dumps (ensure_ascii).

    python3 bench/datasets/recipe_flyrae.py /tmp/heartline-bench/flyrae-500mb.json /tmp/heartline-bench/recipe.jsonl
"""
import json
import sys


def main():
    source, target = sys.argv[1], sys.argv[2]
    open(target, "w").close()
    with open(source, encoding="utf-8") as f:
        data = json.load(f)
    count = 0
    for question in data:
        info = question["ques_info"]
        prompt = info["title"] + info["content"]
        for answer in question["answers_info"]:
            if answer["recommend_flag"] == "推荐":
                with open(target, "a") as out:
                    out.write(json.dumps({"prompt": prompt, "completion": answer["content"]}) + "\n")
                count += 1
    print("kept %d pairs" % count)


if __name__ == "__main__":
    main()
