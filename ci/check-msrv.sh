#!/usr/bin/env bash
# Keeps the minimum Rust version true: Cargo.toml's `rust-version` (which README states) must be
# at least the highest `rust-version` any locked dependency declares, for any platform; and
# when the toolchain of that version can be installed, cairn must build with it.
#
#   ci/check-msrv.sh            # compare the declarations (cargo metadata; needs crates.io)
#   CAIRN_MSRV_BUILD=0 ci/check-msrv.sh   # the same, without trying the toolchain
set -euo pipefail
cd "$(dirname "$0")/.."

declared=$(sed -n 's/^rust-version *= *"\([0-9.]*\)"/\1/p' Cargo.toml)
readme=$(grep -o 'Rust toolchain ([0-9.]* or newer)' README.md | grep -o '[0-9][0-9.]*' || true)
cargo metadata --format-version 1 --locked 2>/dev/null | python3 -c '
import json, sys
declared, readme = sys.argv[1], sys.argv[2]
def version(text):
    parts = [int(p) for p in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))
packages = json.load(sys.stdin)["packages"]
own = {"cairn"}
needs = sorted(
    ((version(p["rust_version"]), p["name"], p["version"], p["rust_version"])
     for p in packages if p.get("rust_version") and p["name"] not in own),
    reverse=True,
)
top = needs[0]
highest = [f"{name} {v}" for key, name, v, _ in needs if key == top[0]]
stated = readme or "(not stated)"
names = ", ".join(highest[:6])
print(f"Cargo.toml rust-version: {declared}; README: {stated}")
print(f"highest rust-version of the locked dependencies: {top[3]} ({names})")
failed = False
if version(declared) < top[0]:
    print(f"error: rust-version {declared} is below what the dependencies need ({top[3]})")
    failed = True
if readme != declared:
    print(f"error: README says Rust {stated}, Cargo.toml says {declared}")
    failed = True
sys.exit(1 if failed else 0)
' "$declared" "$readme"

if [ "${CAIRN_MSRV_BUILD:-1}" != 0 ]; then
    if rustup toolchain install "$declared" --profile minimal >/dev/null 2>&1; then
        echo "building with Rust $declared"
        CARGO_TARGET_DIR=target/msrv cargo "+$declared" check --locked --all-targets --quiet
        echo "ok: cairn builds with Rust $declared"
    else
        echo "note: the Rust $declared toolchain could not be installed here; the declarations above are the check"
    fi
fi
