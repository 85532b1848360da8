//! Validation: each document against its kind's schema (`schema`), then the cross-file rules
//! over the typed entities (`rules`).
//!
//! Pure functions over loaded data: nothing here reads files or prints.

mod integral;
pub mod rules;
pub mod schema;

use std::sync::Arc;

use chrono::NaiveDate;
use rayon::slice::ParallelSliceMut;

use crate::diag::{Code, Diagnostic, SeverityMap};
use crate::load::{self, LoadError, Loaded, ParseCache, Request};
use crate::model::{Entity, EntityRef, Origin};
use schema::{SharedChecked, Typed};

/// What validation found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Entities that passed their schema, sorted by kind, name and origin.
    pub entities: Vec<Entity>,
    /// Documents whose kind and name are known but whose content is invalid.
    pub broken: Vec<(EntityRef, Origin)>,
    /// Every finding, positioned, with configured severities, sorted.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads a tree and checks each document against its schema on the thread that parsed it
/// (documents never all wait in memory at once).
pub fn load(request: &Request) -> Result<(Loaded, Typed), LoadError> {
    let (loaded, checked) = load::load_with(request, None, &schema::check_document)?;
    Ok((loaded, schema::collect(checked)))
}

/// A file whose documents could not be read or failed their schema, with the first finding's code.
pub type Unreadable = (Arc<str>, Code);

/// A tree read by [`load_shared`].
pub struct SharedTree {
    pub loaded: Loaded,
    /// Sorted by kind, name and origin.
    pub entities: Vec<Arc<Entity>>,
    pub unreadable: Vec<Unreadable>,
}

/// Reads a tree as [`load`] does, through a cache shared with another tree: files identical to
/// ones read before are neither parsed nor checked again, and their entities are the same
/// allocations in both trees. Returns only the typed entities, sorted as [`entities`] sorts
/// them, and the files whose documents could not be read or failed their schema (with the first
/// finding's code): for comparing trees, which must know what they could not see.
pub fn load_shared(request: &Request, cache: &ParseCache<SharedChecked>) -> Result<SharedTree, LoadError> {
    let (loaded, checked) = load::load_with(request, Some(cache), &schema::check_document_shared)?;
    // Not collected in place: that would keep the checked results' allocation, 11 times larger.
    let mut entities: Vec<Arc<Entity>> = Vec::with_capacity(checked.iter().filter(|c| c.is_ok()).count());
    let mut unreadable: Vec<Unreadable> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.code.default_severity() == crate::diag::Severity::Error)
        .map(|d| (d.primary.file.clone(), d.code))
        .collect();
    for result in checked {
        match result {
            Ok(entity) => entities.push(entity),
            Err((_, diagnostics)) => {
                unreadable.extend(diagnostics.first().map(|d| (d.primary.file.clone(), d.code)));
            }
        }
    }
    unreadable.sort();
    unreadable.dedup_by(|a, b| a.0 == b.0);
    entities.par_sort_by(|a, b| (a.kind(), a.name(), &a.origin).cmp(&(b.kind(), b.name(), &b.origin)));
    Ok(SharedTree { loaded, entities, unreadable })
}

/// Reads and validates a tree: schemas, cross-file rules, positions, severities.
pub fn run(request: &Request, today: NaiveDate) -> Result<(Loaded, Outcome), LoadError> {
    let (loaded, typed) = load(request)?;
    Ok(finish(loaded, typed, today))
}

/// Validates a loaded tree: schemas, then cross-file rules; resolves positions and applies
/// `cairn.yaml` severities.
pub fn validate(mut loaded: Loaded, today: NaiveDate) -> (Loaded, Outcome) {
    let documents = std::mem::take(&mut loaded.documents);
    let typed = schema::check_documents(documents);
    finish(loaded, typed, today)
}

/// The cross-file rules over typed documents, then positions and severities.
pub fn finish(loaded: Loaded, typed: Typed, today: NaiveDate) -> (Loaded, Outcome) {
    let (loaded, mut outcome) = finish_unmapped(loaded, typed, today);
    severities(&loaded.config).apply(&mut outcome.diagnostics);
    (loaded, outcome)
}

/// Reads and validates a tree as [`run`] does, but leaves every finding at its code's default
/// severity, keeping those `cairn.yaml` turns off: for judging one tree's findings under another
/// tree's configuration too (the gate's `valid` rule; see [`severities`]).
pub fn run_unmapped(request: &Request, today: NaiveDate) -> Result<(Loaded, Outcome), LoadError> {
    let (loaded, typed) = load(request)?;
    Ok(finish_unmapped(loaded, typed, today))
}

/// The severity overrides of a tree's `cairn.yaml` (`diagnostics: {code: level}`).
pub fn severities(config: &crate::model::Config) -> SeverityMap {
    let levels = config
        .diagnostics
        .iter()
        .filter_map(|(name, level)| Code::from_name(name).map(|c| (c, *level)))
        .collect();
    SeverityMap::new(levels)
}

/// [`finish`] without the severity overrides.
fn finish_unmapped(mut loaded: Loaded, mut typed: Typed, today: NaiveDate) -> (Loaded, Outcome) {
    let mut diagnostics = std::mem::take(&mut loaded.diagnostics);
    if let Some(raw) = &loaded.config_document {
        diagnostics.extend(schema::check_config(raw));
    }
    typed.entities.par_sort_by(|a, b| (a.kind(), a.name(), &a.origin).cmp(&(b.kind(), b.name(), &b.origin)));
    typed.broken.sort();
    diagnostics.extend(typed.diagnostics);
    // Rules compare the configured policy file with entity origins, which carry the root prefix.
    let mut config = loaded.config.clone();
    if let Some(policy) = &config.policy {
        config.policy = Some(format!("{}{}", loaded.paths.prefix, policy.trim_start_matches("./")));
    }
    diagnostics.extend(rules::check(&rules::RuleInput {
        entities: &typed.entities,
        broken: &typed.broken,
        config: &config,
        today,
    }));
    loaded.resolve(&mut diagnostics);
    diagnostics.sort();
    diagnostics.dedup();
    (loaded, Outcome { entities: typed.entities, broken: typed.broken, diagnostics })
}

/// Only the typed entities of a tree, sorted (no cross-file rules, no positions): for a tree
/// whose findings nobody reads, such as the base of a comparison.
pub fn entities(mut typed: Typed) -> Vec<Entity> {
    typed.entities.par_sort_by(|a, b| (a.kind(), a.name(), &a.origin).cmp(&(b.kind(), b.name(), &b.origin)));
    typed.entities
}
