#!/usr/bin/env bash
# Average crisis-detection time per message, release build.
# Usage: bench/safety-detector.sh [extra labelled files…]
# Times the project's devset and, when present next to the repository, the PsySUICIDE validation set.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product heartline --scratch-path .build-release >/dev/null
files=(Tests/Fixtures/safety/devset.jsonl)
if [[ -f ../shared/data/psysuicide/valid.json ]]; then files+=(../shared/data/psysuicide/valid.json); fi
files+=("$@")
.build-release/release/heartline safety bench --rounds "${ROUNDS:-20}" "${files[@]}"
