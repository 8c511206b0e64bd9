#!/usr/bin/env python3
"""A small stand-in for api.weixin.qq.com and an OpenAI-compatible model, for the benchmarks and
manual end-to-end runs of the real binary (the Swift tests use their own strict fake).

WeChat: POST /cgi-bin/stable_token, GET /cgi-bin/token, POST /cgi-bin/message/custom/send,
POST /cgi-bin/message/custom/typing, GET /sns/jscode2session, POST /wxa/msg_sec_check.
Model: POST /v1/completions and /v1/chat/completions, answering after --model-delay seconds.
GET /stats returns counters as JSON.

    python3 bench/wechat/fake_upstream.py --port 9900 --model-delay 3
"""
import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

TOKEN = "BENCH_ACCESS_TOKEN_" + "x" * 100
lock = threading.Lock()
stats = {"token": 0, "send": 0, "typing": 0, "login": 0, "sec_check": 0, "completions": 0, "bad_token": 0}


def bump(key):
    with lock:
        stats[key] += 1


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    model_delay = 0.0

    def log_message(self, *args):
        pass

    def reply(self, obj, status=200):
        body = json.dumps(obj, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the caller gave up (its deadline passed); nothing to do

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw or b"{}")
        except ValueError:
            return None

    def token_ok(self, query):
        if query.get("access_token", [""])[0] != TOKEN:
            bump("bad_token")
            self.reply({"errcode": 40001, "errmsg": "invalid credential rid: bench"})
            return False
        return True

    def do_GET(self):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        if url.path == "/cgi-bin/token":
            bump("token")
            return self.reply({"access_token": TOKEN, "expires_in": 7200})
        if url.path == "/sns/jscode2session":
            bump("login")
            code = query.get("js_code", [""])[0]
            return self.reply({"openid": "oBench_" + code, "session_key": "sk_" + code})
        if url.path == "/stats":
            with lock:
                return self.reply(dict(stats))
        self.reply({"errcode": 404}, 404)

    def do_POST(self):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        body = self.body()
        if url.path == "/cgi-bin/stable_token":
            bump("token")
            return self.reply({"access_token": TOKEN, "expires_in": 7200})
        if url.path in ("/cgi-bin/message/custom/send", "/cgi-bin/message/custom/typing", "/wxa/msg_sec_check"):
            if not self.token_ok(query):
                return
            if body is None:
                return self.reply({"errcode": 47001, "errmsg": "data format error"})
            if url.path.endswith("/send"):
                bump("send")
            elif url.path.endswith("/typing"):
                bump("typing")
            else:
                bump("sec_check")
                return self.reply({"errcode": 0, "errmsg": "ok", "result": {"suggest": "pass", "label": 100}})
            return self.reply({"errcode": 0, "errmsg": "ok"})
        if url.path in ("/v1/completions", "/v1/chat/completions"):
            bump("completions")
            time.sleep(self.model_delay)
            text = " 慢慢来，先照顾好自己。"
            if url.path.endswith("chat/completions"):
                choice = {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
            else:
                choice = {"index": 0, "text": text, "finish_reason": "stop"}
            return self.reply({"id": "cmpl-bench", "object": "text_completion", "created": int(time.time()),
                               "model": (body or {}).get("model", "bench"), "choices": [choice],
                               "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})
        self.reply({"errcode": 404}, 404)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=9900)
    parser.add_argument("--model-delay", type=float, default=0.0)
    args = parser.parse_args()
    Handler.model_delay = args.model_delay
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.handle_error = lambda request, address: None  # quiet: disconnects are expected under load
    server.daemon_threads = True
    server.request_queue_size = 1024
    server.serve_forever()


if __name__ == "__main__":
    main()
