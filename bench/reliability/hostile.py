#!/usr/bin/env python3
"""Hostile input: at least 10,000 generated requests per endpoint against the release binary
with every channel on (dummy credentials, fake Bot API and WeChat API on loopback): the local
API, the Telegram webhook with and without the secret header, WeChat push GET and POST in
plaintext and in safe mode, and the mini-program login and ask API. Bodies are malformed JSON and
XML, XML bombs and external entities, deep nesting, invalid UTF-8, huge fields, wrong and
missing signatures, replayed timestamps, forged tokens, broken ciphertext, and some valid
messages mixed in. Asserts: zero 5xx, the process never dies, RSS flat after warm-up
(/proc/PID/status), fd count flat.

Usage: python3 bench/reliability/hostile.py [--per-endpoint 10000] [--json out.json]
"""
import argparse
import base64
import hashlib
import json
import os
import random
import socket
import struct
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Client, FakeTelegram, FakeWeChat, Heartline  # noqa: E402

try:
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
except ImportError:  # pip install cryptography
    Cipher = None

TG_TOKEN = "123456789:AAHreliability-test_token_abcdefghijk"
TG_SECRET = "reliability-secret_42"
APP_ID = "wx1234567890abcdef"
WX_TOKEN = "reliabilityToken42"
AES_KEY_B64 = base64.b64encode(hashlib.sha256(b"heartline reliability").digest()).decode().rstrip("=")
AES_KEY = base64.b64decode(AES_KEY_B64 + "=")

R = random.Random(1234)


# ---------------------------------------------------------------------------------------------
# Generators


def rand_bytes(n):
    return bytes(R.getrandbits(8) for _ in range(n))


