//! `cairn-gen`: synthetic organisations for tests and benchmarks.
//!
//! - `cairn-gen org --out DIR --entities N [--seed S] [--docs-per-file K]` writes a realistic
//!   cairn repository of about N entities (teams, services, a CMDB, catalog items, SLAs,
//!   windows, change requests, knowledge articles, one policy and `cairn.yaml`). Every
//!   reference resolves, there are no dependency cycles and the tree validates clean. The
//!   output depends only on N, S and K: the same arguments give byte-identical files. It also
//!   writes `bench-manifest.txt` (`kind<TAB>path` per file) for tools that validate one kind
//!   at a time.
//! - `cairn-gen mutate --dir DIR --files N [--seed S]` edits N configuration-item files in
//!   place the way a pull request would (bump a version, change replicas, edit a description).
//! - `cairn-gen servicenow --out DIR [--cis N] [--rels M] [--seed S]` writes a ServiceNow CMDB
//!   export (Table API JSON with display values) of N records and M relations for the
//!   `cairn import servicenow` benchmark; the import of it validates without errors.
//! - `cairn-gen parse-floor DIR` is the speed floor `cairn validate` is measured against: walk
//!   DIR like cairn does and run saphyr-parser's event parser over every YAML file and every
//!   Markdown front matter, on all cores, building nothing.
//! - `cairn-gen hostile SHAPE --out DIR` writes a repository holding one hostile shape within
//!   the default bounds (alias expansion across documents, huge flow sequences, …), for
//!   `bench/hostile.sh`.
//! - `cairn-gen write-floor SITE OUT` is the floor `cairn render` is measured against: create,
//!   in one thread like cairn's writer, a copy of the tree of files under SITE (same paths,
//!   same sizes) in OUT, and report what creating them cost.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use chrono::{Datelike, Duration as ChronoDuration, NaiveDate, TimeZone, Weekday};
use clap::{Parser, Subcommand};
use rayon::prelude::*;

#[derive(Parser)]
#[command(
    name = "cairn-gen",
    version,
    about = "Generate synthetic cairn organisations and measure the parse floor"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write a synthetic organisation of about N entities into DIR.
    Org {
        /// Directory to create (must be absent or empty).
        #[arg(long)]
        out: PathBuf,
        /// About how many entities to write.
        #[arg(long)]
        entities: usize,
        /// Seed of the generator: the same seed gives the same bytes.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Documents per YAML file (packed with `---`); knowledge articles stay one per file.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
        docs_per_file: u32,
        /// How many open change requests, planned for 2027 (default: 40% of the 4% of
        /// entities that are change requests); the conflicts benchmark asks for 4,000.
        #[arg(long)]
        open_changes: Option<usize>,
    },
    /// Edit N configuration-item files in place, like a pull request would.
    Mutate {
        /// A repository written by `cairn-gen org`.
        #[arg(long)]
        dir: PathBuf,
        /// How many files to change.
        #[arg(long)]
        files: usize,
        /// Seed choosing the files and the edits.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Write a synthetic ServiceNow CMDB export (Table API JSON with display values) of N CIs
    /// and M relations into DIR, for `cairn import servicenow`.
    Servicenow {
        /// Directory to write `cmdb_ci.json`, `cmdb_rel_ci.json` and `sys_user_group.json` to.
        #[arg(long)]
        out: PathBuf,
        /// How many CMDB records (one in fifty a service).
        #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(2..))]
        cis: u64,
        /// How many relations.
        #[arg(long, default_value_t = 300_000)]
        rels: u64,
        /// Seed of the generator: the same seed gives the same bytes.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Parse every YAML file and front matter under DIR with saphyr-parser events (the floor).
    ParseFloor {
        /// The repository to read.
        dir: PathBuf,
    },
    /// Create files with the paths and sizes of those under SITE in OUT, on one thread, and
    /// print the time that took (the floor of writing a rendered site).
    WriteFloor {
        /// A site `cairn render` wrote.
        site: PathBuf,
        /// Directory to create (must not exist).
        out: PathBuf,
    },
    /// Write a repository holding one hostile shape (see `bench/hostile.sh`).
    Hostile {
        /// The shape: alias-docs, alias-docs-16m, alias-files, flow-seq, wide-map, long-keys,
        /// deep, documents, findings, many-files, markdown.
        shape: String,
        /// Directory to write into.
        #[arg(long)]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Org { out, entities, seed, docs_per_file, open_changes } => {
            run_org(&out, entities, seed, docs_per_file as usize, open_changes)
        }
        Command::Mutate { dir, files, seed } => run_mutate(&dir, files, seed),
        Command::Servicenow { out, cis, rels, seed } => {
            servicenow::run_servicenow(&out, cis as usize, rels as usize, seed)
        }
        Command::ParseFloor { dir } => run_parse_floor(&dir),
        Command::WriteFloor { site, out } => run_write_floor(&site, &out),
        Command::Hostile { shape, out } => hostile::run_hostile(&shape, &out),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cairn-gen: {e}");
            ExitCode::from(2)
        }
    }
}

