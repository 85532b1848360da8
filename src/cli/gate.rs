//! `cairn gate`: may this pull request merge? Reads the reviews and the event only from the
//! forge's files (never from the pull request's YAML), hands them to [`crate::gate`] (which picks
//! the revisions, loads them and evaluates the policy), and prints the verdict.

use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};

use super::ReportFormat;
use crate::gate;
use crate::impact::{ChangeKind, Impact};
use crate::model::{Entity, EntityRef, Kind};
use crate::policy::{self, Decision, Review};
use crate::report::gate::Anchor;
use crate::report::{self, Format};

#[derive(Debug, clap::Args)]
pub struct GateArgs {
    /// The repository (or a directory in it).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Where the diff starts; also where the policy, teams and windows are read unless
    /// --policy-rev or --event says otherwise. Default, with --event: the merge base of the
    /// event's `pull_request.base.sha` and the head (the pull request's own changes only); when
    /// given with --event, it must name that merge base or the event's base commit.
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Read the policy, the teams and the windows from this revision instead of the base: the
    /// target branch's tip, when the diff is taken from the merge base (`--base main...HEAD
    /// --policy-rev main`), so a pull request that branched before a policy change is still held
    /// to the current policy. Default, with --event: the event's `pull_request.base.sha`.
    #[arg(long, value_name = "REV")]
    pub policy_rev: Option<String>,
    /// The head revision. Default: the event's `pull_request.head.sha`; given with --event, it
    /// must be that commit.
    #[arg(long, value_name = "REV")]
    pub head: Option<String>,
    /// Reviews in the GitHub REST "list reviews for a pull request" format.
    #[arg(long, value_name = "FILE")]
    pub reviews: Option<PathBuf>,
    /// A GitHub Actions `pull_request` or `pull_request_review` event payload
    /// (`$GITHUB_EVENT_PATH`): author, base and head commits, and the review it carries.
    #[arg(long, value_name = "FILE")]
    pub event: Option<PathBuf>,
    /// The pull request's author (default: the event's `pull_request.user.login`; given with
    /// --event, it must be that login).
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
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
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
    let listed: Vec<Review> = match &args.reviews {
        Some(path) => policy::parse_reviews(&read(path, "reviews")?).map_err(|e| format!("reviews: {e}"))?,
        None => Vec::new(),
    };
    let reviews = policy::combine_reviews(listed, event.as_ref()).map_err(|e| format!("reviews: {e}"))?;
    let now = args.now.unwrap_or_else(|| chrono::Local::now().fixed_offset());
    let judged = gate::run(&gate::PullRequest {
        path: &args.path,
        base: args.base.as_deref(),
        head: args.head.as_deref(),
        policy_rev: args.policy_rev.as_deref(),
        author: args.author.as_deref(),
        event: event.as_ref(),
        reviews: &reviews,
        now,
        against: &args.against,
    })?;
    let (verdict, compared) = (&judged.verdict, &judged.comparison);
    let base_entities: Vec<&Entity> = compared.base.iter().map(AsRef::as_ref).collect();
    let head_entities: Vec<&Entity> = compared.head.iter().map(AsRef::as_ref).collect();

    let format = Format::from(args.format);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let anchors: Vec<Anchor> = anchors(&head_entities, &base_entities, &compared.impact)
        .into_iter()
        .map(|a| Anchor { file: super::path_for(format, &compared.paths, &a.file), ..a })
        .collect();
    let written = report::gate::write_verdict(&mut out, format, verdict, &anchors).and_then(|_| out.flush());
    super::output_written(written)?;
    if format == Format::Github {
        super::write_step_summary(&report::gate::step_summary(verdict))?;
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
