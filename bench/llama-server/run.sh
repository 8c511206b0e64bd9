#!/usr/bin/env bash
# Heartline against a REAL OpenAI-compatible server: llama.cpp's llama-server with a tiny random
# model. Installs what it needs, then runs `heartline ask` (chat and completions) and
# `heartline serve` + a local-channel message against it, checks every reply is valid UTF-8 and
# says which path answered, and records `ask`'s overhead beyond generation.
#
#   bench/llama-server/run.sh            # install (once), run, print results
#   bench/llama-server/run.sh --install  # only install llama-server and the tiny model
#
# llama-server: $LLAMA_SERVER, else `llama-server` on PATH, else a Debian package that ships it
# (none in bookworm), else built from the llama.cpp source inside the llama-cpp-python sdist on
# PyPI (pinned; ~10-25 min on 2 cores). Work files: $HEARTLINE_LLAMA_WORK (default
# /tmp/heartline-llama-server); the Swift test OpenAILlamaServerTests finds them there too.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
WORK="${HEARTLINE_LLAMA_WORK:-${TMPDIR:-/tmp}/heartline-llama-server}"
LLAMA_CPP_PYTHON_VERSION=0.3.36
mkdir -p "$WORK"
log() { printf '== %s\n' "$*" >&2; }

find_server() {
  if [[ -n "${LLAMA_SERVER:-}" && -x "$LLAMA_SERVER" ]]; then echo "$LLAMA_SERVER"; return; fi
  if command -v llama-server >/dev/null 2>&1; then command -v llama-server; return; fi
  if [[ -x "$WORK/llama-server" ]]; then echo "$WORK/llama-server"; return; fi
  return 1
}

install_server() {
  find_server >/dev/null && return
  if command -v apt-get >/dev/null; then
    apt-get update -qq || true
    local pkg
    pkg="$(apt-cache search --names-only '^llama\.cpp' 2>/dev/null | awk '{print $1}' | head -1 || true)"
    if [[ -n "$pkg" ]]; then
      log "installing Debian package $pkg"
      apt-get install -y -qq "$pkg" && find_server >/dev/null && return
    fi
    command -v cmake >/dev/null && command -v g++ >/dev/null || apt-get install -y -qq cmake g++ make
  fi
  log "building llama-server from llama-cpp-python $LLAMA_CPP_PYTHON_VERSION's vendored llama.cpp"
  local src="$WORK/src"
  mkdir -p "$src"
  if [[ ! -f "$src/llama_cpp_python-$LLAMA_CPP_PYTHON_VERSION.tar.gz" ]]; then
    python3 -m pip download --quiet --no-deps --no-binary :all: -d "$src" "llama-cpp-python==$LLAMA_CPP_PYTHON_VERSION"
  fi
  tar -xzf "$src/llama_cpp_python-$LLAMA_CPP_PYTHON_VERSION.tar.gz" -C "$src"
  local llama="$src/llama_cpp_python-$LLAMA_CPP_PYTHON_VERSION/vendor/llama.cpp"
  cmake -S "$llama" -B "$llama/build" -DCMAKE_BUILD_TYPE=Release -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF \
    -DGGML_NATIVE=OFF -DGGML_OPENMP=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=ON >/dev/null
  cmake --build "$llama/build" --target llama-server -j "$(nproc)" >/dev/null
  cp "$llama/build/bin/llama-server" "$WORK/llama-server"
}

install_model() {
  [[ -f "$WORK/tiny.gguf" ]] && return
  python3 -c 'import gguf, numpy' 2>/dev/null || python3 -m pip install --quiet gguf numpy
  python3 "$ROOT/bench/llama-server/tiny_gguf.py" "$WORK/tiny.gguf" >&2
}

install_server
install_model
SERVER="$(find_server)"
log "llama-server: $SERVER ($("$SERVER" --version 2>&1 | grep -m1 -i version || echo 'version unknown'))"
[[ "${1:-}" == "--install" ]] && exit 0

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

LPORT="$(free_port)"
"$SERVER" -m "$WORK/tiny.gguf" --alias tiny --host 127.0.0.1 --port "$LPORT" -c 1024 -t 1 -np 1 >"$WORK/llama-server.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$LPORT/health" >/dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$LPORT/health" >/dev/null || { tail -20 "$WORK/llama-server.log"; exit 1; }
log "llama-server on 127.0.0.1:$LPORT"

