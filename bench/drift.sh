#!/usr/bin/env bash
# Benchmark `cairn drift` on a synthetic organisation with a long history, side by side with
# `cairn validate` of the same tree (issue 15's target: drift ≤ 3× validate), and write the
# results to docs/benchmarks.md (section "Knowledge drift", kept between runs of other scripts).
#
# Usage (from anywhere; paths are relative to the repository root), under the shared lock:
#   flock /work/bench.lock bench/drift.sh [N=100000] [COMMITS=1000] [F=10]
# Generates `cairn-gen org --entities N`, commits it, then COMMITS commits of
# `cairn-gen mutate --files F` (CI files edited as pull requests would). Nothing edits an
# article, so every article stays pending and drift walks the whole history: its worst case.
# Everything generated goes under bench-out/ (git-ignored).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
N=${1:-100000}
COMMITS=${2:-1000}
F=${3:-10}
RUNS=3
OUT=$ROOT/bench-out
REPO=$OUT/drift-$N-$COMMITS
REPORT=$ROOT/docs/benchmarks.md

BENCH=drift
# run_once, summary, need_time
source "$ROOT/bench/lib.sh"
need_time
cargo build --release --quiet --bins
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release
CAIRN=$BIN/cairn
GEN=$BIN/cairn-gen
g() { git -C "$REPO" -c user.name=bench -c user.email=bench@example.com -c commit.gpgsign=false "$@"; }

if [[ ! -f $REPO/.drift-history-done ]]; then
    rm -rf "$REPO"
    "$GEN" org --out "$REPO" --entities "$N" --seed 1 >/dev/null
    g init -q -b main
    g add -A
    g commit -q -m base
    # COMMITS × F distinct CI files edited by one `cairn-gen mutate`, then committed F at a
    # time with git fast-import (committing one by one through the index would take longer
    # than the benchmark): one commit an hour from the base on, as a team would.
    "$GEN" mutate --dir "$REPO" --files "$((COMMITS * F))" --seed 2 >"$OUT/drift-mutated.txt"
    (cd "$REPO" && git hash-object -w --stdin-paths <"$OUT/drift-mutated.txt" >"$OUT/drift-blobs.txt")
    python3 - "$OUT/drift-mutated.txt" "$OUT/drift-blobs.txt" "$(g rev-parse HEAD)" "$COMMITS" "$F" \
        >"$OUT/drift-stream.txt" <<'PY'
import sys
paths = open(sys.argv[1]).read().split()
blobs = open(sys.argv[2]).read().split()
base, commits, per = sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
out = sys.stdout
for i in range(commits):
    message = f"change {per} files ({i + 1})\n"
    out.write(f"commit refs/heads/main\nmark :{i + 1}\n")
    out.write(f"committer bench <bench@example.com> {1796000000 + 3600 * i} +0000\n")
    out.write(f"data {len(message.encode())}\n{message}")
    if i == 0:
        out.write(f"from {base}\n")
    for path, blob in zip(paths[i * per:(i + 1) * per], blobs[i * per:(i + 1) * per]):
        out.write(f"M 100644 {blob} {path}\n")
    out.write("\n")
PY
    g fast-import --quiet <"$OUT/drift-stream.txt"
    g reset -q
    touch "$REPO/.drift-history-done"
fi
commits=$(g rev-list --count HEAD)
files=$(g ls-files | wc -l)

rm -f "$OUT/drift-validate.runs" "$OUT/drift-drift.runs"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
for _ in $(seq "$RUNS"); do
    run_once validate "$CAIRN" validate "$REPO" --format json
    run_once drift "$CAIRN" drift "$REPO" --format json
done
read -r v_time v_rss v_cpu < <(summary validate)
read -r d_time d_rss d_cpu < <(summary drift)
"$CAIRN" drift "$REPO" --format json > "$OUT/drift-$N.json" || true
found=$(python3 -c "import json;d=json.load(open('$OUT/drift-$N.json'));s=d['summary'];print(s['articles'], s['drifting'], s['commits'])")
ratio=$(python3 -c "print(f'{$d_time / $v_time:.2f}')")
cpu_ratio=$(python3 -c "print(f'{$d_cpu / $v_cpu:.2f}')")

SECTION=$(cat <<MD
## Knowledge drift

Written by \`bench/drift.sh $N $COMMITS $F\` (run under \`flock /work/bench.lock\`); run it again to reproduce.

- Date: $(date -u +%Y-%m-%dT%H:%MZ); cairn commit $(git -C "$ROOT" rev-parse --short HEAD)
- Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) memory; load average (1, 5, 15 min) at the start: $LOAD_START; at the end: $(cut -d' ' -f1-3 /proc/loadavg). **Other helpers were compiling on the same two cores** while this ran, so wall times are inflated and noisy; the CPU-time ratio is the steadier figure.
- Input: \`cairn-gen org --entities $N\` ($files files) committed, then $COMMITS commits of \`cairn-gen mutate --files $F\`: $commits commits in all. Drift checked ${found%% *} published articles that list entities and walked $(echo "$found" | cut -d' ' -f3) commits (the whole history: no article is ever edited); $(echo "$found" | cut -d' ' -f2) drift.
- The two commands ran in turns, $RUNS times each. Wall and CPU time (user + system, all threads): medians; memory: the largest peak RSS.

| what | command | wall time | CPU time | peak memory |
|---|---|---|---|---|
| validate the tree | \`cairn validate DIR --format json\` | ${v_time} s | ${v_cpu} s | $(( v_rss / 1024 )) MB |
| drift over the history | \`cairn drift DIR --format json\` | ${d_time} s | ${d_cpu} s | $(( d_rss / 1024 )) MB |

| ratio | value | target |
|---|---|---|
| drift / validate, wall time | ${ratio}× | ≤ 3× |
| drift / validate, CPU time | ${cpu_ratio}× | |

How drift works: it reads the tree at the revision once (to find the articles), then walks the
history in batches of commits, a run of consecutive commits per core: each commit's tree is
compared with its parent's by object id (\`load::treediff\`: identical folders skipped, the
entries of changed folders merged in one pass, each commit's folders kept for the next), and
only the $F or so files it changed are parsed, before and after; the entity changes are handed
to the tracker in commit order. The cross-file rules are not run.
MD
)
python3 - "$REPORT" "$SECTION" <<'PY'
import re, sys
path, section = sys.argv[1], sys.argv[2]
text = open(path).read()
pattern = re.compile(r"## Knowledge drift\n.*?(?=\n## |\Z)", re.S)
text = pattern.sub(lambda _: section + "\n", text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
echo "$SECTION"
