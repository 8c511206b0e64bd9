#!/usr/bin/env python3
"""Generates safe-mode WeChat push requests (signed, AES-256-CBC encrypted, one unique MsgId each)
for the push benchmark: one request per line, `<query>\t<json body>`.

The cipher is checked against docs/protocols.md vector WX-3 before anything is written.

    python3 bench/wechat/gen_pushes.py --count 200000 --out /tmp/pushes.tsv
"""
import argparse
import base64
import hashlib
import json
import os
import struct
import time

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def sign(*parts):
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def encrypt(key_b64, appid, message, random16):
    key = base64.b64decode(key_b64 + "=")
    full = random16 + struct.pack(">I", len(message)) + message + appid.encode()
    pad = 32 - len(full) % 32
    full += bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(full) + encryptor.finalize()).decode()


def self_check():
    wx3 = (b'{"ToUserName":"gh_10f6c3c3ac5a","FromUserName":"oyORnuP8q7ou2gfYjqLzSIWZf0rs","CreateTime":1409735668,'
           b'"MsgType":"text","Content":"hello","MsgId":6054768590064713728}')
    out = encrypt("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx2c2769f8efd9abc2", wx3, b"1234567890123456")
    assert out.startswith("QCTqNwyPmqRu4xuyqVsja2OoahZ+Ly/2+qPx4Qgdq8C7"), "cipher does not match vector WX-3"
    assert sign("spamtest", "1700000000", "123456789", out) == "992576b788aefa571cc073cb5380709551ec062e"


QUESTIONS = ["最近总是失眠怎么办", "工作压力很大，喘不过气", "和父母吵架了，心里很难受", "考试前特别紧张", "不知道怎么和朋友开口"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200000)
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--token", default="HeartlineBenchToken")
    parser.add_argument("--key", default="abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
    parser.add_argument("--appid", default="wx1234567890abcdef")
    parser.add_argument("--msgid-base", type=int, default=7_300_000_000_000_000_000)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    self_check()
    now = int(time.time())
    with open(args.out, "w") as out:
        for i in range(args.count):
            openid = "oBench%06d" % (i % args.users)
            message = json.dumps({"ToUserName": "gh_1a2b3c4d5e6f", "FromUserName": openid, "CreateTime": now,
                                  "MsgType": "text", "Content": QUESTIONS[i % len(QUESTIONS)],
                                  "MsgId": args.msgid_base + i}, ensure_ascii=False, separators=(",", ":")).encode()
            encrypted = encrypt(args.key, args.appid, message, os.urandom(16))
            nonce = str(100000 + i)
            query = "?signature=%s&timestamp=%d&nonce=%s&openid=%s&encrypt_type=aes&msg_signature=%s" % (
                sign(args.token, str(now), nonce), now, nonce, openid, sign(args.token, str(now), nonce, encrypted))
            body = json.dumps({"ToUserName": "gh_1a2b3c4d5e6f", "Encrypt": encrypted}, separators=(",", ":"))
            out.write(query + "\t" + body + "\n")


if __name__ == "__main__":
    main()
