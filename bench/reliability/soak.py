#!/usr/bin/env python3
"""Capacity and soak on the local channel (file store, embedded retrieval model).

1. Capacity: wrk with no pacing (`--capacity-seconds`, 64 connections) -> requests/s.
2. Soak: `--minutes` one-minute wrk runs paced at `--fraction` of that capacity (wrk's delay()
   per connection), unique ids, a pool of users. Every 30 s: RSS, open fds and threads from
   /proc, queue depth and inbox backlog from /metrics. Per minute: achieved rate, p50/p99/max,
   errors. The verdict compares the first and last thirds.

Usage: python3 bench/reliability/soak.py [--minutes 30] [--fraction 0.5] [--json out.json]
"""
import argparse
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Heartline, metric_sum, metrics  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def wrk(port, seconds, connections, prefix, pause_ms, users, threads=2):
    cmd = ["wrk", "-t%d" % threads, "-c%d" % connections, "-d%ds" % seconds, "--timeout", "10s", "-s", os.path.join(HERE, "local.lua"),
           "http://127.0.0.1:%d" % port, "--", prefix, str(pause_ms), str(users)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60).stdout
    for line in out.splitlines():
        if line.startswith("WRKJSON "):
            result = json.loads(line[8:])
            result["rate"] = result["requests"] / (result["duration_us"] / 1e6)
            return result
    raise RuntimeError("wrk printed no result:\n" + out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=int, default=30)
    ap.add_argument("--fraction", type=float, default=0.5)
    ap.add_argument("--capacity-seconds", type=int, default=30)
    ap.add_argument("--users", type=int, default=2000)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--capacity", type=float, default=None, help="skip the measurement and use this rate")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()

    env = {"HEARTLINE_SAFETY_RATE_LIMIT_PER_MINUTE": "10000", "HEARTLINE_SAFETY_RATE_LIMIT_PER_DAY": "1000000"}
    hl = Heartline(env=env).start()
    out = {"conditions": {"cores": os.cpu_count(), "loadavg_start": os.getloadavg(), "users": args.users}}
    try:
        if args.capacity is None:
            cap = wrk(hl.port, args.capacity_seconds, 64, "cap", 0, args.users)
            out["capacity"] = cap
            capacity = cap["rate"]
            print("capacity: %.0f req/s (p50 %.1f ms, p99 %.1f ms, non-2xx %d)" % (capacity, cap["p50_ms"], cap["p99_ms"], cap["non_2xx"]), flush=True)
        else:
            capacity = args.capacity
        target = capacity * args.fraction
        # Each connection sends, waits for the answer, then pauses: rate ~ connections / (pause + latency).
        pause_ms = max(1, int(round(args.connections * 1000.0 / target)))
        out["target_rate"] = target
        out["pause_ms"] = pause_ms
        samples, minutes = [], []
        stop = threading.Event()
        started = time.time()

        def sampler():
            while not stop.is_set():
                try:
                    m = metrics(hl.base)
                    samples.append({"t_s": round(time.time() - started), "rss_mb": round(hl.rss_kb() / 1024.0, 1), "fds": hl.fds(), "threads": hl.threads(),
                                    "queue_depth": metric_sum(m, "heartline_queue_depth"), "inbox_pending": metric_sum(m, "heartline_inbox_pending"),
                                    "loadavg1": os.getloadavg()[0]})
                    print("sample %s" % json.dumps(samples[-1]), flush=True)
                except Exception as e:  # the process died: recorded by the main loop
                    samples.append({"t_s": round(time.time() - started), "error": repr(e)})
                stop.wait(30)

        t = threading.Thread(target=sampler, daemon=True)
        t.start()
        for minute in range(args.minutes):
            r = wrk(hl.port, 60, args.connections, "soak%d" % minute, pause_ms, args.users)
            r["minute"] = minute + 1
            minutes.append(r)
            print("minute %2d: %.0f req/s p50 %.1f ms p99 %.1f ms max %.0f ms non-2xx %d errors %d" % (
                minute + 1, r["rate"], r["p50_ms"], r["p99_ms"], r["max_ms"], r["non_2xx"],
                r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["timeouts"]), flush=True)
            if not hl.alive():
                break
        stop.set()
        t.join(timeout=5)
        final = metrics(hl.base) if hl.alive() else {}
        out.update({"minutes": minutes, "samples": samples, "alive": hl.alive(), "loadavg_end": os.getloadavg(),
                    "replies_total": metric_sum(final, "heartline_replies_total"),
                    "http_5xx": metric_sum(final, "heartline_http_requests_total", status="5xx")})
        good = [s for s in samples if "rss_mb" in s]
        third = max(1, len(good) // 3)
        first, last = good[:third], good[-third:]
        avg = lambda xs, k: sum(x[k] for x in xs) / len(xs)  # noqa: E731
        p99_first = sorted(m["p99_ms"] for m in minutes[: max(1, len(minutes) // 3)])
        p99_last = sorted(m["p99_ms"] for m in minutes[-max(1, len(minutes) // 3):])
        out["verdict"] = {
            "rss_mb_first_third": round(avg(first, "rss_mb"), 1), "rss_mb_last_third": round(avg(last, "rss_mb"), 1),
            "rss_mb_max": max(s["rss_mb"] for s in good), "fds_first": first[0]["fds"], "fds_last": last[-1]["fds"],
            "p99_ms_median_first_third": p99_first[len(p99_first) // 2], "p99_ms_median_last_third": p99_last[len(p99_last) // 2],
            "messages": sum(m["requests"] for m in minutes),
        }
        print(json.dumps(out["verdict"], indent=2))
        if args.json:
            with open(args.json, "w") as f:
                json.dump(out, f, indent=2)
        return 0 if hl.alive() else 1
    finally:
        hl.cleanup()


if __name__ == "__main__":
    sys.exit(main())
