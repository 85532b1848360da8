//! Command-line interface: parses arguments, runs the library, prints through `report`, and
//! maps outcomes to exit codes (0 clean, 1 findings, 2 could not run).

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};

use crate::diag::{self, Code, Diagnostic, Severity};
use crate::load::{Loaded, Paths, Request};
use crate::report::{self, Format, Sources, Style, Summary};
use crate::{schema, validate};

mod conflicts;
mod drift;
mod gate;
mod impact;
mod import;
pub mod packaging;
mod policy;
mod progress;
mod render;
mod score;

/// Prints a line to stdout; a closed pipe (`cairn explain x | head -1`) is not an error.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// IT service management as code: validate the services, CMDB, SLAs, changes and policy kept in
/// a git repository.
#[derive(Debug, Parser)]
#[command(name = "cairn", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Show no progress on long runs (it is only ever shown on a terminal, for human output).
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check every entity file against its schema and the cross-file rules.
    Validate(ValidateArgs),
    /// Write the JSON Schemas of every kind (what `schemas/` holds).
    Schema(SchemaArgs),
    /// What changed between two revisions and what it reaches (or, with --entity, what a
    /// change to those entities would reach).
    Impact(impact::ImpactArgs),
    /// May this pull request merge under the change policy of the base revision?
    Gate(gate::GateArgs),
    /// Check the change policy, or run declarative policy test cases.
    Policy(policy::PolicyArgs),
    /// Export the dependency graph, or the neighbourhood of one entity.
    Graph(impact::GraphArgs),
    /// Grade entities against the scorecards: each one's level and what the next level lacks.
    Score(score::ScoreArgs),
    /// Render the service catalog and knowledge base as a static site or as Markdown.
    Render(render::RenderArgs),
    /// Change conflicts: active changes on the same or related entities at the same time, in
    /// a freeze, or outside a maintenance window (also against other revisions' changes).
    Conflicts(conflicts::ConflictsArgs),
    /// Propose the next windows a change could take: inside the maintenance windows, outside
    /// the freezes, clear of other changes.
    Schedule(conflicts::ScheduleArgs),
    /// Published knowledge articles whose services, CIs or catalog items changed after the
    /// article was last edited (walks the git history).
    Drift(drift::DriftArgs),
    /// Explain a diagnostic code: what it means and how to fix it.
    Explain(ExplainArgs),
    /// Start a new cairn repository: configuration, a commented policy, a team, a service
    /// with an SLA, schemas, CI workflows and a pre-commit hook. Never replaces a file.
    Init(InitArgs),
    /// Import a Backstage catalog or a ServiceNow CMDB export as cairn files.
    Import(import::ImportArgs),
    /// Export the repository for another tool (Backstage descriptors).
    Export(import::ExportArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(packaging::CompletionsArgs),
    /// Print the man page (or write every page with --out).
    Man(packaging::ManArgs),
}

