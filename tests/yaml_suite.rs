//! Runs the YAML loader on every case of the YAML community's test suite
//! (`../shared/data/yaml-test-suite` from the repository root; see its README).
//!
//! It proves that loading never panics, that every case the suite marks as invalid yields at
//! least one located problem, and that every problem lies inside its file. It also reports how
//! many valid cases load to the suite's expected JSON (informative: the suite's JSON keeps
//! some values our core-schema typing converts differently).

use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use cairn::load::yaml::{locate, locate_many, locate_nearest, parse, Limits, Parsed};
use serde_json::Value;

/// Invalid cases the parser accepts: (case id, why). Keep this short and explained.
const ACCEPTED_INVALID: &[(&str, &str)] = &[];

struct Case {
    id: String,
    text: String,
    must_reject: bool,
    json: Option<String>,
}

/// The suite beside the repository (`../shared/data/yaml-test-suite`), which this project's CI
/// always provides (`.ci/run` fails without it); a clone with nothing beside it skips the test
/// and says so, so that `cargo test` still runs every other target.
fn suite_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/yaml-test-suite");
    if dir.is_dir() {
        return Some(dir);
    }
    // Straight to stderr, past the test harness's capture, so that `cargo test` shows it.
    let _ = writeln!(
        std::io::stderr(),
        "skipped: the YAML test suite is not at {} (only this project's CI provides it)",
        dir.display()
    );
    None
}

/// Every case folder (`ID/in.yaml`) and sub-case folder (`ID/NN/in.yaml`) under `root`, sorted
/// by id.
fn cases(root: &Path) -> Vec<Case> {
    let mut folders = Vec::new();
    for entry in std::fs::read_dir(root).expect("read the suite directory").flatten() {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        if path.join("in.yaml").is_file() {
            folders.push(path);
        } else {
            for sub in std::fs::read_dir(&path).expect("read a case directory").flatten() {
                if sub.path().join("in.yaml").is_file() {
                    folders.push(sub.path());
                }
            }
        }
    }
    folders.sort();
    folders
        .into_iter()
        .map(|folder| {
            let id = folder.strip_prefix(root).unwrap_or(&folder).display().to_string();
            let bytes = std::fs::read(folder.join("in.yaml")).expect("read in.yaml");
            Case {
                id,
                text: String::from_utf8_lossy(&bytes).into_owned(),
                must_reject: folder.join("error").exists(),
                json: std::fs::read_to_string(folder.join("in.json")).ok(),
            }
        })
        .collect()
}

/// Pointers to every node of `value` (at most `limit`), found without recursion.
fn pointers(value: &Value, limit: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut todo = vec![(String::new(), value)];
    while let Some((pointer, value)) = todo.pop() {
        if out.len() >= limit {
            break;
        }
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    let token = key.replace('~', "~0").replace('/', "~1");
                    todo.push((format!("{pointer}/{token}"), child));
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    todo.push((format!("{pointer}/{i}"), child));
                }
            }
            _ => {}
        }
        out.push(pointer);
    }
    out
}

/// Parses a case, and locates every node of every document it loaded (one `locate_many` per
/// case, one `locate` per node): every node of the loaded value must be found in the source.
fn load(case: &Case) -> Result<(Parsed, Vec<String>, usize), String> {
    catch_unwind(AssertUnwindSafe(|| {
        let parsed = parse(&case.text, &Limits::default());
        let mut lost = Vec::new();
        let mut queries = Vec::new();
        for doc in &parsed.documents {
            for pointer in pointers(&doc.value, 300) {
                if locate(&case.text, doc.index, &pointer).is_none() {
                    lost.push(format!("{}: document {} `{pointer}`", case.id, doc.index));
                }
                let _ = locate_nearest(&case.text, doc.index, &format!("{pointer}/missing"));
                queries.push((doc.index, pointer));
            }
        }
        let found = locate_many(&case.text, &queries);
        for ((doc, pointer), found) in queries.iter().zip(&found) {
            if found.is_none() {
                lost.push(format!("{}: document {doc} `{pointer}` (locate_many)", case.id));
            }
        }
        (parsed, lost, queries.len())
    }))
    .map_err(|panic| {
        let msg = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_string()));
        format!("{}: {}", case.id, msg.unwrap_or_else(|| "panic".to_string()))
    })
}

