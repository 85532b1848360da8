#!/usr/bin/env bash
# Worst inputs within cairn's bounds (issue 11.4): for each shape `cairn-gen hostile` writes, a
# git repository whose base commit is a tiny organisation and whose head adds the hostile
# files; measure wall time and peak memory (GNU time: elapsed, maximum resident set size) of
# `cairn validate` on the head, of `cairn impact` and `cairn gate` between base and head, and
# of `cairn render` where the shape is about rendering. Targets: every command under 1 GB
# and 30 s. Writes the figures to docs/benchmarks.md, between the hostile-input markers.
#
# Usage (from anywhere): flock /work/bench.lock bench/hostile.sh [SHAPE...]
#   (the lock keeps two benchmarks of a shared machine from running at once)
# Everything generated goes under bench-out/hostile/ (git-ignored).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
OUT=$ROOT/bench-out/hostile
REPORT=$ROOT/docs/benchmarks.md
LIMIT_S=60 # a run is killed after this long (the target is 30 s)
mkdir -p "$OUT"

command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
cargo build --release --quiet --bins
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release
CAIRN=$BIN/cairn
GEN=$BIN/cairn-gen

ALL_SHAPES=(alias-docs alias-docs-16m alias-files flow-seq wide-map long-keys deep documents findings many-files markdown)
SHAPES=("$@")
[[ ${#SHAPES[@]} -gt 0 ]] || SHAPES=("${ALL_SHAPES[@]}")
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

git_q() { git -C "$1" -c user.name=bench -c user.email=bench@example.com "${@:2}"; }

# A repository: base = the tiny organisation, head = base + the hostile files.
make_repo() {
    local shape=$1 dir=$OUT/$1
    [[ -d $dir/.git ]] && return
    rm -rf "$dir" "$dir.tmp"
    "$GEN" hostile "$shape" --out "$dir.tmp" 2>"$OUT/$shape.gen.txt"
    mkdir -p "$dir"
    cp "$dir.tmp/policy.yaml" "$dir.tmp/team.yaml" "$dir/"
    git_q "$dir" init -q -b main
    git_q "$dir" add -A
    git_q "$dir" commit -q -m base
    cp -r "$dir.tmp/." "$dir/"
    rm -rf "$dir.tmp"
    git_q "$dir" add -A
    git_q "$dir" commit -q -m "hostile: $shape"
}

# One measured run: prints "wall_s rss_mb exit".
measure() {
    local dir=$1
    shift
    set +e
    (cd "$dir" && /usr/bin/time -f '%e %M' -o "$OUT/time.txt" timeout "$LIMIT_S" "$@" >"$OUT/stdout.txt" 2>"$OUT/stderr.txt")
    local code=$?
    set -e
    local wall rss
    read -r wall rss < <(tail -n 1 "$OUT/time.txt" | sed 's/^Command exited with non-zero status [0-9]*//; s/^Command terminated by signal [0-9]*//')
    [[ -n ${wall:-} ]] || read -r wall rss < <(grep -E '^[0-9.]+ [0-9]+$' "$OUT/time.txt" | tail -n 1)
    printf '%s %s %s\n' "$wall" "$((rss / 1024))" "$code"
}

verdict() { # wall rss → "met" / "MISSED"
    awk -v w="$1" -v m="$2" 'BEGIN { print (w <= 30 && m <= 1024) ? "met" : "MISSED" }'
}

ROWS=""
for shape in "${SHAPES[@]}"; do
    make_repo "$shape"
    dir=$OUT/$shape
    mb=$(cd "$dir" && git ls-files -z | xargs -0 du -cb --apparent-size | tail -n 1 | awk '{printf "%.1f", $1 / 1048576}')
    desc=$(grep -o "(\"$shape\", \"[^\"]*\")" "$ROOT/src/bin/cairn-gen/hostile.rs" | sed 's/^("[^"]*", "//; s/")$//')
    commands=("validate:$CAIRN validate . --format json"
        "impact:$CAIRN impact --base HEAD~1 --head HEAD --format json"
        "gate:$CAIRN gate --base HEAD~1 --head HEAD --now 2026-12-01T12:00:00Z --format json")
    [[ $shape == markdown ]] && commands+=("render:$CAIRN render . --out $OUT/site-$shape")
    for entry in "${commands[@]}"; do
        name=${entry%%:*}
        rm -rf "$OUT/site-$shape"
        read -r wall rss code < <(measure "$dir" ${entry#*:})
        findings=$(set +o pipefail; grep -o '"code": *"[a-z-]*"' "$OUT/stdout.txt" 2>/dev/null | sed 's/.*"\([a-z-]*\)"/\1/' | sort | uniq -c | sort -rn | head -n 3 | awk '{printf "%s%s×%s", sep, $2, $1; sep=", "}' || true)
        echo "$shape $name: ${wall}s ${rss}MB exit $code ${findings}" >&2
        ROWS+="| $shape | $mb | \`$name\` | $wall s | $rss MB | $code | ${findings:-–} | $(verdict "$wall" "$rss") |"$'\n'
    done
    DESCS+="- \`$shape\`: $desc"$'\n'
done
rm -rf "$OUT"/site-*

LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
SECTION=$(cat <<EOF
<!-- hostile:start -->
## Hostile inputs (issue 11.4), written by \`bench/hostile.sh\`

Each shape is the worst we could build within the default \`limits\` of \`cairn.yaml\` (16 MiB
per file, depth 64, 10,000 alias nodes per document); the new bounds (\`maxFileNodes\`
2,000,000 per file, \`maxTotalNodes\` 6,000,000 and \`maxTotalSize\` 256 MiB per run) turn the
rest into findings. Each repository has a base commit (a policy and a team) and a head that
adds the hostile files; \`validate\` reads the head's files on disk, \`impact\` and \`gate\` read
both commits from git. Target for every command: at most **30 s** and **1 GB** (1024 MB).

- Date: $(date -u +%Y-%m-%dT%H:%MZ); cairn commit $(git -C "$ROOT" rev-parse --short HEAD); release build
- Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) memory. **Other helpers were
  compiling on the machine during the run** (load average at the start $LOAD_START, at the end
  $LOAD_END): wall times are inflated; memory is not affected.
- One run per command (GNU time: elapsed wall time, maximum resident set size); the exit code
  and the most frequent finding codes of the JSON output beside it.

${DESCS}
| shape | MB | command | wall time (≤ 30 s) | peak memory (≤ 1024 MB) | exit | findings | target |
|---|---|---|---|---|---|---|---|
${ROWS}
<!-- hostile:end -->
EOF
)
if grep -q '<!-- hostile:start -->' "$REPORT"; then
    python3 - "$REPORT" "$SECTION" <<'PY'
import sys
path, section = sys.argv[1], sys.argv[2]
text = open(path).read()
start = text.index('<!-- hostile:start -->')
end = text.index('<!-- hostile:end -->') + len('<!-- hostile:end -->')
open(path, 'w').write(text[:start] + section + text[end:])
PY
else
    printf '\n%s\n' "$SECTION" >>"$REPORT"
fi
echo "bench/hostile.sh: wrote $REPORT" >&2
