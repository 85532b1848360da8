//! Approvals: the rules of `policy.approvals` and `policy-owners`.
//!
//! An approval rule applies when its `if` holds: `risk` — the risk of the change requests that
//! need approval (the highest; the no-request risk when the diff has no request) is listed;
//! `type` — one of those requests is of a listed type (as treated: a standard change outside its
//! template is normal); with no request in the diff, `type` conditions do not hold. When every
//! request in the diff is a pre-approved standard change, every approval rule is skipped.
//!
//! What a rule requires: `team: team:X` — `count` approvals from members of X; `ownersOf:
//! impacted` — `count` approvals from each team that owns a changed or reached service, or is
//! listed in its `approvers` (a service's owner and approvers are read at the base when it exists
//! there); both — all of it. Members are read at the base, sub-teams included; a team that does
//! not exist at the base cannot approve. One person's approval counts for every team they are
//! in. A rule that applies fails when the author is unknown and self-approval is not allowed: it
//! cannot be ruled out.
//!
//! `policy-owners`: a diff that adds, modifies or removes a Policy, Team, Window or Scorecard, or
//! changes `cairn.yaml`, needs one approval from a member of each `policy.owners` team; with no
//! owners it fails closed. Scorecards are governance like the policy: they decide the gate's
//! `scorecards` rule, so relaxing or deleting one is relaxing the gate for the pull requests
//! after it.
//!
//! Reviews that count towards nothing are listed with why (see [`super::reviews`]); an approval
//! that could count but is from no member of a team an applying rule needed is "not a member of
//! team:X at the base".

use std::collections::{BTreeMap, BTreeSet};

use super::context::{and_list, plural, Context, Members, Request};
use super::reviews::{sift, Sifted};
use super::risk::{risk_name, type_name, Assessment};
use super::standard::{Outcome as StandardOutcome, Standard};
use super::{IgnoredReview, RuleResult};
use crate::model::{ApprovalCondition, ChangeType, EntityRef, Kind, Requirement, Risk};

pub(super) struct Approvals {
    pub rules: Vec<RuleResult>,
    pub ignored: Vec<IgnoredReview>,
}

/// Which approvals were used, and which teams the applying rules looked at.
#[derive(Default)]
struct Tally {
    used: BTreeSet<String>,
    teams: BTreeSet<EntityRef>,
}

/// `count` approvals needed from `team`, and for what (`owner of service:a`).
struct Need {
    team: EntityRef,
    count: u32,
    about: Vec<String>,
}

pub(super) fn check(cx: &Context, standard: &Standard, risk: &Assessment) -> Approvals {
    let author = cx.author();
    let sifted = sift(cx.input.reviews, author.as_deref(), cx.input.head_sha, cx.policy);
    let mut tally = Tally::default();
    let mut rules = Vec::new();

    let needing: Vec<&Request> =
        cx.requests.iter().filter(|r| !standard.is_pre_approved(&r.reference)).collect();
    let pre_approved = (!cx.requests.is_empty() && needing.is_empty()).then(|| {
        let parts: Vec<String> = standard
            .outcomes
            .iter()
            .filter_map(|(r, o)| match o {
                StandardOutcome::PreApproved(t) => Some(format!("pre-approved standard change `{t}` ({r})")),
                StandardOutcome::Normal(_) => None,
            })
            .collect();
        parts.join("; ")
    });
    let level = if needing.is_empty() {
        risk.overall
    } else {
        needing.iter().filter_map(|r| risk.of(&r.reference)).max()
    };
    let mut types: Vec<ChangeType> = Vec::new();
    for t in needing.iter().map(|r| standard.effective_type(&r.reference, r.spec.change_type)) {
        if !types.contains(&t) {
            types.push(t);
        }
    }
    types.sort_by_key(|t| type_name(*t));

    for rule in &cx.policy.approvals {
        if let Some(why) = &pre_approved {
            rules.push(RuleResult::skipped(&rule.name, why.clone()));
            continue;
        }
        if let Some(why) = rule.when.as_ref().and_then(|c| not_holding(c, level, &types, needing.is_empty()))
        {
            rules.push(RuleResult::skipped(&rule.name, why));
            continue;
        }
        rules.push(required(cx, &rule.name, &rule.require, &sifted, author.as_deref(), &mut tally));
    }
    rules.push(policy_owners(cx, &sifted, author.as_deref(), &mut tally));

    let mut ignored = sifted.ignored.clone();
    if !tally.teams.is_empty() {
        let teams: Vec<&EntityRef> = tally.teams.iter().collect();
        let teams: Vec<String> = teams.iter().map(ToString::to_string).collect();
        for (login, review) in &sifted.approvals {
            if !tally.used.contains(login) {
                ignored.push(IgnoredReview {
                    login: review.login.clone(),
                    id: review.id,
                    why: format!("not a member of {} at the base", teams.join(" or ")),
                });
            }
        }
    }
    ignored.sort_by(|a, b| (a.id, &a.login).cmp(&(b.id, &b.login)));
    Approvals { rules, ignored }
}

