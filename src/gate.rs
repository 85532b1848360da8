//! Running the gate on a repository: which revisions a pull request is judged on, loading them,
//! validating both trees for the `valid` rule, and asking [`crate::policy::evaluate`]. Shared by
//! `cairn gate` ([`run`]: revisions, an event, reviews) and `cairn policy test` ([`judge`]: any
//! two trees). Reads only through `load` and `validate`; prints nothing.
//!
//! # Which revisions (docs/gate.md, "Which base")
//!
//! - The **diff** starts at `--base`; with an `--event` and no `--base`, at the merge base of the
//!   event's `pull_request.base.sha` and the head, so that commits the target branch gained
//!   after the branch point are not taken for the pull request's (as `--base main...head`).
//! - The **policy, teams, windows and scorecards** come from `--policy-rev`; else, with an event,
//!   from its `pull_request.base.sha` (the target's tip when the event was sent); else from the
//!   diff's base.
//! - The **head** is `--head`, else the event's `pull_request.head.sha`; the **author** is
//!   `--author`, else the event's `pull_request.user.login`.
//!
//! Inputs that contradict each other are an error, never a silent choice: `--head` naming another
//! commit than the event's head, `--author` another login than the event's author, `--base`
//! naming neither the event's base commit nor the merge base.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::compare::{compare_trees, Comparison};
use crate::conflicts::Against;
use crate::diag::Severity;
use crate::load::{self, Request};
use crate::model::{Entity, EntityRef, Kind, Origin};
use crate::policy::{self, Event, Finding, GateInput, Review, Validity, Verdict};
use crate::validate;

/// A pull request to judge, as `cairn gate` is given it.
pub struct PullRequest<'a> {
    /// A directory of the repository (its subtree is the cairn repository).
    pub path: &'a Path,
    pub base: Option<&'a str>,
    pub head: Option<&'a str>,
    pub policy_rev: Option<&'a str>,
    pub author: Option<&'a str>,
    /// A GitHub Actions `pull_request` or `pull_request_review` payload.
    pub event: Option<&'a Event>,
    /// The forge's reviews, already combined with the event's (see
    /// [`crate::policy::combine_reviews`]).
    pub reviews: &'a [Review],
    /// The merge time.
    pub now: DateTime<FixedOffset>,
    /// Other revisions and ref globs (open pull requests) whose active change requests the
    /// `conflicts` rule compares with.
    pub against: &'a [String],
}

/// The revisions a pull request is judged on, as full commit ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revisions {
    /// Where the diff starts.
    pub base: String,
    pub head: String,
    /// Where the policy, teams and windows come from, when not the diff's base.
    pub policy: Option<String>,
    pub author: Option<String>,
}

/// The verdict, and the trees it was reached on (for placing annotations).
pub struct Judged {
    pub verdict: Verdict,
    pub comparison: Comparison,
}

/// Works out which revisions to judge (see the module documentation).
pub fn revisions(pr: &PullRequest) -> Result<Revisions, String> {
    let id = |rev: &str| load::commit_id(pr.path, rev).map_err(|e| e.to_string());
    let event = pr.event;

    let event_head = event.and_then(|e| e.head_sha.as_deref());
    let head_rev = pr
        .head
        .or(event_head)
        .ok_or("no head revision: pass --head or an --event with pull_request.head.sha")?;
    let head = id(head_rev)?;
    if let (Some(given), Some(from_event)) = (pr.head, event_head) {
        let event_id = id(from_event)?;
        if event_id != head {
            return Err(format!(
                "--head {given} is commit {head}, but the event's pull_request.head.sha is {event_id}: \
                 contradicting inputs (judge the event's head, or leave out --event)"
            ));
        }
    }

    let event_author = event.and_then(|e| e.author.as_deref()).map(str::trim).filter(|a| !a.is_empty());
    let given_author = pr.author.map(str::trim).filter(|a| !a.is_empty());
    if let (Some(given), Some(from_event)) = (given_author, event_author) {
        if given.to_lowercase() != from_event.to_lowercase() {
            return Err(format!(
                "--author {given} contradicts the event's pull_request.user.login {from_event}: \
                 the gate will not choose between them"
            ));
        }
    }
    let author = given_author.or(event_author).map(str::to_owned);

    let event_base = event.and_then(|e| e.base_sha.as_deref());
    let (base, policy_default) = match (pr.base, event_base) {
        (Some(given), None) => (id(given)?, None),
        (given, Some(from_event)) => {
            let tip = id(from_event)?;
            let merge_base = load::merge_base(pr.path, &tip, &head).map_err(|e| e.to_string())?;
            if let Some(given) = given {
                let given_id = id(given)?;
                if given_id != tip && given_id != merge_base {
                    return Err(format!(
                        "--base {given} is commit {given_id}, neither the event's pull_request.base.sha \
                         {tip} nor its merge base with the head {merge_base}: contradicting inputs"
                    ));
                }
            }
            (merge_base, Some(tip))
        }
        (None, None) => {
            return Err("no base revision: pass --base or an --event with pull_request.base.sha".into())
        }
    };
    let policy = match pr.policy_rev {
        Some(rev) => Some(id(rev)?),
        None => policy_default,
    };
    let policy = policy.filter(|p| *p != base);
    Ok(Revisions { base, head, policy, author })
}