def invalid_utf8():
    return R.choice([b"\xff\xfe", b"\xc3\x28", b"\xa0\xa1", b"\xe2\x28\xa1", b"\xf0\x28\x8c\xbc", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf8\x88\x80\x80\x80"])


def huge(n=None):
    n = n or R.choice([5000, 70000, 300000, 1100000])
    return R.choice(["啊", "a", "😀", "\u202e", "\\", "\""]) * (n // 3)


def hostile_string():
    return R.choice([
        "", " ", "\u0000", "\ud800" if False else "\u2028", "😀" * 10, "<script>alert(1)</script>", "' OR 1=1 --", "%s%n%x", "../../etc/passwd",
        "\u202e\u0635", "a" * 300, "/start", "/forget", "/reset", "/help", "想死", "紫砂", "kill -9", "饿死了", "\r\n\r\n", "null", "NaN",
    ])


def json_mutations(valid):
    """Malformed JSON in many flavours, derived from a valid document."""
    raw = json.dumps(valid, ensure_ascii=False).encode()
    choice = R.randrange(22)
    if choice == 0: return raw[: R.randrange(len(raw))]                                   # truncated
    if choice == 1: return rand_bytes(R.randrange(1, 512))                                # noise
    if choice == 2: return b"[" * 100000 + b"]" * 100000                                   # deep nesting
    if choice == 3: return b'{"a":' * 50000 + b"1" + b"}" * 50000
    if choice == 4: return raw.replace(b'"', b"'")                                         # single quotes
    if choice == 5: return raw[:-1] + b"," + invalid_utf8() + b"}"                       # invalid UTF-8 inside
    if choice == 6: return invalid_utf8() + raw
    if choice == 7: return b""
    if choice == 8: return b"null"
    if choice == 9: return b"\xef\xbb\xbf" + raw                                          # BOM
    if choice == 10: return raw.replace(b"}", b',"x":1e999999}')                           # huge number
    if choice == 11: return raw.replace(b"}", b',"x":"\\ud800\\udc00\\ud800"}')            # lone surrogates
    if choice == 12: return json.dumps([valid] * 3).encode()                               # wrong top-level type
    if choice == 13: return raw + b"garbage"
    if choice == 14: return raw.replace(b"}", b',"pad":"' + huge().encode() + b'"}')       # huge field
    if choice == 15:
        mutated = dict(valid)
        key = R.choice(list(mutated))
        mutated[key] = R.choice([None, 1, -1, 2 ** 70, 1.5, True, [], {}, hostile_string(), huge(6000)])
        return json.dumps(mutated, ensure_ascii=False).encode()
    if choice == 16:
        mutated = dict(valid)
        mutated.pop(R.choice(list(mutated)))
        return json.dumps(mutated).encode()
    if choice == 17: return raw.replace(b"{", b"{\x00", 1)
    if choice == 18: return b'{"' + b'a' * 100 + b'":' + b'"\\u0000"' + b"}"
    if choice == 19: return b'\t\n  ' + raw + b'\n\n'                                    # whitespace, still valid
    if choice == 20: return raw.replace(b":", b"::", 1)
    return raw                                                                              # valid


XML_BOMB = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
            + b']><xml><ToUserName>&lol9;</ToUserName><Content>&lol9;</Content></xml>')
XXE = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><Content>&xxe;</Content><MsgType>text</MsgType></xml>'


def xml_message(openid, content, msg_id, create_time):
    return ("<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>"
            "<CreateTime>%d</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[%s]]></Content><MsgId>%d</MsgId></xml>"
            % (openid, create_time, content, msg_id)).encode()


def xml_mutations(valid):
    choice = R.randrange(16)
    if choice == 0: return XML_BOMB
    if choice == 1: return XXE
    if choice == 2: return b"<xml>" * 50000 + b"</xml>" * 50000
    if choice == 3: return valid[: R.randrange(len(valid))]
    if choice == 4: return valid.replace(b"]]>", b"", 1)                                  # unterminated CDATA
    if choice == 5: return valid.replace(b"Content", b"Content" + invalid_utf8(), 1)
    if choice == 6: return b"<xml><Content><![CDATA[" + huge().encode() + b"]]></Content></xml>"
    if choice == 7: return b"<?xml version='1.0' encoding='GB2312'?>" + valid
    if choice == 8: return valid.replace(b"<MsgId>", b"<MsgId>-", 1)
    if choice == 9: return valid.replace(b"<CreateTime>", b"<CreateTime>99999999999999999999", 1)
    if choice == 10: return b"<xml><a><![CDATA[x]]]]><![CDATA[>]]></a></xml>"
    if choice == 11: return b"<xml>&#0;&#xD800;&#x110000;&amp</xml>"
    if choice == 12: return rand_bytes(R.randrange(1, 400))
    if choice == 13: return b"<" + b"a" * 70000 + b">"
    if choice == 14: return b"<xml><MsgType>text</MsgType><Content>" + hostile_string().encode() + b"</Content></xml>"
    return valid


def wx_sign(*parts):
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def wx_encrypt(message, appid=APP_ID, pad_ok=True):
    full = os.urandom(16) + struct.pack(">I", len(message)) + message + appid.encode()
    k = 32 - len(full) % 32
    padded = full + bytes([k if pad_ok else 0]) * k
    enc = Cipher(algorithms.AES(AES_KEY), modes.CBC(AES_KEY[:16])).encryptor()
    return base64.b64encode(enc.update(padded) + enc.finalize()).decode()


# ---------------------------------------------------------------------------------------------
# Endpoints: each returns (method, path, headers, body) for request number i


def ts_now():
    return str(int(time.time()))


def local_case(i):
    valid = {"user": "hostile-%d" % (i % 500), "text": hostile_string() or "你好", "id": "h%d" % i}
    headers = {"Content-Type": R.choice(["application/json"] * 8 + ["text/plain", "application/json; charset=utf-8", "", "application/x-www-form-urlencoded"])}
    return "POST", "/v1/local/messages", headers, json_mutations(valid)


def telegram_update(i):
    return {"update_id": 10_000 + i, "message": {"message_id": i, "date": int(time.time()), "text": hostile_string() or "hi",
                                                 "chat": {"id": 1000 + i % 300, "type": R.choice(["private", "group", "supergroup", "channel"])},
                                                 "from": {"id": 1000 + i % 300, "is_bot": False, "first_name": "T", "language_code": R.choice(["zh-hans", "en", "xx", ""])}}}


def telegram_case(with_secret):
    def make(i):
        headers = {"Content-Type": "application/json"}
        if with_secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = TG_SECRET if R.random() < 0.9 else R.choice(["", "wrong", TG_SECRET + "x", TG_SECRET.upper()])
        elif R.random() < 0.5:
            headers["X-Telegram-Bot-Api-Secret-Token"] = R.choice(["", "wrong", "a" * 300])
        path = R.choice(["/telegram/webhook"] * 6 + ["/telegram/webhook/heartline_reliability_bot", "/telegram/webhook/123456789", "/telegram/webhook/other", "/telegram/webhook/%00"])
        return "POST", path, headers, json_mutations(telegram_update(i))
    return make


def wechat_query(params):
    return "/wechat/push?" + urllib.parse.urlencode(params)


def signed_params(replayed=False, bad=False):
    ts = str(int(time.time()) - (R.choice([400, 86400, 10 ** 9]) if replayed else 0))
    nonce = str(R.randrange(10 ** 9))
    sig = wx_sign(WX_TOKEN, ts, nonce)
    if bad:
        sig = R.choice(["", "0" * 40, sig[:-1] + ("0" if sig[-1] != "0" else "1"), sig.upper(), "zz", sig + sig])
    return {"signature": sig, "timestamp": ts, "nonce": nonce}


def mutate_query(params):
    choice = R.randrange(8)
    params = dict(params)
    if choice == 0 and params: params.pop(R.choice(list(params)))
    elif choice == 1: params[R.choice(list(params) or ["x"])] = R.choice(["", "%zz", "\u0000", "😀" * 50, "a" * 5000, "-1", "1e309"])
    elif choice == 2: params["timestamp"] = R.choice(["abc", "-5", "99999999999999999999999", " 1", "0x10"])
    return params


def wechat_get_case(i):
    kind = R.randrange(4)
    params = signed_params(replayed=kind == 1, bad=kind == 2)
    params["echostr"] = R.choice([str(R.randrange(10 ** 18)), "", "<script>", "a" * 3000, "😀"])
    if kind == 3:
        params = mutate_query(params)
    return "GET", wechat_query(params), {}, None


def wechat_plain_message(i):
    openid = "o" + "".join(R.choice("abcdefghijklmnopqrstuvwxyzABCDEF0123456789-_") for _ in range(27))
    content = hostile_string() or "你好"
    if R.random() < 0.5:
        return xml_message(openid, content, 7_000_000 + i, int(time.time())), True
    return json.dumps({"ToUserName": "gh_0123456789ab", "FromUserName": openid, "CreateTime": int(time.time()), "MsgType": "text",
                       "Content": content, "MsgId": 7_000_000 + i}, ensure_ascii=False).encode(), False


def wechat_plain_case(i):
    body, is_xml = wechat_plain_message(i)
    kind = R.randrange(5)
    params = signed_params(replayed=kind == 1, bad=kind == 2)
    if kind == 3:
        params = mutate_query(params)
    mutated = xml_mutations(body) if is_xml else json_mutations(json.loads(body))
    return "POST", wechat_query(params), {"Content-Type": R.choice(["text/xml", "application/json", ""])}, mutated


def wechat_safe_case(i):
    inner, is_xml = wechat_plain_message(i)
    kind = R.randrange(9)
    if kind == 0: inner = xml_mutations(inner) if is_xml else json_mutations(json.loads(inner))
    appid = APP_ID if kind != 1 else "wx0000000000000000"
    encrypt = wx_encrypt(inner, appid=appid, pad_ok=kind != 2)
    if kind == 3: encrypt = base64.b64encode(os.urandom(R.choice([16, 32, 48, 100]))).decode()
    if kind == 4: encrypt = R.choice(["", "!!!!", "a" * 10, encrypt[:-4], encrypt + "AAAA"])
    params = signed_params(replayed=kind == 5)
    params.update({"openid": "o" + "x" * 27, "encrypt_type": "aes", "msg_signature": wx_sign(WX_TOKEN, params["timestamp"], params["nonce"], encrypt)})
    if kind == 6: params["msg_signature"] = "0" * 40
    if kind == 7: params = mutate_query(params)
    if R.random() < 0.5:
        body = ("<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><Encrypt><![CDATA[%s]]></Encrypt></xml>" % encrypt).encode()
        if kind == 8: body = xml_mutations(body)
    else:
        body = json.dumps({"ToUserName": "gh_0123456789ab", "Encrypt": encrypt}).encode()
        if kind == 8: body = json_mutations({"ToUserName": "gh_0123456789ab", "Encrypt": encrypt})
    return "POST", wechat_query(params), {"Content-Type": "text/xml"}, body


def login_case(i):
    valid = {"code": R.choice(["code%06d" % i, "bad%d" % i, "", "x" * 2000, hostile_string()])}
    return "POST", "/wechat/miniprogram/login", {"Content-Type": "application/json"}, json_mutations(valid)


class Tokens:
    good = []


def ask_case(i):
    valid = {"question": hostile_string() or "最近很焦虑", "idempotencyKey": "k%d" % i, "lang": R.choice(["zh", "en", "x" * 50])}
    token = R.choice(Tokens.good) if Tokens.good and R.random() < 0.6 else R.choice(
        ["", "garbage", "a.b.c", base64.b64encode(os.urandom(64)).decode(), (R.choice(Tokens.good) + "x") if Tokens.good else "t"])
    headers = {"Content-Type": "application/json", "Authorization": R.choice(["Bearer " + token, token, "Basic " + token, "Bearer"])}
    return "POST", "/wechat/miniprogram/ask", headers, json_mutations(valid)


RAW_REQUESTS = [
    b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
    b"POST /v1/local/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nContent-Type: application/json\r\n\r\n{\"user\"",
    b"POST /v1/local/messages HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
    b"POST /telegram/webhook HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    b"GET /wechat/push?signature=%ZZ&timestamp=%00 HTTP/1.1\r\nHost: x\r\n\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 100,
    b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /healthz HTTP/1.1\r\n" + b"X-Long: " + b"b" * 100000 + b"\r\n\r\n",
    b"POST /wechat/push HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello",
    b"GET /healthz HTTP/9.9\r\n\r\n",
    b"\r\n\r\n\r\n",
]


def raw_request(port, data):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            head = s.recv(64)
        except OSError:
            return None
    if head.startswith(b"HTTP/1.1 "):
        return int(head[9:12])
    return None


# ---------------------------------------------------------------------------------------------


def run_endpoint(hl, name, make, count, threads, stats, samples):
    statuses = {}
    lock = threading.Lock()
    counter = iter(range(count))
    first_5xx = []

    def worker():
        client = Client(hl.base, timeout=30)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            method, path, headers, body = make(i)
            try:
                status, data = client.send(method, path, body, headers)
            except Exception as e:
                status = "conn:" + type(e).__name__
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                if isinstance(status, int) and status >= 500 and len(first_5xx) < 5:
                    first_5xx.append((status, path[:80], (body or b"")[:120]))
                if name == "mp-login" and status == 200:
                    try:
                        Tokens.good.append(json.loads(data)["token"])
                    except Exception:
                        pass

    started = time.time()
    ts = [threading.Thread(target=worker) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    elapsed = time.time() - started
    samples.append((name, hl.rss_kb(), hl.fds()))
    five = sum(v for k, v in statuses.items() if isinstance(k, int) and k >= 500)
    stats[name] = {"requests": count, "seconds": round(elapsed, 1), "statuses": {str(k): v for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0]))},
                   "5xx": five, "first_5xx": [repr(x) for x in first_5xx]}
    print("%-16s %6d requests in %5.1fs  5xx=%d  %s" % (name, count, elapsed, five, stats[name]["statuses"]), flush=True)


