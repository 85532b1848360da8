#!/usr/bin/env bash
# The whole cairn flow on one proposed change, as CI runs it on a pull request:
#
#   examples/demo.sh [PROPOSAL]        (default: upgrade-opensearch)
#
# Builds cairn, makes a scratch git repository of examples/acme (branch `main`), commits the
# proposal's patch on a branch `proposal`, then runs
#   1. cairn validate    on the proposal's tree,
#   2. cairn impact      main → proposal (what the change reaches, and why),
#   3. cairn gate        main → proposal with the proposal's reviews, author and merge time.
# The proposals are in examples/proposals/<name>/: change.patch, reviews.json and case.yaml
# (author, merge time and the verdict expected). In reviews.json, `"commit_id": "head"` stands
# for the proposal's head commit, filled in here. Exits 0 when the gate's verdict is the one
# case.yaml expects (even a block), 1 when it is not, 2 when something could not run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
proposal="${1:-upgrade-opensearch}"
case_dir="$here/proposals/$proposal"
if [[ ! -f "$case_dir/case.yaml" ]]; then
    echo "error: no proposal \`$proposal\`; the proposals are:" >&2
    for d in "$here"/proposals/*/; do echo "  $(basename "$d")" >&2; done
    exit 2
fi

echo "building cairn (cargo build --release)…" >&2
cargo build --release --quiet --locked --manifest-path "$root/Cargo.toml" --bin cairn
target_dir="${CARGO_TARGET_DIR:-$root/target}"
[[ "$target_dir" = /* ]] || target_dir="$root/$target_dir"
cairn="$target_dir/release/cairn"

field() { sed -n "s/^$1: *//p" "$case_dir/case.yaml" | head -n 1; }
author="$(field author)"
now="$(field now)"
expected="$(sed -n 's/^  verdict: *//p' "$case_dir/case.yaml" | head -n 1)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
repo="$work/acme"
mkdir "$repo"
cp -R "$here/acme/." "$repo/"
# Fixed names and dates: the same proposal gives the same commits, and so the same output.
export GIT_AUTHOR_NAME=cairn-demo GIT_AUTHOR_EMAIL=demo@cairn.invalid
export GIT_COMMITTER_NAME=cairn-demo GIT_COMMITTER_EMAIL=demo@cairn.invalid
export GIT_AUTHOR_DATE=2026-11-20T12:00:00Z GIT_COMMITTER_DATE=2026-11-20T12:00:00Z
git_() { git -C "$repo" -c core.autocrlf=false -c commit.gpgsign=false "$@"; }
git_ init -q -b main
git_ add -A
git_ commit -q -m "Acme IT: the organisation"
git_ checkout -q -b proposal
git_ apply --whitespace=nowarn "$case_dir/change.patch"
git_ add -A
git_ commit -q -m "Proposal: $proposal"
head="$(git_ rev-parse HEAD)"
sed "s/\"commit_id\": *\"head\"/\"commit_id\": \"$head\"/g" "$case_dir/reviews.json" >"$work/reviews.json"

cd "$repo"
# Bold headings on a terminal only, and never with NO_COLOR (https://no-color.org): a pipe or a
# log gets plain text.
if [[ -t 1 && -z "${NO_COLOR:-}" ]]; then
    step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
else
    step() { printf '\n== %s\n' "$*"; }
fi
step "cairn validate   (the proposal's tree)"
"$cairn" validate . --today "${now%%T*}" --color never
step "cairn impact --base main --head proposal"
"$cairn" impact --base main --head proposal
step "cairn gate --base main --head proposal --reviews reviews.json --author $author --now $now"
status=0
"$cairn" gate --base main --head proposal --reviews "$work/reviews.json" --author "$author" --now "$now" || status=$?
if [[ $status -ge 2 ]]; then
    exit "$status"
fi
got=allow
[[ $status -eq 1 ]] && got=block
echo
if [[ "$got" == "$expected" ]]; then
    echo "verdict: $got, as examples/proposals/$proposal/case.yaml expects"
else
    echo "verdict: $got, but examples/proposals/$proposal/case.yaml expects $expected"
    exit 1
fi
