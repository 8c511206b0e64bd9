#!/usr/bin/env bash
# Benchmark: `heartline dataset prepare` vs the recipe's Python on the same synthetic flyrae file.
# Usage: bench/datasets/run.sh [MB]   (default 500; output under /tmp/heartline-bench, never committed)
set -euo pipefail
MB="${1:-500}"
DIR=/tmp/heartline-bench
INPUT="$DIR/flyrae-${MB}mb.json"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
mkdir -p "$DIR"
[ -f "$INPUT" ] || python3 "$ROOT/bench/datasets/gen_flyrae.py" --mb "$MB" --out "$INPUT"
(cd "$ROOT" && swift build -c release --product heartline >/dev/null)
BYTES=$(stat -c %s "$INPUT")

measure() { # label, command…
  local label=$1; shift
  sync; /usr/bin/time -v "$@" > "$DIR/$label.out" 2> "$DIR/$label.time" || { cat "$DIR/$label.time"; exit 1; }
  local wall rss
  wall=$(grep "Elapsed (wall clock)" "$DIR/$label.time" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(grep "Maximum resident set size" "$DIR/$label.time" | awk '{print $NF}')
  printf "%-10s %8.2f s  %7.1f MB/s  peak RSS %6.0f MB\n" "$label" "$wall" "$(echo "$BYTES / 1000000 / $wall" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
  echo "$wall" > "$DIR/$label.wall"
}

echo "input: $INPUT ($BYTES bytes)"
measure heartline "$ROOT/.build/release/heartline" dataset prepare --flyrae "$INPUT" -o "$DIR/heartline.jsonl" --quiet
measure recipe python3 "$ROOT/bench/datasets/recipe_flyrae.py" "$INPUT" "$DIR/recipe.jsonl"
printf "ratio (recipe time / heartline time): %.1fx\n" "$(echo "$(cat $DIR/recipe.wall) / $(cat $DIR/heartline.wall)" | bc -l)"
grep -E "^Kept|^Dropped|^  " "$DIR/heartline.out" | head -8
cat "$DIR/recipe.out"
