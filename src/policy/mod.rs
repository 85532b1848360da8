//! The change gate: whether a pull request may merge under the change policy (SPEC §5, §7).
//!
//! Pure: [`evaluate`] reads the base and head entities, the impact between them (from
//! [`crate::impact::diff`] and [`crate::impact::analyse`]), the forge's reviews, the merge time
//! and both trees' validation errors, and returns a [`Verdict`] with one [`RuleResult`] per rule.
//! Choosing and loading the revisions is [`crate::gate`]'s job; reading the `--reviews` and
//! `--event` files and printing, the CLI's.
//!
//! # What is read from where
//!
//! The policy, the teams (and so who may approve) and the windows are always read from the
//! **base** revision: a pull request cannot weaken its own gate, add its author to an approving
//! team, or lift a freeze. Services and CIs are read at both revisions and the stricter reading
//! wins: a service's owner, approvers and maintenance windows come from the base when the service
//! exists there (head otherwise), its tier is the more critical of the two, and a freeze covers an
//! entity when either version is in its scope. Change requests are read at head.
//!
//! "Change requests in the diff" are the ChangeRequest entities added or modified between base
//! and head. Such a request is held to the rules of its type whatever state it claims: a request
//! added already `closed` still needs its window, coverage and approvals (SPEC §5), so no rule
//! looks at a request's state except to leave out one cancelled at head, which authorises
//! nothing: it covers nothing, so the diff's changes need another request (the `lifecycle` rule
//! still checks it). Which requests the rules see is decided in one place, `context`.
//! "Impacted services" are the services the diff changes (added, modified, removed) or reaches.
//!
//! # The rules, in the order they are reported
//!
//! - `policy` — only when the base has no policy (or more than one): the gate fails closed.
//! - `readable` — every cairn document at head parses and fits its schema: a document the gate
//!   cannot read is a change it cannot see, so it fails closed (`cairn validate` says why).
//! - `valid` — the head brings no validation error (any code at severity error under the base's
//!   or the head's `cairn.yaml`, cross-file rules included) that the base does not have, so the
//!   target branch keeps passing `cairn validate`. Errors are matched by code, entity (or file and
//!   document) and JSON pointer, not by line; the reason names the first new ones with their
//!   `file:line:column` and the count.
//! - `coverage` — with `coverage: required`, every Service and ConfigurationItem the diff adds,
//!   modifies or removes is a target of a change request in the diff; `missing` lists the others.
//!   Skipped when optional.
//! - `lifecycle` — a request closed or cancelled at the base is immutable (neither modified nor
//!   removed); states only move forward (new < assess < authorize < scheduled < implement <
//!   review < closed), `cancelled` from any open state; an added request may start anywhere.
//!   Skipped when no existing request is modified or removed.
//! - `standard-changes` — a `standard` request whose `template` names a `standardChanges` entry
//!   of the base policy is pre-approved when every entity the diff changes, requests aside, is
//!   within its `allow`: kind listed; a CI's class (at head) matching a `classes` glob (globset,
//!   `*` does not cross `/`); modified (not added or removed) with every field path matching a
//!   `fields` pattern (`*` within one dotted segment, `**` across, brackets literal). Empty
//!   lists do not constrain. Otherwise it is treated as a normal change (type `normal` for risk
//!   and approvals) and the reason names the entity or field outside. Informational (`pass`).
//! - `risk` — per request, the first matching `policy.risk` rule (`type` as treated;
//!   `impactedTier`/`impactedServices` over the whole diff's changed and reached services),
//!   never below the declared `risk`; the verdict's risk is the highest. With no request, the
//!   rules are tried once with no type. No matching rule and nothing declared: `very-high`
//!   (fails closed), said in the reason. Informational (`pass`).
//! - `freeze` — a base freeze whose scope covers a changed or reached service or CI (no scope or
//!   `all`; listed service; service tier; CI environment; base or head version) and one of whose
//!   occurrences contains the merge time or overlaps a request's window. Exempt: an emergency
//!   request's window in a freeze with `allowEmergency: true`, and the merge time in such a
//!   freeze when every request in the diff is an emergency (a diff without requests is never
//!   exempt). An unreadable freeze schedule fails closed.
//! - `change-windows` — every normal or standard request has a window (whatever its state)
//!   inside one occurrence of one of the maintenance windows of each service that lists
//!   some, among its target services and the diff's changed and reached services. Emergencies
//!   need no window and are not held to maintenance windows. A maintenance window's own `scope`
//!   is not consulted: a service opts in by listing it.
//! - `conflicts` — the requests in the diff against each other, the base's active changes and
//!   those of `--against` revisions, the freezes and the maintenance windows, as `cairn
//!   conflicts` finds them (`crate::conflicts`). `conflicts: block` fails on any; `warn` (the
//!   default) passes and lists them in the reason and `warnings`; `off` skips. Informational
//!   unless `block`.
//! - one rule per `policy.approvals` entry, under its own name. Its `if` holds when the risk of
//!   the requests needing approval (all but pre-approved standard ones; the diff's risk with no
//!   request) is listed and one of them has a listed type. All requests pre-approved: skipped.
//!   `team: X` needs `count` approvals from X; `ownersOf: impacted` needs `count` from each team
//!   that owns, or is among the `approvers` of, a changed or reached service; both: all of it.
//! - `policy-owners` — a diff that adds, modifies or removes a Policy, Team, Window or Scorecard
//!   (scorecards decide the `scorecards` rule), or changes `cairn.yaml` (where the policy lives,
//!   which files are read, severities), needs one approval from a member of each
//!   `policy.owners` team; no owners: fails closed.
//! - `scorecards` — only when the base has a scorecard: entities whose level under a base
//!   scorecard the diff lowers, with the checks that now fail (`scorecards.regression`: `block`
//!   fails, `warn` passes and lists them, `off` skips). Informational unless `block`.
//! - `no-rule-applied` — only when none of the rules that govern a diff applied (coverage
//!   optional, windows ignored, no approval rule's condition held, no governance change and no
//!   pre-approved standard change): nothing authorised the diff, so the gate fails closed, as
//!   policy-bot does. A catch-all approval rule (no `if`) avoids it.
//!
//! The verdict is `block` when any rule fails. Output is deterministic: rules in the order above
//! (approval rules in policy order), lists sorted.
//!
//! # Which reviews count
//!
//! Logins compare case-insensitively. Records of one review (same id, from `--reviews` and the
//! event, or repeated in a list) are reduced to the newest — further along PENDING → submitted →
//! DISMISSED, then later `submitted_at` — and the others listed; records that contradict each
//! other count for nothing (and `combine_reviews` refuses them). A reviewer's latest review is
//! the last among their APPROVED, CHANGES_REQUESTED and DISMISSED reviews (a later COMMENTED or
//! PENDING review does not supersede an approval, as on GitHub), by `submitted_at` then `id`
//! when all of them have a time, else by `id`. It counts when it is APPROVED,
//! not the author's (unless `allowSelfApproval`), for the head commit when
//! `invalidateStaleApprovals` and the head commit is known (no `commit_id`: stale), and the
//! reviewer is a member of the required team at the base — sub-teams (`parent`) included, as on
//! GitHub. A team that does not exist at the base cannot approve. One approval counts for every
//! team its reviewer is in. When the author is unknown and self-approval is not allowed, every
//! approval rule that applies fails: self-approval cannot be ruled out. `eligible` lists the
//! required teams' members who could still approve (not the author unless allowed, not those
//! already counted). Every review that counts towards nothing is in `ignoredReviews` with why.
//!
//! # Time
//!
//! Periods are half-open, `[start, end)`. Recurring windows are expanded with croner on the
//! local wall clock of their time zone (default UTC), then placed: a local start time that does
//! not exist (spring forward) starts at the end of the gap; an ambiguous one (fall back) takes the
//! earlier instant, once. An occurrence lasts `duration` of elapsed time (capped at 366 days).

