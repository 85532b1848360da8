//! `valid`: the head must not bring validation errors that the base does not have (SPEC §5), so a
//! pull request cannot leave the target branch failing `cairn validate`.
//!
//! The caller validates both trees (schemas and cross-file rules) and hands over their errors as
//! [`Finding`]s. Errors are compared by what they are about, not by where they sit (lines shift
//! when a pull request edits a file): the code, the entity the finding's document holds (or the
//! file and document when it holds none), and the JSON pointer inside it; a finding located only
//! by position (a YAML syntax error) is compared by code, file and message. Each key is counted
//! at both revisions, and the head's surplus is what the pull request brings. The reason names
//! the first few new errors with their `file:line:column` and the count.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::context::plural;
use super::RuleResult;
use crate::diag::{Code, Diagnostic};
use crate::model::EntityRef;

const NAME: &str = "valid";

/// One validation error of a tree, as the `valid` rule compares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: Code,
    /// What the error is about (see the module documentation): stable when lines move.
    key: String,
    /// `file:line:column` (or the file alone), as shown to the user.
    pub place: String,
    pub message: String,
}

impl Finding {
    /// A finding from a positioned diagnostic; `subject` names the entity a document of a file
    /// holds, by file and document index.
    pub fn of(diagnostic: &Diagnostic, subject: &dyn Fn(&str, u32) -> Option<EntityRef>) -> Finding {
        let location = &diagnostic.primary;
        let file: &Arc<str> = &location.file;
        let key = match &location.anchor {
            Some(anchor) => {
                let about = match subject(file, anchor.doc) {
                    Some(entity) => entity.to_string(),
                    None => format!("{file}#{}", anchor.doc),
                };
                format!("{about}\u{0}{}", anchor.pointer)
            }
            None => format!("{file}\u{0}{}", diagnostic.message),
        };
        let place = match location.span {
            Some(span) => format!("{file}:{}:{}", span.line, span.col),
            None => file.to_string(),
        };
        Finding { code: diagnostic.code, key, place, message: diagnostic.message.clone() }
    }
}

/// The errors of both trees. The caller decides what is an error: at least every finding whose
/// severity is `error` under the base's configuration or the head's.
#[derive(Debug, Clone, Copy)]
pub struct Validity<'a> {
    pub base: &'a [Finding],
    pub head: &'a [Finding],
}

/// The `valid` rule; skipped when the trees were not validated (a caller that only has
/// entities, such as unit tests).
pub(super) fn check(validity: Option<&Validity>) -> RuleResult {
    const SHOWN: usize = 5;
    let Some(validity) = validity else {
        return RuleResult::skipped(NAME, "the trees were not validated");
    };
    let mut at_base: BTreeMap<(Code, &str), usize> = BTreeMap::new();
    for finding in validity.base {
        *at_base.entry((finding.code, finding.key.as_str())).or_default() += 1;
    }
    let mut new: Vec<&Finding> = Vec::new();
    for finding in validity.head {
        match at_base.get_mut(&(finding.code, finding.key.as_str())) {
            Some(left) if *left > 0 => *left -= 1,
            _ => new.push(finding),
        }
    }
    if new.is_empty() {
        let reason = match validity.base.len() {
            0 => "the head validates without errors".to_owned(),
            n => format!(
                "the head brings no validation error the base does not have ({} at the base)",
                plural(n, "error")
            ),
        };
        return RuleResult::pass(NAME, reason);
    }
    let mut shown: Vec<String> =
        new.iter().take(SHOWN).map(|f| format!("{} {} ({})", f.place, f.code, f.message)).collect();
    if new.len() > SHOWN {
        shown.push(format!("{} more", new.len() - SHOWN));
    }
    RuleResult::fail(
        NAME,
        format!(
            "the head brings {} that the base does not have, so the target branch would fail `cairn validate`: {}",
            plural(new.len(), "validation error"),
            shown.join("; ")
        ),
        Some("fix the errors: `cairn validate --rev HEAD` shows each one".to_owned()),
    )
}