/// Judges a pull request given as revisions (`cairn gate`).
pub fn run(pr: &PullRequest) -> Result<Judged, String> {
    let revs = revisions(pr)?;
    let trees = Trees {
        base: Request::new(pr.path, Some(&revs.base)),
        head: Request::new(pr.path, Some(&revs.head)),
        policy: revs.policy.as_deref().map(|rev| Request::new(pr.path, Some(rev))),
    };
    // Other pull requests, read only where they differ from the base; the pull request's own
    // head (a glob of pull requests matches it too) is not another one.
    let against: Vec<Against> = crate::conflicts::load_against(pr.path, pr.against, Some(&revs.base), None)
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|a| a.revision.commit.to_string() != revs.head)
        .collect();
    judge(&trees, pr.reviews, revs.author.as_deref(), Some(&revs.head), pr.now, &against)
}

/// The trees a verdict is reached on.
pub struct Trees<'a> {
    /// Where the diff starts.
    pub base: Request<'a>,
    pub head: Request<'a>,
    /// Where the policy, teams and windows come from, when not `base`.
    pub policy: Option<Request<'a>>,
}

/// Judges the diff between two trees (`cairn gate`, `cairn policy test`): compares them, reads
/// the policy revision, validates both trees for the `valid` rule, and evaluates.
pub fn judge(
    trees: &Trees,
    reviews: &[Review],
    author: Option<&str>,
    head_sha: Option<&str>,
    now: DateTime<FixedOffset>,
    against: &[Against],
) -> Result<Judged, String> {
    let comparison = compare_trees(&trees.base, &trees.head)?;
    let base_entities: Vec<&Entity> = comparison.base.iter().map(AsRef::as_ref).collect();
    let head_entities: Vec<&Entity> = comparison.head.iter().map(AsRef::as_ref).collect();
    // With a policy revision, the policy, teams, windows and scorecards come from there instead
    // of the base.
    let governance: Vec<Entity> = match &trees.policy {
        Some(request) => {
            let (_, typed) = validate::load(request).map_err(|e| e.to_string())?;
            validate::entities(typed)
        }
        None => Vec::new(),
    };
    let gate_base: Vec<&Entity> = match &trees.policy {
        Some(_) => base_entities
            .iter()
            .copied()
            .filter(|e| !governs(e))
            .chain(governance.iter().filter(|e| governs(e)))
            .collect(),
        None => base_entities.clone(),
    };
    let (base_errors, head_errors) = errors(&trees.base, &trees.head, now.date_naive())?;
    let config_changed = config(&trees.base)? != config(&trees.head)?;
    let others = crate::conflicts::candidates(&base_entities, against);
    let input = GateInput {
        base: &gate_base,
        head: &head_entities,
        impact: &comparison.impact,
        reviews,
        author,
        head_sha,
        now,
        unreadable: &comparison.head_unreadable,
        validity: Some(Validity { base: &base_errors, head: &head_errors }),
        config_changed,
    };
    let verdict = policy::evaluate_against(&input, &others);
    Ok(Judged { verdict, comparison })
}

/// What the gate reads only from the base (or the policy revision). Scorecards decide the
/// `scorecards` rule, so they are governance like the policy.
fn governs(entity: &Entity) -> bool {
    matches!(entity.kind(), Kind::Policy | Kind::Team | Kind::Window | Kind::Scorecard)
}

/// The validation errors of both trees. A head finding is an error when it is one under the
/// base's `cairn.yaml` or the head's (a pull request can neither hide an error by turning its
/// code off nor leave the branch failing by raising a code to error); a base finding, when it is
/// one under the base's. The base is only validated when the head has findings at all.
fn errors(base: &Request, head: &Request, today: NaiveDate) -> Result<(Vec<Finding>, Vec<Finding>), String> {
    let head = crate::compare::head_under_base(base, head)?;
    let (head_loaded, head_outcome) = validate::run_unmapped(&head, today).map_err(|e| e.to_string())?;
    if head_outcome.diagnostics.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let (base_loaded, base_outcome) = validate::run_unmapped(base, today).map_err(|e| e.to_string())?;
    let base_map = validate::severities(&base_loaded.config);
    let head_map = validate::severities(&head_loaded.config);
    let is_error = |s: Option<Severity>| s == Some(Severity::Error);
    let head_errors =
        findings(&head_outcome, |d| is_error(base_map.severity_of(d)) || is_error(head_map.severity_of(d)));
    let base_errors = findings(&base_outcome, |d| is_error(base_map.severity_of(d)));
    Ok((base_errors, head_errors))
}

/// The findings of one tree that `keep` says are errors, keyed by the entity of their document.
fn findings(outcome: &validate::Outcome, keep: impl Fn(&crate::diag::Diagnostic) -> bool) -> Vec<Finding> {
    let mut subjects: BTreeMap<(Arc<str>, u32), EntityRef> = BTreeMap::new();
    let typed = outcome.entities.iter().map(|e| (e.reference(), &e.origin));
    let broken = outcome.broken.iter().map(|(r, o)| (r.clone(), o));
    for (reference, origin) in typed.chain(broken) {
        let Origin { file, doc, .. } = origin;
        subjects.entry((file.clone(), *doc)).or_insert(reference);
    }
    let subject = |file: &str, doc: u32| subjects.get(&(Arc::from(file), doc)).cloned();
    outcome.diagnostics.iter().filter(|d| keep(d)).map(|d| Finding::of(d, &subject)).collect()
}

/// The bytes of a tree's `cairn.yaml` (changes laid over included), `None` without one.
fn config(request: &Request) -> Result<Option<Vec<u8>>, String> {
    if let Some(change) = request.changes.and_then(|c| c.get(load::CONFIG_FILE)) {
        return Ok(change.as_ref().map(|bytes| bytes.to_vec()));
    }
    load::read_file(request, load::CONFIG_FILE).map_err(|e| e.to_string())
}
