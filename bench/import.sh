#!/usr/bin/env bash
# Benchmark `cairn import servicenow` on a synthetic CMDB export (`cairn-gen servicenow`: N
# records, M relations), side by side with `cairn validate` of the imported tree (issue target:
# the import under 2x validate, under 1 GB). Prints the figures for docs/benchmarks.md.
#
# Usage: flock /work/bench.lock bench/import.sh [N=100000] [M=300000]
# Environment: RUNS (default 3), CARGO_TARGET_DIR (where the release binary is built).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
N=${1:-100000}
M=${2:-300000}
RUNS=${RUNS:-3}
OUT=$ROOT/bench-out/servicenow-$N
RAW=$ROOT/bench-out/import-$N
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
cargo build --release --quiet --bins
CAIRN=${CARGO_TARGET_DIR:-$ROOT/target}/release/cairn
GEN=${CARGO_TARGET_DIR:-$ROOT/target}/release/cairn-gen
[[ -f $OUT/cmdb_ci.json ]] || "$GEN" servicenow --out "$OUT" --cis "$N" --rels "$M"
rm -rf "$RAW"
mkdir -p "$RAW"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

measure() {
    local name=$1
    shift
    sync
    /usr/bin/time -f '%e %M %U %S' -o "$RAW/time" "$@" >/dev/null 2>"$RAW/$name.stderr" || {
        local code=$?
        # Exit 1 is findings (warnings only are 0): an import or validate with errors fails here.
        echo "bench/import.sh: $name exited $code:" >&2
        tail -n 5 "$RAW/$name.stderr" >&2
        exit 1
    }
    tail -n 1 "$RAW/time" >>"$RAW/$name"
    printf '   %-12s %s\n' "$name" "$(tail -n 1 "$RAW/time")" >&2
}

export CAIRN_TODAY=2026-11-22
for i in $(seq "$RUNS"); do
    # Each import into a directory that never existed (a first import: every file written).
    measure import "$CAIRN" import servicenow --cis "$OUT/cmdb_ci.json" --rels "$OUT/cmdb_rel_ci.json" \
        --groups "$OUT/sys_user_group.json" --out "$RAW/tree-$i" --format json
    measure validate "$CAIRN" validate "$RAW/tree-$i" --format json
    # Importing again into the same tree: nothing changes, every file is compared.
    measure reimport "$CAIRN" import servicenow --cis "$OUT/cmdb_ci.json" --rels "$OUT/cmdb_rel_ci.json" \
        --groups "$OUT/sys_user_group.json" --out "$RAW/tree-$i" --format json
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
files=$(find "$RAW/tree-1" -type f | wc -l)
for name in import validate reimport; do
    sort -n "$RAW/$name" | awk -v n="$name" '{w[NR]=$1; m[NR]=$2} END {printf "%-9s median %.2f s (min %.2f, max %.2f), max RSS %.0f MB\n", n, w[int((NR+1)/2)], w[1], w[NR], m[int((NR+1)/2)]/1024}'
done
echo "files written: $files; input $(du -sm "$OUT" | cut -f1) MB"
