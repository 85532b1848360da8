//! The `scorecards` rule: entities whose level, under a scorecard of the base revision, the diff
//! lowers (`crate::health::score::regressions`), each named with the checks that now fail.
//! `scorecards: {regression: block}` fails the gate; `warn` (the default) passes and lists them
//! in the reason; `off` skips. Reported only when the base has a scorecard.
//!
//! The scorecards are read from the base, like the policy: a pull request that relaxes a
//! scorecard, or deletes it, is still held to the one it started from.

use super::context::{and_list, plural, Context};
use super::RuleResult;
use crate::health::score::{regressions, scorecards, Regression};
use crate::model::GateMode;

const NAME: &str = "scorecards";

/// Lowered entities named in the reason at most; the rest are counted.
const SHOWN: usize = 10;

pub(super) fn check(cx: &Context) -> Option<RuleResult> {
    let cards = scorecards(cx.input.base);
    if cards.is_empty() {
        return None;
    }
    let mode = cx.policy.scorecards.regression;
    if mode == GateMode::Off {
        return Some(RuleResult::skipped(
            NAME,
            "scorecard regressions are not checked (`scorecards.regression: off`)",
        ));
    }
    let found = regressions(&cards, cx.input.base, cx.input.head);
    if found.is_empty() {
        return Some(RuleResult::pass(
            NAME,
            format!("no entity's level is lowered under {}", plural(cards.len(), "scorecard")),
        ));
    }
    let mut items: Vec<String> = found.iter().take(SHOWN).map(describe).collect();
    if found.len() > SHOWN {
        items.push(format!("{} more", found.len() - SHOWN));
    }
    let lowered = format!(
        "{} lowered: {}",
        if found.len() == 1 {
            "1 entity's level is".to_owned()
        } else {
            format!("{} entities' levels are", found.len())
        },
        items.join("; ")
    );
    Some(match mode {
        GateMode::Block => RuleResult::fail(
            NAME,
            lowered,
            Some(format!(
                "what the failing checks ask of {}",
                and_list(&found.iter().map(|r| r.entity.to_string()).collect::<Vec<_>>())
            )),
        ),
        _ => RuleResult::pass(NAME, format!("warning (`scorecards.regression: warn`): {lowered}")),
    })
}

/// `service:checkout from gold to silver under readiness (gold/pager: no pager contact …)`.
fn describe(r: &Regression) -> String {
    let after = r.after.as_deref().unwrap_or("none");
    let checks: Vec<String> =
        r.now_failing.iter().map(|f| format!("{}/{}: {}", f.level, f.check, f.reason)).collect();
    format!("{} from {} to {after} under {} ({})", r.entity, r.before, r.scorecard, checks.join(", "))
}
