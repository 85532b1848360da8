# Timing helpers shared by the benchmark scripts (bench/drift.sh, bench/conflicts.sh), sourced
# by them after they set:
#   OUT    the directory for generated files (bench-out/)
#   BENCH  the script's prefix for its files in OUT (`drift`, `conflicts`)
#   RUNS   how many times each command runs (medians are taken over them)
# Each command's runs are appended to $OUT/$BENCH-NAME.runs, one line per run:
# "wall-seconds max-RSS-KiB cpu-seconds" (CPU = user + system, all threads).

# GNU time, installed when missing.
need_time() {
    command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
}

# run_once NAME COMMAND...: runs COMMAND once (output discarded, exit code ignored) and records
# its wall time, peak memory and CPU time under NAME.
run_once() {
    local name=$1
    shift
    /usr/bin/time -f '%e %M %U %S' -o "$OUT/$BENCH-time.txt" "$@" >/dev/null 2>"$OUT/$BENCH-stderr.txt" || true
    tail -n 1 "$OUT/$BENCH-time.txt" | awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}' >>"$OUT/$BENCH-$name.runs"
}

# summary NAME: "median-wall max-RSS-KiB median-cpu" over NAME's runs.
summary() {
    local f=$OUT/$BENCH-$1.runs
    printf '%s %s %s\n' "$(cut -d' ' -f1 "$f" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")" \
        "$(cut -d' ' -f2 "$f" | sort -n | tail -n 1)" "$(cut -d' ' -f3 "$f" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")"
}
