#!/usr/bin/env bash
# Benchmark `cairn validate` on a synthetic organisation, side by side with
#   - the parse floor: `cairn-gen parse-floor` (saphyr-parser events over every file, all cores,
#     building nothing), and
#   - check-jsonschema, a peer that validates the same YAML files against cairn's JSON Schemas.
# and write the results to docs/benchmarks.md.
#
# Usage (from anywhere; paths are relative to the repository root):
#   bench/run.sh [N]            N entities (default 100000); writes docs/benchmarks.md
#   bench/run.sh --quick        N=10000 smoke run; writes bench-out/benchmarks-quick.md
# Options:
#   --runs K                    timed runs of the floor and of validate (default 3; the median counts)
#   --seed S                    generator seed (default 1)
#   --no-peer                   skip check-jsonschema (it takes ~1.5 ms per file)
#   --reuse                     keep bench-out/org-N from an earlier run instead of generating it
#   --report FILE               where to write the report
# Everything generated goes under bench-out/ (git-ignored): the organisation (a git repository
# with one commit, for impact benchmarks), the exported schemas, a Python venv, raw timings.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

N=100000
QUICK=0
RUNS=3
SEED=1
PEER=1
REUSE=0
REPORT=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) QUICK=1; N=10000 ;;
        --runs) RUNS=$2; shift ;;
        --seed) SEED=$2; shift ;;
        --no-peer) PEER=0 ;;
        --reuse) REUSE=1 ;;
        --report) REPORT=$2; shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        [0-9]*) N=$1 ;;
        *) echo "bench/run.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done
if [[ -z $REPORT ]]; then
    if [[ $QUICK == 1 ]]; then REPORT=bench-out/benchmarks-quick.md; else REPORT=docs/benchmarks.md; fi
fi

OUT=$ROOT/bench-out
ORG=$OUT/org-$N
RAW=$OUT/raw-$N
mkdir -p "$OUT" "$RAW"
log() { printf '\n== %s\n' "$*" >&2; }
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# --- tools -----------------------------------------------------------------------------------
if [[ ! -x /usr/bin/time ]]; then
    log "installing GNU time"
    if [[ $(id -u) == 0 ]]; then SUDO=""; else SUDO=sudo; fi
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq time >/dev/null
fi

log "building release binaries"
cargo build --release --bins --quiet
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release
CAIRN=$BIN/cairn
GEN=$BIN/cairn-gen

# --- the organisation ------------------------------------------------------------------------
if [[ $REUSE == 1 && -f $ORG/bench-manifest.txt && -d $ORG/.git ]]; then
    log "reusing ${ORG#"$ROOT"/}"
else
    log "generating $N entities into ${ORG#"$ROOT"/}"
    rm -rf "$ORG"
    "$GEN" org --out "$ORG" --entities "$N" --seed "$SEED"
    (
        cd "$ORG"
        git init -q -b main .
        git add -A
        GIT_AUTHOR_DATE=2026-11-01T12:00:00Z GIT_COMMITTER_DATE=2026-11-01T12:00:00Z \
            git -c user.name=cairn-bench -c user.email=bench@example.com -c commit.gpgsign=false \
            commit -q -m "Synthetic organisation: $N entities, seed $SEED"
    )
fi

# --- measuring -------------------------------------------------------------------------------
# measure NAME RUNS CMD...: runs CMD RUNS times under GNU time (its output kept in
# $RAW/NAME.stdout); appends "wall_s max_rss_kb user_s sys_s" per run to $RAW/NAME; fails if
# CMD fails.
measure() {
    local name=$1 runs=$2
    shift 2
    : >"$RAW/$name"
    for ((i = 1; i <= runs; i++)); do
        if ! /usr/bin/time -f '%e %M %U %S' -o "$RAW/$name.time" "$@" >"$RAW/$name.stdout" 2>"$RAW/$name.stderr"; then
            echo "bench/run.sh: $name failed (exit status above); its output is in $RAW/$name.stdout and .stderr" >&2
            tail -n 20 "$RAW/$name.stderr" >&2 || true
            return 1
        fi
        tail -n 1 "$RAW/$name.time" | tee "$RAW/$name.time.last" >>"$RAW/$name"
        read -r wall rss user sys <"$RAW/$name.time.last"
        printf '   %-16s run %d: %s s wall, %s s user + %s s sys, %s KB\n' "$name" "$i" "$wall" "$user" "$sys" "$rss" >&2
    done
}
# median wall seconds, median CPU seconds (user + sys) and the largest peak RSS (in MB) of
# the runs of NAME
median_of() { sort -n | awk '{t[NR]=$1} END {print (NR%2) ? t[(NR+1)/2] : (t[NR/2]+t[NR/2+1])/2}'; }
median_s() { awk '{print $1}' "$RAW/$1" | median_of; }
median_cpu() { awk '{printf "%.2f\n", $3 + $4}' "$RAW/$1" | median_of; }
peak_mb() { awk 'BEGIN{m=0} {if ($2>m) m=$2} END {printf "%.0f", m/1024}' "$RAW/$1"; }

