//! `cairn conflicts` and `cairn schedule`: load the tree and the `--against` revisions, run
//! [`crate::conflicts`], print through `report::conflicts`.

use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, TimeDelta};

use super::{ColorChoice, OutputFormat};
use crate::conflicts::{self, schedule, Against, Input};
use crate::diag::Severity;
use crate::load::{Loaded, Request};
use crate::model::{Duration, Entity, EntityRef, Kind};
use crate::report::conflicts::{self as out, ConflictSummary};
use crate::report::{self, Format, Sources, Style, Summary};
use crate::validate;

/// The tree and revisions both commands read.
#[derive(Debug, clap::Args)]
pub struct ConflictTree {
    /// The repository (or any directory in it).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Read the tree of this git revision instead of the files on disk.
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    /// Also compare with the active changes of this revision or ref glob
    /// (`'refs/remotes/origin/pr/*'`: open pull requests); repeatable.
    #[arg(long, value_name = "REV")]
    pub against: Vec<String>,
    /// How many dependency edges away a parent or child change still conflicts.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub depth: usize,
    /// The present, RFC 3339 (default: now): changes whose windows ended by then are done.
    #[arg(long, value_name = "TIME")]
    pub now: Option<DateTime<FixedOffset>>,
}

#[derive(Debug, clap::Args)]
pub struct ConflictsArgs {
    #[command(flatten)]
    pub tree: ConflictTree,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, clap::Args)]
pub struct ScheduleArgs {
    /// The change request to place: `chg-2027-0042` or `change:chg-2027-0042`.
    pub change: String,
    #[command(flatten)]
    pub tree: ConflictTree,
    /// How many windows to propose.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub count: usize,
    /// How far ahead to look (a duration: `90d`, `12w`, `PT48H`).
    #[arg(long, value_name = "DURATION", default_value = "90d")]
    pub within: String,
    /// Output format: human or json.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

/// A tree read for conflicts, with the other revisions.
pub(crate) struct Read {
    pub loaded: Loaded,
    pub entities: Vec<Entity>,
    pub against: Vec<Against>,
}

impl Read {
    pub fn load(tree: &ConflictTree) -> Result<Read, String> {
        let (loaded, typed) =
            validate::load(&Request::new(&tree.path, tree.rev.as_deref())).map_err(|e| e.to_string())?;
        let entities = validate::entities(typed);
        let against =
            conflicts::load_against(&tree.path, &tree.against, tree.rev.as_deref(), Some(&loaded.config))
                .map_err(|e| e.to_string())?;
        Ok(Read { loaded, entities, against })
    }
}

/// The files of the tree and of the other revisions.
struct AllSources<'a>(&'a Read);

impl Sources for AllSources<'_> {
    fn text(&self, file: &str) -> Option<&str> {
        let tree = &self.0.loaded;
        let files = &tree.files;
        files
            .get(file)
            .or_else(|| files.get(tree.paths.shown_path(file).as_str()))
            .or_else(|| self.0.against.iter().find_map(|a| a.loaded.files.get(file)))
            .map(|f| &*f.text)
    }
}

fn now(flag: Option<DateTime<FixedOffset>>) -> DateTime<FixedOffset> {
    flag.unwrap_or_else(|| chrono::Local::now().fixed_offset())
}

