#!/usr/bin/env python3
"""Trains the safety layer's statistical risk classifier and writes its weights for
`Sources/Safety/Resources/risk-classifier.tsv` (docs/safety.md, "The classifier").

Logistic regression over what the detector itself computes for a message: the 1-3-grams and Latin
words of the CANONICAL text (slang, pinyin, Traditional characters, emoji already read; `?` after a
question sentence), plus the rule engine's activations (`c:<class>` per lexicon class seen,
`r:concern:<concept>` per non-crisis finding). The features come from the binary:

    heartline safety features FILE --lexicon Sources/Safety/Resources/lexicon

so training and serving share one implementation (the parity fixture checks the weights round-trip).
Retrain after changing the lexicon: the activations are part of the features.

Training data (the project's own files only, never ../shared/data):
    Tests/Fixtures/safety/generated.jsonl (tools/generate_risk_set.py: kinds x registers with
    matched hard negatives), devset.jsonl, blind-dev.jsonl, probes.jsonl (hand-written), and the
    starter corpus's questions as everyday negatives. blind-holdout.jsonl is kept out (a test).

Cross-validation is grouped: a generated item's group is its template (its Traditional, pinyin,
buried and multi-turn forms go with it), a probe's group is its round, other hand-written items
group by file and kind. Near-paraphrases never sit on both sides of a split.

    python3 tools/train_risk_classifier.py [--heartline .build/debug/heartline]         # write model
    python3 tools/train_risk_classifier.py --cv [--heartline …]                        # grouped 5-fold report
    python3 tools/train_risk_classifier.py --holdout retired-sealed-v7.jsonl \
        [--also ../shared/data/psysuicide/valid.json] [--thresholds 0.8,0.9]           # leave one set out

Deterministic (L-BFGS from zero weights). Needs numpy and scipy.
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from scipy.optimize import minimize
from scipy.sparse import csr_matrix

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests/Fixtures/safety")
SETS = ["generated.jsonl", "devset.jsonl", "blind-dev.jsonl", "probes.jsonl", "retired-sealed-v1.jsonl",
        "retired-sealed-v2.jsonl", "retired-sealed-v3.jsonl", "retired-sealed-v4.jsonl", "retired-sealed-v5.jsonl", "retired-sealed-v6.jsonl", "retired-sealed-v7.jsonl", "retired-sealed-v8.jsonl", "retired-sealed-v9.jsonl", "retired-sealed-v10.jsonl", "retired-sealed-v11.jsonl", "written-a.jsonl", "written-b.jsonl", "written-c.jsonl", "written-d.jsonl", "written-e.jsonl", "written-f.jsonl", "written-g.jsonl", "written-h.jsonl", "written-i.jsonl", "written-j.jsonl", "written-k.jsonl", "written-l.jsonl", "written-m.jsonl", "written-n.jsonl", "written-o.jsonl", "written-q.jsonl", "written-r.jsonl", "written-s.jsonl"]
CORPUS = "Sources/ModelBackends/Resources/starter-corpus.jsonl"
LEXICON = os.path.join(ROOT, "Sources/Safety/Resources/lexicon")
C = 1.0             # inverse L2 strength (--c to try another)
MIN_WEIGHT = 0.02   # weights smaller than this are dropped from the resource
PARITY = [("我不想活了", []), ("笑死我了哈哈哈", []), ("I can't do this anymore", ["everything hurts"]),
          ("药已经攒好了", ["我一直睡不着"]), ("wo zhen de bu xiang huo le", []), ("真希望明天出个车祸？", [])]


def option(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def load():
    """(text, recent, label, group) for every training message."""
    items = []
    for name in SETS:
        round_name = "-"
        with open(os.path.join(FIXTURES, name), encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line.startswith("# round"):
                    round_name = line[2:]
                if not line or line.startswith("#"):
                    continue
                o = json.loads(line)
                recent = o.get("recent") or o.get("history") or []
                crisis = o["tier"] == "crisis" if "tier" in o else bool(o["crisis"])
                if "template" in o:
                    group = "gen:" + o["template"]
                elif name == "probes.jsonl":
                    group = "probes:" + round_name
                else:
                    group = f"{name}:{o.get('kind', '-')}"
                items.append((o["text"], recent, 1.0 if crisis else 0.0, group, name))
    with open(os.path.join(ROOT, CORPUS), encoding="utf-8") as f:
        for n, line in enumerate(f):
            o = json.loads(line)
            # The intent-level corpus holds question variants per intent; older files a prompt.
            for question in o.get("questions") or [o.get("prompt", "")]:
                if question:
                    items.append((question, [], 0.0, f"corpus:{o.get('intent', n % 20)}", CORPUS))
    return items


def swift_features(messages, heartline):
    """The binary's features for each (text, recent), in order."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8", delete=False) as f:
        for text, recent in messages:
            f.write(json.dumps({"text": text, "recent": recent}, ensure_ascii=False) + "\n")
        path = f.name
    try:
        out = subprocess.run([heartline, "safety", "features", path, "--lexicon", LEXICON],
                             check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(path)
    rows = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert len(rows) == len(messages), f"{len(rows)} feature rows for {len(messages)} messages"
    return [set(r) for r in rows]


def matrix(feature_sets, vocab):
    rows, cols = [], []
    for i, features in enumerate(feature_sets):
        for x in features:
            j = vocab.get(x)
            if j is not None:
                rows.append(i)
                cols.append(j)
    return csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(feature_sets), len(vocab)))


