//! Impact: what changed between two sets of entities, entity by entity and field by field, and
//! what those changes reach across the dependency graph.
//!
//! Pure functions over typed entities: `crate::load` reads the two revisions, `crate::report`
//! prints the result. SPEC §4 defines the semantics and §7 the JSON shape.

mod diff;
mod reach;

use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use crate::model::EntityRef;

pub use diff::diff;
pub use reach::{analyse, what_if, MAX_PATH};

/// How an entity changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    Added,
    Removed,
    Modified,
}

/// One changed entity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    #[serde(rename = "ref")]
    pub reference: EntityRef,
    pub change: ChangeKind,
    /// The file the entity is in at head (at base, for a removed entity).
    pub file: Arc<str>,
    /// Field-level differences (empty for added and removed entities).
    pub fields: Vec<FieldChange>,
}

/// One changed field, by dotted path (`spec.attributes.version`, `spec.dependsOn[2]`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    pub path: String,
    /// The value at base; `null` when the field was added.
    pub before: Value,
    /// The value at head; `null` when the field was removed.
    pub after: Value,
    /// For long or multi-line text: a unified diff of before → after.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

/// How hard a reached entity is hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// It depends on a change and has no redundancy to absorb it.
    Impacted,
    /// A cluster whose untouched members still meet `redundancy.minUp`: it does not pass the
    /// impact on.
    Degraded,
}

/// An entity the changes reach.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reached {
    #[serde(rename = "ref")]
    pub reference: EntityRef,
    pub level: Level,
    /// The shortest chain from a changed entity to this one, both included. A chain longer than
    /// [`MAX_PATH`] entries keeps its first and last `MAX_PATH / 2` entries; see `elided`.
    pub path: Vec<EntityRef>,
    /// How many entries were left out of the middle of `path` (0: the path is complete). The
    /// entity is `path.len() - 1 + elided` edges from the change.
    #[serde(skip_serializing_if = "is_zero")]
    pub elided: usize,
}

impl Reached {
    /// How many dependency edges separate this entity from the change that reaches it.
    pub fn distance(&self) -> usize {
        (self.path.len() + self.elided).saturating_sub(1)
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// A knowledge article that describes a changed or reached entity and may need review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Review {
    #[serde(rename = "ref")]
    pub reference: EntityRef,
    /// The changed or reached entities it describes.
    pub about: Vec<EntityRef>,
}

/// A reference at head to an entity the diff removed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dangling {
    /// The entity that still refers to the removed one.
    pub from: EntityRef,
    pub to: EntityRef,
    pub file: Arc<str>,
    /// JSON pointer of the reference in its document.
    pub pointer: String,
}

/// Everything `cairn impact` reports.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Impact {
    pub changed: Vec<Change>,
    /// Reached entities (services, CIs, SLAs, catalog items), sorted by path length then ref.
    pub reached: Vec<Reached>,
    /// Teams to notify: owners and approvers of changed and reached entities, sorted.
    pub notify: Vec<EntityRef>,
    /// Knowledge articles to review.
    pub review: Vec<Review>,
    /// References at head to removed entities.
    pub dangling: Vec<Dangling>,
    /// The most critical tier among changed and reached services (1 is the most critical).
    #[serde(rename = "highestTier", skip_serializing_if = "Option::is_none")]
    pub highest_tier: Option<u8>,
}

impl Impact {
    /// Renames every file the report names (changed entities, dangling references).
    pub fn map_files(&mut self, map: impl Fn(&str) -> String) {
        for change in &mut self.changed {
            change.file = map(&change.file).into();
        }
        for dangling in &mut self.dangling {
            dangling.file = map(&dangling.file).into();
        }
    }
}
