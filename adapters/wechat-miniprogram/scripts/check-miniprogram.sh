#!/usr/bin/env bash
# Syntax check of the mini-program page without WeChat DevTools: JavaScript with `node --check`,
# JSON with node's parser, and WXML tag balance. Run from anywhere; exits non-zero on a problem.
set -euo pipefail
root="$(cd "$(dirname "$0")/../miniprogram" && pwd)"
command -v node >/dev/null || { echo "node is not installed; skipping the JavaScript check" >&2; exit 0; }
status=0
while IFS= read -r -d '' file; do
  node --check "$file" || { echo "FAIL $file" >&2; status=1; }
done < <(find "$root" -name '*.js' -print0)
while IFS= read -r -d '' file; do
  node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$file" || { echo "FAIL $file" >&2; status=1; }
done < <(find "$root" -name '*.json' -print0)
while IFS= read -r -d '' file; do
  node -e '
    const text = require("fs").readFileSync(process.argv[1], "utf8").replace(/<!--[\s\S]*?-->/g, "").replace(/\{\{[\s\S]*?\}\}/g, "x");
    const stack = [];
    for (const m of text.matchAll(/<(\/?)([a-zA-Z][\w-]*)([^>]*?)(\/?)>/g)) {
      if (m[4] === "/") continue;
      if (m[1] === "/") { if (stack.pop() !== m[2]) { console.error("unbalanced </" + m[2] + ">"); process.exit(1) } }
      else stack.push(m[2]);
    }
    if (stack.length) { console.error("unclosed <" + stack.join(">, <") + ">"); process.exit(1) }
  ' "$file" || { echo "FAIL $file" >&2; status=1; }
done < <(find "$root" -name '*.wxml' -print0)
[ $status -eq 0 ] && echo "mini-program files ok"
exit $status
