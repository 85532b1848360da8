#!/usr/bin/env bash
# Benchmark `cairn render` (HTML and Markdown) on the synthetic organisation bench/run.sh made,
# side by side with `cairn validate` of the same tree (issue target: render < 2× validate) and
# with the cost of creating the site's files alone (`cairn-gen write-floor`), and
# write the results to docs/benchmarks-render.md (notes below the marker line are kept).
#
# Usage: bench/run.sh [N] first (it generates bench-out/org-N), then bench/render.sh [N=100000]
# Environment: RUNS (default 3), CARGO_TARGET_DIR (where the release binary is built).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
N=${1:-100000}
RUNS=${RUNS:-3}
OUT=$ROOT/bench-out
ORG=$OUT/org-$N
RAW=$OUT/render-$N
REPORT=$ROOT/docs/benchmarks-render.md
[[ -d $ORG ]] || { echo "bench/render.sh: run bench/run.sh $N first (no $ORG)" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
cargo build --release --quiet --bins
CAIRN=${CARGO_TARGET_DIR:-$ROOT/target}/release/cairn
GEN=${CARGO_TARGET_DIR:-$ROOT/target}/release/cairn-gen
rm -rf "$RAW"
mkdir -p "$RAW"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# measure NAME CMD...: one run under GNU time; appends "wall_s max_rss_kb user_s sys_s" to $RAW/NAME.
# Every render writes into a directory that never existed: on ext4 without a journal, creating
# files shortly after deleting many is slow (the allocator skips recently deleted inodes for a
# minute or more), which would measure the file system's bookkeeping of the previous run.
# Each starts with nothing waiting to be written back: the page cache of the site before is
# flushed first (`sync`), or its gigabyte of writeback would take CPU from the next run.
measure() {
    local name=$1
    shift
    sync
    /usr/bin/time -f '%e %M %U %S' -o "$RAW/time" "$@" >/dev/null 2>"$RAW/$name.stderr" ||
        { echo "bench/render.sh: $name failed:" >&2; tail -n 5 "$RAW/$name.stderr" >&2; exit 1; }
    tail -n 1 "$RAW/time" >>"$RAW/$name"
    printf '   %-9s %s\n' "$name" "$(tail -n 1 "$RAW/time")" >&2
}

export CAIRN_TODAY=2026-11-22
"$CAIRN" validate "$ORG" --format json >/dev/null # warm the page cache
for i in $(seq "$RUNS"); do
    # Side by side: each render right after a validate, so both see the same load; then what
    # creating that site's files costs by itself (`cairn-gen write-floor`: the same paths and
    # sizes, one thread, timed around the writing alone). Creating files gets slower as the
    # file system fills, so the floor comes right after the render it copies.
    measure validate "$CAIRN" validate "$ORG" --format json
    measure html "$CAIRN" render "$ORG" --out "$RAW/site-html-$i"
    sync
    "$GEN" write-floor "$RAW/site-html-$i" "$RAW/site-floor-$i" >"$RAW/floor.out"
    # "N files, B bytes: wall W s, user U s, system S s" → "W - U S", as measure writes.
    awk '{print $6, "-", $9, $12}' "$RAW/floor.out" >>"$RAW/write"
    printf '   %-9s %s\n' write "$(tail -n 1 "$RAW/write")" >&2
done
# Rendering again into a site that is already there, nothing changed: unchanged pages are
# compared and left alone rather than rewritten.
for i in $(seq "$RUNS"); do
    measure again "$CAIRN" render "$ORG" --out "$RAW/site-html-1"
done
for i in $(seq "$RUNS"); do
    measure markdown "$CAIRN" render "$ORG" --out "$RAW/site-md-$i" --format markdown
done
pages=$(find "$RAW/site-html-1" -type f | wc -l)
site_mb=$(du -sm --apparent-size "$RAW/site-html-1" | cut -f1)
md_files=$(find "$RAW/site-md-1" -type f | wc -l)
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

median() { sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
wall() { awk '{print $1}' "$RAW/$1" | median; }
cpu() { awk '{printf "%.2f\n", $3 + $4}' "$RAW/$1" | median; }
user() { awk '{print $3}' "$RAW/$1" | median; }
sys() { awk '{print $4}' "$RAW/$1" | median; }
peak_mb() { awk 'BEGIN{m=0} {if ($2>m) m=$2} END {printf "%.0f", m/1024}' "$RAW/$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }
# The render/validate ratio of each side-by-side pair, smallest first.
pairs=$(paste -d' ' "$RAW/validate" "$RAW/html" | awk '{printf "%.2f\n", $5/$1}' | sort -n | paste -sd' ' | sed 's/ /, /g')
V=$(wall validate)
H=$(wall html)
M=$(wall markdown)
row() {
    printf '| %s | `%s` | %s s | %s s (%s + %s) | %s MB | %s |\n' "$1" "$2" "$(wall "$3")" "$(cpu "$3")" \
        "$(user "$3")" "$(sys "$3")" "$(peak_mb "$3")" "$4"
}

MARKER='<!-- Everything below this line is kept when bench/render.sh rewrites this file. -->'
KEPT=""
if [[ -f $REPORT ]] && grep -qF "$MARKER" "$REPORT"; then
    KEPT=$(awk -v m="$MARKER" 'found {print} $0 == m {found = 1}' "$REPORT")
fi
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD)
# Only changes to what the binary is built from, or to this script, make the figures differ.
if [[ -n $(git -C "$ROOT" status --porcelain --untracked-files=no -- src templates Cargo.toml Cargo.lock bench) ]]; then COMMIT="$COMMIT (with uncommitted changes)"; fi
{
    echo "# Render benchmark"
    echo
    echo "Written by \`bench/render.sh $N\`; run it again to reproduce (after \`bench/run.sh $N\`)."
    echo
    echo "- Date: $(date -u +%Y-%m-%dT%H:%MZ); cairn commit $COMMIT"
    echo "- Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) memory, $(uname -sr); shared with other"
    echo "  work: load average (1, 5, 15 min) $LOAD_START at the start, $LOAD_END at the end."
    echo "- Input: the \`cairn-gen org --entities $N\` tree of bench/run.sh. The HTML site: $pages files,"
    echo "  $site_mb MB; the Markdown site: $md_files files (pages and drawings)."
    echo "- $RUNS runs of each; validate and HTML render alternate, so each pair saw the same load. Wall"
    echo "  and CPU time (user + system, all threads) are medians; memory is the largest peak RSS."
    echo "  Each render writes into a new directory."
    echo
    echo "| what | command | wall time | CPU time (user + system) | peak memory | vs validate (wall) |"
    echo "|---|---|---|---|---|---|"
    row validate "cairn validate DIR --format json" validate "1.00×"
    row "render HTML" "cairn render DIR --out SITE" html "$(ratio "$H" "$V")×"
    row "render HTML again into the same SITE, nothing changed" "cairn render DIR --out SITE" again "$(ratio "$(wall again)" "$V")×"
    row "render Markdown" "cairn render DIR --out SITE --format markdown" markdown "$(ratio "$M" "$V")×"
    printf '| creating the HTML site'"'"'s files alone, one thread | `cairn-gen write-floor SITE NEW` | %s s | %s s (%s + %s) | — | %s× |\n' \
        "$(wall write)" "$(cpu write)" "$(user write)" "$(sys write)" "$(ratio "$(wall write)" "$V")"
    echo
    # The budget the target leaves for making the pages, in CPU time on all cores: twice
    # validate's wall time on every core, less what validating and creating the files take.
    budget=$(awk -v v="$V" -v c="$(nproc)" -v vc="$(cpu validate)" -v w="$(cpu write)" 'BEGIN {printf "%.2f", 2 * v * c - vc - w}')
    spent=$(awk -v h="$(cpu html)" -v vc="$(cpu validate)" -v w="$(cpu write)" 'BEGIN {printf "%.2f", h - vc - w}')
    per_page() { awk -v s="$1" -v p="$pages" 'BEGIN {printf "%.0f", s / p * 1000000}'; }
    echo "What the target leaves for making the pages: $(nproc) cores × 2 × $V s, less the CPU time of"
    echo "validating ($(cpu validate) s) and of creating the files ($(cpu write) s), is $budget s of CPU time, or"
    echo "$(per_page "$budget") µs a page. Making them took $spent s here (render's CPU time less those two), or"
    echo "$(per_page "$spent") µs a page."
    echo
    echo "Render / validate in each side-by-side pair: $pairs."
    echo
    echo "Target: render under 2× the time of \`cairn validate\` on the same tree. Rendering includes the"
    echo "whole validation (it renders the valid entities), so the ratio is 1 plus the cost of the pages."
    echo
    echo "$MARKER"
    if [[ -n $KEPT ]]; then printf '%s\n' "$KEPT"; fi
} >"$REPORT"
# Deleting ~100,000 files makes creating files slow for the next minutes on ext4 without a
# journal (the inode allocator skips inodes freed in the last 60 s, 360 s while their block is
# dirty, looking each one up): do not run another benchmark right after this one.
rm -rf "$RAW"/site-*
cat "$REPORT"
