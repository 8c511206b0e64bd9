#!/usr/bin/env python3
"""Crash test: two `heartline serve` instances on one PostgreSQL database under steady load;
one of them is killed with SIGKILL at a random moment KILLS times and started again.

Clients behave like a platform: a message is retried (same id, at either instance) until it is
acknowledged with 200. Afterwards every acknowledged message must replay as an answered
duplicate with the same reply, nothing may be left pending, and the number of entries processed
more than once (a crash between answering and the done marker) is reported.

    crash.py BIN URL PSQL_CMD [KILLS] [CLIENTS]
"""
import http.client, json, os, random, signal, subprocess, sys, tempfile, threading, time

from instances import post_local, post_until_acked, start_instance

bin_path, url, psql = sys.argv[1], sys.argv[2], sys.argv[3].split()
kills = int(sys.argv[4]) if len(sys.argv) > 4 else 20
clients = int(sys.argv[5]) if len(sys.argv) > 5 else 16
ports = [18601, 18602]
work = tempfile.mkdtemp(prefix="heartline-crash.")
procs = {}
lock = threading.Lock()
acked = {}          # id -> reply body
stats = {"posts": 0, "failures": 0}
stop = threading.Event()


def start(port):
    procs[port] = start_instance(bin_path, url, work, port, "warning", 300)


def post(port, mid, user):
    return post_local(port, mid, user, "最近总是失眠，晚上翻来覆去睡不着怎么办", 30)


def client(n):
    i = 0
    while not stop.is_set():
        i += 1
        mid, user = f"c{n}-{i}", f"u{(n * 37 + i) % 200}"
        _, reply = post_until_acked(post, ports, n, i, mid, user, lock, stats)
        with lock:
            acked[mid] = reply["body"]


def sql(q):
    return subprocess.check_output(psql + ["-c", q], text=True).strip()


for p in ports:
    start(p)
threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
for t in threads:
    t.start()
t0 = time.time()
for k in range(kills):
    time.sleep(random.uniform(0.5, 2.5))
    victim = random.choice(ports)
    with lock:
        before = len(acked)
    procs[victim].send_signal(signal.SIGKILL)
    procs[victim].wait()
    start(victim)
    print(f"kill {k + 1:2d}: instance :{victim} killed and restarted; {before} acknowledged so far", flush=True)
time.sleep(2)
stop.set()
for t in threads:
    t.join(timeout=120)
elapsed = time.time() - t0
deadline = time.time() + 120
while sql("SELECT count(*) FROM heartline_inbox WHERE done_at IS NULL") != "0" and time.time() < deadline:
    time.sleep(0.2)

# Every acknowledged message replays as an answered duplicate with the same reply.
mismatched, missing = 0, 0
for mid, body in list(acked.items()):
    status, reply = post(ports[hash(mid) % 2], mid, "replay")
    if status != 200 or not reply.get("duplicate"):
        missing += 1
    elif reply["body"] != body:
        mismatched += 1
pending = sql("SELECT count(*) FROM heartline_inbox WHERE done_at IS NULL")
total = sql("SELECT count(*) FROM heartline_inbox")
twice = sql("SELECT count(*) FROM heartline_inbox WHERE attempts > 1")
for p in procs.values():
    p.send_signal(signal.SIGTERM)
for p in procs.values():
    p.wait(timeout=60)
print(f"RESULT kills={kills} seconds={elapsed:.1f} acknowledged={len(acked)} posts={stats['posts']} "
      f"failed_posts={stats['failures']} rows={total} pending_after={pending} "
      f"not_answered={missing} reply_mismatch={mismatched} processed_more_than_once={twice}")
sys.exit(0 if missing == 0 and pending == "0" else 1)