log "warming the page cache"
"$GEN" parse-floor "$ORG" >"$RAW/floor-warmup.txt"

log "1. parse floor (cairn-gen parse-floor), $RUNS runs"
measure floor "$RUNS" "$GEN" parse-floor "$ORG"
cp "$RAW/floor.stdout" "$RAW/floor.txt"
FILES=$(awk '/^files:/ {print $2}' "$RAW/floor.txt")
BYTES=$(awk '/^bytes:/ {print $2}' "$RAW/floor.txt")
EVENTS=$(awk '/^events:/ {print $2}' "$RAW/floor.txt")
ENTITIES=$(grep -vc '^cairn-config' "$ORG/bench-manifest.txt")

VALIDATE_OK=0
log "2. cairn validate --format json, $RUNS runs"
if "$CAIRN" validate --help >/dev/null 2>&1; then
    measure validate "$RUNS" "$CAIRN" validate "$ORG" --format json
    VALIDATE_OK=1
    cp "$RAW/validate.stdout" "$RAW/validate.json"
    SUMMARY=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; print(s["files"], s["entities"], s["errors"], s["warnings"])' "$RAW/validate.json" 2>/dev/null || echo "? ? ? ?")
    read -r V_FILES V_ENTITIES V_ERRORS V_WARNINGS <<<"$SUMMARY"
    printf '   validate summary: %s files, %s entities, %s errors, %s warnings\n' "$V_FILES" "$V_ENTITIES" "$V_ERRORS" "$V_WARNINGS" >&2
else
    echo "   cairn validate is not available in this build: skipped" >&2
fi

PEER_OK=0
if [[ $PEER == 1 ]]; then
    log "3. check-jsonschema, one invocation per kind (xargs), 1 run"
    if [[ ! -x $OUT/venv/bin/check-jsonschema ]]; then
        python3 -m venv "$OUT/venv"
        "$OUT/venv/bin/pip" install --quiet --disable-pip-version-check check-jsonschema
    fi
    CJS_VERSION=$("$OUT/venv/bin/check-jsonschema" --version | awk '{print $NF}')
    SCHEMAS=$OUT/schemas
    rm -rf "$SCHEMAS"
    if ! "$CAIRN" schema --out "$SCHEMAS" >/dev/null 2>&1; then
        echo "   cairn schema failed; using /tmp/sch" >&2
        SCHEMAS=/tmp/sch
    fi
    # Only YAML files: check-jsonschema cannot read Markdown front matter.
    cat >"$RAW/peer.sh" <<PEER
set -euo pipefail
cd "$ORG"
for kind in \$(awk -F'\t' '\$2 !~ /\.md\$/ {print \$1}' bench-manifest.txt | sort -u); do
    awk -F'\t' -v k="\$kind" '\$1 == k && \$2 !~ /\.md\$/ {print \$2}' bench-manifest.txt |
        xargs -d '\n' "$OUT/venv/bin/check-jsonschema" --schemafile "$SCHEMAS/\$kind.schema.json"
done
PEER
    PEER_FILES=$(awk -F'\t' '$2 !~ /\.md$/' "$ORG/bench-manifest.txt" | wc -l)
    measure peer 1 bash "$RAW/peer.sh"
    PEER_OK=1
fi

# --- the report ------------------------------------------------------------------------------
log "writing $REPORT"
CPU=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
MEM_GB=$(awk '/^MemTotal/ {printf "%.1f", $2/1024/1024}' /proc/meminfo)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null) ]]; then COMMIT="$COMMIT (with uncommitted changes)"; fi
MB=$(awk -v b="$BYTES" 'BEGIN {printf "%.1f", b/1e6}')
F_S=$(median_s floor); F_M=$(peak_mb floor)
row() { printf '| %s | %s | %s s | %s s | %s MB | %s |\n' "$@"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a/b; else print "n/a"}'; }
verdict() { awk -v r="$1" -v t="$2" -v op="$3" 'BEGIN {ok = (op == "le") ? (r <= t) : (r >= t); print ok ? "met" : "**not met**"}'; }
F_C=$(median_cpu floor)
mkdir -p "$(dirname "$REPORT")"
# Notes written by hand below this marker in an earlier report are carried over.
MARKER='<!-- Everything below this line is kept when bench/run.sh rewrites this file. -->'
KEPT=""
if [[ -f $REPORT ]] && grep -qF "$MARKER" "$REPORT"; then
    KEPT=$(awk -v m="$MARKER" 'found {print} $0 == m {found = 1}' "$REPORT")
