#!/usr/bin/env python3
"""Keeps the dataset content screen's candidate list (Sources/Datasets/Clean/TrainingRiskPatterns*.swift)
in step with the safety detector's lexicon (Sources/Safety/Resources/lexicon).

The scan-first screen (docs/datasets.md, "Crisis screen") only runs the detector on a long text when
the scan finds a candidate, so every crisis rule of the detector needs at least one required element
whose terms are all candidates. This script reads the crisis rules, finds the rules no candidate
covers, and picks for each the element whose terms are rarest in innocent counselling text
(--innocent files, one JSON string per line or the corpora in ../shared/data). With --write it
rewrites TrainingRiskPatterns+Lexicon.swift; without, it reports. Run it after changing the lexicon.

    python3 bench/datasets/screen_coverage.py            # report
    python3 bench/datasets/screen_coverage.py --write    # regenerate the derived list
"""
import argparse
import glob
import json
import os
import re

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LEXICON = os.path.join(ROOT, "Sources/Safety/Resources/lexicon")
PATTERNS = os.path.join(ROOT, "Sources/Datasets/Clean/TrainingRiskPatterns.swift")
KEYWORDS = os.path.join(ROOT, "Sources/Datasets/Clean/ContentScreen.swift")
DERIVED = os.path.join(ROOT, "Sources/Datasets/Clean/TrainingRiskPatterns+Lexicon.swift")
# Rules that the hand-written `near` candidate rules cover (a verb close to 自己, a harm verb close to
# its result, a stop word with 心跳): a single element of theirs is too common to be a candidate.
NEAR_COVERED = {"@harm_verb ~2 自己", "自己 ~3 @self_done_verb", "@want ~2 自己 ~1 @end_verb",
                "@want ~6 @stop_word & 心跳", "@harm_tool ~5 @harm_verb ~3 @harm_result", "@world ~6 最后",
                "@relapse ~2 划"}


def scanform(text):
    """The scan's reading: lower case, separators (ASCII and CJK punctuation, spaces) dropped."""
    out = []
    for ch in text.lower():
        o = ord(ch)
        if o < 128 and not ch.isalnum():
            continue
        if 0x3000 <= o <= 0x303F or 0x2000 <= o <= 0x206F or 0xFF00 <= o <= 0xFF0F or 0xFF1A <= o <= 0xFF20:
            continue
        out.append(ch)
    return "".join(out)


def read_classes():
    classes = {}
    for path in glob.glob(os.path.join(LEXICON, "*.classes")):
        current = None
        for line in open(path, encoding="utf-8"):
            line = line.rstrip("\n")
            if line.startswith("#") or not line.strip():
                continue
            if line.startswith("@"):
                current = line.split()[0][1:]
                classes.setdefault(current, [])
                continue
            classes[current] += [t.strip().rstrip("*") for t in line.split("|") if t.strip()]
    return classes


def read_rules():
    rules = []
    for path in sorted(glob.glob(os.path.join(LEXICON, "input*.rules"))):
        for number, line in enumerate(open(path, encoding="utf-8"), 1):
            if line.startswith("#") or ":" not in line:
                continue
            head, pattern = line.split(":", 1)
            if head.split()[:1] != ["crisis"]:
                continue
            pattern = re.sub(r"\[[a-z ]+\]\s*$", "", pattern.strip()).strip()
            required, negated = [], False
            for token in re.findall(r'!&|!|&|~\d+|"[^"]+"|\S+', pattern):
                if token in ("!", "!&"):
                    negated = True
                    continue
                if token == "&" or token.startswith("~"):
                    continue
                if token.startswith("!"):
                    negated, token = True, token[1:]
                if not negated:
                    required.append(token.strip('"'))
                negated = False
            rules.append(("%s:%d" % (os.path.basename(path), number), pattern, required))
    return rules


