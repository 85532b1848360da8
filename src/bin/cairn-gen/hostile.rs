//! `cairn-gen hostile SHAPE --out DIR`: the worst inputs within cairn's bounds that we could
//! think of, for `bench/hostile.sh`. Each shape is a small repository (a policy, a team) plus
//! the hostile files; every file stays within the default `limits` (16 MiB per file, depth 64,
//! 10,000 alias nodes per document), so whatever they cost is what a pull request can cost.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

/// The shapes, with what each is meant to stress.
pub const SHAPES: &[(&str, &str)] = &[
    ("alias-docs", "one file: thousands of small documents, each expanding 100 aliases of a 100-item list"),
    ("alias-docs-16m", "as alias-docs, at the 16 MiB file size bound"),
    ("alias-files", "2,000 files of 2 KB, each document expanding aliases to its full budget"),
    ("flow-seq", "one CI whose attributes hold a 16 MiB flow sequence of one-digit numbers"),
    ("wide-map", "one CI whose attributes hold a mapping of 16 MiB of distinct keys"),
    ("long-keys", "one CI whose attributes hold keys and values of 64 KiB each, 16 MiB in all"),
    ("deep", "16 MiB of documents nested 63 levels deep, one under the depth bound"),
    ("documents", "99,999 tiny team documents in one 16 MiB file"),
    ("findings", "one team with 16 MiB of unknown fields: a finding each"),
    ("many-files", "20 files of 16 MiB flow sequences: 320 MiB, past the run's byte budget"),
    ("markdown", "one knowledge article with a 16 MiB body of nested lists, tables and links"),
];

const MAX_FILE: usize = 16 * 1024 * 1024 - 1024;

const BASE: &[(&str, &str)] = &[
    (
        "policy.yaml",
        "apiVersion: cairn/v1\nkind: Policy\nmetadata: {name: change-policy}\nspec: {owners: [team:sre]}\n",
    ),
    (
        "team.yaml",
        "apiVersion: cairn/v1\nkind: Team\nmetadata: {name: sre}\nspec: {members: [{login: ann}]}\n",
    ),
];