fi
{
    echo "# Benchmarks"
    echo
    echo "How fast \`cairn validate\` checks a large repository, measured against the cost of merely"
    echo "parsing the same files and against a peer tool. Written by \`bench/run.sh\`; run it again to"
    echo "reproduce (\`bench/run.sh --quick\` for a 10,000-entity smoke run)."
    echo
    echo "## Setup"
    echo
    echo "- Date: $(date -u +%Y-%m-%dT%H:%MZ); cairn commit $COMMIT; $(rustc --version)"
    echo "- Machine: $(nproc) cores ($CPU), $MEM_GB GiB memory, $(uname -sr)"
    echo "- Load average (1, 5, 15 min) when the run started: $LOAD_START; when it ended: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- Input: \`cairn-gen org --entities $N --seed $SEED\`: $ENTITIES entities, one per file, plus"
    echo "  \`cairn.yaml\` and a README: $FILES YAML/Markdown files, $MB MB, $EVENTS YAML events. Proportions: CIs 75%, services 8%,"
    echo "  change requests, catalog items and knowledge articles 4% each, SLAs 3%, teams 1%, a few windows,"
    echo "  one policy; every reference resolves."
    echo "- Wall time and CPU time (user + system, all threads) are medians of $RUNS runs with the page"
    echo "  cache warm; peak memory is the largest maximum resident set size (GNU time \`%M\`) over the"
    echo "  runs. check-jsonschema ran once. The machine is shared with other work: when the load"
    echo "  average above is not near 0, wall times are inflated and the CPU-time ratio is the steadier one."
    echo
    echo "## Results"
    echo
    echo "| what | command | wall time | CPU time | peak memory | runs |"
    echo "|---|---|---|---|---|---|"
    row "parse floor" "\`cairn-gen parse-floor DIR\`" "$F_S" "$F_C" "$F_M" "$RUNS"
    if [[ $VALIDATE_OK == 1 ]]; then
        row "cairn validate" "\`cairn validate DIR --format json\`" "$(median_s validate)" "$(median_cpu validate)" "$(peak_mb validate)" "$RUNS"
    else
        echo "| cairn validate | not available in this build | – | – | – | – |"
    fi
    if [[ $PEER_OK == 1 ]]; then
        row "check-jsonschema $CJS_VERSION" "one run per kind over $PEER_FILES YAML files" "$(median_s peer)" "$(median_cpu peer)" "$(peak_mb peer)" 1
    fi
    echo
    if [[ $VALIDATE_OK == 1 ]]; then
        echo "\`cairn validate\` found $V_ERRORS errors and $V_WARNINGS warnings in $V_ENTITIES entities ($V_FILES files)."
        echo
        V_S=$(median_s validate)
        V_C=$(median_cpu validate)
        R1=$(ratio "$V_S" "$F_S")
        echo "| ratio | wall time | CPU time | target | wall-time target |"
        echo "|---|---|---|---|---|"
        echo "| validate / parse floor | $R1× | $(ratio "$V_C" "$F_C")× | ≤ 2.0× | $(verdict "$R1" 2.0 le) |"
        if [[ $PEER_OK == 1 ]]; then
            R2=$(ratio "$(median_s peer)" "$V_S")
            echo "| check-jsonschema / validate | $R2× | $(ratio "$(median_cpu peer)" "$V_C")× | ≥ 20× | $(verdict "$R2" 20 ge) |"
        fi
        echo
        awk -v s="$V_S" -v f="$FILES" -v b="$BYTES" 'BEGIN {printf "Throughput of validate: %.0f files/s, %.1f MB/s.\n", f/s, b/1e6/s}'
    fi
    echo
    echo "## What is measured"
    echo
    echo "- **parse floor**: walk the tree as cairn does (the \`ignore\` crate, \`.gitignore\` respected), read"
    echo "  every \`*.yaml\`, \`*.yml\` and \`*.md\` file and pull every saphyr-parser event from each YAML file and"
    echo "  each Markdown front matter, in parallel on all cores, building nothing. No validator can be"
    echo "  faster than this without a faster YAML parser."
    echo "- **cairn validate**: everything \`cairn validate\` does: parse with positions, check each document"
    echo "  against its kind's full JSON Schema, deserialise, run the cross-file rules (references,"
    echo "  names, cycles, SLA consistency, windows, hygiene) and print the JSON report."
    echo "- **check-jsonschema**: validates each YAML file against the schema \`cairn schema\` exports for its"
    echo "  kind; one invocation per kind with all its files (via \`xargs\`). It checks the schema only: no"
    echo "  references, no cross-file rules, no positions in its messages. Knowledge articles (Markdown) are"
    echo "  left out because it cannot read front matter."
    echo
    echo "$MARKER"
    if [[ -n $KEPT ]]; then printf '%s\n' "$KEPT"; fi
} >"$REPORT"
cat "$REPORT"