#[test]
fn yaml_test_suite() {
    let Some(root) = suite_dir() else { return };
    let cases = cases(&root);
    assert!(cases.len() > 300, "only {} cases found", cases.len());
    let mut panics = Vec::new();
    let mut not_rejected = Vec::new();
    let mut misplaced = Vec::new();
    let mut unlocated = Vec::new();
    let mut located = 0;
    let mut valid_with_problems = Vec::new();
    let (mut rejected, mut same_json, mut other_json) = (0, 0, Vec::new());
    for case in &cases {
        let parsed = match load(case) {
            Ok((parsed, lost, count)) => {
                unlocated.extend(lost);
                located += count;
                parsed
            }
            Err(panic) => {
                panics.push(panic);
                continue;
            }
        };
        // YAML breaks lines at LF, CRLF and lone CR.
        let breaks = case.text.replace("\r\n", "\n").matches(['\n', '\r']).count();
        let lines = u32::try_from(breaks + 1).unwrap_or(u32::MAX);
        for p in &parsed.problems {
            let s = p.span;
            if s.line < 1 || s.col < 1 || s.line > lines || s.end_line > lines {
                misplaced.push(format!("{}: {:?} {} at {s:?}", case.id, p.kind, p.message));
            }
        }
        if case.must_reject {
            if parsed.problems.is_empty() {
                not_rejected.push(case.id.clone());
            } else {
                rejected += 1;
            }
        } else if !parsed.problems.is_empty() {
            let kinds: Vec<_> = parsed.problems.iter().map(|p| p.kind).collect();
            valid_with_problems.push(format!("{} {kinds:?}", case.id));
        } else if let Some(json) = &case.json {
            let want: Vec<Value> = serde_json::Deserializer::from_str(json).into_iter().flatten().collect();
            let mut got: Vec<Value> = parsed.documents.into_iter().map(|d| d.value).collect();
            // A stream without documents (only comments) loads as one empty document.
            if want.is_empty() && got == [Value::Null] {
                got.clear();
            }
            if want == got {
                same_json += 1;
            } else {
                other_json.push(case.id.clone());
            }
        }
    }
    let must_reject = cases.iter().filter(|c| c.must_reject).count();
    let allowed: Vec<&str> = ACCEPTED_INVALID.iter().map(|(id, _)| *id).collect();
    let unexpected: Vec<&String> = not_rejected.iter().filter(|id| !allowed.contains(&id.as_str())).collect();
    println!(
        "{} cases: {} must be rejected, {rejected} rejected with a located problem, \
         {} accepted (allowlisted: {}); {same_json} valid cases load to the suite's JSON, \
         {} differ: {:?}",
        cases.len(),
        must_reject,
        not_rejected.len(),
        allowed.len(),
        other_json.len(),
        other_json
    );
    println!("{located} loaded nodes located, {} not found", unlocated.len());
    // Valid YAML that cairn refuses on purpose: custom tags, non-scalar keys, ...
    println!("{} valid cases have problems: {valid_with_problems:#?}", valid_with_problems.len());
    assert!(panics.is_empty(), "panicked on {} cases: {panics:#?}", panics.len());
    assert!(unlocated.is_empty(), "loaded nodes not found in the source: {unlocated:#?}");
    assert!(misplaced.is_empty(), "problems outside their file: {misplaced:#?}");
    assert!(unexpected.is_empty(), "invalid cases accepted without a problem: {unexpected:?}");
}