pub fn run_hostile(shape: &str, out: &Path) -> Result<(), String> {
    if !SHAPES.iter().any(|(name, _)| *name == shape) {
        let names: Vec<&str> = SHAPES.iter().map(|(n, _)| *n).collect();
        return Err(format!("unknown shape `{shape}`; the shapes are: {}", names.join(", ")));
    }
    fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let write = |name: &str, text: &str| {
        let path = out.join(name);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    for (name, text) in BASE {
        write(name, text)?;
    }
    let mut bytes = 0usize;
    let mut files = 0usize;
    let mut emit = |name: &str, text: &str| -> Result<(), String> {
        assert!(text.len() <= MAX_FILE + 1024, "{name} is over the file size bound");
        bytes += text.len();
        files += 1;
        write(name, text)
    };
    match shape {
        "alias-docs" => emit("hostile.yaml", &alias_docs(2_000_000))?,
        "alias-docs-16m" => emit("hostile.yaml", &alias_docs(MAX_FILE))?,
        "alias-files" => {
            for i in 0..2_000 {
                emit(&format!("cmdb/ci-{i:05}.yaml"), &alias_budget_doc(i))?;
            }
        }
        "flow-seq" => emit("hostile.yaml", &flow_seq(MAX_FILE))?,
        "wide-map" => emit("hostile.yaml", &wide_map(MAX_FILE))?,
        "long-keys" => emit("hostile.yaml", &long_keys(MAX_FILE))?,
        "deep" => emit("hostile.yaml", &deep(MAX_FILE))?,
        "documents" => emit("hostile.yaml", &documents(99_999))?,
        "findings" => emit("hostile.yaml", &findings(MAX_FILE))?,
        "many-files" => {
            let text = flow_seq(MAX_FILE);
            for i in 0..20 {
                emit(
                    &format!("cmdb/big-{i:02}.yaml"),
                    &text.replace("name: big", &format!("name: big-{i:02}")),
                )?;
            }
        }
        "markdown" => emit("kb/huge.md", &markdown(MAX_FILE))?,
        _ => unreachable!(),
    }
    eprintln!("cairn-gen: {shape}: {files} hostile files, {:.1} MB", bytes as f64 / 1e6);
    Ok(())
}

fn ci_head(name: &str) -> String {
    format!("apiVersion: cairn/v1\nkind: ConfigurationItem\nmetadata: {{name: {name}}}\nspec:\n  class: demo/hostile\n  owner: sre\n")
}

/// The shape of issue 11.4: each document anchors a 100-item list and expands it 98 times
/// (98 × 101 = 9,898 nodes: 100 expansions would pass the per-document budget of 10,000).
fn alias_docs(size: usize) -> String {
    let list: Vec<String> = (0..100).map(|i| i.to_string()).collect();
    let mut text = String::new();
    let mut i = 0;
    loop {
        let mut doc = ci_head(&format!("ci-{i:06}"));
        let _ = writeln!(doc, "  attributes:\n    list: &l [{}]", list.join(", "));
        let _ = writeln!(doc, "    copies: [{}]", vec!["*l"; 98].join(", "));
        if text.len() + doc.len() + 4 > size {
            break;
        }
        text.push_str("---\n");
        text.push_str(&doc);
        i += 1;
    }
    text
}

/// One small document that uses its whole alias budget: a 10-item list, expanded 900 times
/// (9,900 nodes of 10,000).
fn alias_budget_doc(i: usize) -> String {
    let mut doc = ci_head(&format!("ci-{i:05}"));
    let _ = writeln!(doc, "  attributes:\n    l: &l [a, b, c, d, e, f, g, h, i, j]");
    let _ = writeln!(doc, "    m: &m [*l, *l, *l, *l, *l, *l, *l, *l, *l, *l]");
    let _ = writeln!(doc, "    copies: [{}]", ["*m"; 8].join(", "));
    doc
}

fn flow_seq(size: usize) -> String {
    let mut text = ci_head("big");
    text.push_str("  attributes:\n    numbers: [");
    while text.len() + 4 < size {
        text.push_str("1, ");
    }
    text.push_str("1]\n");
    text
}

fn wide_map(size: usize) -> String {
    let mut text = ci_head("wide");
    text.push_str("  attributes:\n");
    let mut i = 0u64;
    while text.len() + 24 < size {
        let _ = writeln!(text, "    k{i:09}: {}", i % 10);
        i += 1;
    }
    text
}

fn long_keys(size: usize) -> String {
    let mut text = ci_head("long");
    text.push_str("  attributes:\n");
    let mut i = 0u64;
    let filler = "x".repeat(64 * 1024 - 16);
    while text.len() + 2 * filler.len() + 64 < size {
        let _ = writeln!(text, "    k{i:09}{filler}: v{filler}");
        i += 1;
    }
    text
}

fn deep(size: usize) -> String {
    // 63 levels of flow sequences inside a document of depth 1: the bound is 64.
    let one = format!("---\n{}1{}\n", "[".repeat(63), "]".repeat(63));
    one.repeat(size / one.len())
}

fn documents(n: usize) -> String {
    let mut text = String::new();
    for i in 0..n {
        let _ = writeln!(text, "---\napiVersion: cairn/v1\nkind: Team\nmetadata: {{name: t{i:05}}}");
    }
    text
}

fn findings(size: usize) -> String {
    let mut text = String::from("apiVersion: cairn/v1\nkind: Team\nmetadata: {name: noisy}\nspec:\n");
    let mut i = 0u64;
    while text.len() + 16 < size {
        let _ = writeln!(text, "  u{i:08}: 1");
        i += 1;
    }
    text
}

fn markdown(size: usize) -> String {
    let mut text = String::from(
        "---\napiVersion: cairn/v1\nkind: KnowledgeArticle\nmetadata: {name: huge}\nspec: {type: howto, owner: sre}\n---\n# Huge\n\n",
    );
    let mut i = 0u64;
    while text.len() + 600 < size {
        let _ = writeln!(
            text,
            "- item {i} with [a link](https://example.com/{i}) and `code`\n  - nested *emphasis* <b>html</b>\n    - deeper **strong** text\n\n| a | b | c |\n|---|---|---|\n| {i} | x | y |\n"
        );
        i += 1;
    }
    text
}