def fit(X, y):
    def loss(w):
        z = X @ w[:-1] + w[-1]
        p = 1 / (1 + np.exp(-z))
        eps = 1e-12
        value = -np.sum(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)) + 0.5 / C * np.dot(w[:-1], w[:-1])
        grad = np.concatenate([X.T @ (p - y) + w[:-1] / C, [np.sum(p - y)]])
        return value, grad
    return minimize(loss, np.zeros(X.shape[1] + 1), jac=True, method="L-BFGS-B", options={"maxiter": 1000}).x


def fold_of(group, k=5):
    return int(hashlib.sha256(group.encode("utf-8")).hexdigest(), 16) % k


def main():
    global C
    C = float(option("--c", str(C)))
    heartline = option("--heartline", os.path.join(ROOT, ".build/debug/heartline"))
    items = load()
    feature_sets = swift_features([(t, r) for t, r, *_ in items], heartline)
    vocab = {}
    for features in feature_sets:
        for x in sorted(features):
            vocab.setdefault(x, len(vocab))
    X = matrix(feature_sets, vocab)
    y = np.array([item[2] for item in items])
    if "--cv" in sys.argv:
        folds = np.array([fold_of(item[3]) for item in items])
        probabilities = np.zeros(len(items))
        for k in range(5):
            test = np.where(folds == k)[0]
            train = np.where(folds != k)[0]
            w = fit(X[train], y[train])
            probabilities[test] = 1 / (1 + np.exp(-(X[test] @ w[:-1] + w[-1])))
        groups = len({item[3] for item in items})
        print(f"{len(items)} messages in {groups} groups (template / round), grouped 5-fold")
        for t in (0.5, 0.6, 0.7, 0.8, 0.85, 0.9):
            predicted = probabilities > t
            tp = np.sum(predicted & (y == 1)); fp = np.sum(predicted & (y == 0)); fn = np.sum(~predicted & (y == 1))
            print(f"threshold {t}: precision {tp / max(tp + fp, 1):.3f} recall {tp / max(tp + fn, 1):.3f}")
        return
    names = sorted(vocab, key=vocab.get)
    if "--holdout" in sys.argv:
        holdout_set(X, y, items, names, heartline)
        return
    w = fit(X, y)
    out = os.path.join(ROOT, "Sources/Safety/Resources/risk-classifier.tsv")
    table = write_weights(out, w, names, "# Risk classifier weights: tools/train_risk_classifier.py (generated; do not edit).\n"
                          f"# trained on {len(items)} messages of {', '.join(SETS)} and the starter corpus questions; C={C}\n")
    # Parity fixture: Swift must compute the same probabilities from the pruned weights.
    parity = swift_features(PARITY, heartline)
    with open(os.path.join(FIXTURES, "risk-classifier-parity.jsonl"), "w", encoding="utf-8") as f:
        for (text, recent), features in zip(PARITY, parity):
            z = w[-1] + sum(float(f"{table[x]:.6f}") for x in features if x in table)
            f.write(json.dumps({"text": text, "recent": recent, "probability": round(float(1 / (1 + np.exp(-z))), 6)}, ensure_ascii=False) + "\n")
    print(f"wrote {len(table)} of {len(vocab)} weights to {out}")


def write_weights(path, w, names, header):
    table = {name: weight for name, weight in zip(names, w[:-1]) if abs(weight) >= MIN_WEIGHT}
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(header)
        f.write(f"bias\t{w[-1]:.6f}\n")
        for name in sorted(table):
            f.write(f"{name}\t{table[name]:.6f}\n")
    return table


def holdout_set(X, y, items, names, heartline):
    """Trains without one independently written set (a retired sealed set) and scores the real
    detector — rules and classifier — on it and on any --also files, at each threshold. This is
    how the shipped threshold is chosen: on a set the classifier has not seen, by a writer who saw
    neither the detector nor its data, never on the sealed set in Tests/Fixtures/sealed."""
    held = option("--holdout", "")
    keep = np.array([item[4] != held for item in items])
    assert not keep.all(), f"{held} is not one of the training sets"
    w = fit(X[keep], y[keep])
    path = os.path.join(tempfile.gettempdir(), "risk-classifier-holdout.tsv")
    write_weights(path, w, names, f"# without {held}\n")
    files = [os.path.join(FIXTURES, held)] + [a for a in option("--also", "").split(",") if a]
    for t in [float(x) for x in option("--thresholds", "0.8,0.85,0.9,0.92").split(",")]:
        for file in files:
            out = subprocess.run([heartline, "safety", "eval", file, "--classifier", path, "--crisis-threshold", str(t)],
                                 check=True, capture_output=True, text=True).stdout.splitlines()
            summary = [line.strip() for line in out if line.startswith("crisis  precision") or "false crisis on hard" in line or line.startswith("false-crisis rate")]
            print(f"threshold {t} {os.path.basename(file)}: " + " | ".join(summary), flush=True)


if __name__ == "__main__":
    main()
