//! Standard changes: whether a `standard` change request is pre-approved by its template.
//!
//! A standard request whose `template` names a `standardChanges` entry of the base policy is
//! pre-approved when every entity the diff changes, change requests aside, is within the
//! template's `allow`:
//!
//! - `kinds`: the entity's kind is listed;
//! - `classes`: a configuration item's class (at head; at the base for a removed one) matches
//!   one of the globs (globset syntax, `*` does not cross `/`: `k8s/*` matches `k8s/deployment`,
//!   `k8s/**` any depth); entities of other kinds are not constrained by `classes`;
//! - `fields`: the entity is modified (an added or removed entity is not a field change) and
//!   every changed field path (`spec.attributes.replicas`, `spec.objectives[1].target`) matches
//!   one of the patterns, where `*` matches within one dotted segment, `**` across segments, and
//!   everything else, brackets included, is literal.
//!
//! An empty list does not constrain its dimension. A request with no template, a template the
//! policy does not have, or a diff outside the template is treated as a normal change, and the
//! reason says which entity or field is outside.

use globset::{GlobBuilder, GlobMatcher};

use super::context::Context;
use super::RuleResult;
use crate::impact::{Change, ChangeKind};
use crate::model::{Allow, ChangeType, EntityRef, Kind, StandardChange};

/// What became of one standard request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Outcome {
    /// Within its template, by name.
    PreApproved(String),
    /// Treated as a normal change, and why.
    Normal(String),
}

pub(super) struct Standard {
    /// Per standard request in the diff, in reference order.
    pub outcomes: Vec<(EntityRef, Outcome)>,
    pub rule: RuleResult,
}

impl Standard {
    pub fn outcome(&self, request: &EntityRef) -> Option<&Outcome> {
        self.outcomes.iter().find(|(r, _)| r == request).map(|(_, o)| o)
    }

    pub fn is_pre_approved(&self, request: &EntityRef) -> bool {
        matches!(self.outcome(request), Some(Outcome::PreApproved(_)))
    }

    pub fn any_pre_approved(&self) -> bool {
        self.outcomes.iter().any(|(_, o)| matches!(o, Outcome::PreApproved(_)))
    }

    /// The type a request is treated as: a standard change outside its template is normal.
    pub fn effective_type(&self, request: &EntityRef, declared: ChangeType) -> ChangeType {
        match self.outcome(request) {
            Some(Outcome::Normal(_)) => ChangeType::Normal,
            _ => declared,
        }
    }
}

const NAME: &str = "standard-changes";

pub(super) fn assess(cx: &Context) -> Standard {
    let mut outcomes = Vec::new();
    for request in cx.requests.iter().filter(|r| r.spec.change_type == ChangeType::Standard) {
        let outcome = match &request.spec.template {
            None => Outcome::Normal("it names no `template`".to_owned()),
            Some(name) => match cx.policy.standard_changes.iter().find(|s| &s.name == name) {
                None => Outcome::Normal(format!(
                    "its template `{name}` is not a standard change of the base policy {}",
                    cx.policy_ref
                )),
                Some(template) => match outside(cx, template) {
                    Some(why) => Outcome::Normal(format!("{why}, outside the template `{name}`")),
                    None => Outcome::PreApproved(name.clone()),
                },
            },
        };
        outcomes.push((request.reference.clone(), outcome));
    }
    let rule = if outcomes.is_empty() {
        RuleResult::skipped(NAME, "no standard change request in the diff")
    } else {
        let parts: Vec<String> = outcomes
            .iter()
            .map(|(r, o)| match o {
                Outcome::PreApproved(t) => format!("{r} is a pre-approved standard change `{t}`"),
                Outcome::Normal(why) => format!("{r} is treated as a normal change: {why}"),
            })
            .collect();
        RuleResult::pass(NAME, parts.join("; "))
    };
    Standard { outcomes, rule }
}

/// The first change of the diff (change requests aside) outside a template, described.
fn outside(cx: &Context, template: &StandardChange) -> Option<String> {
    let allow = &template.allow;
    let classes = match class_matchers(allow) {
        Ok(m) => m,
        Err(why) => return Some(why),
    };
    for change in cx.input.impact.changed.iter().filter(|c| c.reference.kind != Kind::ChangeRequest) {
        if let Some(why) = outside_one(cx, allow, &classes, change) {
            return Some(why);
        }
    }
    None
}

