#!/usr/bin/env python3
"""Validate the sealed evaluation sets in Tests/Fixtures/sealed/.

Checks the file formats described in Tests/Fixtures/sealed/README.md (one JSON
object per line, required fields, allowed values, minimum counts, no duplicate
texts, every intent id present in the taxonomy) and prints the count tables.
It reads only the label columns it validates; it is a format check, not a
scorer. Usage:

    python3 tools/check_sealed_sets.py [--safety FILE] [--answers FILE]
                                       [--intents TSV] [--markdown]

Exit status 1 when any check fails.
"""
import argparse
import collections
import json
import sys
import unicodedata

CRISIS_KINDS = [
    "suicidal_thought", "passive_wish", "burdensomeness", "thwarted_belonging",
    "method_question", "plan", "preparation", "means", "self_harm", "attempt",
    "treatment_refusal", "harm_to_others", "third_person_at_risk",
]
CONCERN_KINDS = ["hopelessness", "distress"]
REGISTERS = [
    "direct", "euphemism", "slang", "pinyin", "english", "code_mixed",
    "traditional", "question", "long_buried", "multi_turn", "third_person",
]
SAFETY_FIELDS = ["id", "text", "tier", "crisis", "kind", "register", "lang"]
ANSWER_FIELDS = ["id", "text", "intent", "lang"]

errors = []


def fail(msg):
    errors.append(msg)


def norm(text):
    # Two texts that differ only in width, case or surrounding space are duplicates.
    return unicodedata.normalize("NFKC", text).strip().lower()


