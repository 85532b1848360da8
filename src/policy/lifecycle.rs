//! Lifecycle: a change request closed or cancelled at the base is immutable (neither modified
//! nor removed), and a request's state only moves forward through new < assess < authorize <
//! scheduled < implement < review < closed; it may be cancelled from any open state. A request
//! added by the diff may start in any state.

use super::context::Context;
use super::RuleResult;
use crate::impact::ChangeKind;
use crate::model::{ChangeState, Kind};

const NAME: &str = "lifecycle";

pub(super) fn state_name(state: ChangeState) -> &'static str {
    match state {
        ChangeState::New => "new",
        ChangeState::Assess => "assess",
        ChangeState::Authorize => "authorize",
        ChangeState::Scheduled => "scheduled",
        ChangeState::Implement => "implement",
        ChangeState::Review => "review",
        ChangeState::Closed => "closed",
        ChangeState::Cancelled => "cancelled",
    }
}

pub(super) fn check(cx: &Context) -> RuleResult {
    let mut problems = Vec::new();
    let mut moves = Vec::new();
    let existing = cx.input.impact.changed.iter().filter(|c| {
        c.reference.kind == Kind::ChangeRequest
            && matches!(c.change, ChangeKind::Modified | ChangeKind::Removed)
    });
    let mut checked = 0usize;
    for change in existing {
        let Some(before) = cx.base.change(&change.reference) else { continue };
        checked += 1;
        let reference = &change.reference;
        let was = before.state;
        if matches!(was, ChangeState::Closed | ChangeState::Cancelled) {
            let what = match change.change {
                ChangeKind::Removed => "removed".to_owned(),
                _ => {
                    let fields: Vec<&str> = change.fields.iter().map(|f| f.path.as_str()).collect();
                    format!("modified ({})", fields.join(", "))
                }
            };
            problems.push(format!("{reference} is {} at the base and must not be {what}", state_name(was)));
            continue;
        }
        let Some(after) = cx.head.change(reference) else { continue };
        let now = after.state;
        if now == was {
            continue;
        }
        if now != ChangeState::Cancelled && now < was {
            problems.push(format!("{reference} goes back from {} to {}", state_name(was), state_name(now)));
        } else {
            moves.push(format!("{reference} {} → {}", state_name(was), state_name(now)));
        }
    }
    if !problems.is_empty() {
        return RuleResult::fail(
            NAME,
            problems.join("; "),
            Some(
                "closed and cancelled change requests left as they are, and states that only move forward"
                    .into(),
            ),
        );
    }
    match (checked, moves.is_empty()) {
        (0, _) => RuleResult::skipped(NAME, "no existing change request is modified or removed"),
        (_, true) => RuleResult::pass(NAME, "no change request changes state; none was closed or cancelled"),
        (_, false) => RuleResult::pass(NAME, format!("states move forward: {}", moves.join(", "))),
    }
}
