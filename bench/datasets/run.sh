#!/usr/bin/env bash
# Benchmark: `heartline dataset prepare` vs the recipe's Python on the same synthetic flyrae files,
# in two shapes (see gen_flyrae.py): sparse (most answers not recommended, short answers) and dense
# (60,000 questions, 1–6 long answers, a third recommended). Per shape, in the same run: the recipe,
# prepare with defaults, with --keep-crisis-content, and with --thorough-screen (the detector on
# every text, the screen before the scan). Wall, CPU (user + sys) and peak RSS from /usr/bin/time -v.
#
# Usage: bench/datasets/run.sh [SPARSE_MB]     (default 500)
#   SHAPES="dense" bench/datasets/run.sh      only one shape
#   HEARTLINE_BIN=/path/to/heartline          the heartline binary to measure (default: release build in .build-release)
#   DATASET_BENCH=1                           measure .build-release/release/DatasetBench instead: the same
#                                             DatasetPreparer and safety screen without the server's
#                                             dependencies (minutes to build instead of an hour on a busy machine)
# Inputs and outputs go to /tmp/heartline-bench, never committed.
set -euo pipefail
MB="${1:-500}"
SHAPES="${SHAPES:-sparse dense}"
DIR=/tmp/heartline-bench
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
mkdir -p "$DIR"
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)"; exit 1; }
if [ -n "${DATASET_BENCH:-}" ]; then
  BIN="$ROOT/.build-release/release/DatasetBench"
  (cd "$ROOT" && swift build -c release --scratch-path .build-release --product DatasetBench >/dev/null)
  PREPARE=("$BIN")
else
  BIN="${HEARTLINE_BIN:-$ROOT/.build-release/release/heartline}"
  [ -n "${HEARTLINE_BIN:-}" ] || (cd "$ROOT" && swift build -c release --scratch-path .build-release --product heartline >/dev/null)
  PREPARE=("$BIN" dataset prepare --quiet)
fi

measure() { # label, bytes, command…
  local label=$1 bytes=$2; shift 2
  sync
  /usr/bin/time -v "$@" > "$DIR/$label.out" 2> "$DIR/$label.time" || { tail -20 "$DIR/$label.time"; exit 1; }
  local wall rss user sys
  wall=$(grep "Elapsed (wall clock)" "$DIR/$label.time" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(grep "Maximum resident set size" "$DIR/$label.time" | awk '{print $NF}')
  user=$(grep "User time" "$DIR/$label.time" | awk '{print $NF}')
  sys=$(grep "System time" "$DIR/$label.time" | awk '{print $NF}')
  printf "%-28s wall %7.2f s  %7.1f MB/s  CPU %6.2f s (%5.2f s per 100 MB)  peak RSS %6.0f MB\n" "$label" "$wall" \
    "$(echo "$bytes / 1000000 / $wall" | bc -l)" "$(echo "$user + $sys" | bc -l)" "$(echo "($user + $sys) * 100000000 / $bytes" | bc -l)" \
    "$(echo "$rss / 1024" | bc -l)"
  echo "$wall" > "$DIR/$label.wall"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); binary: $BIN"
for shape in $SHAPES; do
  if [ "$shape" = dense ]; then
    INPUT="$DIR/flyrae-dense.json"
    [ -f "$INPUT" ] || python3 "$ROOT/bench/datasets/gen_flyrae.py" --shape dense --out "$INPUT"
  else
    INPUT="$DIR/flyrae-${MB}mb.json"
    [ -f "$INPUT" ] || python3 "$ROOT/bench/datasets/gen_flyrae.py" --mb "$MB" --out "$INPUT"
  fi
  BYTES=$(stat -c %s "$INPUT")
  echo "== $shape: $INPUT ($BYTES bytes)"
  measure "$shape-recipe" "$BYTES" python3 "$ROOT/bench/datasets/recipe_flyrae.py" "$INPUT" "$DIR/$shape-recipe.jsonl"
  measure "$shape-heartline" "$BYTES" "${PREPARE[@]}" --flyrae "$INPUT" -o "$DIR/$shape-heartline.jsonl"
  measure "$shape-keep-crisis-content" "$BYTES" "${PREPARE[@]}" --flyrae "$INPUT" -o "$DIR/$shape-keep.jsonl" --keep-crisis-content
  measure "$shape-thorough-screen" "$BYTES" "${PREPARE[@]}" --flyrae "$INPUT" -o "$DIR/$shape-thorough.jsonl" --thorough-screen
  printf "ratio (recipe wall / heartline wall): %.1fx\n" "$(echo "$(cat "$DIR/$shape-recipe.wall") / $(cat "$DIR/$shape-heartline.wall")" | bc -l)"
  grep -E "^path|^Kept|^Dropped|^  " "$DIR/$shape-heartline.out" | head -16
  grep -E "^path|^Kept" "$DIR/$shape-thorough-screen.out" || true
  cat "$DIR/$shape-recipe.out"
done