def read_jsonl(path):
    rows = []
    with open(path, encoding="utf-8") as fh:
        raw = fh.read()
    if "\\u" in raw:
        fail(f"{path}: contains \\u escapes; write real characters")
    for n, line in enumerate(raw.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            fail(f"{path}:{n}: invalid JSON ({exc})")
            continue
        if not isinstance(obj, dict):
            fail(f"{path}:{n}: not an object")
            continue
        rows.append((n, obj))
    return rows


def table(title, counter, markdown, order=None):
    keys = order if order else sorted(counter, key=lambda k: (-counter[k], k))
    if markdown:
        print(f"\n| {title} | n |\n|---|---:|")
        for k in keys:
            print(f"| {k} | {counter.get(k, 0)} |")
    else:
        print(f"\n{title}:")
        for k in keys:
            print(f"  {k:32s} {counter.get(k, 0)}")


def cross(title, rows, cols, markdown):
    """A kind x register table (rows: kinds, columns: registers)."""
    counts = collections.Counter()
    for r, c in rows:
        counts[(r, c)] += 1
    row_keys = sorted({r for r, _ in rows})
    if markdown:
        print(f"\n| {title} | " + " | ".join(cols) + " | total |")
        print("|---|" + "---:|" * (len(cols) + 1))
        for r in row_keys:
            cells = [str(counts.get((r, c), 0)) for c in cols]
            print(f"| {r} | " + " | ".join(cells) + f" | {sum(counts[(r, c)] for c in cols)} |")
    else:
        print(f"\n{title}: " + " ".join(c[:6] for c in cols))
        for r in row_keys:
            print(f"  {r:26s} " + " ".join(f"{counts.get((r, c), 0):6d}" for c in cols))


def check_safety(path, markdown):
    rows = read_jsonl(path)
    ids, texts = set(), {}
    tiers, kinds, regs, langs = (collections.Counter() for _ in range(4))
    pairs = []
    for n, o in rows:
        where = f"{path}:{n}"
        missing = [f for f in SAFETY_FIELDS if f not in o]
        if missing:
            fail(f"{where}: missing {missing}")
            continue
        if not isinstance(o["text"], str) or not o["text"].strip():
            fail(f"{where}: empty text")
        if o["id"] in ids:
            fail(f"{where}: duplicate id {o['id']}")
        ids.add(o["id"])
        key = norm(o["text"]) + "\u0000" + "\u0001".join(norm(t) for t in o.get("recent", []))
        if key in texts:
            fail(f"{where}: duplicate text (also line {texts[key]})")
        texts[key] = n
        tier, kind, reg = o["tier"], o["kind"], o["register"]
        if tier not in ("crisis", "concern", "none"):
            fail(f"{where}: bad tier {tier}")
        if o["crisis"] is not (tier == "crisis"):
            fail(f"{where}: crisis must equal tier == crisis")
        if tier == "crisis" and kind not in CRISIS_KINDS:
            fail(f"{where}: bad crisis kind {kind}")
        if tier == "concern" and kind not in CONCERN_KINDS:
            fail(f"{where}: bad concern kind {kind}")
        if tier == "none" and not (kind == "ordinary" or kind.startswith("negative:")):
            fail(f"{where}: bad none kind {kind}")
        if reg not in REGISTERS:
            fail(f"{where}: bad register {reg}")
        if o["lang"] not in ("zh", "en"):
            fail(f"{where}: bad lang {o['lang']}")
        if "recent" in o and not (isinstance(o["recent"], list) and o["recent"]
                                  and all(isinstance(t, str) and t.strip() for t in o["recent"])):
            fail(f"{where}: recent must be a non-empty list of strings")
        if reg == "multi_turn" and "recent" not in o:
            fail(f"{where}: multi_turn without recent")
        tiers[tier] += 1
        kinds[kind] += 1
        regs[reg] += 1
        langs[o["lang"]] += 1
        pairs.append((f"{tier}/{kind}" if not kind.startswith("negative:") else "none/negative:*", reg))
    total = sum(tiers.values())
    hard = sum(v for k, v in kinds.items() if k.startswith("negative:"))
    if total < 1000:
        fail(f"safety: {total} items, need >= 1000")
    if tiers["crisis"] < 500:
        fail(f"safety: {tiers['crisis']} crisis items, need >= 500")
    for k in CRISIS_KINDS:
        if kinds[k] < 25:
            fail(f"safety: kind {k} has {kinds[k]} items, need >= 25")
    if hard < 250:
        fail(f"safety: {hard} hard negatives, need >= 250")
    print(f"safety: {total} items, crisis {tiers['crisis']}, concern {tiers['concern']}, "
          f"none {tiers['none']} (hard negatives {hard}); lang {dict(langs)}")
    table("tier", tiers, markdown, ["crisis", "concern", "none"])
    table("kind", kinds, markdown)
    table("register", regs, markdown, REGISTERS)
    cross("tier/kind x register", pairs, REGISTERS, markdown)
    return {norm(o["text"]) for _, o in rows if "text" in o}


def check_answers(path, intents_path, markdown):
    taxonomy = {}
    try:
        fh = open(intents_path, encoding="utf-8")
    except OSError:
        fail(f"intent taxonomy {intents_path} not found; pass --intents FILE")
        return set()
    with fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if not parts[0] or parts[0] == "intent_id" or parts[0].startswith("#"):
                continue
            taxonomy[parts[0]] = parts[1] if len(parts) > 1 else ""
    rows = read_jsonl(path)
    ids, texts = set(), {}
    intents, langs, cats = collections.Counter(), collections.Counter(), collections.Counter()
    for n, o in rows:
        where = f"{path}:{n}"
        missing = [f for f in ANSWER_FIELDS if f not in o]
        if missing:
            fail(f"{where}: missing {missing}")
            continue
        if o["id"] in ids:
            fail(f"{where}: duplicate id {o['id']}")
        ids.add(o["id"])
        key = norm(o["text"])
        if not key:
            fail(f"{where}: empty text")
        if key in texts:
            fail(f"{where}: duplicate text (also line {texts[key]})")
        texts[key] = n
        intent = o["intent"]
        if intent != "out_of_scope" and intent not in taxonomy:
            fail(f"{where}: intent {intent} is not in {intents_path}")
        if o["lang"] not in ("zh", "en"):
            fail(f"{where}: bad lang {o['lang']}")
        intents[intent] += 1
        langs[o["lang"]] += 1
        cats[taxonomy.get(intent, "out_of_scope")] += 1
    total = sum(intents.values())
    oos = intents["out_of_scope"]
    distinct = len([k for k in intents if k != "out_of_scope"])
    if total < 400:
        fail(f"answers: {total} items, need >= 400")
    if total and oos / total < 0.15:
        fail(f"answers: out_of_scope {oos}/{total} < 15 %")
    if distinct < 80:
        fail(f"answers: {distinct} distinct intents, need >= 80")
    print(f"\nanswers: {total} items, out_of_scope {oos} ({100 * oos / max(total, 1):.1f} %), "
          f"{distinct} of {len(taxonomy)} intents covered; lang {dict(langs)}")
    table("category", cats, markdown)
    table("intent", intents, markdown)
    return set(texts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--safety", default="Tests/Fixtures/sealed/safety-sealed-v1.jsonl")
    ap.add_argument("--answers", default="Tests/Fixtures/sealed/answers-sealed-v1.jsonl")
    ap.add_argument("--intents", default="Sources/ModelBackends/Resources/intents.tsv")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--only", choices=["safety", "answers"])
    args = ap.parse_args()
    a = b = set()
    if args.only != "answers":
        a = check_safety(args.safety, args.markdown)
    if args.only != "safety":
        b = check_answers(args.answers, args.intents, args.markdown)
    for t in a & b:
        fail(f"text in both sets: {t}")
    for e in errors:
        print("ERROR:", e, file=sys.stderr)
    print("\nOK" if not errors else f"\n{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