def serve(extra, telegram, wechat):
    env = {
        "HEARTLINE_TELEGRAM_TOKEN": TG_TOKEN, "HEARTLINE_TELEGRAM_MODE": "webhook", "HEARTLINE_TELEGRAM_WEBHOOK_SECRET": TG_SECRET,
        "HEARTLINE_TELEGRAM_API_BASE_URL": telegram.server.url, "HEARTLINE_TELEGRAM_RATE_PER_CHAT_MS": "0",
        "HEARTLINE_TELEGRAM_RATE_GLOBAL_PER_SECOND": "100000", "HEARTLINE_TELEGRAM_RATE_PER_GROUP_PER_MINUTE": "100000",
        "HEARTLINE_WECHAT_APP_ID": APP_ID, "HEARTLINE_WECHAT_APP_SECRET": "reliability-app-secret", "HEARTLINE_WECHAT_TOKEN": WX_TOKEN,
        "HEARTLINE_WECHAT_API_BASE_URL": wechat.server.url, "HEARTLINE_WECHAT_ASK_TIMEOUT_MS": "3000",
        "HEARTLINE_SAFETY_RATE_LIMIT_PER_MINUTE": "10000", "HEARTLINE_SAFETY_RATE_LIMIT_PER_DAY": "1000000",
        "HEARTLINE_LOCAL_REPLY_TIMEOUT_MS": "3000",
    }
    env.update(extra)
    return Heartline(env=env).start()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-endpoint", type=int, default=10000)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    if Cipher is None:
        raise SystemExit("pip install cryptography (WeChat safe-mode encryption)")
    n = args.per_endpoint
    telegram, wechat = FakeTelegram(TG_TOKEN), FakeWeChat()
    stats, problems, runs = {}, [], []
    try:
        for config, extra, endpoints in [
            ("plaintext", {"HEARTLINE_WECHAT_MODE": "plaintext"}, [
                ("local", local_case), ("tg-secret", telegram_case(True)), ("tg-no-secret", telegram_case(False)),
                ("wx-get", wechat_get_case), ("wx-post-plain", wechat_plain_case), ("mp-login", login_case), ("mp-ask", ask_case)]),
            ("safe", {"HEARTLINE_WECHAT_ENCODING_AES_KEY": AES_KEY_B64, "HEARTLINE_WECHAT_MODE": "safe"}, [
                ("wx-get-safe", wechat_get_case), ("wx-post-safe", wechat_safe_case), ("wx-post-plain-in-safe", wechat_plain_case)]),
        ]:
            hl = serve(extra, telegram, wechat)
            samples = [("start", hl.rss_kb(), hl.fds())]
            try:
                # Warm-up: a first slice of each endpoint, then the baseline.
                for name, make in endpoints:
                    run_endpoint(hl, name + ":warmup", make, min(1000, n // 10), args.threads, {}, [])
                time.sleep(2)
                baseline = (hl.rss_kb(), hl.fds())
                samples.append(("baseline", *baseline))
                for name, make in endpoints:
                    run_endpoint(hl, name, make, n, args.threads, stats, samples)
                raw = [raw_request(hl.port, data) for data in RAW_REQUESTS for _ in range(20)]
                stats[config + ":raw"] = {"requests": len(raw), "5xx": sum(1 for s in raw if s and s >= 500),
                                          "statuses": {str(k): raw.count(k) for k in set(raw)}}
                time.sleep(3)  # let queued valid messages be answered
                end = (hl.rss_kb(), hl.fds())
                samples.append(("end", *end))
                alive = hl.alive()
                growth_mb = (end[0] - baseline[0]) / 1024.0
                runs.append({"config": config, "alive": alive, "rss_baseline_mb": round(baseline[0] / 1024, 1), "rss_end_mb": round(end[0] / 1024, 1),
                             "rss_growth_mb": round(growth_mb, 1), "fds_baseline": baseline[1], "fds_end": end[1],
                             "samples": [(s[0], round(s[1] / 1024, 1), s[2]) for s in samples],
                             "telegram_sent": telegram.sent, "wechat_sent": wechat.sent})
                print(json.dumps(runs[-1], ensure_ascii=False), flush=True)
                if not alive:
                    problems.append("%s: the process died" % config)
                if end[1] > baseline[1] + 20:
                    problems.append("%s: fd count grew %d -> %d" % (config, baseline[1], end[1]))
            finally:
                hl.cleanup()
        total_5xx = sum(s["5xx"] for s in stats.values())
        if total_5xx:
            problems.append("5xx responses: %d" % total_5xx)
        result = {"per_endpoint": n, "endpoints": stats, "runs": runs, "problems": problems, "total_requests": sum(s["requests"] for s in stats.values())}
        print(json.dumps({"total_requests": result["total_requests"], "5xx": total_5xx, "problems": problems}, indent=2))
        if args.json:
            with open(args.json, "w") as f:
                json.dump(result, f, ensure_ascii=False, indent=2)
        return 1 if problems else 0
    finally:
        telegram.close()
        wechat.close()


if __name__ == "__main__":
    sys.exit(main())