mod approvals;
pub mod cases;
mod conflicts;
mod context;
mod coverage;
mod lifecycle;
mod reviews;
mod risk;
mod scorecards;
mod standard;
mod valid;
use crate::time;
mod windows;

#[cfg(test)]
mod tests;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use std::sync::Arc;

use crate::diag::Code;
use crate::impact::Impact;
use crate::model::{Entity, Risk, Spec};

pub use reviews::{combine_reviews, parse_event, parse_reviews, Event, Review, ReviewState};
pub use valid::{Finding, Validity};

/// Whether the pull request may merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    Allow,
    Block,
}

/// The outcome of one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Pass,
    Fail,
    Skipped,
}

/// One rule of the gate and why it passed, failed or did not apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleResult {
    pub name: String,
    pub status: Status,
    pub reason: String,
    /// What is still needed for a failing rule to pass, e.g. `1 more approval from team:cab`.
    pub missing: Option<String>,
    /// Logins who could still satisfy the rule (the author excluded unless self-approval is
    /// allowed, and those whose approval already counts), sorted.
    pub eligible: Vec<String>,
    /// What a rule in `warn` mode found (it passes): one line each, for the reports to show as
    /// warnings. Left out of JSON when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl RuleResult {
    pub(crate) fn pass(name: impl Into<String>, reason: impl Into<String>) -> RuleResult {
        RuleResult::new(name, Status::Pass, reason)
    }

    pub(crate) fn skipped(name: impl Into<String>, reason: impl Into<String>) -> RuleResult {
        RuleResult::new(name, Status::Skipped, reason)
    }

    pub(crate) fn fail(
        name: impl Into<String>,
        reason: impl Into<String>,
        missing: Option<String>,
    ) -> RuleResult {
        RuleResult { missing, ..RuleResult::new(name, Status::Fail, reason) }
    }

    fn new(name: impl Into<String>, status: Status, reason: impl Into<String>) -> RuleResult {
        RuleResult {
            name: name.into(),
            status,
            reason: reason.into(),
            missing: None,
            eligible: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

/// A review that counts towards no rule, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IgnoredReview {
    /// The reviewer's login; empty for a deleted account, which JSON writes as `null`.
    #[serde(serialize_with = "login_or_null")]
    pub login: String,
    pub id: u64,
    /// `stale: approves an older commit abc1234`, `superseded by a later review`, `author's own
    /// review`, `not a member of team:cab at the base`, `state COMMENTED`…
    pub why: String,
}

fn login_or_null<S: serde::Serializer>(login: &str, serializer: S) -> Result<S::Ok, S::Error> {
    match login {
        "" => serializer.serialize_none(),
        login => serializer.serialize_str(login),
    }
}

/// The gate's answer (SPEC §7: `{"verdict", "risk", "rules", "ignoredReviews"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    pub verdict: Decision,
    /// The highest risk computed over the change requests in the diff; `null` without a policy.
    pub risk: Option<Risk>,
    pub rules: Vec<RuleResult>,
    /// Reviews that count towards no rule, by review id.
    pub ignored_reviews: Vec<IgnoredReview>,
}

