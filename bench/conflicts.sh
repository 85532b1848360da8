#!/usr/bin/env bash
# Benchmark `cairn conflicts` on a synthetic organisation of N entities with C open change
# requests, side by side with `cairn validate` of the same tree (issue targets: conflicts at
# most 1.5x validate; against 20 other revisions at most 3x), and write the results to
# docs/benchmarks-conflicts.md. Run it under the machine's benchmark lock:
#
#   flock /work/bench.lock bench/conflicts.sh [N=100000] [C=4000] [R=20]
#
# The organisation is `cairn-gen org --entities N --open-changes C`, committed; R branches
# (refs/remotes/origin/pr/1..R) each add 5 change requests copied from open ones (new names,
# the same targets and windows, so they conflict) and edit one existing change's text.
# Everything generated goes under bench-out/ (git-ignored).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
N=${1:-100000}
C=${2:-4000}
R=${3:-20}
RUNS=${RUNS:-3}
OUT=$ROOT/bench-out
REPO=$OUT/conflicts-$N-$C
REPORT=$ROOT/docs/benchmarks-conflicts.md
NOW=2026-12-05T00:00:00Z

BENCH=conflicts
# run_once, summary, need_time
source "$ROOT/bench/lib.sh"
need_time
# BIN_DIR=target/debug measures an existing (debug) build instead of building a release one:
# for a machine without the disk or time for a release build; say so in the report.
if [[ -n ${BIN_DIR:-} ]]; then
    BIN=$BIN_DIR
    BUILD="the binaries in $BIN_DIR (not a release build: dependencies at opt-level 2, cairn's own code unoptimised)"
else
    cargo build --release --quiet --bins
    BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release
    BUILD="release build"
fi
CAIRN=$BIN/cairn
GEN=$BIN/cairn-gen
G() { git -C "$REPO" -c user.name=bench -c user.email=bench@example.com "$@"; }

if [[ ! -d $REPO/.git ]]; then
    rm -rf "$REPO"
    "$GEN" org --out "$REPO" --entities "$N" --seed 1 --open-changes "$C" >/dev/null
    G init -q -b main
    G add -A
    G commit -q -m base
    open=$(ls "$REPO"/changes/2027 | sort)
    for i in $(seq "$R"); do
        G checkout -q -b "pr-$i" main
        for k in 1 2 3 4 5; do
            src=$(echo "$open" | sed -n "$(( (i * 37 + k * 101) % C + 1 ))p")
            name="chg-pr-$i-$k"
            sed "s/^  name: .*/  name: $name/" "$REPO/changes/2027/$src" > "$REPO/changes/2027/$name.yaml"
        done
        edit=$(echo "$open" | sed -n "$(( (i * 53) % C + 1 ))p")
        sed -i "s/^  justification: .*/  justification: Edited in pull request $i./" "$REPO/changes/2027/$edit"
        G add -A
        G commit -q -m "pull request $i"
        G update-ref "refs/remotes/origin/pr/$i/head" HEAD
        G checkout -q main
    done
fi
changes=$(ls "$REPO"/changes/2027 | wc -l)
files=$(git -C "$REPO" ls-files | wc -l)

rm -f "$OUT"/conflicts-{validate,conflicts,against}.runs
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
# The commands take turns, so load from other work on the machine falls on all alike.
for _ in $(seq "$RUNS"); do
    run_once validate "$CAIRN" validate "$REPO" --format json
    run_once conflicts "$CAIRN" conflicts "$REPO" --now "$NOW" --format json
    run_once against "$CAIRN" conflicts "$REPO" --now "$NOW" --format json --against 'refs/remotes/origin/pr/*'
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
read -r v_time v_rss v_cpu < <(summary validate)
read -r c_time c_rss c_cpu < <(summary conflicts)
read -r a_time a_rss a_cpu < <(summary against)
"$CAIRN" conflicts "$REPO" --now "$NOW" --format json > "$OUT/conflicts-$N.json" || true
"$CAIRN" conflicts "$REPO" --now "$NOW" --format json --against 'refs/remotes/origin/pr/*' > "$OUT/conflicts-against-$N.json" || true
read -r active found < <(python3 -c "import json;d=json.load(open('$OUT/conflicts-$N.json'));print(d['summary']['changes'], d['summary']['conflicts'])")
read -r a_found a_revs < <(python3 -c "import json;d=json.load(open('$OUT/conflicts-against-$N.json'));print(d['summary']['conflicts'], d['summary']['revisions'])")
by_type=$(python3 -c "
import json,collections
d=json.load(open('$OUT/conflicts-$N.json'))
c=collections.Counter(x['type'] for x in d['conflicts'])
print(', '.join(f'{k} {v}' for k,v in sorted(c.items())))")
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }

cat > "$REPORT" <<MD
# Conflicts benchmark

How fast \`cairn conflicts\` is on a large organisation, against \`cairn validate\` of the same
tree. Issue targets: **at most 1.5×** validate alone, **at most 3×** against 20 other revisions.
Written by \`bench/conflicts.sh\` (run it under \`flock /work/bench.lock\`).

## Setup

- Date: $(date -u +%Y-%m-%dT%H:%MZ); cairn commit $(git -C "$ROOT" rev-parse --short HEAD); $(rustc --version)
- Machine: $(nproc) cores, shared: **other helpers were compiling on it during the run**; load
  average (1, 5, 15 min) $LOAD_START at the start, $LOAD_END at the end. Wall times are
  inflated by that load; the CPU-time ratios are the steadier figure.
- Input: \`cairn-gen org --entities $N --seed 1 --open-changes $C\`, committed: $files files,
  $changes change requests planned for 2027, of which $active active at \`--now $NOW\`;
  $R pull-request refs (\`refs/remotes/origin/pr/*\`), each adding 5 change requests copied
  from open ones (so they conflict) and editing one.
- $BUILD; medians of $RUNS runs, taking turns; peak memory is the largest maximum
  resident set size.

## Results

| what | command | wall time | CPU time | peak memory | × validate (wall / CPU) |
|---|---|---|---|---|---|
| validate | \`cairn validate DIR --format json\` | ${v_time} s | ${v_cpu} s | $(( v_rss / 1024 )) MB | 1 |
| conflicts | \`cairn conflicts DIR --now $NOW --format json\` | ${c_time} s | ${c_cpu} s | $(( c_rss / 1024 )) MB | $(ratio "$c_time" "$v_time") / $(ratio "$c_cpu" "$v_cpu") |
| conflicts against $a_revs revisions | \`… --against 'refs/remotes/origin/pr/*'\` | ${a_time} s | ${a_cpu} s | $(( a_rss / 1024 )) MB | $(ratio "$a_time" "$v_time") / $(ratio "$a_cpu" "$v_cpu") |

\`cairn conflicts\` found $found conflicts among $active active changes ($by_type); against the
$a_revs revisions, $a_found.
MD
echo "wrote $REPORT"