BIN="${HEARTLINE_BIN:-}"
if [[ -z "$BIN" ]]; then
  (cd "$ROOT" && swift build --product heartline >/dev/null)
  BIN="$ROOT/.build/debug/heartline"
fi
DATA="$WORK/data"
rm -rf "$DATA"
export HEARTLINE_MODEL_BASE_URL="http://127.0.0.1:$LPORT/v1" HEARTLINE_MODEL_NAME=tiny HEARTLINE_DATA_DIR="$DATA"
export HEARTLINE_MODEL_MAX_TOKENS="${MAX_TOKENS:-64}"
QUESTION="我最近总是失眠，躺在床上脑子停不下来，怎么办"

# Time one direct request (generation alone) and one `heartline ask` (everything), N times each.
direct() { # $1: chat|completion
  local body
  if [[ $1 == chat ]]; then
    body=$(python3 -c 'import json,sys; print(json.dumps({"model":"tiny","messages":[{"role":"user","content":sys.argv[1]}],"max_tokens":int(sys.argv[2]),"temperature":0.7}))' "$QUESTION" "$HEARTLINE_MODEL_MAX_TOKENS")
    curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$LPORT/v1/chat/completions" -H 'Content-Type: application/json' -d "$body"
  else
    body=$(python3 -c 'import json,sys; print(json.dumps({"model":"tiny","prompt":sys.argv[1]+"\n\n###\n\n","max_tokens":int(sys.argv[2]),"temperature":0.7,"stop":[" [END]"]}))' "$QUESTION" "$HEARTLINE_MODEL_MAX_TOKENS")
    curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$LPORT/v1/completions" -H 'Content-Type: application/json' -d "$body"
  fi
}

RUNS="${RUNS:-5}"
for mode in chat completion; do
  export HEARTLINE_MODEL_CHAT=$([[ $mode == chat ]] && echo true || echo false)
  gen=(); total=()
  for i in $(seq 1 "$RUNS"); do
    gen+=("$(direct "$mode")")
    start=$(date +%s.%N)
    "$BIN" ask --json --user "bench$i" "$QUESTION" >"$WORK/ask-$mode.json" 2>"$WORK/ask-$mode.err"
    end=$(date +%s.%N)
    total+=("$(python3 -c "print($end-$start)")")
  done
  python3 - "$WORK/ask-$mode.json" "$WORK/ask-$mode.err" "$mode" "${gen[*]}" "${total[*]}" <<'PY'
import json, statistics, sys
raw = open(sys.argv[1], "rb").read()
text = raw.decode("utf-8")  # raises on invalid UTF-8
reply = json.loads(text)
health = [l for l in open(sys.argv[2], encoding="utf-8") if l.startswith("model server:")]
gen = [float(x) for x in sys.argv[4].split()]
tot = [float(x) for x in sys.argv[5].split()]
print(f"ask ({sys.argv[3]}): source={reply['source']} tier={reply['tier']} reply={len(reply['reply'])} chars, valid UTF-8")
print(f"  {health[0].strip() if health else 'no health line!'}")
print(f"  generation alone (direct request) median {statistics.median(gen)*1000:.0f} ms; "
      f"heartline ask median {statistics.median(tot)*1000:.0f} ms; overhead ≈ {(statistics.median(tot)-statistics.median(gen))*1000:.0f} ms")
PY
done

# serve + one local-channel message (chat).
export HEARTLINE_MODEL_CHAT=true
SPORT="$(free_port)"
"$BIN" serve --port "$SPORT" --no-simulator >"$WORK/serve.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$SPORT/healthz" >/dev/null && break; sleep 0.2; done
curl -s "http://127.0.0.1:$SPORT/v1/local/messages" -H 'Content-Type: application/json' \
  -d "{\"user\":\"bench\",\"text\":\"$QUESTION\",\"id\":\"bench-1\"}" >"$WORK/serve-reply.json"
python3 - "$WORK/serve-reply.json" "$WORK/serve.log" <<'PY'
import json, sys
reply = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))
banner = [l.strip() for l in open(sys.argv[2], encoding="utf-8") if "model server:" in l]
print(f"serve + local channel: source={reply['source']} tier={reply['tier']} reply={len(reply['reply'])} chars, valid UTF-8")
print(f"  banner: {banner[0] if banner else 'no model server line!'}")
PY