fn outside_one(cx: &Context, allow: &Allow, classes: &[GlobMatcher], change: &Change) -> Option<String> {
    let reference = &change.reference;
    if !allow.kinds.is_empty() && !allow.kinds.contains(&reference.kind) {
        return Some(format!("{reference} is a {}, not one of the allowed kinds", reference.kind));
    }
    if !classes.is_empty() && reference.kind == Kind::ConfigurationItem {
        let ci = match change.change {
            ChangeKind::Removed => cx.base.ci(reference),
            _ => cx.head.ci(reference),
        };
        let class = ci.map(|c| c.class.as_str()).unwrap_or_default();
        if !classes.iter().any(|m| m.is_match(class)) {
            return Some(format!("{reference} has class `{class}`, not one of the allowed classes"));
        }
    }
    if !allow.fields.is_empty() {
        match change.change {
            ChangeKind::Added => {
                return Some(format!("{reference} is added, not a change of allowed fields"))
            }
            ChangeKind::Removed => {
                return Some(format!("{reference} is removed, not a change of allowed fields"));
            }
            ChangeKind::Modified => {}
        }
        if let Some(field) =
            change.fields.iter().find(|f| !allow.fields.iter().any(|p| field_matches(p, &f.path)))
        {
            return Some(format!("field `{}` of {reference} is not one of the allowed fields", field.path));
        }
    }
    None
}

fn class_matchers(allow: &Allow) -> Result<Vec<GlobMatcher>, String> {
    allow
        .classes
        .iter()
        .map(|pattern| {
            GlobBuilder::new(pattern)
                .literal_separator(true)
                .build()
                .map(|g| g.compile_matcher())
                .map_err(|e| format!("the class pattern `{pattern}` is not a glob ({e})"))
        })
        .collect()
}

/// Whether a dotted field path matches a pattern: `*` within one segment (not across `.`), `**`
/// across segments, every other character literal. Runs the pattern as a small automaton over
/// the path (no recursion, O(pattern × path)).
pub(super) fn field_matches(pattern: &str, path: &str) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum Token {
        Char(char),
        Star,
        DoubleStar,
    }
    let mut tokens = Vec::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '*' {
            if chars.peek() == Some(&'*') {
                while chars.peek() == Some(&'*') {
                    chars.next();
                }
                tokens.push(Token::DoubleStar);
            } else {
                tokens.push(Token::Star);
            }
        } else {
            tokens.push(Token::Char(c));
        }
    }
    // `states[i]`: the first `i` tokens can match the path read so far.
    let n = tokens.len();
    let mut states = vec![false; n + 1];
    states[0] = true;
    let close = |states: &mut Vec<bool>| {
        for i in 0..n {
            if states[i] && matches!(tokens[i], Token::Star | Token::DoubleStar) {
                states[i + 1] = true;
            }
        }
    };
    close(&mut states);
    for c in path.chars() {
        let mut next = vec![false; n + 1];
        for i in 0..n {
            if !states[i] {
                continue;
            }
            match tokens[i] {
                Token::Char(t) if t == c => next[i + 1] = true,
                Token::Char(_) => {}
                Token::Star if c != '.' => next[i] = true,
                Token::Star => {}
                Token::DoubleStar => next[i] = true,
            }
        }
        close(&mut next);
        if !next.iter().any(|&s| s) {
            return false;
        }
        states = next;
    }
    states[n]
}

#[cfg(test)]
mod tests {
    use super::field_matches;

    #[test]
    fn field_patterns() {
        assert!(field_matches("spec.attributes.replicas", "spec.attributes.replicas"));
        assert!(!field_matches("spec.attributes.replicas", "spec.attributes.replicasx"));
        assert!(field_matches("spec.attributes.*", "spec.attributes.replicas"));
        assert!(!field_matches("spec.attributes.*", "spec.attributes.a.b"));
        assert!(field_matches("spec.attributes.**", "spec.attributes.a.b"));
        assert!(field_matches("spec.objectives[1].target", "spec.objectives[1].target"));
        assert!(field_matches("spec.objectives*.target", "spec.objectives[1].target"));
        assert!(!field_matches("spec.objectives[1].target", "spec.objectives1.target"));
        assert!(field_matches("**", "anything.at.all"));
        assert!(!field_matches("", "x"));
        assert!(field_matches("", ""));
    }
}
