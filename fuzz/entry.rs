//! The fuzz targets' entry points, shared by the fuzz targets (fuzz/fuzz_targets/, nightly,
//! cargo-fuzz) and by tests/fuzz_replay.rs (stable `cargo test`), which replays the seed corpora
//! and every past crash through them. Each entry point takes arbitrary bytes and must never
//! panic, hang or allocate without bound; what it checks beyond that is written at each one.

#![allow(dead_code)]

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use cairn::load::Request;
use cairn::report::{self, Format, Sources, Style, Summary};

/// The formats every finding is written in.
const FORMATS: [Format; 6] =
    [Format::Human, Format::Json, Format::Sarif, Format::Github, Format::Gitlab, Format::Markdown];

/// A team the fuzzed file can reference (`owner: team:platform`), so that inputs reach the
/// cross-file rules, not only the schema.
const TEAM: &str =
    "apiVersion: cairn/v1\nkind: Team\nmetadata: {name: platform}\nspec:\n  members: [{login: ada}]\n";

thread_local! {
    /// A scratch directory per thread (the replay test runs on several threads).
    static SCRATCH: RefCell<Option<PathBuf>> = const { RefCell::new(None) };
}

fn scratch() -> PathBuf {
    SCRATCH.with(|cell| {
        cell.borrow_mut()
            .get_or_insert_with(|| {
                let base = if Path::new("/dev/shm").is_dir() {
                    PathBuf::from("/dev/shm")
                } else {
                    std::env::temp_dir()
                };
                let thread =
                    format!("{:?}", std::thread::current().id()).replace(|c: char| !c.is_ascii_digit(), "");
                let dir = base.join(format!("cairn-fuzz-{}-{thread}", std::process::id()));
                let _ = std::fs::remove_dir_all(&dir);
                std::fs::create_dir_all(&dir).expect("scratch directory");
                dir
            })
            .clone()
    })
}

struct Texts<'a>(&'a cairn::load::Loaded);

impl Sources for Texts<'_> {
    fn text(&self, file: &str) -> Option<&str> {
        self.0.files.get(file).map(|f| &*f.text)
    }
}

/// The file the first byte selects (so the corpus covers every reader), and its contents.
fn split(data: &[u8]) -> (&'static str, &[u8]) {
    match data.split_first() {
        Some((selector, rest)) => {
            let name = match selector % 4 {
                0 => "entity.yaml",
                1 => "kb/article.md",
                2 => "cairn.yaml",
                _ => "more.yml",
            };
            (name, rest)
        }
        None => ("entity.yaml", data),
    }
}

/// One file (beside a fixed team) through `cairn validate` and every output format. Checks:
/// every finding points at a line and column ≥ 1 inside a file that was read or at the file as
/// a whole; the JSON, SARIF and GitLab outputs parse as JSON; a second run gives the same bytes.
pub fn validate_file(data: &[u8]) {
    let dir = scratch();
    let (name, contents) = split(data);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("kb")).expect("scratch");
    std::fs::write(dir.join("team.yaml"), TEAM).expect("scratch");
    std::fs::write(dir.join(name), contents).expect("scratch");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
    let first = run_validate(&dir, today);
    let second = run_validate(&dir, today);
    assert!(first == second, "validate is not deterministic");
}

