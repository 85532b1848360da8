//! `cairn policy check` (the change policy, with exact diagnostics) and `cairn policy test DIR`
//! (declarative cases: a proposed change, its reviews and the time → the verdict expected).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::DateTime;

use super::{CaseFormat, ColorChoice};
use crate::diag::{self, Code, Diagnostic, Location, Part, Span};
use crate::gate;
use crate::load::{self, CaseFile, Changes, Loaded, Request};
use crate::model::{CaseReviews, Kind, PolicyTest, Spec};
use crate::policy;
use crate::policy::cases::{self, CaseStatus, CASE_HEAD};
use crate::report::cases::{write_case_reports, CaseReport};
use crate::report::{Format, Style, Summary};
use crate::validate;

#[derive(Debug, clap::Args)]
pub struct PolicyArgs {
    #[command(subcommand)]
    pub command: PolicyCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum PolicyCommand {
    /// Check the change policy: its schema, its references, and rules that can never pass or
    /// never fire.
    Check(CheckArgs),
    /// Run the policy test cases in DIR: each a proposed change, its reviews and the time, with
    /// the verdict the gate must give.
    Test(TestArgs),
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub tree: super::CheckedTree,
}

#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// The directory of cases: each `.yaml` file in it, and `case.yaml` in each directory in it.
    pub dir: PathBuf,
    /// The repository whose policy is tested: a case's base unless it names its own.
    #[arg(long, value_name = "PATH", default_value = ".")]
    pub repo: PathBuf,
    /// Read the repository at this git revision instead of its files on disk.
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    /// Output format: human or json.
    #[arg(long, value_enum, default_value_t = CaseFormat::Human)]
    pub format: CaseFormat,
    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

pub fn run_policy(args: &PolicyArgs) -> Result<i32, String> {
    match &args.command {
        PolicyCommand::Check(args) => run_check(args),
        PolicyCommand::Test(args) => run_test(args),
    }
}

/// The codes that are about the policy wherever they point.
const POLICY_CODES: &[Code] = &[Code::MissingPolicy, Code::DuplicatePolicy, Code::PolicyLocation];

fn run_check(args: &CheckArgs) -> Result<i32, String> {
    let today = chrono::Local::now().date_naive();
    let (loaded, outcome) = validate::run(&args.tree.request(), today).map_err(|e| e.to_string())?;
    // Findings in the files that hold a policy document, and the policy codes anywhere.
    let policy_files: std::collections::BTreeSet<&str> = loaded
        .files
        .keys()
        .map(|f| &**f)
        .filter(|f| {
            outcome.entities.iter().any(|e| matches!(e.spec, Spec::Policy(_)) && &*e.origin.file == *f)
                || outcome.broken.iter().any(|(r, o)| r.kind == crate::model::Kind::Policy && &*o.file == *f)
        })
        .collect();
    let diagnostics: Vec<Diagnostic> = outcome
        .diagnostics
        .iter()
        .filter(|d| POLICY_CODES.contains(&d.code) || policy_files.contains(&*d.primary.file))
        .cloned()
        .collect();
    let (errors, warnings) = diag::count(&diagnostics);
    let policies = outcome.entities.iter().filter(|e| matches!(e.spec, Spec::Policy(_))).count();
    let summary = Summary { files: policy_files.len(), entities: policies, errors, warnings };
    let failed = args.tree.report(&loaded, &diagnostics, &summary, |out| outline(out, &outcome.entities))?;
    Ok(i32::from(failed))
}

/// What the policy says, in a few lines, after a clean check.
fn outline(out: &mut dyn Write, entities: &[crate::model::Entity]) -> std::io::Result<()> {
    for entity in entities {
        let Spec::Policy(p) = &entity.spec else { continue };
        let owners: Vec<String> = p.owners.iter().map(|o| o.to_string()).collect();
        let names: Vec<&str> = p.approvals.iter().map(|a| a.name.as_str()).collect();
        let standard: Vec<&str> = p.standard_changes.iter().map(|s| s.name.as_str()).collect();
        writeln!(out, "{} ({}:{}):", entity.reference(), entity.origin.file, entity.origin.line)?;
        writeln!(out, "  owners: {}", if owners.is_empty() { "none".into() } else { owners.join(", ") })?;
        writeln!(out, "  coverage: {}", serde_name(&p.coverage))?;
        writeln!(out, "  risk rules: {}", p.risk.len())?;
        writeln!(
            out,
            "  approval rules: {}",
            if names.is_empty() { "none".into() } else { names.join(", ") }
        )?;
        writeln!(
            out,
            "  standard changes: {}",
            if standard.is_empty() { "none".into() } else { standard.join(", ") }
        )?;
        writeln!(out, "  windows: {}", serde_name(&p.windows))?;
        writeln!(
            out,
            "  self-approval: {}; stale approvals: {}",
            if p.allow_self_approval { "allowed" } else { "not allowed" },
            if p.invalidate_stale_approvals { "do not count" } else { "count" }
        )?;
    }
    Ok(())
}

fn serde_name(value: &impl serde::Serialize) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn run_test(args: &TestArgs) -> Result<i32, String> {
    let found = load::find_policy_tests(&args.dir).map_err(|e| e.to_string())?;
    if found.is_empty() {
        return Err(format!(
            "no policy test cases in `{}` (a case is a .yaml file in it, or a `{}` in a directory in it)",
            args.dir.display(),
            load::CASE_FILE
        ));
    }
    let mut reports = Vec::new();
    let mut sources = Loaded::default();
    for case in &found {
        let (report, loaded) = run_case(case, args);
        sources.files.extend(loaded.files);
        reports.push(report);
    }
    let format = Format::from(args.format);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let style = Style { color: super::color(args.color) };
    let written = write_case_reports(&mut out, format, &reports, &super::LoadedSources(&sources), style)
        .and_then(|_| out.flush());
    super::output_written(written)?;
    Ok(i32::from(reports.iter().any(|r| r.status != CaseStatus::Pass)))
}

/// Runs one case: its file's text comes back too, to show its findings.
fn run_case(case: &CaseFile, args: &TestArgs) -> (CaseReport, Loaded) {
    let (loaded, value) = load::read_policy_test(case);
    let mut report = CaseReport {
        name: case.name.clone(),
        file: case.shown.to_string(),
        description: None,
        status: CaseStatus::Invalid,
        mismatches: Vec::new(),
        diagnostics: loaded.diagnostics.clone(),
        verdict: None,
    };
    let finish = |mut report: CaseReport, loaded: Loaded| {
        loaded.resolve(&mut report.diagnostics);
        report.diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        (report, loaded)
    };
    let Some(value) = value else {
        if report.diagnostics.is_empty() {
            report.diagnostics.push(Diagnostic::new(
                Code::MissingField,
                "the case file is empty: a case needs at least `now` and `expect`",
                Location::file(case.shown.clone()),
            ));
        }
        return finish(report, loaded);
    };
    if report.diagnostics.is_empty() {
        report.diagnostics = validate::schema::check_policy_test(&case.shown, &value);
    }
    if !report.diagnostics.is_empty() {
        return finish(report, loaded);
    }
    let test: PolicyTest = match serde_json::from_value(value) {
        Ok(test) => test,
        Err(e) => {
            report.diagnostics.push(Diagnostic::new(
                Code::InvalidValue,
                format!("the case does not fit its schema: {e}"),
                Location::file(case.shown.clone()),
            ));
            return finish(report, loaded);
        }
    };
    report.description = test.description.clone();
    let mut loaded = loaded;
    match run_test_case(case, &test, args) {
        Ok(verdict) => {
            report.mismatches = cases::mismatches(&test.expect, &verdict);
            report.status = if report.mismatches.is_empty() { CaseStatus::Pass } else { CaseStatus::Fail };
            report.verdict = Some(verdict);
        }
        Err(CaseError::Case(diagnostics)) => report.diagnostics = diagnostics,
        Err(CaseError::Tree(diagnostics, tree)) => {
            report.diagnostics = diagnostics;
            loaded.files.extend(tree.files);
        }
    }
    finish(report, loaded)
}

/// Why a case could not be run.
enum CaseError {
    /// Findings in the case file.
    Case(Vec<Diagnostic>),
    /// Errors in a tree the case built, with that tree's texts to show them.
    Tree(Vec<Diagnostic>, Box<Loaded>),
}

impl From<Vec<Diagnostic>> for CaseError {
    fn from(diagnostics: Vec<Diagnostic>) -> CaseError {
        CaseError::Case(diagnostics)
    }
}

/// Builds the case's two trees and reviews and asks the gate; a problem with the case's inputs
/// is a finding at the field that names them, and a tree that does not validate is shown with
/// its errors (the gate would not see the documents at fault).
fn run_test_case(case: &CaseFile, test: &PolicyTest, args: &TestArgs) -> Result<policy::Verdict, CaseError> {
    let at = |pointer: &str, code: Code, message: String| {
        vec![Diagnostic::new(code, message, Location::pointer(case.shown.clone(), 0, pointer, Part::Value))]
    };
    let now = DateTime::parse_from_rfc3339(&test.now).map_err(|e| {
        at(
            "/now",
            Code::InvalidValue,
            format!("`{}` is not an RFC 3339 time ({e}), e.g. 2026-11-24T10:00:00Z", test.now),
        )
    })?;
    if test.head.is_some() && (test.patch.is_some() || !test.files.is_empty()) {
        return Err(CaseError::Case(at(
            "/head",
            Code::InvalidValue,
            "`head` is the whole tree of the pull request: it cannot be combined with `patch` or `files`"
                .into(),
        )));
    }
    let dir = case.dir();
    // What a case names stays inside its directory, or the repository it tests, and off links
    // out of them: a case is input, and its mismatch messages quote the files it names.
    let confined = |pointer: &str, relative: &str| -> Result<PathBuf, CaseError> {
        load::confined::confine(relative, dir, &[dir, args.repo.as_path()])
            .map_err(|why| CaseError::Case(at(pointer, Code::InvalidValue, why)))
    };
    let base_path: PathBuf = match &test.base {
        Some(base) => confined("/base", base)?,
        None => args.repo.clone(),
    };
    let base_rev = if test.base.is_some() { None } else { args.rev.as_deref() };
    let base = Request::new(&base_path, base_rev);
    if let Err(e) = load::read_file(&base, "cairn.yaml") {
        let pointer = if test.base.is_some() { "/base" } else { "" };
        return Err(at(pointer, Code::IoError, format!("cannot read the base tree: {e}")).into());
    }

    let mut changes = Changes::new();
    if let Some(patch) = &test.patch {
        let path = confined("/patch", patch)?;
        let bytes = load::read_case_input(&path, patch).map_err(|e| at("/patch", Code::IoError, e))?;
        if let Some((line, column)) = load::nul_position(&bytes) {
            // Located in the patch itself, where the NUL is.
            let folder = case.shown.rsplit_once('/').map_or("", |(folder, _)| folder);
            let shown: Arc<str> =
                if folder.is_empty() { patch.as_str().into() } else { format!("{folder}/{patch}").into() };
            return Err(CaseError::Case(vec![Diagnostic::new(
                Code::InvalidUtf8,
                "the patch holds a NUL byte: it is binary, not a unified diff",
                Location::at(shown, Span::point(line, column)),
            )
            .with_note(format!("the case's `patch` ({}) names this file", case.shown))]));
        }
        let read = |relative: &str| load::read_file(&base, relative).ok().flatten();
        changes = load::apply_patch(&bytes, &read)
            .map_err(|e| at("/patch", Code::InvalidValue, format!("the patch does not apply: {e}")))?;
    }
    for (path, contents) in &test.files {
        if !inside(path) {
            let pointer = format!("/files/{}", path.replace('~', "~0").replace('/', "~1"));
            return Err(CaseError::Case(vec![Diagnostic::new(
                Code::InvalidValue,
                format!("`{path}` is not a path inside the tree (relative, no `..`)"),
                Location::pointer(case.shown.clone(), 0, pointer, Part::Key),
            )]));
        }
        changes.insert(path.clone(), contents.as_ref().map(|c| Arc::from(c.as_bytes())));
    }
    let head_path: PathBuf = match &test.head {
        Some(head) => confined("/head", head)?,
        None => base_path.clone(),
    };
    let head = match &test.head {
        Some(_) => Request::new(&head_path, None),
        None => Request { changes: Some(&changes), ..Request::new(&base_path, base_rev) },
    };

    let reviews_text = match &test.reviews {
        None => "[]".to_owned(),
        Some(CaseReviews::Inline(items)) => serde_json::to_string(items).unwrap_or_default(),
        Some(CaseReviews::File(file)) => {
            let path = confined("/reviews", file)?;
            let bytes = load::read_case_input(&path, file).map_err(|e| at("/reviews", Code::IoError, e))?;
            String::from_utf8(bytes)
                .map_err(|_| at("/reviews", Code::InvalidUtf8, format!("`{file}` is not UTF-8 text")))?
        }
    };
    let reviews = policy::parse_reviews(&reviews_text).map_err(|e| {
        at("/reviews", Code::InvalidValue, format!("the reviews are not GitHub reviews: {e}"))
    })?;

    for (tree, which) in [(&base, "base"), (&head, "head")] {
        let (loaded, outcome) =
            validate::run(tree, now.date_naive()).map_err(|e| at("", Code::IoError, e.to_string()))?;
        let errors: Vec<Diagnostic> = outcome
            .diagnostics
            .into_iter()
            .filter(|d| d.severity == diag::Severity::Error)
            .map(|d| d.with_note(format!("in the case's {which} tree ({} {})", case.name, tree_name(which))))
            .collect();
        if !errors.is_empty() {
            return Err(CaseError::Tree(errors, Box::new(loaded)));
        }
    }
    let reviews = policy::combine_reviews(reviews, None).map_err(|e| {
        at("/reviews", Code::InvalidValue, format!("the reviews are not GitHub reviews: {e}"))
    })?;
    // Other pull requests' trees (`against`), confined like every path a case names.
    let mut against = Vec::new();
    for (i, other) in test.against.iter().enumerate() {
        let pointer = format!("/against/{i}");
        let path = confined(&pointer, other)?;
        let (loaded, typed) = validate::load(&Request::new(&path, None))
            .map_err(|e| at(&pointer, Code::IoError, format!("cannot read `{other}`: {e}")))?;
        let changes =
            validate::entities(typed).into_iter().filter(|e| e.kind() == Kind::ChangeRequest).collect();
        let revision = load::Revision { name: other.clone(), commit: git2::Oid::ZERO_SHA1 };
        against.push(crate::conflicts::Against { revision, loaded, changes });
    }
    let trees = gate::Trees { base, head, policy: None };
    let judged = gate::judge(&trees, &reviews, test.author.as_deref(), Some(CASE_HEAD), now, &against)
        .map_err(|e| {
            let pointer = if test.head.is_some() { "/head" } else { "" };
            at(pointer, Code::IoError, format!("cannot read the trees: {e}"))
        })?;
    Ok(judged.verdict)
}

fn tree_name(which: &str) -> &'static str {
    match which {
        "base" => "the tree the pull request starts from",
        _ => "the pull request's tree",
    }
}

/// Relative, `/`-separated, without `.`, `..`, `.git` or empty segments.
fn inside(path: &str) -> bool {
    !path.is_empty()
        && !Path::new(path).is_absolute()
        && path.split('/').all(|p| !p.is_empty() && p != "." && p != ".." && p != ".git" && !p.contains('\\'))
}
