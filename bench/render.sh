#!/usr/bin/env bash
# Benchmark `cairn render` (HTML and Markdown) on the synthetic organisation bench/run.sh made,
# side by side with `cairn validate` of the same tree (issue target: render < 2× validate), and
# write the results to docs/benchmarks-render.md.
#
# Usage: bench/run.sh [N] first (it generates bench-out/org-N), then bench/render.sh [N=100000]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
N=${1:-100000}
RUNS=3
OUT=$ROOT/bench-out
ORG=$OUT/org-$N
REPORT=$ROOT/docs/benchmarks-render.md
[[ -d $ORG ]] || { echo "bench/render.sh: run bench/run.sh $N first (no $ORG)" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
cargo build --release --quiet --bin cairn
CAIRN=$ROOT/target/release/cairn

# Runs a command RUNS times; prints "median_seconds max_rss_kb".
measure() {
    local times=() rss=0 t m
    for _ in $(seq "$RUNS"); do
        rm -rf "$OUT/site"
        /usr/bin/time -f '%e %M' -o "$OUT/render-time.txt" "$@" >/dev/null 2>"$OUT/render-stderr.txt"
        read -r t m < <(tail -n 1 "$OUT/render-time.txt")
        times+=("$t")
        if (( m > rss )); then rss=$m; fi
    done
    printf '%s %s\n' "$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")" "$rss"
}

export CAIRN_TODAY=2026-11-22
read -r v_time v_rss < <(measure "$CAIRN" validate "$ORG" --format json)
read -r h_time h_rss < <(measure "$CAIRN" render "$ORG" --out "$OUT/site")
pages=$(find "$OUT/site" -type f | wc -l)
site_mb=$(du -sm --apparent-size "$OUT/site" | cut -f1)
read -r m_time m_rss < <(measure "$CAIRN" render "$ORG" --out "$OUT/site" --format markdown)
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }

cat > "$REPORT" <<MD
# Render benchmark

Written by \`bench/render.sh $N\`; run it again to reproduce (after \`bench/run.sh $N\`).

- Date: $(date -u +%Y-%m-%dT%H:%MZ); cairn commit $(git -C "$ROOT" rev-parse --short HEAD)
- Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) memory; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)
- Input: the \`cairn-gen org --entities $N\` tree of bench/run.sh. The HTML site: $pages files, $site_mb MB.
- Wall time: median of $RUNS runs; memory: the largest peak RSS.

| what | command | wall time | peak memory | vs validate |
|---|---|---|---|---|
| validate | \`cairn validate DIR --format json\` | ${v_time} s | $(( v_rss / 1024 )) MB | 1.00× |
| render HTML | \`cairn render DIR --out SITE\` | ${h_time} s | $(( h_rss / 1024 )) MB | $(ratio "$h_time" "$v_time")× |
| render Markdown | \`cairn render DIR --out SITE --format markdown\` | ${m_time} s | $(( m_rss / 1024 )) MB | $(ratio "$m_time" "$v_time")× |

Target: render under 2× the time of \`cairn validate\` on the same tree. Rendering includes the whole
validation (it renders the valid entities), so the ratio is 1 plus the cost of the pages.
MD
cat "$REPORT"
