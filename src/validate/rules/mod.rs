//! Cross-file rules: checks that look at more than one document, or at values the schema cannot
//! judge (time zones, cron expressions, dates against today). Pure functions over typed entities.
//!
//! Each module holds the rules of one idea; they all read one [`EntityIndex`] built here. Rules
//! never recurse over user data (graphs are walked with explicit stacks) and never panic on it.

mod availability;
mod catalog;
mod changes;
mod cmdb;
mod cycles;
mod hygiene;
pub mod index;
mod names;
mod policy;
mod policy_rules;
pub mod refs;
mod scorecards;
mod sla;
mod time;

#[cfg(test)]
mod testutil;

use std::sync::Arc;

use chrono::NaiveDate;

use crate::diag::{Diagnostic, Location, Part};
use crate::model::{Config, Entity, EntityRef, Origin};

pub use index::{EntityIndex, Entry};

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
pub fn check(input: &RuleInput) -> Vec<Diagnostic> {
    let cx = Context { input, index: EntityIndex::new(input.entities, input.broken) };
    // The rules are independent: run them on every core. Each writes its own list, and the
    // lists are joined in a fixed order, so the result does not depend on the thread count.
    type Rule = fn(&Context, &mut Vec<Diagnostic>);
    const RULES: [Rule; 13] = [
        names::check,
        refs::check,
        cycles::check,
        cmdb::check,
        sla::check,
        time::check,
        changes::check,
        policy::check,
        policy_rules::check,
        catalog::check,
        hygiene::check,
        scorecards::check,
        availability::check,
    ];
    use rayon::prelude::*;
    let found: Vec<Vec<Diagnostic>> = RULES
        .par_iter()
        .map(|rule| {
            let mut out = Vec::new();
            rule(&cx, &mut out);
            out
        })
        .collect();
    found.into_iter().flatten().collect()
}

/// What every rule reads: the input and the index built over it.
struct Context<'a, 'b> {
    input: &'b RuleInput<'a>,
    index: EntityIndex<'a>,
}

impl<'a> Context<'a, '_> {
    fn entities(&self) -> &'a [Entity] {
        self.input.entities
    }
}

/// The value at `pointer` in the document of `origin`.
fn value_at(origin: &Origin, pointer: impl Into<String>) -> Location {
    Location::pointer(Arc::clone(&origin.file), origin.doc, pointer, Part::Value)
}

/// The key at `pointer` (the mapping entry as a whole) in the document of `origin`.
fn key_at(origin: &Origin, pointer: impl Into<String>) -> Location {
    Location::pointer(Arc::clone(&origin.file), origin.doc, pointer, Part::Key)
}

/// Yields `(entity, spec)` for every entity of one kind: `of_kind!(cx.entities(), Service)`.
macro_rules! of_kind {
    ($entities:expr, $variant:ident) => {
        $entities.iter().filter_map(|e| match &e.spec {
            $crate::model::Spec::$variant(spec) => Some((e, spec)),
            _ => None,
        })
    };
}
use of_kind;
