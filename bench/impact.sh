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
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release
CAIRN=$BIN/cairn
GEN=$BIN/cairn-gen

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

# One run of a command: appends "wall_s max_rss_kb cpu_s" to $OUT/impact-NAME.runs.
run_once() {
    local name=$1
    shift
    /usr/bin/time -f '%e %M %U %S' -o "$OUT/impact-time.txt" "$@" >/dev/null 2>"$OUT/impact-stderr.txt"
    tail -n 1 "$OUT/impact-time.txt" | awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}' >>"$OUT/impact-$name.runs"
}
# Median wall seconds, largest peak RSS in KB and median CPU seconds of NAME's runs.
summary() {
    local f=$OUT/impact-$1.runs
    printf '%s %s %s\n' "$(cut -d' ' -f1 "$f" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")" \
        "$(cut -d' ' -f2 "$f" | sort -n | tail -n 1)" "$(cut -d' ' -f3 "$f" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")"
}

# The two commands take turns, so load from other work on the machine falls on both alike.
rm -f "$OUT/impact-validate.runs" "$OUT/impact-impact.runs"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
for _ in $(seq "$RUNS"); do
    run_once validate "$CAIRN" validate "$REPO" --rev HEAD --format json
    run_once impact "$CAIRN" impact "$REPO" --base HEAD~1 --head HEAD --format json
done
read -r v_time v_rss v_cpu < <(summary validate)
read -r i_time i_rss i_cpu < <(summary impact)
"$CAIRN" impact "$REPO" --base HEAD~1 --head HEAD --format json > "$OUT/impact-$N.json"
n_changed=$(python3 -c "import json;d=json.load(open('$OUT/impact-$N.json'));print(len(d['changed']), len(d['reached']))")
ratio=$(python3 -c "print(f'{$i_time / $v_time:.2f}')")
cpu_ratio=$(python3 -c "print(f'{$i_cpu / $v_cpu:.2f}')")
mem_mb=$(( i_rss / 1024 ))

# Notes written by hand below this marker in an earlier report are carried over.
MARKER='<!-- Everything below this line is kept when bench/impact.sh rewrites this file. -->'
KEPT=""
if [[ -f $REPORT ]] && grep -qF "$MARKER" "$REPORT"; then
    KEPT=$(awk -v m="$MARKER" 'found {print} $0 == m {found = 1}' "$REPORT")
fi
cat > "$REPORT" <<MD
# Impact benchmark

Written by \`bench/impact.sh $N $F\`; run it again to reproduce.

- Date: $(date -u +%Y-%m-%dT%H:%MZ); cairn commit $(git -C "$ROOT" rev-parse --short HEAD)
- Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) memory; load average (1, 5, 15 min) at the start: $LOAD_START; at the end: $(cut -d' ' -f1-3 /proc/loadavg)
- Input: \`cairn-gen org --entities $N\` committed ($files files, $mb MB), then \`cairn-gen mutate --files $F\` committed: $changed files changed; impact found ${n_changed% *} changed entities and ${n_changed#* } reached.
- Both sides are read from git objects. The two commands ran in turns, $RUNS times each. Wall and
  CPU time (user + system, all threads): medians; memory: the largest peak RSS (GNU time \`%M\`).
  When the load average is not near 0, other work shares the cores and the CPU-time ratio is the
  steadier one.

| what | command | wall time | CPU time | peak memory |
|---|---|---|---|---|
| validate the head | \`cairn validate DIR --rev HEAD --format json\` | ${v_time} s | ${v_cpu} s | $(( v_rss / 1024 )) MB |
| impact base → head | \`cairn impact DIR --base HEAD~1 --head HEAD --format json\` | ${i_time} s | ${i_cpu} s | ${mem_mb} MB |

| ratio | value | target |
|---|---|---|
| impact / validate head, wall time | ${ratio}× | ≤ 1.5× |
| impact / validate head, CPU time | ${cpu_ratio}× | |
| impact peak memory | ${mem_mb} MB | < 1024 MB |

Why impact costs little more than validating one tree: the head is parsed and checked once, and
every file of the base whose blob id the head also has (wherever it lives) reuses that work
through the parse cache; only entities named in changed files are compared field by field. The
cross-file rules and positions that \`validate\` computes are skipped.

Why it needs little more memory: an entity of a file both trees hold at the same path is one
allocation that both trees' lists point to (\`Arc<Entity>\`), so the base adds only the entities
of the files that differ.

$MARKER
${KEPT}
MD
cat "$REPORT"
