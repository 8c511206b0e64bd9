#!/usr/bin/env python3
"""Model fault test: the OpenAI-compatible fake (docs/protocols.md C.2/C.5 wire format) times out,
answers 500, 429 (rate limit and quota), garbage bodies, and a random mix. In every phase each
user must get a 200 with an answer from the model, the retrieval fallback or the calm fixed
reply, within the model budget plus a margin; nothing acknowledged may be lost (every id replays
as a duplicate), and the metrics must show the errors and fallbacks.

Usage: python3 bench/reliability/faults.py [--per-phase 200] [--json out.json]
"""
import argparse
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Client, FakeOpenAI, Heartline, metric_sum, metrics, model_env, percentile, post_local  # noqa: E402

PHASES = [("ok", 0.0), ("slow", 6.0), ("500", 0.0), ("429", 0.0), ("quota", 0.0), ("garbage", 0.0), ("mixed", 6.0), ("ok", 0.0)]
ALLOWED_SOURCES = {"model", "retrieval", "fallback", "fixed"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-phase", type=int, default=200)
    ap.add_argument("--threads", type=int, default=16)
    ap.add_argument("--budget-ms", type=int, default=3000)
    ap.add_argument("--breaker-threshold", type=int, default=5, help="1000: effectively no circuit breaker, every call meets the fault")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()

    fake = FakeOpenAI()
    env = model_env(fake, budget_ms=args.budget_ms, retries=2)
    # A short cool-down so the breaker closes again between phases.
    env["HEARTLINE_MODEL_BREAKER_COOL_DOWN_MS"] = "2000"
    env["HEARTLINE_MODEL_BREAKER_THRESHOLD"] = str(args.breaker_threshold)
    hl = Heartline(env=env).start()
    results, problems = [], []
    all_ids = {}
    try:
        for index, (mode, delay) in enumerate(PHASES):
            fake.mode, fake.delay = mode, delay
            time.sleep(2.2 if index else 0)  # let an open breaker half-open again
            before = metrics(hl.base)
            statuses, sources, latencies = {}, {}, []
            lock = threading.Lock()
            counter = iter(range(args.per_phase))

            def worker(tid):
                client = Client(hl.base, timeout=60)
                while True:
                    with lock:
                        k = next(counter, None)
                    if k is None:
                        return
                    msg_id = "p%d-%s-%d" % (index, mode, k)
                    user = "fault-user-%d" % (k % 50)
                    text = "我最近压力很大，晚上睡不着 [id:%s]" % msg_id
                    started = time.time()
                    try:
                        status, obj = post_local(client, user, text, msg_id)
                    except Exception as e:  # a broken connection is a failure here: nothing crashes
                        status, obj = "error:%s" % type(e).__name__, {}
                    elapsed = time.time() - started
                    with lock:
                        statuses[status] = statuses.get(status, 0) + 1
                        latencies.append(elapsed)
                        if status == 200:
                            src = obj.get("source")
                            sources[src] = sources.get(src, 0) + 1
                            all_ids[msg_id] = (user, text, obj.get("reply"))
                            if not obj.get("reply"):
                                problems.append("%s: empty reply for %s" % (mode, msg_id))

            threads = [threading.Thread(target=worker, args=(t,)) for t in range(args.threads)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            after = metrics(hl.base)
            delta = lambda name, **labels: metric_sum(after, name, **labels) - metric_sum(before, name, **labels)  # noqa: E731
            phase = {
                "phase": "%d:%s" % (index, mode), "statuses": {str(k): v for k, v in statuses.items()}, "sources": sources,
                "p50_s": round(percentile(latencies, 50), 3), "p99_s": round(percentile(latencies, 99), 3), "max_s": round(max(latencies), 3),
                "model_errors": delta("heartline_model_errors_total"), "fallbacks": delta("heartline_model_fallbacks_total"),
                "http_5xx": delta("heartline_http_requests_total", status="5xx"),
            }
            results.append(phase)
            print(json.dumps(phase, ensure_ascii=False))
            if statuses.get(200, 0) != args.per_phase:
                problems.append("%s: not every request got 200: %s" % (mode, statuses))
            if set(sources) - ALLOWED_SOURCES:
                problems.append("%s: unexpected sources %s" % (mode, sources))
            if max(latencies) > args.budget_ms / 1000.0 + 2.0:
                problems.append("%s: an answer took %.2fs (budget %.1fs)" % (mode, max(latencies), args.budget_ms / 1000.0))
            if mode in ("500", "429", "quota", "garbage") and phase["fallbacks"] == 0:
                problems.append("%s: no fallback counted" % mode)
        # Nothing acknowledged lost: every answered id replays as a duplicate with the same reply.
        client = Client(hl.base, timeout=30)
        replay_bad = 0
        for msg_id, (user, text, reply) in all_ids.items():
            status, obj = post_local(client, user, text, msg_id)
            if status != 200 or not obj.get("duplicate") or obj.get("reply") != reply:
                replay_bad += 1
        if replay_bad:
            problems.append("replays that did not return the stored reply: %d" % replay_bad)
        final = metrics(hl.base)
        summary = {"phases": results, "replayed": len(all_ids), "replay_bad": replay_bad,
                   "alive": hl.alive(), "rss_kb": hl.rss_kb(),
                   "model_errors_by_kind": {k.split('kind="')[1].split('"')[0]: v for k, v in final.items() if k.startswith("heartline_model_errors_total{")},
                   "fake_model_outcomes": fake.by_outcome, "problems": problems}
        print(json.dumps({k: v for k, v in summary.items() if k != "phases"}, ensure_ascii=False, indent=2))
        if args.json:
            with open(args.json, "w") as f:
                json.dump(summary, f, ensure_ascii=False, indent=2)
        return 1 if problems or not hl.alive() else 0
    finally:
        hl.cleanup()
        fake.close()


if __name__ == "__main__":
    sys.exit(main())
