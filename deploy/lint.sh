#!/usr/bin/env bash
# Checks the deployment files without Docker or a real host:
#   - systemd-analyze verify on the unit (with a stand-in binary at its ExecStart path if needed);
#   - nginx -t on the example, with a throwaway self-signed certificate and temporary log paths;
#   - the compose file parsed as YAML and checked for what the deployment relies on;
#   - every setting key the loaders read appears in heartline.env.example (and no unknown ones).
# Installs nginx, systemd and python3-yaml with apt-get when missing (CI runs as root).
set -euo pipefail
cd "$(dirname "$0")/.."
deploy=deploy
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "lint: FAIL: $*" >&2; failures=$((failures + 1)); }

need=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
python3 -c 'import yaml' 2>/dev/null || need+=(python3-yaml)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
    echo "lint: installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

echo "== systemd unit"
unit="$deploy/heartline.service"
exec_path=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit")
made_stub=0
if [ ! -e "$exec_path" ]; then
    mkdir -p "$(dirname "$exec_path")"
    printf '#!/bin/sh\nexit 0\n' >"$exec_path"
    chmod 0755 "$exec_path"
    made_stub=1
fi
cp "$unit" "$work/heartline.service"
# verify exits 0 even for directives it ignores, so any line about our unit counts as a problem.
out=$(systemd-analyze verify "$work/heartline.service" 2>&1) || true
problems=$(echo "$out" | grep "heartline.service" | grep -v "Failed to open\|is not a directory\|No such file" || true)
if [ -n "$problems" ]; then fail "systemd-analyze verify: $problems"; else echo "systemd-analyze verify: ok"; fi
[ $made_stub = 1 ] && rm -f "$exec_path"
for directive in DynamicUser=yes ProtectSystem=strict ReadWritePaths= NoNewPrivileges=yes PrivateTmp=yes StateDirectory=heartline; do
    grep -q "^$directive" "$unit" || fail "unit lacks $directive"
done

echo "== nginx example"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=heartline.test" \
    -keyout "$work/test.key" -out "$work/test.crt" >/dev/null 2>&1
mkdir -p "$work/logs"
sed -e "s#/etc/nginx/tls/heartline.crt#$work/test.crt#; s#/etc/nginx/tls/heartline.key#$work/test.key#" \
    -e "s#/var/log/nginx/#$work/logs/#g" "$deploy/nginx.conf.example" >"$work/heartline.conf"
cat >"$work/nginx.conf" <<CONF
pid $work/nginx.pid;
error_log $work/logs/error.log;
events {}
http {
    access_log $work/logs/access.log;
    client_body_temp_path $work/body;
    proxy_temp_path $work/proxy;
    include $work/heartline.conf;
}
CONF
if out=$("$NGINX" -t -c "$work/nginx.conf" -p "$work" 2>&1); then
    echo "nginx -t: ok"
else
    fail "nginx -t: $out"
fi
grep -q 'client_max_body_size 1m;' "$deploy/nginx.conf.example" || fail "nginx: client_max_body_size 1m (telegram/wechat maxBodyBytes) missing"
grep -q 'client_max_body_size 64k;' "$deploy/nginx.conf.example" || fail "nginx: client_max_body_size 64k (http.maxBodyBytes) missing"

echo "== compose file"
python3 - "$deploy/compose.yaml" <<'PY' || failures=$((failures + 1))
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
problems = []
services = doc.get("services") or {}
instances = [name for name, s in services.items() if "heartline" in name]
if len(instances) < 2: problems.append("expected two heartline services, found %r" % instances)
if "postgres" not in services: problems.append("no postgres service")
for name in instances:
    s = services[name]
    for key in ("image", "environment", "healthcheck", "volumes", "depends_on", "stop_grace_period"):
        if key not in s: problems.append("%s: missing %s" % (name, key))
    env = s.get("environment") or {}
    if not str(env.get("HEARTLINE_STORE", "")).startswith(("postgres://", "postgresql://")): problems.append("%s: HEARTLINE_STORE is not a postgres:// URL" % name)
    for key in ("HEARTLINE_HASH_KEY", "HEARTLINE_HOST"):
        if key not in env: problems.append("%s: %s not set" % (name, key))
    if "healthz" not in " ".join(s.get("healthcheck", {}).get("test", [])): problems.append("%s: healthcheck does not call /healthz" % name)
pg = services.get("postgres", {})
if "healthcheck" not in pg: problems.append("postgres: no healthcheck")
if not doc.get("volumes"): problems.append("no named volumes")
for p in problems: print("lint: FAIL: compose: " + p, file=sys.stderr)
print("compose: ok" if not problems else "compose: %d problem(s)" % len(problems))
sys.exit(1 if problems else 0)
PY

echo "== settings in heartline.env.example"
python3 - "$deploy/heartline.env.example" <<'PY' || failures=$((failures + 1))
import re, sys, glob
sources = glob.glob("Sources/HeartlineServer/Configuration/*.swift") + glob.glob("Sources/HeartlineServer/**/SettingsLoader+*.swift", recursive=True)
keys = set()
pattern = re.compile(r'\b(?:string|secret|int|bool|double|milliseconds|raw|choice|path)\("([a-zA-Z][a-zA-Z0-9.]*)"')
for path in sources:
    keys.update(pattern.findall(open(path, encoding="utf-8").read()))
def env_name(key):
    return "HEARTLINE_" + "_".join(re.sub(r"([a-z])([A-Z])", r"\1_\2", part).upper() for part in key.split("."))
text = open(sys.argv[1], encoding="utf-8").read()
listed = set(re.findall(r"^#?(HEARTLINE_[A-Z0-9_]+)=", text, re.M))
expected = {env_name(k): k for k in keys}
missing = sorted(k for name, k in expected.items() if name not in listed)
unknown = sorted(listed - set(expected))
for k in missing: print("lint: FAIL: env example lacks %s (%s)" % (env_name(k), k), file=sys.stderr)
for n in unknown: print("lint: FAIL: env example lists %s, which no loader reads" % n, file=sys.stderr)
print("settings: %d keys in the loaders, %d in the example" % (len(expected), len(listed)))
if len(keys) < 50: print("lint: FAIL: found only %d keys; has the loader moved?" % len(keys), file=sys.stderr); sys.exit(1)
sys.exit(1 if missing or unknown else 0)
PY

if [ "$failures" -gt 0 ]; then
    echo "deploy lint: $failures problem(s)"
    exit 1
fi
echo "deploy lint: ok"
