#!/usr/bin/env bash
# Benchmark `cairn impact` between two commits of a synthetic organisation where F files changed,
# side by side with `cairn validate` of the head alone (issue target: impact ≤ 1.5× validate,
# peak memory < 1 GB), and write the results to docs/benchmarks-impact.md.
#
# Usage (from anywhere; paths are relative to the repository root):
#   bench/impact.sh [N=100000] [F=100]
# Everything generated goes under bench-out/ (git-ignored).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
N=${1:-100000}
F=${2:-100}
RUNS=3
OUT=$ROOT/bench-out
REPO=$OUT/impact-$N
REPORT=$ROOT/docs/benchmarks-impact.md

command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
cargo build --release --quiet --bins
CAIRN=$ROOT/target/release/cairn
GEN=$ROOT/target/release/cairn-gen

if [[ ! -d $REPO/.git ]]; then
    rm -rf "$REPO"
    if [[ -d $OUT/org-$N/.git ]]; then
        # The organisation bench/run.sh generated and committed: start from it.
        git clone -q "$OUT/org-$N" "$REPO"
    else
        "$GEN" org --out "$REPO" --entities "$N" --seed 1 >/dev/null
        git -C "$REPO" init -q -b main
        git -C "$REPO" add -A
        git -C "$REPO" -c user.name=bench -c user.email=bench@example.com commit -q -m base
    fi
    "$GEN" mutate --dir "$REPO" --files "$F" --seed 2 >/dev/null
    git -C "$REPO" add -A
    git -C "$REPO" -c user.name=bench -c user.email=bench@example.com commit -q -m "change $F files"
fi
changed=$(git -C "$REPO" diff --name-only HEAD~1 HEAD | wc -l)
files=$(git -C "$REPO" ls-files | wc -l)
mb=$(du -sm --apparent-size --exclude=.git "$REPO" | cut -f1)

# Runs a command RUNS times; prints "median_seconds max_rss_kb".
measure() {
    local times=() rss=0 t m
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -f '%e %M' -o "$OUT/impact-time.txt" "$@" >/dev/null 2>"$OUT/impact-stderr.txt"
        read -r t m < <(tail -n 1 "$OUT/impact-time.txt")
        times+=("$t")
        if (( m > rss )); then rss=$m; fi
    done
    printf '%s %s\n' "$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")" "$rss"
}

read -r v_time v_rss < <(measure "$CAIRN" validate "$REPO" --rev HEAD --format json)
read -r i_time i_rss < <(measure "$CAIRN" impact "$REPO" --base HEAD~1 --head HEAD --format json)
"$CAIRN" impact "$REPO" --base HEAD~1 --head HEAD --format json > "$OUT/impact-$N.json"
n_changed=$(python3 -c "import json;d=json.load(open('$OUT/impact-$N.json'));print(len(d['changed']), len(d['reached']))")
ratio=$(python3 -c "print(f'{$i_time / $v_time:.2f}')")
mem_mb=$(( i_rss / 1024 ))

cat > "$REPORT" <<MD
# Impact benchmark

Written by \`bench/impact.sh $N $F\`; run it again to reproduce.

- Date: $(date -u +%Y-%m-%dT%H:%MZ); cairn commit $(git -C "$ROOT" rev-parse --short HEAD)
- Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) memory; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)
- Input: \`cairn-gen org --entities $N\` committed ($files files, $mb MB), then \`cairn-gen mutate --files $F\` committed: $changed files changed; impact found ${n_changed% *} changed entities and ${n_changed#* } reached.
- Both sides are read from git objects. Wall time: median of $RUNS runs; memory: the largest peak RSS.

| what | command | wall time | peak memory |
|---|---|---|---|
| validate the head | \`cairn validate DIR --rev HEAD --format json\` | ${v_time} s | $(( v_rss / 1024 )) MB |
| impact base → head | \`cairn impact DIR --base HEAD~1 --head HEAD --format json\` | ${i_time} s | ${mem_mb} MB |

| ratio | value | target |
|---|---|---|
| impact / validate head | ${ratio}× | ≤ 1.5× |
| impact peak memory | ${mem_mb} MB | < 1024 MB |

Why impact costs little more than validating one tree: the head is parsed and checked once, and
every file of the base whose blob id the head also has (wherever it lives) reuses that work
through the parse cache; only entities named in changed files are compared field by field. The
cross-file rules and positions that \`validate\` computes are skipped.
MD
cat "$REPORT"
