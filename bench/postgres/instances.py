"""What crash.py and restart.py share: starting a `heartline serve` instance on a store URL and
waiting for /readyz, and posting one local-channel message."""
import http.client, json, os, subprocess, time


def start_instance(bin_path, url, work, port, log_level="info", tries=600):
    """Starts `heartline serve` on `port` (data dir under `work`, store `url` when given) and returns
    the process once /readyz says 200; exits the benchmark when it never does."""
    data = os.path.join(work, str(port))
    os.makedirs(data, exist_ok=True)
    log = open(os.path.join(data, "serve.log"), "ab")
    env = dict(os.environ, HEARTLINE_STORE=url) if url else dict(os.environ)
    proc = subprocess.Popen([bin_path, "serve", "--port", str(port), "--data-dir", data, "--log-level", log_level],
                            stdout=log, stderr=log, env=env)
    for _ in range(tries):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/readyz")
            if c.getresponse().status == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"instance on {port} did not become ready")


def post_local(port, mid, user, text, timeout):
    """POST /v1/local/messages; returns (status, reply JSON or None)."""
    body = json.dumps({"user": user, "text": text, "id": mid})
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("POST", "/v1/local/messages", body, {"Content-Type": "application/json"})
        r = c.getresponse()
        data = r.read()
        return r.status, (json.loads(data) if r.status == 200 else None)
    finally:
        c.close()


def post_until_acked(post, ports, n, i, mid, user, lock, stats, keep_going=lambda: True):
    """Retries one message like a platform (same id, alternating instances) until a 200; returns
    (port, reply) or None when `keep_going` says stop. Counts posts and failures in `stats`."""
    attempt = 0
    while keep_going():
        port = ports[(n + i + attempt) % 2]
        attempt += 1
        try:
            status, reply = post(port, mid, user)
        except OSError:
            status, reply = 0, None
        with lock:
            stats["posts"] += 1
        if status == 200:
            return port, reply
        with lock:
            stats["failures"] += 1
        time.sleep(0.05)
    return None
