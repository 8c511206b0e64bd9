#!/usr/bin/env python3
"""Crash test: steady load on the local channel, `kill -9` of the release binary at random
moments, restart, and checks after every restart:

  * every acknowledged message (HTTP 200, or 504 = recorded but not answered in time) is
    answered: replaying its id returns 200 with `duplicate: true`, and a 200 reply is returned
    byte for byte the same;
  * each acknowledged message reached the model exactly once, except messages that were in
    flight at the kill (answered again after the restart: the documented window between the
    answer and its done marker);
  * no session file was quarantined (quarantine/ stays empty);
  * no process is left behind after the kill.

Usage: python3 bench/reliability/crash.py [--kills 20] [--threads 8] [--json out.json]
"""
import argparse
import json
import os
import random
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Client, FakeOpenAI, Heartline, metric_sum, metrics, model_env, post_local, processes_using  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--model-delay", type=float, default=0.05, help="seconds the fake model takes per answer")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--reply-timeout-ms", type=int, default=3000)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else int(time.time())
    random.seed(seed)

    fake = FakeOpenAI(mode="slow", delay=args.model_delay)
    env = model_env(fake, budget_ms=8000)
    env["HEARTLINE_LOCAL_REPLY_TIMEOUT_MS"] = str(args.reply_timeout_ms)
    hl = Heartline(env=env)
    data_dir = hl.data_dir
    acked = {}      # id -> (user, text, reply or None, round)
    unknown = {}    # id -> (user, text, round): the connection broke mid-request
    refused = 0
    rounds = []
    problems = []

    try:
        for rnd in range(args.kills):
            hl.start()
            stop = threading.Event()
            lock = threading.Lock()
            sent = [0]

            def load(tid):
                nonlocal refused
                client = Client(hl.base, timeout=10)
                k = 0
                while not stop.is_set():
                    k += 1
                    msg_id = "r%d-t%d-%d" % (rnd, tid, k)
                    user = "crash-user-%d-%d" % (tid, k % 40)
                    text = "最近总是睡不着，心里很乱 [id:%s]" % msg_id
                    try:
                        status, obj = post_local(client, user, text, msg_id)
                    except Exception:
                        with lock:
                            unknown[msg_id] = (user, text, rnd)
                        if stop.is_set():
                            return
                        time.sleep(0.05)
                        continue
                    with lock:
                        sent[0] += 1
                        if status == 200:
                            acked[msg_id] = (user, text, obj.get("reply"), rnd)
                        elif status == 504:
                            acked[msg_id] = (user, text, None, rnd)
                        elif status == 503:
                            refused += 1
                        else:
                            problems.append("round %d: unexpected status %d for %s" % (rnd, status, msg_id))

            threads = [threading.Thread(target=load, args=(t,), daemon=True) for t in range(args.threads)]
            for t in threads:
                t.start()
            delay = random.uniform(0.3, 3.0)
            time.sleep(delay)
            pid = hl.proc.pid
            hl.kill9()
            stop.set()
            for t in threads:
                t.join(timeout=15)
            leftovers = [p for p in processes_using(data_dir) if p != os.getpid()]
            if leftovers:
                problems.append("round %d: processes left after kill -9 of %d: %s" % (rnd, pid, leftovers))
            rounds.append({"round": rnd, "killed_after_s": round(delay, 2), "requests": sent[0]})

        # Final start: everything recorded must be answered, then checked.
        hl.start()
        deadline = time.time() + 120
        while time.time() < deadline:
            m = metrics(hl.base)
            if metric_sum(m, "heartline_inbox_pending") == 0 and metric_sum(m, "heartline_queue_depth") == 0:
                break
            time.sleep(0.5)
        client = Client(hl.base, timeout=30)
        lost, mismatched, reanswered, unknown_recorded = [], [], [], 0
        sources = {}
        for msg_id, (user, text, reply, rnd) in sorted(acked.items()):
            status, obj = post_local(client, user, text, msg_id)
            if status != 200 or obj.get("duplicate") is not True or not obj.get("reply"):
                lost.append((msg_id, status, obj.get("duplicate")))
                continue
            sources[obj.get("source")] = sources.get(obj.get("source"), 0) + 1
            # Idempotent: the stored answer is returned, the same every time and the same as the
            # one the client got first (if it got one).
            status2, obj2 = post_local(client, user, text, msg_id)
            if reply is not None and obj.get("reply") != reply:
                mismatched.append(msg_id)
            elif status2 != 200 or obj2.get("reply") != obj.get("reply"):
                mismatched.append(msg_id)
            elif obj.get("source") == "model" and "[ans:%s]" % msg_id not in obj.get("reply", ""):
                mismatched.append(msg_id)
        for msg_id, (user, text, rnd) in sorted(unknown.items()):
            if msg_id in acked:
                continue
            status, obj = post_local(client, user, text, msg_id)
            if status == 200 and obj.get("duplicate"):
                unknown_recorded += 1
        calls = dict(fake.calls)
        # Answered without the model: the fallback chain (retrieval or the calm reply) answered,
        # e.g. because the model's deadline passed while hundreds of replayed messages waited.
        never_called = [i for i in acked if calls.get(i, 0) == 0]
        for msg_id, (_, _, reply, _) in acked.items():
            n = calls.get(msg_id, 0)
            if n > 1:
                reanswered.append((msg_id, n, reply is not None))
        inflight_twice = sum(1 for i in unknown if i not in acked and calls.get(i, 0) > 1)
        # A 200 means the done marker was on disk before the reply left: never answered twice.
        answered_twice_after_200 = [r for r in reanswered if r[2]]
        quarantine = os.path.join(data_dir, "quarantine")
        quarantined = os.listdir(quarantine) if os.path.isdir(quarantine) else []
        if lost: problems.append("acknowledged but not answered: %d (e.g. %s)" % (len(lost), lost[:3]))
        if mismatched: problems.append("replay returned another reply: %d" % len(mismatched))
        if answered_twice_after_200: problems.append("answered twice although the first answer was delivered: %s" % answered_twice_after_200[:3])
        if quarantined: problems.append("quarantined session files: %s" % quarantined[:5])
        result = {
            "seed": seed, "kills": args.kills, "threads": args.threads,
            "acknowledged": len(acked), "acknowledged_200": sum(1 for v in acked.values() if v[2] is not None),
            "acknowledged_504": sum(1 for v in acked.values() if v[2] is None),
            "refused_503": refused, "connection_broken": len(unknown), "connection_broken_but_recorded": unknown_recorded,
            "lost": len(lost), "replay_mismatch": len(mismatched), "answer_sources": sources,
            "answered_by_fallback_without_model_call": len(never_called),
            "answered_twice_in_window": len(reanswered), "in_flight_at_kill_answered_twice": inflight_twice, "quarantined": len(quarantined),
            "model_calls": fake.total, "rounds": rounds, "problems": problems,
        }
        print(json.dumps({k: v for k, v in result.items() if k != "rounds"}, ensure_ascii=False, indent=2))
        if args.json:
            with open(args.json, "w") as f:
                json.dump(result, f, ensure_ascii=False, indent=2)
        return 1 if problems else 0
    finally:
        hl.cleanup()
        fake.close()


if __name__ == "__main__":
    sys.exit(main())