def swift_strings(path, after):
    text = open(path, encoding="utf-8").read()
    return [scanform(s) for s in re.findall(r'"([^"]+)"', text[text.index(after):])]


def innocent_texts(extra):
    texts = []
    shared = next((p for p in (os.path.join(ROOT, "..", "shared", "data"), os.path.join(ROOT, "..", "..", "shared", "data"))
                   if os.path.exists(os.path.join(p, "emollm", "data.json"))), None)
    if shared:
        for conversation in json.load(open(os.path.join(shared, "emollm", "data.json"), encoding="utf-8")):
            texts += [turn["output"] for turn in conversation["conversation"] if "output" in turn]
        with open(os.path.join(shared, "cpsycoun", "cpsycound_first1200.jsonl"), encoding="utf-8") as f:
            for i, line in enumerate(f):
                if i >= 400:
                    break
                texts += [t["content"] for t in json.loads(line)["turns"] if t["role"] == "counselor"]
    for path in extra:
        texts += [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    return [scanform(t) for t in texts]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--innocent", action="append", default=[], help="JSON-lines file of innocent texts")
    parser.add_argument("--max-rate", type=float, default=0.01, help="skip elements in more innocent texts than this")
    args = parser.parse_args()
    classes, rules = read_classes(), read_rules()
    anchors = [a for a in swift_strings(PATTERNS, "        candidates: [\n") + swift_strings(KEYWORDS, "defaultTerms") if a]
    docs = innocent_texts(args.innocent)
    frequency = {}

    def df(term):
        s = scanform(term)
        if s not in frequency:
            frequency[s] = sum(1 for d in docs if s in d) if s else 0
        return frequency[s]

    chosen = set()

    def covered(term):
        s = scanform(term)
        return any(a in s for a in anchors) or any(c in s for c in chosen)

    def terms(element):
        return classes.get(element[1:], []) if element.startswith("@") else [element]

    uncovered = []
    for rule_id, pattern, required in rules:
        if pattern in NEAR_COVERED or any(all(covered(t) for t in terms(e)) for e in required):
            continue
        options = sorted(((sum(df(t) for t in terms(e) if not covered(t)), e) for e in required))
        cost, element = options[0]
        if docs and cost > len(docs) * args.max_rate:
            uncovered.append((rule_id, pattern, element, cost))
            continue
        chosen.update(scanform(t) for t in terms(element) if not covered(t))
    print("%d crisis rules; %d candidate terms derived from the lexicon; %d innocent texts read" % (len(rules), len(chosen), len(docs)))
    for rule_id, pattern, element, cost in uncovered:
        print("NOT COVERED %s  %s  (cheapest element %s is in %d innocent texts)" % (rule_id, pattern, element, cost))
    if docs:
        every = anchors + sorted(chosen)
        hits = sum(1 for d in docs if any(a in d for a in every))
        print("innocent texts with a candidate: %d of %d (%.1f %%)" % (hits, len(docs), 100.0 * hits / len(docs)))
    if args.write:
        body = ",\n".join("        %s" % ", ".join(json.dumps(t, ensure_ascii=False) for t in sorted(chosen)[i:i + 10])
                          for i in range(0, len(chosen), 10))
        with open(DERIVED, "w", encoding="utf-8") as f:
            f.write("// Generated by bench/datasets/screen_coverage.py --write from the safety lexicon's crisis rules; do not edit.\n")
            f.write("// Regenerate after changing Sources/Safety/Resources/lexicon (the script reports rules left uncovered).\n\n")
            f.write("extension TrainingRiskPatterns {\n")
            f.write("    /// Terms of the detector's crisis rules that the hand-written candidates do not already cover,\n")
            f.write("    /// one element per rule, chosen for being rare in innocent counselling text.\n")
            f.write("    static let lexiconCandidates: [String] = [\n%s,\n    ]\n}\n" % body)
        print("wrote %s" % DERIVED)


if __name__ == "__main__":
    main()
