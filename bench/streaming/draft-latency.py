#!/usr/bin/env python3
"""Time from a streaming model's first token to the first Telegram draft (docs/benchmarks.md,
"Streaming: first token to first draft").

Starts, on loopback, in this process: a fake OpenAI-compatible chat server that streams each
answer as SSE (two or three characters per event, one event every PIECE_MS), and a fake Bot API
that records when each sendMessageDraft / sendMessage arrives. Then runs the real
`heartline serve` (webhook mode, model.stream on, the fake model as primary) and posts RUNS
private-chat updates one after another. For each it prints which path answered (drafts seen, final
message) and the times, on one monotonic clock:

  token→draft     first content event written by the model server → first sendMessageDraft
  sentence→draft  the event that finished the first sentence → first sendMessageDraft
                  (Heartline's own share: SSE parsing, output check, Bot API call)

  HEARTLINE_BIN=.build/debug/heartline RUNS=20 PIECE_MS=60 bench/streaming/draft-latency.py
"""
import http.server, json, os, socket, statistics, subprocess, sys, tempfile, threading, time, urllib.request

RUNS = int(os.environ.get("RUNS", "20"))
PIECE_MS = int(os.environ.get("PIECE_MS", "60"))
BIN = os.environ.get("HEARTLINE_BIN", ".build/debug/heartline")
TOKEN = "7000000002:AAH_bench-Token"
SECRET = "bench_secret-123"
ANSWER = "失眠的时候，先别逼自己马上睡着。可以试试每天固定时间起床，白天晒晒太阳。睡前一小时放下手机，做几次慢慢的深呼吸。如果持续几周都睡不好，可以去医院的睡眠门诊看看。"

events = {}  # run id -> {"token": t, "sentence": t, "draft": t, "drafts": n, "message": t}
lock = threading.Lock()
current = {"run": None}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def record(key, value=None):
    now = time.monotonic()
    with lock:
        slot = events.setdefault(current["run"], {"drafts": 0})
        if key == "draft":
            slot["drafts"] += 1
            slot.setdefault("draft", now)
            slot.setdefault("draft_text", value)
        else:
            slot.setdefault(key, now)


class Model(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):  # GET /v1/models: the health probe
        body = json.dumps({"object": "list", "data": [{"id": "bench", "object": "model"}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        assert request.get("stream") is True, "the model was not asked to stream"
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

        def send(data):
            raw = ("data: " + data + "\n\n").encode()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(raw), raw))
            self.wfile.flush()

        pieces = [ANSWER[i:i + 3] for i in range(0, len(ANSWER), 3)]
        for index, piece in enumerate(pieces):
            if index:
                time.sleep(PIECE_MS / 1000)
            send(json.dumps({"choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}, ensure_ascii=False))
            if index == 0:
                record("token")
            if "。" in piece:
                record("sentence")
        send(json.dumps({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}))
        send("[DONE]")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


class BotAPI(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        method = self.path.rsplit("/", 1)[-1]
        params = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0") or 0)) or b"{}")
        result = True
        if method == "getMe":
            result = {"id": 7000000002, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}
        elif method == "sendMessageDraft":
            assert params["chat_id"] > 0 and params["draft_id"] != 0 and isinstance(params["text"], str)
            record("draft", params["text"])
        elif method == "sendMessage":
            record("message")
            result = {"message_id": 1, "date": int(time.time()), "chat": {"id": params["chat_id"], "type": "private"}, "text": params["text"]}
        body = json.dumps({"ok": True, "result": result}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Quiet(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # keep-alive connections closed by the client at exit


def serve(handler):
    server = Quiet(("127.0.0.1", free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main():
    model, bot = serve(Model), serve(BotAPI)
    port = free_port()
    data = tempfile.mkdtemp(prefix="heartline-stream-bench-")
    env = dict(os.environ,
               HEARTLINE_TELEGRAM_TOKEN=TOKEN, HEARTLINE_TELEGRAM_WEBHOOK_SECRET=SECRET,
               HEARTLINE_TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{bot.server_port}",
               HEARTLINE_TELEGRAM_REGISTER_COMMANDS="false",
               HEARTLINE_MODEL_BASE_URL=f"http://127.0.0.1:{model.server_port}/v1", HEARTLINE_MODEL_NAME="bench",
               HEARTLINE_MODEL_CHAT="true", HEARTLINE_MODEL_STREAM="true", HEARTLINE_LOG_LEVEL="warning")
    log = open(os.path.join(data, "serve.log"), "w")
    server = subprocess.Popen([BIN, "serve", "--port", str(port), "--data-dir", os.path.join(data, "data")], env=env, stdout=log, stderr=log)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except Exception:
                time.sleep(0.1)
        results = []
        for run in range(RUNS):
            current["run"] = run
            update = {"update_id": 5000 + run, "message": {"message_id": 100 + run, "date": int(time.time()),
                      "from": {"id": 5123456700 + run, "is_bot": False, "first_name": "B", "language_code": "zh-hans"},
                      "chat": {"id": 5123456700 + run, "type": "private"}, "text": f"最近总是失眠，怎么办？（第{run}次）"}}
            request = urllib.request.Request(f"http://127.0.0.1:{port}/telegram/webhook", data=json.dumps(update, ensure_ascii=False).encode(),
                                             headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET})
            urllib.request.urlopen(request, timeout=10).read()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and "message" not in events.get(run, {}):
                time.sleep(0.01)
            slot = events.get(run, {})
            path = "streamed" if slot.get("drafts") else ("plain" if "message" in slot else "no answer")
            line = f"run {run:2d}: {path}, drafts {slot.get('drafts', 0)}"
            if "draft" in slot and "token" in slot:
                token_ms = (slot["draft"] - slot["token"]) * 1000
                sentence_ms = (slot["draft"] - slot["sentence"]) * 1000
                results.append((token_ms, sentence_ms))
                line += f", token→draft {token_ms:.0f} ms, sentence→draft {sentence_ms:.0f} ms, first draft {slot['draft_text'][:12]}…"
            print(line, flush=True)
        if results:
            for name, values in (("token→draft", [r[0] for r in results]), ("sentence→draft", [r[1] for r in results])):
                values.sort()
                print(f"{name}: median {statistics.median(values):.0f} ms, p90 {values[int(0.9 * (len(values) - 1))]:.0f} ms, max {values[-1]:.0f} ms ({len(values)} runs)")
        print(f"piece interval {PIECE_MS} ms, binary {BIN}")
        return 0 if len(results) == RUNS else 1
    finally:
        server.terminate()
        server.wait(timeout=10)
        model.shutdown()
        bot.shutdown()


if __name__ == "__main__":
    sys.exit(main())