fn run_validate(dir: &Path, today: chrono::NaiveDate) -> Vec<Vec<u8>> {
    let Ok((loaded, outcome)) = cairn::validate::run(&Request::new(dir, None), today) else {
        return Vec::new();
    };
    let (errors, warnings) = cairn::diag::count(&outcome.diagnostics);
    let summary = Summary { files: loaded.file_count, entities: outcome.entities.len(), errors, warnings };
    for d in &outcome.diagnostics {
        let locations = std::iter::once(&d.primary).chain(d.labels.iter().map(|l| &l.location));
        for location in locations {
            if let Some(span) = location.span {
                // Lines of the file's bytes as written (its text may not have been kept: not UTF-8).
                let bytes = std::fs::read(dir.join(&*location.file)).unwrap_or_default();
                let lines = bytes.iter().filter(|b| **b == b'\n').count() as u32 + 1;
                assert!(
                    span.line >= 1
                        && span.col >= 1
                        && span.line <= lines
                        && (span.end_line, span.end_col) >= (span.line, span.col),
                    "finding {} at {span:?} in a file of {lines} lines",
                    d.code.name()
                );
            }
        }
    }
    let mut outputs = Vec::new();
    for format in FORMATS {
        let mut out = Vec::new();
        report::write_diagnostics(
            &mut out,
            format,
            &outcome.diagnostics,
            &summary,
            &Texts(&loaded),
            Style::default(),
        )
        .expect("writing to memory");
        if matches!(format, Format::Json | Format::Sarif | Format::Gitlab) {
            serde_json::from_slice::<serde_json::Value>(&out).expect("JSON output parses");
        }
        outputs.push(out);
    }
    outputs
}

/// The files of the tree a fuzzed patch applies to.
const TREE_FILES: [&str; 2] = ["team.yaml", "services/checkout.yaml"];

/// The tree a fuzzed patch applies to.
fn tree(path: &str) -> Option<Vec<u8>> {
    match path {
        "team.yaml" => Some(TEAM.as_bytes().to_vec()),
        "services/checkout.yaml" => Some(
            b"apiVersion: cairn/v1\nkind: Service\nmetadata: {name: checkout}\nspec:\n  owner: team:platform\n  tier: 1\n"
                .to_vec(),
        ),
        _ => None,
    }
}

