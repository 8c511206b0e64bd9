#!/usr/bin/env python3
"""Database restarts under load: two `heartline serve` instances on one PostgreSQL database while
clients send distinct local-channel messages to both; the database is restarted (or stopped for a
while) ROUNDS times. After each round, how long each instance takes to answer a message again,
counted from the moment the database accepts connections.

Clients behave like a platform: a message is retried (same id, either instance) until acknowledged
with 200. At the end every acknowledged message must replay as an answered duplicate with the same
reply and nothing may be left pending.

    restart.py BIN URL PGCTL_CMD PG_ISREADY_CMD PSQL_CMD MODE [ROUNDS] [CLIENTS] [DOWN_SECONDS]

MODE: fast | immediate (pg_ctl restart -m MODE) | down (stop -m fast, wait DOWN_SECONDS, start).
"""
import http.client, json, os, signal, subprocess, sys, tempfile, threading, time

from instances import post_local, post_until_acked, start_instance

bin_path, url = sys.argv[1], sys.argv[2]
pgctl, isready, psql = sys.argv[3].split(), sys.argv[4].split(), sys.argv[5].split()
mode = sys.argv[6]
rounds = int(sys.argv[7]) if len(sys.argv) > 7 else 5
clients = int(sys.argv[8]) if len(sys.argv) > 8 else 8
down_seconds = float(sys.argv[9]) if len(sys.argv) > 9 else 30
ports = [18701, 18702]
work = tempfile.mkdtemp(prefix="heartline-restart.")
procs = {}
lock = threading.Lock()
acked = {}             # id -> reply body
last_ok = {p: 0.0 for p in ports}   # time of the last 200 from each instance
stats = {"posts": 0, "failures": 0}
stop = threading.Event()


def start(port):
    procs[port] = start_instance(bin_path, url, work, port, "info", 600)


def post(port, mid, user, timeout=10):
    return post_local(port, mid, user, f"最近总是失眠，晚上翻来覆去睡不着怎么办 {mid}", timeout)


def client(n):
    i = 0
    while not stop.is_set():
        i += 1
        mid, user = f"r{n}-{i}", f"u{(n * 37 + i) % 1000}"
        acked_at = post_until_acked(post, ports, n, i, mid, user, lock, stats, keep_going=lambda: not stop.is_set())
        if acked_at:
            port, reply = acked_at
            with lock:
                acked[mid] = reply["body"]
                last_ok[port] = time.time()


def run(cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def sql(q):
    return subprocess.check_output(psql + ["-c", q], text=True).strip()


def ready_status(port):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        c.request("GET", "/readyz")
        return c.getresponse().status
    except OSError:
        return 0


for p in ports:
    start(p)
threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
for t in threads:
    t.start()
time.sleep(3)
worst = 0.0
failed_rounds = 0
for k in range(rounds):
    if mode == "down":
        run(pgctl + ["-m", "fast", "-w", "stop"])
        time.sleep(down_seconds)
        run(pgctl + ["-w", "start"])
    else:
        run(pgctl + ["-m", mode, "-w", "restart"])
    while run(isready).returncode != 0:
        time.sleep(0.02)
    back = time.time()
    # Each instance must answer a message of its own (not a retry of an old one) again.
    recovered = {}
    probe = 0
    while len(recovered) < len(ports) and time.time() - back < 60:
        for p in ports:
            if p in recovered:
                continue
            probe += 1
            try:
                status, _ = post(p, f"probe-{k}-{p}-{probe}", f"probe{p}", timeout=2)
            except OSError:
                status = 0
            if status == 200:
                recovered[p] = time.time() - back
        time.sleep(0.05)
    ready = {p: ready_status(p) for p in ports}
    times = " ".join(f":{p}={recovered[p]:.2f}s" if p in recovered else f":{p}=NOT-RECOVERED" for p in ports)
    worst = max([worst] + list(recovered.values()) + ([999.0] if len(recovered) < len(ports) else []))
    if len(recovered) < len(ports):
        failed_rounds += 1
    with lock:
        n = len(acked)
    print(f"round {k + 1:2d} ({mode}): answering again after {times}; readyz {ready}; {n} acknowledged so far", flush=True)
    time.sleep(2)
stop.set()
for t in threads:
    t.join(timeout=60)
deadline = time.time() + 120
while sql("SELECT count(*) FROM heartline_inbox WHERE done_at IS NULL") != "0" and time.time() < deadline:
    time.sleep(0.2)
missing, mismatched = 0, 0
for mid, body in list(acked.items()):
    try:
        status, reply = post(ports[hash(mid) % 2], mid, "replay")
    except OSError:
        status, reply = 0, None
    if status != 200 or not reply.get("duplicate"):
        missing += 1
    elif reply["body"] != body:
        mismatched += 1
        if mismatched <= 3:
            print(f"reply differs on replay: {mid}: acknowledged {body[:40]!r}, replayed {reply['body'][:40]!r}", flush=True)
pending = sql("SELECT count(*) FROM heartline_inbox WHERE done_at IS NULL")
twice = sql("SELECT count(*) FROM heartline_inbox WHERE attempts > 1")
t_stop = time.time()
for p in procs.values():
    p.send_signal(signal.SIGTERM)
exits = []
for p in procs.values():
    try:
        exits.append(p.wait(timeout=60))
    except subprocess.TimeoutExpired:
        p.kill()
        exits.append("hung")
print(f"RESULT mode={mode} rounds={rounds} failed_rounds={failed_rounds} worst_recovery_s={worst:.2f} "
      f"acknowledged={len(acked)} posts={stats['posts']} failed_posts={stats['failures']} pending_after={pending} "
      f"not_answered={missing} reply_mismatch={mismatched} processed_more_than_once={twice} "
      f"stop_s={time.time() - t_stop:.1f} exits={exits} logs={work}")
sys.exit(0 if failed_rounds == 0 and missing == 0 and pending == "0" else 1)