pub fn run_conflicts(args: &ConflictsArgs) -> Result<i32, String> {
    let read = Read::load(&args.tree)?;
    let refs: Vec<&Entity> = read.entities.iter().collect();
    let subjects = conflicts::tree_candidates(&refs);
    let others = conflicts::candidates(&refs, &read.against);
    let findings = conflicts::find(&Input {
        entities: &refs,
        subjects: &subjects,
        others: &others,
        depth: args.tree.depth,
        now: Some(now(args.tree.now)),
    });
    let summary = ConflictSummary {
        changes: findings.changes,
        conflicts: findings.conflicts.len(),
        revisions: read.against.len(),
    };
    let format = Format::from(args.format);
    let stdout = std::io::stdout();
    let mut sink = std::io::BufWriter::new(stdout.lock());
    // What labels point at: windows and the services that list them (the first written).
    let mut labelled: std::collections::BTreeMap<EntityRef, &Entity> = std::collections::BTreeMap::new();
    for &entity in refs.iter().filter(|e| matches!(e.kind(), Kind::Window | Kind::Service)) {
        labelled.entry(entity.reference()).or_insert(entity);
    }
    let lookup = |r: &EntityRef| labelled.get(r).copied();
    let written = match format {
        Format::Json => out::write_json(&mut sink, &findings, &summary),
        _ => {
            let mut diagnostics = conflicts::diagnostics(&findings.conflicts, &lookup);
            read.loaded.resolve(&mut diagnostics);
            for other in &read.against {
                other.loaded.resolve(&mut diagnostics);
            }
            let mut notes: Vec<String> = findings
                .unreadable
                .iter()
                .map(|(w, why)| format!("{w} is not checked: its schedule cannot be read ({why})"))
                .collect();
            // What could not be read of the other revisions: their changes there are not compared.
            for other in &read.against {
                notes.extend(other.loaded.diagnostics.iter().filter(|d| d.severity == Severity::Error).map(
                    |d| {
                        format!(
                            "{}: {} ({}); its change requests there are not compared",
                            d.primary.file,
                            d.message,
                            d.code.name()
                        )
                    },
                ));
            }
            if format == Format::Human {
                let style = Style { color: super::color(args.color) };
                out::write_human(&mut sink, &diagnostics, &notes, &AllSources(&read), style, &summary)
            } else {
                let diagnostics = super::repository_paths(&read.loaded.paths, &diagnostics);
                let counts = Summary {
                    files: read.loaded.file_count,
                    entities: read.entities.len(),
                    errors: diagnostics.len(),
                    warnings: 0,
                };
                let written = report::write_diagnostics(
                    &mut sink,
                    format,
                    &diagnostics,
                    &counts,
                    &AllSources(&read),
                    Style::default(),
                );
                if written.is_ok() && format == Format::Github {
                    super::write_step_summary(&report::step_summary(&diagnostics, &counts))?;
                }
                written
            }
        }
    };
    super::output_written(written.and_then(|_| sink.flush()))?;
    Ok(i32::from(!findings.conflicts.is_empty()))
}

pub fn run_schedule(args: &ScheduleArgs) -> Result<i32, String> {
    let within = Duration::parse(&args.within)
        .ok_or_else(|| format!("--within `{}` is not a duration (e.g. 90d, 12w, PT48H)", args.within))?;
    let within = TimeDelta::seconds(i64::try_from(within.seconds).unwrap_or(i64::MAX).min(3_660 * 86_400));
    let wanted = match EntityRef::parse(&args.change) {
        Some(r) if r.kind == Kind::ChangeRequest => r,
        Some(r) => return Err(format!("{r} is not a change request")),
        None => EntityRef::new(Kind::ChangeRequest, args.change.clone()),
    };
    let read = Read::load(&args.tree)?;
    let refs: Vec<&Entity> = read.entities.iter().collect();
    let Some(change) = refs.iter().copied().find(|e| e.reference() == wanted) else {
        return Err(format!("no change request `{}` in the tree", wanted.name));
    };
    let mut others = conflicts::tree_candidates(&refs);
    others.extend(conflicts::candidates(&refs, &read.against));
    let now = now(args.tree.now);
    let plan = schedule::propose(&schedule::Request {
        entities: &refs,
        change,
        others: &others,
        now,
        within,
        count: args.count,
        depth: args.tree.depth,
    })
    .map_err(|e| e.to_string())?;
    let text = match Format::from(args.format) {
        Format::Json => {
            let mut text =
                serde_json::to_string_pretty(&out::schedule_json(&plan)).map_err(|e| e.to_string())?;
            text.push('\n');
            text
        }
        Format::Human => out::schedule_human(&plan),
        other => {
            return Err(format!("`--format {}` has no place for a schedule; use human or json", other.name()))
        }
    };
    let written = std::io::stdout().lock().write_all(text.as_bytes());
    super::output_written(written)?;
    Ok(i32::from(plan.windows.is_empty()))
}