/// A patch through the applier. Checks: a patch that applies only touches paths inside the
/// tree, and every byte it adds comes from the patch itself.
pub fn apply_patch(data: &[u8]) {
    match cairn::load::apply_patch(data, &tree) {
        Ok(changes) => {
            for (path, contents) in &changes {
                assert!(
                    !path.starts_with('/') && !path.split('/').any(|c| c == ".." || c == ".git"),
                    "{path:?}"
                );
                if let Some(bytes) = contents {
                    for line in bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
                        // A renamed or copied file keeps the lines of its source, wherever it goes.
                        let known = TREE_FILES.iter().filter_map(|f| tree(f)).any(|t| contains(&t, line));
                        assert!(known || contains(data, line), "{path}: line not from the patch or the tree");
                    }
                }
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// The head commit the fuzzed reviews may name (`commit_id`), so that approvals can count.
const HEAD_SHA: &str = "1111111111111111111111111111111111111111";

const POLICY: &str = "apiVersion: cairn/v1\nkind: Policy\nmetadata: {name: change-policy}\nspec:\n  owners: [team:platform]\n  coverage: required\n  risk:\n    - {if: {impactedTier: 1}, then: high}\n    - {then: low}\n  approvals:\n    - name: owners\n      require: {ownersOf: impacted, count: 1}\n";
const SERVICE: &str = "apiVersion: cairn/v1\nkind: Service\nmetadata: {name: checkout}\nspec:\n  owner: team:platform\n  tier: 2\n";
const CHANGE: &str = "apiVersion: cairn/v1\nkind: ChangeRequest\nmetadata: {name: chg-1}\nspec:\n  type: normal\n  state: authorize\n  requestedBy: ada\n  targets: [service:checkout]\n  window: {start: 2026-12-01T10:00:00Z, end: 2026-12-01T11:00:00Z}\n";
const TEAM_OF_TWO: &str = "apiVersion: cairn/v1\nkind: Team\nmetadata: {name: platform}\nspec:\n  members: [{login: ada}, {login: bob}]\n";

/// A base and a head tree of a small pull request (a service changed, with its change request),
/// written once per thread.
fn gate_trees() -> (PathBuf, PathBuf) {
    let root = scratch().with_extension("gate");
    let (base, head) = (root.join("base"), root.join("head"));
    if !head.join("chg.yaml").is_file() {
        for dir in [&base, &head] {
            std::fs::create_dir_all(dir).expect("scratch");
            std::fs::write(dir.join("team.yaml"), TEAM_OF_TWO).expect("scratch");
            std::fs::write(dir.join("policy.yaml"), POLICY).expect("scratch");
        }
        std::fs::write(base.join("checkout.yaml"), SERVICE).expect("scratch");
        std::fs::write(head.join("checkout.yaml"), SERVICE.replace("tier: 2", "tier: 1")).expect("scratch");
        std::fs::write(head.join("chg.yaml"), CHANGE).expect("scratch");
    }
    (base, head)
}

/// Reviews (GitHub's REST list) and, after a blank line, an event payload, through the whole
/// gate on a fixed pull request. Checks: whatever the forge sends, the gate reaches a verdict,
/// an allow is only given with an approval from a member who is not the author, and two runs
/// give the same verdict.
pub fn gate_reviews(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (listed, event) = match text.split_once("\n\n") {
        Some((listed, event)) => (listed, Some(event)),
        None => (text, None),
    };
    let event = match event.map(cairn::policy::parse_event) {
        Some(Ok(event)) => Some(event),
        Some(Err(_)) => return,
        None => None,
    };
    let Ok(listed) = cairn::policy::parse_reviews(listed) else { return };
    let Ok(reviews) = cairn::policy::combine_reviews(listed, event.as_ref()) else { return };
    let (base, head) = gate_trees();
    let trees =
        cairn::gate::Trees { base: Request::new(&base, None), head: Request::new(&head, None), policy: None };
    let now = chrono::DateTime::parse_from_rfc3339("2026-12-01T09:00:00Z").expect("time");
    let author = event.as_ref().and_then(|e| e.author.clone()).unwrap_or_else(|| "ada".to_owned());
    let judge = || {
        cairn::gate::judge(&trees, &reviews, Some(&author), Some(HEAD_SHA), now, &[])
            .expect("the trees are readable")
    };
    let first = serde_json::to_string(&judge().verdict).expect("verdict as JSON");
    let second = serde_json::to_string(&judge().verdict).expect("verdict as JSON");
    assert!(first == second, "the gate is not deterministic");
    if first.contains("\"verdict\":\"allow\"") {
        let approved_by_other = reviews.iter().any(|r| {
            r.state == cairn::policy::ReviewState::Approved
                && ["ada", "bob"].iter().any(|m| r.login.eq_ignore_ascii_case(m))
                && !r.login.eq_ignore_ascii_case(&author)
        });
        assert!(approved_by_other, "allowed without an approval from another member: {first}");
    }
}

/// Codes that say a file cairn wrote cannot be read back as cairn entities: an import must
/// never write such a file, whatever its sources held.
const UNREADABLE: [&str; 12] = [
    "io-error",
    "invalid-utf8",
    "yaml-syntax",
    "duplicate-key",
    "yaml-too-deep",
    "yaml-alias-limit",
    "yaml-unsupported",
    "too-many-documents",
    "file-too-complex",
    "unknown-api-version",
    "unknown-kind",
    "invalid-name",
];

/// What an import made of its sources, checked: every finding points inside a source file (or
/// at one as a whole); every file it would write is read back by cairn's loader as cairn
/// entities, with none of the [`UNREADABLE`] findings. Returns the files, for comparing runs.
fn check_import(
    imported: &cairn::import::Imported,
    ownership: &cairn::import::Ownership,
    sources: &[(&str, &[u8])],
) -> std::collections::BTreeMap<String, String> {
    for d in &imported.diagnostics {
        let locations = std::iter::once(&d.primary).chain(d.labels.iter().map(|l| &l.location));
        for location in locations {
            let bytes = sources.iter().find(|(name, _)| location.file.ends_with(name)).map(|(_, b)| *b);
            if let (Some(span), Some(bytes)) = (location.span, bytes) {
                let lines = bytes.iter().filter(|b| **b == b'\n').count() as u32 + 1;
                assert!(
                    span.line >= 1 && span.col >= 1 && span.line <= lines,
                    "finding {} at {span:?} in a source of {lines} lines",
                    d.code.name()
                );
            }
        }
    }
    let files: std::collections::BTreeMap<String, String> = (0..imported.entities.len())
        .map(|i| (imported.path(i), imported.text(i, ownership, &|_| None)))
        .collect();
    let out = scratch().join("out");
    let _ = std::fs::remove_dir_all(&out);
    for (path, text) in &files {
        assert!(
            !path.starts_with('/') && !path.split('/').any(|p| p == ".." || p.is_empty()),
            "path {path:?}"
        );
        let target = out.join(path);
        std::fs::create_dir_all(target.parent().expect("a folder")).expect("scratch");
        std::fs::write(&target, text).expect("scratch");
    }
    if !files.is_empty() {
        let loaded = cairn::load::load(&Request::new(&out, None)).expect("the written tree loads");
        for d in &loaded.diagnostics {
            assert!(!UNREADABLE.contains(&d.code.name()), "wrote a file cairn cannot read: {d:?}");
        }
        assert_eq!(loaded.documents.len(), files.len(), "one entity per file written");
    }
    files
}

/// One Backstage catalog file (`catalog-info.yaml`; after a NUL byte, a second file
/// `more/other.yaml` that a Location may name) through `cairn import backstage`: reading,
/// mapping and the files it would write, checked by [`check_import`], twice, for determinism.
pub fn import_backstage(data: &[u8]) {
    let run = || {
        let dir = scratch();
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("in/more")).expect("scratch");
        let (first, second) = match data.iter().position(|b| *b == 0) {
            Some(at) => (&data[..at], &data[at + 1..]),
            None => (data, &[][..]),
        };
        std::fs::write(dir.join("in/catalog-info.yaml"), first).expect("scratch");
        std::fs::write(dir.join("in/more/other.yaml"), second).expect("scratch");
        let Ok(collected) = cairn::import::backstage::collect(&[dir.join("in/catalog-info.yaml")]) else {
            return None;
        };
        let imported = cairn::import::backstage::map(collected);
        let sources = [("catalog-info.yaml", first), ("more/other.yaml", second)];
        Some(check_import(&imported, &cairn::import::backstage::OWNERSHIP, &sources))
    };
    let first = run();
    assert!(first == run(), "import backstage is not deterministic");
}

/// A ServiceNow export through `cairn import servicenow`: the first byte picks JSON or CSV; the
/// rest is the CIs table and, after a NUL byte, the relations table. Checked by
/// [`check_import`], twice, for determinism.
pub fn import_servicenow(data: &[u8]) {
    let (csv, rest) = match data.split_first() {
        Some((selector, rest)) => (selector % 2 == 1, rest),
        None => (false, data),
    };
    let (cis, rels) = match rest.iter().position(|b| *b == 0) {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => (rest, &[][..]),
    };
    let (Ok(cis_text), Ok(rels_text)) = (std::str::from_utf8(cis), std::str::from_utf8(rels)) else {
        return; // The command refuses text that is not UTF-8 before importing.
    };
    let ext = if csv { "csv" } else { "json" };
    let (cis_name, rels_name) = (format!("cmdb_ci.{ext}"), format!("cmdb_rel_ci.{ext}"));
    let source = |name: &str, text: &str| -> cairn::import::servicenow::Source { (name.into(), text.into()) };
    let inputs = cairn::import::servicenow::Inputs {
        cis: vec![source(&cis_name, cis_text)],
        rels: if rels.is_empty() { Vec::new() } else { vec![source(&rels_name, rels_text)] },
        groups: Vec::new(),
        members: Vec::new(),
        map: None,
    };
    let run = || {
        let imported = cairn::import::servicenow::import(&inputs, &std::collections::HashMap::new());
        let sources = [(cis_name.as_str(), cis), (rels_name.as_str(), rels)];
        check_import(&imported, &cairn::import::servicenow::OWNERSHIP, &sources)
    };
    let first = run();
    assert!(first == run(), "import servicenow is not deterministic");
}
