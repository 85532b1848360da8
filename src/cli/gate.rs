//! `cairn gate`: may this pull request merge? Loads base and head, works out the impact, reads
//! reviews only from the forge's files (never from the pull request's YAML), and evaluates the
//! policy of the base revision.

use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};

use super::OutputFormat;
use crate::impact::{ChangeKind, Impact};
use crate::load;
use crate::model::{Entity, EntityRef, Kind};
use crate::policy::{self, Decision, GateInput, Review};
use crate::report::gate::Anchor;
use crate::report::{self, Format};

#[derive(Debug, clap::Args)]
pub struct GateArgs {
    /// The repository (or a directory in it).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The base revision: the policy, teams and windows are read from here. Default: the
    /// event's `pull_request.base.sha`.
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Read the policy, the teams and the windows from this revision instead of the base: the
    /// target branch's tip, when the diff is taken from the merge base (`--base main...HEAD
    /// --policy-rev main`), so a pull request that branched before a policy change is still held
    /// to the current policy.
    #[arg(long, value_name = "REV")]
    pub policy_rev: Option<String>,
    /// The head revision. Default: the event's `pull_request.head.sha`.
    #[arg(long, value_name = "REV")]
    pub head: Option<String>,
    /// Reviews in the GitHub REST "list reviews for a pull request" format.
    #[arg(long, value_name = "FILE")]
    pub reviews: Option<PathBuf>,
    /// A GitHub Actions `pull_request` or `pull_request_review` event payload
    /// (`$GITHUB_EVENT_PATH`): author, base and head commits, and the review it carries.
    #[arg(long, value_name = "FILE")]
    pub event: Option<PathBuf>,
    /// The pull request's author, when there is no event file.
    #[arg(long, value_name = "LOGIN")]
    pub author: Option<String>,
    /// The merge time freezes are checked against, RFC 3339 (default: now), so any verdict can
    /// be reproduced later.
    #[arg(long, value_name = "TIME")]
    pub now: Option<DateTime<FixedOffset>>,
    /// Also compare the change requests of the diff with the active changes of this revision
    /// or ref glob (`'refs/remotes/origin/pr/*'`: other open pull requests), for the
    /// `conflicts` rule; repeatable.
    #[arg(long, value_name = "REV")]
    pub against: Vec<String>,
    /// Output format: human, json, markdown (a pull-request comment) or github.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

/// Largest reviews or event file read.
const MAX_INPUT: u64 = 32 * 1024 * 1024;

fn read(path: &PathBuf, what: &str) -> Result<String, String> {
    let size =
        std::fs::metadata(path).map_err(|e| format!("cannot read {what} {}: {e}", path.display()))?.len();
    if size > MAX_INPUT {
        return Err(format!("{what} {} is larger than {MAX_INPUT} bytes", path.display()));
    }
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {what} {}: {e}", path.display()))
}

pub fn run_gate(args: &GateArgs) -> Result<i32, String> {
    let event = match &args.event {
        Some(path) => Some(policy::parse_event(&read(path, "event")?).map_err(|e| format!("event: {e}"))?),
        None => None,
    };
    let mut reviews: Vec<Review> = match &args.reviews {
        Some(path) => policy::parse_reviews(&read(path, "reviews")?).map_err(|e| format!("reviews: {e}"))?,
        None => Vec::new(),
    };
    if let Some(event) = &event {
        policy::merge_event_review(&mut reviews, event);
    }
    let base = args
        .base
        .clone()
        .or_else(|| event.as_ref().and_then(|e| e.base_sha.clone()))
        .ok_or("no base revision: pass --base or an --event with pull_request.base.sha")?;
    let head = args
        .head
        .clone()
        .or_else(|| event.as_ref().and_then(|e| e.head_sha.clone()))
        .ok_or("no head revision: pass --head or an --event with pull_request.head.sha")?;
    let author = args.author.clone().or_else(|| event.as_ref().and_then(|e| e.author.clone()));
    let head_sha = load::commit_id(&args.path, &head).map_err(|e| e.to_string())?;
    let now = args.now.unwrap_or_else(|| chrono::Local::now().fixed_offset());

    let compared = super::impact::compare(&args.path, &base, Some(&head))?;
    let base_entities: Vec<&Entity> = compared.base.iter().map(AsRef::as_ref).collect();
    let head_entities: Vec<&Entity> = compared.head.iter().map(AsRef::as_ref).collect();
    // With --policy-rev, the policy, teams and windows come from there instead of the base.
    let governance;
    let gate_base: Vec<&Entity> = match &args.policy_rev {
        Some(rev) => {
            governance = governance_at(&args.path, rev)?;
            let governs = |e: &&Entity| governs(e);
            base_entities
                .iter()
                .copied()
                .filter(|e| !governs(e))
                .chain(governance.iter().filter(governs))
                .collect()
        }
        None => base_entities.clone(),
    };
    // Other pull requests: only where they differ from the base.
    let against = crate::conflicts::load_against(&args.path, &args.against, Some(&base), None)
        .map_err(|e| e.to_string())?;
    // The pull request's own head (a glob of pull requests matches it too) is not another one.
    let against: Vec<crate::conflicts::Against> =
        against.into_iter().filter(|a| a.revision.commit.to_string() != head_sha).collect();
    let others = crate::conflicts::candidates(&base_entities, &against);
    let verdict = policy::evaluate_against(
        &GateInput {
            base: &gate_base,
            head: &head_entities,
            impact: &compared.impact,
            reviews: &reviews,
            author: author.as_deref(),
            head_sha: Some(&head_sha),
            now,
            unreadable: &compared.head_unreadable,
        },
        &others,
    );

    let format = Format::from(args.format);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let anchors: Vec<Anchor> = anchors(&head_entities, &base_entities, &compared.impact)
        .into_iter()
        .map(|a| Anchor { file: super::path_for(format, &compared.paths, &a.file), ..a })
        .collect();
    let written = report::gate::write_verdict(&mut out, format, &verdict, &anchors).and_then(|_| out.flush());
    super::output_written(written)?;
    if format == Format::Github {
        super::write_step_summary(&report::gate::step_summary(&verdict))?;
    }
    Ok(i32::from(verdict.verdict == Decision::Block))
}

/// Where `--format github` shows failing rules: the change requests the diff adds or modifies,
/// or, when there are none, the services and CIs it changes (what needs a change request).
fn anchors(head: &[&Entity], base: &[&Entity], impact: &Impact) -> Vec<Anchor> {
    let at = |reference: &EntityRef| {
        head.iter()
            .chain(base)
            .find(|e| e.reference() == *reference)
            .map(|e| Anchor { file: e.origin.file.to_string(), line: e.origin.line })
    };
    let pick = |kinds: &[Kind]| -> Vec<Anchor> {
        let mut found: Vec<Anchor> = impact
            .changed
            .iter()
            .filter(|c| kinds.contains(&c.reference.kind) && c.change != ChangeKind::Removed)
            .filter_map(|c| at(&c.reference))
            .collect();
        found.sort();
        found.dedup();
        found
    };
    let requests = pick(&[Kind::ChangeRequest]);
    if requests.is_empty() {
        pick(&[Kind::Service, Kind::ConfigurationItem])
    } else {
        requests
    }
}

/// What the gate reads only from the base (or `--policy-rev`).
fn governs(entity: &Entity) -> bool {
    matches!(entity.kind(), Kind::Policy | Kind::Team | Kind::Window)
}

/// The entities of the tree at `rev` (for its policy, teams and windows).
fn governance_at(path: &std::path::Path, rev: &str) -> Result<Vec<Entity>, String> {
    let (_, typed) =
        crate::validate::load(&crate::load::Request::new(path, Some(rev))).map_err(|e| e.to_string())?;
    Ok(crate::validate::entities(typed))
}