/// Everything the gate looks at.
#[derive(Debug, Clone, Copy)]
pub struct GateInput<'a> {
    /// The target branch's entities: the policy, teams and windows are always taken from here.
    pub base: &'a [&'a Entity],
    /// The pull request's entities.
    pub head: &'a [&'a Entity],
    /// What changed (with field changes) and what that reaches, base → head.
    pub impact: &'a Impact,
    /// The forge's reviews of the pull request.
    pub reviews: &'a [Review],
    /// The pull request's author.
    pub author: Option<&'a str>,
    /// The head commit; approvals of other commits are stale.
    pub head_sha: Option<&'a str>,
    /// The merge time, checked against freezes.
    pub now: DateTime<FixedOffset>,
    /// Head files whose documents could not be read or failed their schema, with the first
    /// finding's code: the gate cannot see what they change.
    pub unreadable: &'a [(Arc<str>, Code)],
    /// The validation errors of both trees, for the `valid` rule (`None`: not validated, the
    /// rule is skipped).
    pub validity: Option<Validity<'a>>,
    /// Whether the diff changes the tree's `cairn.yaml` (where the policy lives, which files are
    /// read, severities): governance, like the policy itself.
    pub config_changed: bool,
}

/// Decides whether the pull request may merge (see the module documentation).
pub fn evaluate(input: &GateInput) -> Verdict {
    evaluate_against(input, &[])
}

