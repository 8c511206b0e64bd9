#!/usr/bin/env python3
"""Trains the safety layer's statistical risk classifier (logistic regression over character
1–3-grams and Latin words) on the project's own labelled safety sets and writes its weights for
`Sources/Safety/Resources/risk-classifier.tsv`.

The classifier is a second opinion next to the rule engine (docs/safety.md): the rules are precise
but miss wordings nobody wrote down; the classifier generalises from examples. Training data is
only the project's own files (never ../shared/data):

    Tests/Fixtures/safety/devset.jsonl, blind-dev.jsonl, probes.jsonl, and the starter corpus's
    questions as everyday negatives

Deterministic (L-BFGS from zero weights). Needs numpy and scipy.

    python3 tools/train_risk_classifier.py            # writes the resource and the parity fixture
    python3 tools/train_risk_classifier.py --cv       # 5-fold cross-validation report only

Feature extraction must match `RiskClassifier.features` in Swift exactly: the text is the last 60
characters of the earlier turns joined by spaces, then " | ", then the message; ASCII letters are
lower-cased and every run of white space becomes one space; features are every 1-, 2- and 3-character
substring (Unicode scalars) and every run of ASCII letters prefixed with "w:".

Resource format: `bias<TAB>b`, then `feature<TAB>weight` per line (features hold no tab or newline:
white space is collapsed to single spaces).
"""
import json
import os
import sys

import numpy as np
from scipy.optimize import minimize
from scipy.sparse import csr_matrix

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SETS = ["devset.jsonl", "blind-dev.jsonl", "probes.jsonl"]
# Everyday counselling questions (the starter corpus's questions) are negatives: without them the
# classifier mistakes ordinary worries about drinking or sleepless nights for risk.
CORPUS = "Sources/ModelBackends/Resources/starter-corpus.jsonl"
C = 1.0            # inverse L2 strength
MIN_WEIGHT = 0.005  # weights smaller than this are dropped from the resource


def normalise(text):
    out, space = [], False
    for ch in text:
        if ch.isspace():
            if not space:
                out.append(" ")
            space = True
            continue
        space = False
        out.append(ch.lower() if "A" <= ch <= "Z" else ch)
    return "".join(out)


def features(text, recent):
    context = " ".join(recent)[-60:] if recent else ""
    t = normalise(context + " | " + text)
    found = set()
    for n in (1, 2, 3):
        for i in range(len(t) - n + 1):
            found.add(t[i:i + n])
    word = []
    for ch in t + " ":
        if ("a" <= ch <= "z"):
            word.append(ch)
        elif word:
            found.add("w:" + "".join(word))
            word = []
    return found


def load():
    items = []
    for name in SETS:
        with open(os.path.join(ROOT, "Tests/Fixtures/safety", name), encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                o = json.loads(line)
                recent = o.get("recent") or o.get("history") or []
                items.append((o["text"], recent, 1.0 if o["crisis"] else 0.0))
    with open(os.path.join(ROOT, CORPUS), encoding="utf-8") as f:
        for line in f:
            items.append((json.loads(line)["prompt"], [], 0.0))
    return items


def matrix(items, vocab):
    rows, cols = [], []
    for i, (text, recent, _) in enumerate(items):
        for x in features(text, recent):
            j = vocab.get(x)
            if j is not None:
                rows.append(i)
                cols.append(j)
    return csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(items), len(vocab)))


def fit(X, y):
    def loss(w):
        z = X @ w[:-1] + w[-1]
        p = 1 / (1 + np.exp(-z))
        eps = 1e-12
        value = -np.sum(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)) + 0.5 / C * np.dot(w[:-1], w[:-1])
        grad = np.concatenate([X.T @ (p - y) + w[:-1] / C, [np.sum(p - y)]])
        return value, grad
    return minimize(loss, np.zeros(X.shape[1] + 1), jac=True, method="L-BFGS-B", options={"maxiter": 1000}).x


def main():
    items = load()
    vocab = {}
    for text, recent, _ in items:
        for x in sorted(features(text, recent)):
            vocab.setdefault(x, len(vocab))
    X = matrix(items, vocab)
    y = np.array([label for _, _, label in items])
    if "--cv" in sys.argv:
        order = np.random.default_rng(7).permutation(len(items))
        probabilities = np.zeros(len(items))
        for fold in np.array_split(order, 5):
            train = np.setdiff1d(order, fold)
            w = fit(X[train], y[train])
            probabilities[fold] = 1 / (1 + np.exp(-(X[fold] @ w[:-1] + w[-1])))
        for t in (0.5, 0.6, 0.7, 0.8, 0.85, 0.9):
            predicted = probabilities > t
            tp = np.sum(predicted & (y == 1)); fp = np.sum(predicted & (y == 0)); fn = np.sum(~predicted & (y == 1))
            print(f"threshold {t}: precision {tp / (tp + fp):.3f} recall {tp / (tp + fn):.3f}")
        return
    w = fit(X, y)
    names = sorted(vocab, key=vocab.get)
    out = os.path.join(ROOT, "Sources/Safety/Resources/risk-classifier.tsv")
    kept = 0
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write("# Risk classifier weights: tools/train_risk_classifier.py (generated; do not edit).\n")
        f.write(f"# trained on {len(items)} messages of {', '.join(SETS)} and the starter corpus questions; C={C}\n")
        f.write(f"bias\t{w[-1]:.6f}\n")
        for name, weight in zip(names, w[:-1]):
            if abs(weight) >= MIN_WEIGHT:
                f.write(f"{name}\t{weight:.6f}\n")
                kept += 1
    # Parity fixture: Swift must compute the same probabilities from the pruned weights.
    table = {name: weight for name, weight in zip(names, w[:-1]) if abs(weight) >= MIN_WEIGHT}
    samples = [("我不想活了", []), ("笑死我了哈哈哈", []), ("I can't do this anymore", ["everything hurts"]), ("药已经攒好了", ["我一直睡不着"])]
    with open(os.path.join(ROOT, "Tests/Fixtures/safety/risk-classifier-parity.jsonl"), "w", encoding="utf-8") as f:
        for text, recent in samples:
            z = w[-1] + sum(table.get(x, 0.0) for x in features(text, recent))
            f.write(json.dumps({"text": text, "recent": recent, "probability": round(float(1 / (1 + np.exp(-z))), 6)}, ensure_ascii=False) + "\n")
    print(f"wrote {kept} of {len(vocab)} weights to {out}")


if __name__ == "__main__":
    main()
