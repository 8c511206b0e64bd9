"""Shared pieces of the reliability scripts: starting the release binary, fake upstreams on
loopback (an OpenAI-compatible model, the Telegram Bot API, the WeChat server API), HTTP helpers,
and /proc sampling. Standard library only (plus `cryptography` for WeChat safe mode in
hostile.py). Every server here listens on 127.0.0.1 and every loop is bounded.
"""
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_BINARY = os.path.join(ROOT, ".build-release", "release", "heartline")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# The service


class Heartline:
    """One `heartline serve` process on loopback with its own data directory."""

    def __init__(self, binary=None, data_dir=None, env=None, port=None, log_path=None):
        self.binary = os.path.abspath(binary or os.environ.get("HEARTLINE_BINARY", DEFAULT_BINARY))
        if not os.path.exists(self.binary):
            raise SystemExit("no release binary at %s: swift build -c release --scratch-path .build-release" % self.binary)
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="heartline-rel-")
        self.port = port or free_port()
        self.env = dict(env or {})
        self.log_path = log_path or os.path.join(self.data_dir, "..", os.path.basename(self.data_dir) + ".log")
        self.proc = None

    @property
    def base(self):
        return "127.0.0.1", self.port

    def start(self, timeout=60):
        env = {k: v for k, v in os.environ.items() if not k.startswith("HEARTLINE_") and k != "OPENAI_API_KEY"}
        env.update({"HEARTLINE_HOST": "127.0.0.1", "HEARTLINE_PORT": str(self.port), "HEARTLINE_DATA_DIR": self.data_dir,
                    "HEARTLINE_LOG_LEVEL": "warning"})
        env.update(self.env)
        log = open(self.log_path, "ab")
        # The working directory must not hold a .env of the developer's.
        self.proc = subprocess.Popen([self.binary, "serve"], env=env, stdout=log, stderr=log, cwd=self.data_dir,
                                     start_new_session=True)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("heartline exited with %s; see %s" % (self.proc.returncode, self.log_path))
            try:
                status, _, _ = request(self.base, "GET", "/readyz", timeout=1)
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("heartline not ready in %ss" % timeout)

    def kill9(self):
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self, timeout=30):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def rss_kb(self):
        return proc_status(self.proc.pid).get("VmRSS", 0)

    def fds(self):
        return len(os.listdir("/proc/%d/fd" % self.proc.pid))

    def threads(self):
        return proc_status(self.proc.pid).get("Threads", 0)

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)
        if not os.environ.get("KEEP_LOGS"):  # KEEP_LOGS=1 keeps the service's log for a failed run
            try:
                os.remove(self.log_path)
            except OSError:
                pass