/// Why a rule's condition does not hold, or `None` when it does.
fn not_holding(
    condition: &ApprovalCondition,
    level: Option<Risk>,
    types: &[ChangeType],
    no_request: bool,
) -> Option<String> {
    if !condition.risk.is_empty() && !level.is_some_and(|r| condition.risk.contains(&r)) {
        let listed: Vec<&str> = condition.risk.iter().map(|r| risk_name(*r)).collect();
        let level = level.map_or("unknown", risk_name);
        return Some(format!("risk {level} is not one of {}", listed.join(", ")));
    }
    if !condition.change_type.is_empty() && !condition.change_type.iter().any(|t| types.contains(t)) {
        let listed: Vec<&str> = condition.change_type.iter().map(|t| type_name(*t)).collect();
        return Some(if no_request {
            format!("no change request in the diff, so none is of type {}", listed.join(" or "))
        } else {
            let present: Vec<&str> = types.iter().map(|t| type_name(*t)).collect();
            format!(
                "no change request needing approval is of type {} (the diff has {})",
                listed.join(" or "),
                present.join(", ")
            )
        });
    }
    None
}

fn required(
    cx: &Context,
    name: &str,
    require: &Requirement,
    sifted: &Sifted,
    author: Option<&str>,
    tally: &mut Tally,
) -> RuleResult {
    if require.owners_of.is_none() && require.team.is_none() {
        return RuleResult::fail(
            name,
            "the rule requires neither `ownersOf` nor `team`: the gate fails closed",
            Some("a `require` with `ownersOf` or `team` in the base policy".to_owned()),
        );
    }
    let mut needs: BTreeMap<EntityRef, Need> = BTreeMap::new();
    if require.owners_of.is_some() {
        for service in &cx.services {
            let Some(spec) = cx.service(service) else { continue };
            let mut add = |team: &EntityRef, role: &str| {
                let need = needs.entry(team.clone()).or_insert_with(|| Need {
                    team: team.clone(),
                    count: require.count,
                    about: Vec::new(),
                });
                need.about.push(format!("{role} of {service}"));
            };
            add(&spec.owner.target, "owner");
            for approver in &spec.approvers {
                add(&approver.target, "approver");
            }
        }
    }
    if let Some(team) = &require.team {
        needs.entry(team.target.clone()).or_insert_with(|| Need {
            team: team.target.clone(),
            count: require.count,
            about: Vec::new(),
        });
    }
    if needs.is_empty() {
        return RuleResult::pass(name, "no service is changed or reached, so no owner must approve");
    }
    let needs: Vec<Need> = needs.into_values().collect();
    evaluate(cx, name, "", &needs, sifted, author, tally)
}

fn policy_owners(cx: &Context, sifted: &Sifted, author: Option<&str>, tally: &mut Tally) -> RuleResult {
    const NAME: &str = "policy-owners";
    let governed: Vec<&EntityRef> = cx
        .input
        .impact
        .changed
        .iter()
        .map(|c| &c.reference)
        .filter(|r| matches!(r.kind, Kind::Policy | Kind::Team | Kind::Window | Kind::Scorecard))
        .collect();
    if governed.is_empty() && !cx.input.config_changed {
        return RuleResult::skipped(NAME, "no policy, team, window, scorecard or cairn.yaml changed");
    }
    // `cairn.yaml` says where the policy lives, which files are read and how severe findings
    // are: changing it is changing the rules.
    let shown = match (governed.is_empty(), cx.input.config_changed) {
        (true, _) => "cairn.yaml".to_owned(),
        (false, true) => format!("{} and cairn.yaml", shorten(&governed)),
        (false, false) => shorten(&governed),
    };
    if cx.policy.owners.is_empty() {
        return RuleResult::fail(
            NAME,
            format!("the diff changes {shown} but the base policy names no `owners`: the gate fails closed"),
            Some("`owners` in the base policy".to_owned()),
        );
    }
    let needs: Vec<Need> = cx
        .policy
        .owners
        .iter()
        .map(|o| &o.target)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|team| Need { team: team.clone(), count: 1, about: vec!["policy owner".to_owned()] })
        .collect();
    evaluate(cx, NAME, &format!("the diff changes {shown}; "), &needs, sifted, author, tally)
}

