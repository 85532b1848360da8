//! Cross-file rules (stub: being written).

use chrono::NaiveDate;

use crate::diag::Diagnostic;
use crate::model::{Config, Entity, EntityRef, Origin};

/// What the cross-file rules look at.
pub struct RuleInput<'a> {
    /// Entities that passed the schema, sorted by (kind, name, origin).
    pub entities: &'a [Entity],
    /// Documents whose kind and name are known but whose spec failed the schema: references to
    /// them resolve (so one broken file does not cascade), but no other rule looks at them.
    pub broken: &'a [(EntityRef, Origin)],
    pub config: &'a Config,
    /// The day "past its date" is measured against.
    pub today: NaiveDate,
}

/// Runs every cross-file rule.
pub fn check(_input: &RuleInput) -> Vec<Diagnostic> {
    Vec::new()
}