/// [`evaluate`], with the active change requests of other revisions (`--against`: open pull
/// requests) for the `conflicts` rule.
pub fn evaluate_against(input: &GateInput, against: &[crate::conflicts::Candidate]) -> Verdict {
    let policies: Vec<&Entity> =
        input.base.iter().copied().filter(|e| matches!(e.spec, Spec::Policy(_))).collect();
    let (entity, policy) = match policies.as_slice() {
        [entity] => match &entity.spec {
            Spec::Policy(policy) => (*entity, policy),
            _ => return closed("no policy at the base revision: the gate fails closed".to_owned()),
        },
        [] => return closed("no policy at the base revision: the gate fails closed".to_owned()),
        several => {
            let mut names: Vec<String> = several.iter().map(|e| e.reference().to_string()).collect();
            names.sort();
            names.dedup();
            return closed(format!(
                "{} policies at the base revision ({}): there must be exactly one, the gate fails closed",
                several.len(),
                names.join(", ")
            ));
        }
    };
    let cx = context::Context::new(input, entity, policy);

    // Each rule, and whether it governs the diff (see `no-rule-applied`), in the order they are
    // reported. A new rule lives in its own file and adds its line here.
    let mut rules: Vec<(RuleResult, bool)> = vec![
        (readable(input.unreadable), false),
        (valid::check(input.validity.as_ref()), false),
        (coverage::check(&cx), true),
        (lifecycle::check(&cx), false),
    ];
    let standard = standard::assess(&cx);
    rules.push((standard.rule.clone(), standard.any_pre_approved()));
    let risk = risk::assess(&cx, &standard);
    rules.push((risk.rule.clone(), false));
    for rule in windows::check(&cx) {
        rules.push((rule, true));
    }
    rules.push((conflicts::check(&cx, against), false));
    let approvals = approvals::check(&cx, &standard, &risk);
    for rule in approvals.rules {
        rules.push((rule, true));
    }
    rules.extend(scorecards::check(&cx).map(|rule| (rule, false)));

    let applied = rules.iter().any(|(rule, governs)| *governs && rule.status != Status::Skipped);
    let mut rules: Vec<RuleResult> = rules.into_iter().map(|(rule, _)| rule).collect();
    if !applied {
        rules.push(RuleResult::fail(
            "no-rule-applied",
            "no rule of the policy applied to this diff (coverage is optional, windows are ignored, no \
             approval rule's condition holds, nothing pre-approves it): the gate fails closed",
            Some("an approval rule that applies, e.g. one without `if`".to_owned()),
        ));
    }
    let verdict =
        if rules.iter().any(|r| r.status == Status::Fail) { Decision::Block } else { Decision::Allow };
    Verdict { verdict, risk: risk.overall, rules, ignored_reviews: approvals.ignored }
}

/// The `readable` rule.
fn readable(unreadable: &[(Arc<str>, Code)]) -> RuleResult {
    const SHOWN: usize = 10;
    if unreadable.is_empty() {
        return RuleResult::pass("readable", "every cairn document at head reads and fits its schema");
    }
    let mut files: Vec<String> =
        unreadable.iter().take(SHOWN).map(|(file, code)| format!("{file} ({code})")).collect();
    if unreadable.len() > SHOWN {
        files.push(format!("{} more", unreadable.len() - SHOWN));
    }
    RuleResult::fail(
        "readable",
        format!(
            "{} at head cannot be read or do not fit their schema, so the gate cannot see what they change: {}",
            context::plural(unreadable.len(), "file"),
            context::and_list(&files)
        ),
        Some("fix the files: `cairn validate --rev HEAD` shows every finding".to_owned()),
    )
}

/// A blocking verdict with one failing `policy` rule.
fn closed(reason: String) -> Verdict {
    Verdict {
        verdict: Decision::Block,
        risk: None,
        rules: vec![RuleResult::fail(
            "policy",
            reason,
            Some("exactly one Policy at the base revision".into()),
        )],
        ignored_reviews: Vec::new(),
    }
}