impl Command {
    /// Whether the command reports to people (so that progress may be shown while it runs).
    fn human_output(&self) -> bool {
        match self {
            Command::Validate(args) => args.tree.format == OutputFormat::Human,
            Command::Impact(args) => args.format == ReportFormat::Human,
            Command::Gate(args) => args.format == ReportFormat::Human,
            Command::Render(_) => true,
            // (Not a `match`: policy sub-commands added later default to no progress.)
            Command::Policy(args) => {
                if let policy::PolicyCommand::Check(check) = &args.command {
                    check.tree.format == OutputFormat::Human
                } else if let policy::PolicyCommand::Test(test) = &args.command {
                    test.format == CaseFormat::Human
                } else {
                    false
                }
            }
            _ => false,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Directory of the new repository (created if missing).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

/// A tree to check and how to report what is found in it: the arguments `validate` and
/// `policy check` share.
#[derive(Debug, clap::Args)]
pub struct CheckedTree {
    /// The repository (or any directory) to check.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Check the tree of this git revision, read from git objects (no checkout).
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Treat warnings as errors (exit 1 when there are any).
    #[arg(long)]
    pub deny_warnings: bool,
    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

impl CheckedTree {
    fn request(&self) -> Request<'_> {
        Request::new(&self.path, self.rev.as_deref())
    }

    /// Prints `diagnostics` in the chosen format, then `more` (human output only, when there
    /// is no error), and appends the step summary on GitHub; returns whether the check failed.
    fn report(
        &self,
        loaded: &Loaded,
        diagnostics: &[Diagnostic],
        summary: &Summary,
        more: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<bool, String> {
        let format = Format::from(self.format);
        let style = Style { color: color(self.color) };
        let mapped;
        let diagnostics = match format {
            // People read paths as given (relative to where they are); tools want them from
            // the repository root (SPEC §7), wherever cairn ran.
            Format::Human => diagnostics,
            _ => {
                mapped = repository_paths(&loaded.paths, diagnostics);
                &mapped
            }
        };
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        let written =
            report::write_diagnostics(&mut out, format, diagnostics, summary, &LoadedSources(loaded), style)
                .and_then(|_| match (format, summary.errors) {
                    (Format::Human, 0) => more(&mut out),
                    _ => Ok(()),
                })
                .and_then(|_| out.flush());
        output_written(written)?;
        if format == Format::Github {
            write_step_summary(&report::step_summary(diagnostics, summary))?;
        }
        Ok(summary.errors > 0 || (self.deny_warnings && summary.warnings > 0))
    }
}

#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub tree: CheckedTree,
    /// The date that date-based checks compare with (default: today; also `CAIRN_TODAY`).
    #[arg(long, value_name = "YYYY-MM-DD", env = "CAIRN_TODAY")]
    pub today: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
    Sarif,
    Github,
    Gitlab,
    Markdown,
}

impl From<OutputFormat> for Format {
    fn from(f: OutputFormat) -> Format {
        match f {
            OutputFormat::Human => Format::Human,
            OutputFormat::Json => Format::Json,
            OutputFormat::Sarif => Format::Sarif,
            OutputFormat::Github => Format::Github,
            OutputFormat::Gitlab => Format::Gitlab,
            OutputFormat::Markdown => Format::Markdown,
        }
    }
}

/// The formats of a report that is not a list of findings (`impact`, `gate`): SARIF and Code
/// Quality hold only findings, so they are not offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Human,
    Json,
    Markdown,
    Github,
}

impl From<ReportFormat> for Format {
    fn from(f: ReportFormat) -> Format {
        match f {
            ReportFormat::Human => Format::Human,
            ReportFormat::Json => Format::Json,
            ReportFormat::Markdown => Format::Markdown,
            ReportFormat::Github => Format::Github,
        }
    }
}

/// The formats of `policy test` results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CaseFormat {
    Human,
    Json,
}

impl From<CaseFormat> for Format {
    fn from(f: CaseFormat) -> Format {
        match f {
            CaseFormat::Human => Format::Human,
            CaseFormat::Json => Format::Json,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// Directory to write the schemas to (default: print the entity schema to stdout).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Instead of writing, check that DIR holds exactly what would be written (exit 1 if not).
    #[arg(long, value_name = "DIR", conflicts_with = "out")]
    pub check: Option<PathBuf>,
    /// Base URL of the schema files in `catalog.json`.
    #[arg(long, value_name = "URL", default_value = "./")]
    pub base_url: String,
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The code, e.g. `duplicate-key`.
    #[arg(required_unless_present = "list")]
    pub code: Option<String>,
    /// List every code with its severity and summary.
    #[arg(long)]
    pub list: bool,
}

/// Runs the command line and returns the exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    progress::show(cli.command.human_output(), cli.quiet);
    let result = match cli.command {
        Command::Validate(args) => run_validate(&args),
        Command::Schema(args) => run_schema(&args),
        Command::Impact(args) => impact::run_impact(&args),
        Command::Graph(args) => impact::run_graph(&args),
        Command::Gate(args) => gate::run_gate(&args),
        Command::Policy(args) => policy::run_policy(&args),
        Command::Render(args) => render::run_render(&args),
        Command::Score(args) => score::run_score(&args),
        Command::Conflicts(args) => conflicts::run_conflicts(&args),
        Command::Schedule(args) => conflicts::run_schedule(&args),
        Command::Drift(args) => drift::run_drift(&args),
        Command::Explain(args) => run_explain(&args),
        Command::Init(args) => import::run_init(&args.dir),
        Command::Import(args) => import::run_import(&args),
        Command::Export(args) => import::run_export(&args),
        Command::Completions(args) => packaging::run_completions(&args),
        Command::Man(args) => packaging::run_man(&args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            2
        }
    }
}

pub(crate) struct LoadedSources<'a>(pub(crate) &'a Loaded);

impl Sources for LoadedSources<'_> {
    fn text(&self, file: &str) -> Option<&str> {
        let files = &self.0.files;
        files.get(file).or_else(|| files.get(self.0.paths.shown_path(file).as_str())).map(|f| &*f.text)
    }
}

/// `file` as `format` names it: as shown for people, from the repository root for every
/// other format (SPEC §7), wherever cairn ran.
pub(crate) fn path_for(format: Format, paths: &Paths, file: &str) -> String {
    match format {
        Format::Human => file.to_owned(),
        _ => paths.repository_path(file),
    }
}