// First: its `w!` macro is used by the modules after it.
#[macro_use]
mod scalars;
mod floor;
mod gen;
mod hostile;
mod mutate;
mod names;
mod rng;
mod servicenow;
#[cfg(test)]
mod tests;
mod words;

use floor::*;
use gen::*;
use mutate::*;
use names::*;
use rng::*;
use scalars::*;
use words::*;

/// Files of the repository: (relative path, short kind, content).
fn layout(docs: Vec<Doc>, per_file: usize) -> Vec<(String, &'static str, String)> {
    let path = |dir: &str, name: &str, ext: &str| {
        if dir.is_empty() {
            format!("{name}.{ext}")
        } else {
            format!("{dir}/{name}.{ext}")
        }
    };
    let mut files = Vec::with_capacity(docs.len());
    let mut part = 0usize;
    let mut docs = docs;
    if per_file > 1 {
        // Documents of one folder together (a stable sort keeps the order within a folder).
        docs.sort_by(|a, b| a.dir.cmp(&b.dir));
    }
    let mut docs = docs.into_iter().peekable();
    while let Some(d) = docs.next() {
        if per_file <= 1 || d.ext != "yaml" || d.dir.is_empty() {
            files.push((path(&d.dir, &d.stem, d.ext), d.kind, d.text));
            continue;
        }
        // Pack consecutive YAML documents of one folder and kind.
        part += 1;
        let stem = format!("{}-{part:05}", d.dir.rsplit('/').next().unwrap_or("part"));
        let p = path(&d.dir, &stem, d.ext);
        let (kind, dir, mut text) = (d.kind, d.dir, d.text);
        for _ in 1..per_file {
            match docs.next_if(|next| next.ext == "yaml" && next.dir == dir && next.kind == kind) {
                Some(next) => {
                    text.push_str("---\n");
                    text.push_str(&next.text);
                }
                None => break,
            }
        }
        files.push((p, kind, text));
    }
    files
}

fn run_org(
    out: &Path,
    entities: usize,
    seed: u64,
    per_file: usize,
    open: Option<usize>,
) -> Result<(), String> {
    if out.exists() {
        let mut entries = fs::read_dir(out).map_err(|e| format!("{}: {e}", out.display()))?;
        if entries.next().is_some() {
            return Err(format!("{} exists and is not empty", out.display()));
        }
    }
    let started = Instant::now();
    let docs = generate_with(entities, seed, open);
    self_check(&docs)?;
    let n_docs = docs.len();
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &docs {
        *by_kind.entry(d.kind).or_default() += 1;
    }
    let files = layout(docs, per_file);
    let dirs: BTreeSet<&str> =
        files.iter().filter_map(|(p, _, _)| p.rsplit_once('/').map(|(d, _)| d)).collect();
    fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    for d in &dirs {
        fs::create_dir_all(out.join(d)).map_err(|e| format!("{d}: {e}"))?;
    }
    let mut manifest = String::new();
    for (p, kind, _) in &files {
        w!(manifest, "{kind}\t{p}");
    }
    let bytes = AtomicU64::new(0);
    files.par_iter().try_for_each(|(p, _, text)| {
        bytes.fetch_add(text.len() as u64, Ordering::Relaxed);
        fs::write(out.join(p), text).map_err(|e| format!("{p}: {e}"))
    })?;
    let readme = format!(
        "# Example organisation\n\nA synthetic cairn repository written by \
         `cairn-gen org --entities {entities} --seed {seed}`.\nCheck it with `cairn validate .`.\n"
    );
    let write = |name: &str, text: &str| fs::write(out.join(name), text).map_err(|e| format!("{name}: {e}"));
    write("README.md", &readme)?;
    write(".gitignore", "/local/\n*.tmp\n")?;
    write("bench-manifest.txt", &manifest)?;
    let summary: Vec<String> = by_kind.iter().map(|(k, n)| format!("{k} {n}")).collect();
    eprintln!(
        "cairn-gen: {n_docs} entities in {} files, {:.1} MB, in {:.2} s ({})",
        files.len(),
        bytes.load(Ordering::Relaxed) as f64 / 1e6,
        started.elapsed().as_secs_f64(),
        summary.join(", ")
    );
    Ok(())
}
