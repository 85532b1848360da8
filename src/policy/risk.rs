//! Risk: per change request, the first matching rule of `policy.risk`, never below the risk the
//! request declares; the verdict's risk is the highest over the requests.
//!
//! Conditions (all given ones must hold; none: always): `type` — the request's type, as treated
//! (a standard change outside its template is normal); `impactedTier: N` — some changed or
//! reached service has tier N or a more critical one (its more critical tier of base and head);
//! `impactedServices: {atLeast: N}` — at least N services are changed or reached. The tier and
//! count conditions look at the whole diff (SPEC §5), so they are the same for every request.
//!
//! With no change request in the diff, the rules are evaluated once with no type (`type`
//! conditions do not match). When no rule matches and nothing is declared, the risk is taken
//! as `very-high` and the reason says so: an unknown risk fails closed.

use super::context::{plural, Context};
use super::standard::Standard;
use super::RuleResult;
use crate::model::{ChangeType, EntityRef, Risk, RiskCondition};

pub(super) struct Assessment {
    /// Per change request in the diff, its risk.
    pub per_request: Vec<(EntityRef, Risk)>,
    /// The highest risk; the no-request risk when there is no request.
    pub overall: Option<Risk>,
    pub rule: RuleResult,
}

impl Assessment {
    pub fn of(&self, request: &EntityRef) -> Option<Risk> {
        self.per_request.iter().find(|(r, _)| r == request).map(|(_, risk)| *risk)
    }
}

pub(super) fn risk_name(risk: Risk) -> &'static str {
    match risk {
        Risk::Low => "low",
        Risk::Moderate => "moderate",
        Risk::High => "high",
        Risk::VeryHigh => "very-high",
    }
}

pub(super) fn type_name(change_type: ChangeType) -> &'static str {
    match change_type {
        ChangeType::Standard => "standard",
        ChangeType::Normal => "normal",
        ChangeType::Emergency => "emergency",
    }
}

pub(super) fn assess(cx: &Context, standard: &Standard) -> Assessment {
    let tier = cx.services.iter().filter_map(|s| cx.tier(s)).min();
    let count = cx.services.len();
    let facts = match tier {
        Some(t) => format!("{} changed or reached, most critical tier {t}", plural(count, "service")),
        None => format!("{} changed or reached", plural(count, "service")),
    };
    let mut per_request = Vec::new();
    let mut reasons = Vec::new();
    for request in &cx.requests {
        let change_type = standard.effective_type(&request.reference, request.spec.change_type);
        let (risk, why) = compute(cx, Some(change_type), tier, count, request.spec.risk);
        reasons.push(format!("{} ({}): {why}", request.reference, type_name(change_type)));
        per_request.push((request.reference.clone(), risk));
    }
    let overall = if per_request.is_empty() {
        let (risk, why) = compute(cx, None, tier, count, None);
        reasons.push(format!("no change request in the diff: {why}"));
        risk
    } else {
        per_request.iter().map(|(_, r)| *r).max().unwrap_or(Risk::VeryHigh)
    };
    let reason = format!("risk {} ({facts}); {}", risk_name(overall), reasons.join("; "));
    Assessment { per_request, overall: Some(overall), rule: RuleResult::pass("risk", reason) }
}

/// The risk of one request (or of the diff, with no type) and why.
fn compute(
    cx: &Context,
    change_type: Option<ChangeType>,
    tier: Option<u8>,
    count: usize,
    declared: Option<Risk>,
) -> (Risk, String) {
    let matched = cx.policy.risk.iter().enumerate().find(|(_, rule)| match &rule.when {
        None => true,
        Some(condition) => holds(condition, change_type, tier, count),
    });
    let computed = matched.map(|(i, rule)| {
        let when = rule.when.as_ref().map_or_else(|| "always".to_owned(), describe);
        (rule.then, format!("risk rule {} (if {when}) gives {}", i + 1, risk_name(rule.then)))
    });
    match (computed, declared) {
        (Some((risk, why)), Some(d)) if d > risk => {
            (d, format!("{why}, raised to the declared {}", risk_name(d)))
        }
        (Some((risk, why)), Some(_)) => (risk, format!("{why}, not below the declared risk")),
        (Some((risk, why)), None) => (risk, why),
        (None, Some(d)) => (d, format!("no risk rule matched; declared {}", risk_name(d))),
        (None, None) => (
            Risk::VeryHigh,
            "no risk rule matched and no risk is declared: taken as very-high (fails closed)".to_owned(),
        ),
    }
}

fn holds(condition: &RiskCondition, change_type: Option<ChangeType>, tier: Option<u8>, count: usize) -> bool {
    let type_ok = condition.change_type.is_none_or(|t| change_type == Some(t));
    let tier_ok = condition.impacted_tier.is_none_or(|n| tier.is_some_and(|t| t <= n));
    let count_ok = condition
        .impacted_services
        .is_none_or(|a| u64::try_from(count).unwrap_or(u64::MAX) >= a.at_least.into());
    type_ok && tier_ok && count_ok
}

/// `type emergency, impactedTier 1, impactedServices at least 5`.
fn describe(condition: &RiskCondition) -> String {
    let mut parts = Vec::new();
    if let Some(t) = condition.change_type {
        parts.push(format!("type {}", type_name(t)));
    }
    if let Some(n) = condition.impacted_tier {
        parts.push(format!("impactedTier {n}"));
    }
    if let Some(a) = condition.impacted_services {
        parts.push(format!("impactedServices at least {}", a.at_least));
    }
    if parts.is_empty() {
        "always".to_owned()
    } else {
        parts.join(", ")
    }
}