/// `diagnostics` with every file named from the repository root ([`Paths::repository_path`]).
fn repository_paths(paths: &Paths, diagnostics: &[Diagnostic]) -> Vec<Diagnostic> {
    let map = |file: &mut std::sync::Arc<str>| *file = paths.repository_path(file).into();
    diagnostics
        .iter()
        .map(|d| {
            let mut d = d.clone();
            map(&mut d.primary.file);
            d.labels.iter_mut().for_each(|l| map(&mut l.location.file));
            d
        })
        .collect()
}

pub(crate) fn today(flag: Option<NaiveDate>) -> NaiveDate {
    flag.unwrap_or_else(|| chrono::Local::now().date_naive())
}

fn color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

fn run_validate(args: &ValidateArgs) -> Result<i32, String> {
    let (loaded, outcome) =
        validate::run(&args.tree.request(), today(args.today)).map_err(|e| e.to_string())?;
    let (errors, warnings) = diag::count(&outcome.diagnostics);
    let summary = Summary {
        files: loaded.file_count,
        entities: outcome.entities.len() + outcome.broken.len(),
        errors,
        warnings,
    };
    let failed = args.tree.report(&loaded, &outcome.diagnostics, &summary, |_| Ok(()))?;
    // The process ends right after this: freeing a hundred thousand entities one by one would
    // only delay the exit.
    std::mem::forget((loaded, outcome));
    Ok(i32::from(failed))
}

/// What a failed write of a report means: a reader that stopped early (`| head`) is not a
/// failure of cairn; a format the report has no place in is a usage error (exit 2), as is any
/// other failure to write.
pub(crate) fn output_written(result: std::io::Result<()>) -> Result<(), String> {
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::Unsupported => Err(e.to_string()),
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("cannot write output: {e}")),
        _ => Ok(()),
    }
}

/// Appends to `$GITHUB_STEP_SUMMARY` when the variable is set.
pub(crate) fn write_step_summary(markdown: &str) -> Result<(), String> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else { return Ok(()) };
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| format!("cannot open GITHUB_STEP_SUMMARY: {e}"))?;
    file.write_all(markdown.as_bytes()).map_err(|e| format!("cannot write GITHUB_STEP_SUMMARY: {e}"))
}

fn run_schema(args: &SchemaArgs) -> Result<i32, String> {
    let files = schema::files(&args.base_url);
    if let Some(dir) = &args.check {
        let mut stale = Vec::new();
        for (name, text) in &files {
            if std::fs::read_to_string(dir.join(name)).ok().as_deref() != Some(text.as_str()) {
                stale.push(name.clone());
            }
        }
        if stale.is_empty() {
            say!("ok: {} schemas in {} are up to date", files.len(), dir.display());
            return Ok(0);
        }
        for name in &stale {
            say!("stale: {}", dir.join(name).display());
        }
        say!("run `cairn schema --out {}` to regenerate", dir.display());
        return Ok(1);
    }
    match &args.out {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            for (name, text) in &files {
                write_file(&dir.join(name), text)?;
            }
            eprintln!("wrote {} schemas to {}", files.len(), dir.display());
        }
        None => {
            let entity = files.iter().find(|(n, _)| n == schema::ENTITY_FILE).map(|(_, t)| t.as_str());
            let _ = write!(std::io::stdout(), "{}", entity.unwrap_or_default());
        }
    }
    Ok(0)
}

fn write_file(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn run_explain(args: &ExplainArgs) -> Result<i32, String> {
    if args.list {
        for code in Code::ALL {
            let severity = match code.default_severity() {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            say!("{:<34} {:<8} {}", code.name(), severity, code.summary());
        }
        return Ok(0);
    }
    let name = args.code.as_deref().unwrap_or_default();
    let Some(code) = Code::from_name(name) else {
        let names = Code::ALL.iter().map(|c| c.name());
        let hint = validate::schema::closest(name, names)
            .map(|c| format!(" (did you mean `{c}`?)"))
            .unwrap_or_default();
        return Err(format!("`{name}` is not a diagnostic code{hint}; `cairn explain --list` lists them"));
    };
    let text = code.explanation();
    let _ = write!(std::io::stdout(), "{text}");
    if !text.ends_with('\n') {
        say!("");
    }
    say!("");
    say!("Default severity: {}. Change it in cairn.yaml:", code.default_severity().as_str());
    say!("  diagnostics: {{{}: error|warning|off}}", code.name());
    say!("Example: examples/diagnostics/{}/", code.name());
    Ok(0)
}
