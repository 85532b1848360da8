//! Coverage: with `coverage: required`, every Service and ConfigurationItem the diff adds,
//! modifies or removes is a target of a change request in the diff (not cancelled at head).

use std::collections::BTreeSet;

use super::context::{and_list, plural, Context};
use super::RuleResult;
use crate::model::{Coverage, EntityRef, Kind};

const NAME: &str = "coverage";

pub(super) fn check(cx: &Context) -> RuleResult {
    if cx.policy.coverage == Coverage::Optional {
        return RuleResult::skipped(NAME, "coverage is optional in the policy");
    }
    let changed: Vec<&EntityRef> = cx
        .input
        .impact
        .changed
        .iter()
        .map(|c| &c.reference)
        .filter(|r| matches!(r.kind, Kind::Service | Kind::ConfigurationItem))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if changed.is_empty() {
        return RuleResult::pass(NAME, "no service or configuration item changed");
    }
    let targets: BTreeSet<&EntityRef> =
        cx.requests.iter().flat_map(|r| r.spec.targets.iter().map(|t| &t.target)).collect();
    let missing: Vec<&EntityRef> = changed.iter().copied().filter(|r| !targets.contains(r)).collect();
    if missing.is_empty() {
        let requests: Vec<&EntityRef> = cx.requests.iter().map(|r| &r.reference).collect();
        return RuleResult::pass(
            NAME,
            format!(
                "every changed service and configuration item ({}) is a target of {}",
                changed.len(),
                and_list(&requests)
            ),
        );
    }
    let reason = if cx.requests.is_empty() {
        format!(
            "{} changed but no change request in the diff covers {}",
            plural(missing.len(), "service or configuration item"),
            if missing.len() == 1 { "it" } else { "them" }
        )
    } else {
        format!(
            "{} of {} changed services and configuration items {} not a target of a change request in the diff",
            missing.len(),
            changed.len(),
            if missing.len() == 1 { "is" } else { "are" }
        )
    };
    RuleResult::fail(NAME, reason, Some(format!("a change request targeting {}", and_list(&missing))))
}