/// At most 5 references, then `and N more`.
fn shorten(refs: &[&EntityRef]) -> String {
    const SHOWN: usize = 5;
    if refs.len() <= SHOWN {
        return and_list(refs);
    }
    let head: Vec<String> = refs[..SHOWN].iter().map(ToString::to_string).collect();
    format!("{} and {} more", head.join(", "), refs.len() - SHOWN)
}

/// Counts the approvals for each need.
fn evaluate(
    cx: &Context,
    name: &str,
    prefix: &str,
    needs: &[Need],
    sifted: &Sifted,
    author: Option<&str>,
    tally: &mut Tally,
) -> RuleResult {
    let allow_self = cx.policy.allow_self_approval;
    let mut met = Vec::new();
    let mut short = Vec::new();
    let mut missing = Vec::new();
    let mut eligible: BTreeMap<String, String> = BTreeMap::new();
    for need in needs {
        let team = &need.team;
        let about =
            if need.about.is_empty() { String::new() } else { format!(" ({})", shorten_text(&need.about)) };
        let Some(members) = cx.members(team) else {
            short.push(format!(
                "{team}{about} does not exist at the base revision, so no one can approve for it"
            ));
            missing.push(format!("{team} at the base revision"));
            continue;
        };
        tally.teams.insert(team.clone());
        let approvers: Vec<(&String, &str)> = members
            .keys()
            .filter_map(|login| sifted.approvals.get(login).map(|r| (login, r.login.as_str())))
            .collect();
        tally.used.extend(approvers.iter().map(|(l, _)| (*l).clone()));
        let have = approvers.len();
        let count = usize::try_from(need.count).unwrap_or(usize::MAX);
        let names: Vec<&str> = approvers.iter().map(|(_, shown)| *shown).collect();
        let by = if names.is_empty() { String::new() } else { format!(" by {}", names.join(", ")) };
        if have >= count {
            met.push(format!("{} from {team}{about}{by}", plural(have, "approval")));
            continue;
        }
        let could = could_approve(&members, sifted, author, allow_self);
        let remaining = count - have;
        let mut text = format!("{have} of {count} from {team}{about}{by}");
        if could.len() < remaining {
            text.push_str(&format!(
                "; only {} other member{} can still approve",
                could.len(),
                if could.len() == 1 { "" } else { "s" }
            ));
        }
        short.push(text);
        missing.push(format!(
            "{remaining} more {} from {team}",
            if remaining == 1 { "approval" } else { "approvals" }
        ));
        eligible.extend(could);
    }
    if author.is_none() && !allow_self {
        short.push(
            "the pull request's author is unknown (pass --author or --event), so self-approval cannot be \
             ruled out"
                .to_owned(),
        );
        missing.push("the pull request's author".to_owned());
    }
    if short.is_empty() {
        return RuleResult::pass(name, format!("{prefix}{}", met.join("; ")));
    }
    let mut reason = format!("{prefix}{}", short.join("; "));
    if !met.is_empty() {
        reason.push_str(&format!("; met: {}", met.join("; ")));
    }
    let mut result = RuleResult::fail(name, reason, Some(missing.join("; ")));
    let mut logins: Vec<String> = eligible.into_values().collect();
    logins.sort_by(|a, b| (a.to_lowercase(), a).cmp(&(b.to_lowercase(), b)));
    result.eligible = logins;
    result
}

/// Members who could still give a counting approval: not the author (unless allowed), and not
/// already counted.
fn could_approve(
    members: &Members,
    sifted: &Sifted,
    author: Option<&str>,
    allow_self: bool,
) -> BTreeMap<String, String> {
    members
        .iter()
        .filter(|(login, _)| allow_self || author != Some(login.as_str()))
        .filter(|(login, _)| !sifted.approvals.contains_key(*login))
        .map(|(l, shown)| (l.clone(), shown.clone()))
        .collect()
}

/// At most 3 items, then `and N more`.
fn shorten_text(items: &[String]) -> String {
    const SHOWN: usize = 3;
    if items.len() <= SHOWN {
        return items.join(", ");
    }
    format!("{} and {} more", items[..SHOWN].join(", "), items.len() - SHOWN)
}
