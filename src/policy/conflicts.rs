//! The `conflicts` rule: the change requests the diff adds or modifies (as written at head,
//! not cancelled), checked by [`crate::conflicts`] against each other, the active changes of
//! the base and those of the `--against` revisions (open pull requests).
//!
//! The graph and the services are read at head (a request may target what the pull request
//! adds); the windows, like every window the gate reads, at the base. Changes whose windows
//! ended by the merge time are left out. `conflicts: block` fails the rule on any conflict;
//! `warn` (the default) passes it, its reason and `warnings` listing them; `off` skips it.

use super::context::{plural, Context};
use super::RuleResult;
use crate::conflicts::{self, Candidate, Input};
use crate::model::{ConflictsMode, Entity, Kind};

const NAME: &str = "conflicts";
/// The conflicts named in the reason; the rest are counted.
const SHOWN: usize = 10;

pub(super) fn check(cx: &Context, against: &[Candidate]) -> RuleResult {
    let mode = cx.policy.conflicts;
    if mode == ConflictsMode::Off {
        return RuleResult::skipped(NAME, "conflicts are not checked (`conflicts: off`)");
    }
    let subjects: Vec<Candidate> = cx
        .requests
        .iter()
        .filter_map(|r| cx.head.get(&r.reference))
        .map(|entity| Candidate { entity, rev: None })
        .collect();
    if subjects.is_empty() {
        return RuleResult::pass(NAME, "no change request in the diff");
    }
    // Head's graph and services, the base's windows.
    let entities: Vec<&Entity> = cx
        .input
        .head
        .iter()
        .copied()
        .filter(|e| e.kind() != Kind::Window)
        .chain(cx.input.base.iter().copied().filter(|e| e.kind() == Kind::Window))
        .collect();
    let others: Vec<Candidate> = cx
        .input
        .base
        .iter()
        .copied()
        .filter(|e| e.kind() == Kind::ChangeRequest)
        .map(|entity| Candidate { entity, rev: Some("the base") })
        .chain(against.iter().copied())
        .collect();
    let findings = conflicts::find(&Input {
        entities: &entities,
        subjects: &subjects,
        others: &others,
        depth: 1,
        now: Some(cx.input.now),
    });
    if findings.conflicts.is_empty() {
        let compared = match against.len() {
            0 => "the base's active changes".to_owned(),
            _ => "the base's active changes and those of the other revisions".to_owned(),
        };
        return RuleResult::pass(
            NAME,
            format!(
                "no conflict: {} checked against each other, {compared}, the freezes and the maintenance windows",
                plural(subjects.len(), "change request")
            ),
        );
    }
    let lines: Vec<String> = findings.conflicts.iter().map(conflicts::describe).collect();
    let mut shown: Vec<String> = lines.iter().take(SHOWN).cloned().collect();
    if lines.len() > SHOWN {
        shown.push(format!("{} more", lines.len() - SHOWN));
    }
    let count = plural(lines.len(), "conflict");
    match mode {
        ConflictsMode::Block => RuleResult::fail(
            NAME,
            format!("{count} (`conflicts: block`): {}", shown.join("; ")),
            Some(
                "the change requests rescheduled clear of the conflicts (`cairn schedule CHANGE`)".to_owned(),
            ),
        ),
        _ => {
            let mut rule = RuleResult::pass(
                NAME,
                format!("{count}, not blocking (`conflicts: warn`): {}", shown.join("; ")),
            );
            rule.warnings = lines;
            rule
        }
    }
}