def proc_status(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            key, _, value = line.partition(":")
            parts = value.split()
            if parts and parts[0].isdigit():
                out[key] = int(parts[0])
    return out


def processes_using(path):
    """PIDs whose command line or working directory mentions `path` (leak check after kills)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cwd = os.readlink("/proc/%s/cwd" % pid)
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                cmd = f.read().decode("utf-8", "replace")
        except OSError:
            continue
        if path in cwd or path in cmd:
            found.append(int(pid))
    return found


# ---------------------------------------------------------------------------------------------
# HTTP


def request(base, method, path, body=None, headers=None, timeout=30):
    conn = http.client.HTTPConnection(base[0], base[1], timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, dict(resp.getheaders()), data
    finally:
        conn.close()


class Client:
    """A keep-alive connection per thread, reopened after errors."""

    def __init__(self, base, timeout=30):
        self.base, self.timeout, self.conn = base, timeout, None

    def send(self, method, path, body=None, headers=None):
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.base[0], self.base[1], timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                resp = self.conn.getresponse()
                data = resp.read()
                if resp.getheader("connection", "").lower() == "close":
                    self.close()
                return resp.status, data
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as e:
                self.close()
                if attempt == 1:
                    raise
            except Exception:
                self.close()
                raise

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def post_local(client, user, text, msg_id, lang=None):
    body = {"user": user, "text": text, "id": msg_id}
    if lang:
        body["lang"] = lang
    status, data = client.send("POST", "/v1/local/messages", json.dumps(body, ensure_ascii=False).encode(),
                               {"Content-Type": "application/json"})
    try:
        obj = json.loads(data) if data else {}
    except ValueError:
        obj = {}
    return status, obj


def metrics(base, token=None):
    headers = {"Authorization": "Bearer " + token} if token else {}
    status, _, data = request(base, "GET", "/metrics", headers=headers)
    assert status == 200, status
    out = {}
    for line in data.decode().splitlines():
        if not line or line.startswith("#"):
            continue
        name, _, value = line.rpartition(" ")
        try:
            out[name] = float(value)
        except ValueError:
            pass
    return out


def metric_sum(samples, prefix, **labels):
    total = 0.0
    for name, value in samples.items():
        if not (name == prefix or name.startswith(prefix + "{")):
            continue
        if all('%s="%s"' % (k, v) in name for k, v in labels.items()):
            total += value
    return total


# ---------------------------------------------------------------------------------------------
# Fake upstreams


class FakeServer:
    """A threading HTTP server on 127.0.0.1:0 whose handler calls `route(handler, method)`."""

    def __init__(self, route):
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                outer.route(self, "GET")

            def do_POST(self):
                outer.route(self, "POST")

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass  # a client that hung up (Heartline's deadline passed) is expected here

        self.route = route
        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def reply(handler, status, body, content_type="application/json", headers=None):
    if isinstance(body, (dict, list)):
        body = json.dumps(body, ensure_ascii=False).encode()
    elif isinstance(body, str):
        body = body.encode()
    try:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            handler.send_header(k, v)
        handler.end_headers()
        handler.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):
        pass


def read_body(handler):
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length else b""


class FakeOpenAI:
    """An OpenAI-compatible completions server (docs/protocols.md C.2, C.5) with switchable faults.

    mode: ok | slow (sleeps `delay` s) | 500 | 429 | quota | garbage | mixed. Answers carry the
    marker found in the prompt (`[id:...]`) so a test can tell which message was answered, and
    every call is counted per marker."""

    def __init__(self, mode="ok", delay=0.0):
        self.mode, self.delay = mode, delay
        self.lock = threading.Lock()
        self.calls = {}
        self.total = 0
        self.by_outcome = {}
        self.server = FakeServer(self.route)

    @property
    def base_url(self):
        return self.server.url + "/v1"

    def count(self, marker, outcome):
        with self.lock:
            self.total += 1
            if marker:
                self.calls[marker] = self.calls.get(marker, 0) + 1
            self.by_outcome[outcome] = self.by_outcome.get(outcome, 0) + 1

    def route(self, h, method):
        if method != "POST" or h.path not in ("/v1/completions", "/v1/chat/completions"):
            return reply(h, 404, {"error": {"message": "Unknown route", "type": "invalid_request_error", "param": None, "code": None}})
        raw = read_body(h)
        if h.headers.get("Authorization") != "Bearer sk-reliability-test":
            return reply(h, 401, {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error", "param": None, "code": "invalid_api_key"}})
        try:
            req = json.loads(raw)
            prompt = req["prompt"] if "prompt" in req else req["messages"][-1]["content"]
            assert isinstance(req.get("model"), str) and isinstance(req.get("max_tokens"), int)
        except Exception:
            return reply(h, 400, {"error": {"message": "We could not parse the JSON body of your request.", "type": "invalid_request_error", "param": None, "code": None}})
        marker = None
        if "[id:" in prompt:
            marker = prompt[prompt.index("[id:") + 4:].split("]", 1)[0]
        mode = self.mode
        if mode == "mixed":
            mode = random.choice(["ok", "ok", "slow", "500", "429", "garbage"])
        if mode == "slow":
            time.sleep(self.delay)
            mode = "ok"
        self.count(marker, mode)
        if mode == "500":
            return reply(h, 500, {"error": {"message": "The server had an error while processing your request.", "type": "server_error", "param": None, "code": None}})
        if mode == "429":
            return reply(h, 429, {"error": {"message": "Rate limit reached for requests. Please try again in 1s.", "type": "requests", "param": None, "code": "rate_limit_exceeded"}},
                         headers={"retry-after": "1"})
        if mode == "quota":
            return reply(h, 429, {"error": {"message": "You exceeded your current quota, please check your plan and billing details.", "type": "insufficient_quota", "param": None, "code": "insufficient_quota"}})
        if mode == "garbage":
            kind = random.choice(["html", "truncated", "shape", "empty", "nulltext", "binary"])
            bodies = {
                "html": ("<html><body>502 Bad Gateway</body></html>", "text/html"),
                "truncated": ('{"id":"cmpl-x","object":"text_completion","choices":[{"text":"hal', "application/json"),
                "shape": ('{"id":"cmpl-x","object":"text_completion","choices":{"text":"x"}}', "application/json"),
                "empty": ('{"id":"cmpl-x","object":"text_completion","choices":[]}', "application/json"),
                "nulltext": ('{"id":"cmpl-x","object":"text_completion","choices":[{"text":null,"index":0,"finish_reason":"stop"}]}', "application/json"),
                "binary": (bytes(random.getrandbits(8) for _ in range(64)), "application/json"),
            }
            body, ctype = bodies[kind]
            return reply(h, 200, body, ctype)
        text = " 我听到了你的感受，这确实不容易。可以说说最近发生了什么吗？[ans:%s]" % (marker or "-")
        return reply(h, 200, {"id": "cmpl-%d" % random.getrandbits(32), "object": "text_completion", "created": int(time.time()),
                               "model": req["model"], "choices": [{"text": text, "index": 0, "logprobs": None, "finish_reason": "stop"}],
                               "usage": {"prompt_tokens": 10, "completion_tokens": 20, "total_tokens": 30}})

    def close(self):
        self.server.close()


def model_env(fake, budget_ms=4000, retries=1):
    return {"HEARTLINE_MODEL_NAME": "ft:babbage-002:heartline:reliability:abc123", "HEARTLINE_MODEL_BASE_URL": fake.base_url,
            "HEARTLINE_MODEL_API_KEY": "sk-reliability-test", "HEARTLINE_MODEL_BUDGET_MS": str(budget_ms),
            "HEARTLINE_MODEL_MAX_RETRIES": str(retries),
            # Load tests send many messages per user: lift the per-user limits out of the way.
            "HEARTLINE_SAFETY_RATE_LIMIT_PER_MINUTE": "10000", "HEARTLINE_SAFETY_RATE_LIMIT_PER_DAY": "1000000"}


class FakeTelegram:
    """The Bot API calls Heartline makes (docs/protocols.md B.1, B.6, B.8): getMe, setMyCommands,
    sendMessage, sendChatAction. Counts deliveries."""

    def __init__(self, token):
        self.token = token
        self.sent = 0
        self.lock = threading.Lock()
        self.server = FakeServer(self.route)

    def route(self, h, method):
        body = read_body(h) if method == "POST" else b""
        prefix = "/bot%s/" % self.token
        if not h.path.startswith(prefix):
            return reply(h, 401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        name = h.path[len(prefix):].split("?", 1)[0]
        if name == "getMe":
            return reply(h, 200, {"ok": True, "result": {"id": int(self.token.split(":")[0]), "is_bot": True, "first_name": "Heartline",
                                                         "username": "heartline_reliability_bot", "can_join_groups": True,
                                                         "can_read_all_group_messages": False, "supports_inline_queries": False}})
        if name in ("setMyCommands", "sendChatAction", "deleteWebhook", "setWebhook"):
            return reply(h, 200, {"ok": True, "result": True})
        if name == "sendMessage":
            with self.lock:
                self.sent += 1
            try:
                chat = json.loads(body).get("chat_id", 1)
            except ValueError:
                return reply(h, 400, {"ok": False, "error_code": 400, "description": "Bad Request: can't parse JSON"})
            return reply(h, 200, {"ok": True, "result": {"message_id": self.sent, "date": int(time.time()), "chat": {"id": chat, "type": "private"}, "text": "x"}})
        return reply(h, 404, {"ok": False, "error_code": 404, "description": "Not Found"})

    def close(self):
        self.server.close()


class FakeWeChat:
    """The WeChat server API calls Heartline makes (docs/protocols.md A.11–A.15)."""

    def __init__(self):
        self.sent = 0
        self.lock = threading.Lock()
        self.server = FakeServer(self.route)

    def route(self, h, method):
        path = h.path.split("?", 1)[0]
        if method == "POST":
            read_body(h)
        if path in ("/cgi-bin/stable_token", "/cgi-bin/token"):
            return reply(h, 200, {"access_token": "ACCESS_TOKEN_RELIABILITY", "expires_in": 7200})
        if path == "/sns/jscode2session":
            code = h.path.split("js_code=", 1)[-1].split("&", 1)[0]
            if code.startswith("bad"):
                return reply(h, 200, {"errcode": 40029, "errmsg": "invalid code"})
            return reply(h, 200, {"openid": "o" + code[:27].ljust(27, "x"), "session_key": "tiihtNczf5v6AKRyjwEUhQ=="})
        if path in ("/cgi-bin/message/custom/send", "/cgi-bin/message/custom/typing"):
            if path.endswith("send"):
                with self.lock:
                    self.sent += 1
            return reply(h, 200, {"errcode": 0, "errmsg": "ok"})
        if path == "/wxa/msg_sec_check":
            return reply(h, 200, {"errcode": 0, "errmsg": "ok", "result": {"suggest": "pass", "label": 100}, "detail": [], "trace_id": "t"})
        return reply(h, 404, {"errcode": 404, "errmsg": "not found"})

    def close(self):
        self.server.close()


def percentile(values, p):
    if not values:
        return 0.0
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(p / 100.0 * (len(s) - 1)))))
    return s[k]
