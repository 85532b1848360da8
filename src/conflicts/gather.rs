//! The change requests of other revisions (`--against`): read through `load` (only the files
//! where a revision differs from the tree), typed like every entity, and turned into
//! [`Candidate`]s. A change that another revision holds exactly as the tree does (same name,
//! same content) is the tree's change, not a second one; so is the same version held by two
//! revisions (the first, in the order given, names it).

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;

use super::Candidate;
use crate::load::{self, LoadError, Loaded, Revision};
use crate::model::{Config, Entity, EntityRef, Kind};
use crate::validate;

/// One other revision: its name, what was read of it and its change requests.
#[derive(Debug)]
pub struct Against {
    pub revision: Revision,
    /// The files where it differs from the tree (named `REV:path`), with their texts.
    pub loaded: Loaded,
    /// Its change requests in those files that fit their schema, sorted.
    pub changes: Vec<Entity>,
}

/// Reads the revisions and ref globs `specs` name (see [`load::expand_revisions`]), each only
/// where it differs from `relative_to` (default `HEAD`), on every core. `config` is the tree's
/// `cairn.yaml` (`None`: the one at `relative_to`).
pub fn load_against(
    path: &Path,
    specs: &[String],
    relative_to: Option<&str>,
    config: Option<&Config>,
) -> Result<Vec<Against>, LoadError> {
    let revisions = load::expand_revisions(path, specs)?;
    revisions
        .into_par_iter()
        .map(|revision| {
            let mut loaded = load::load_differing(path, &revision, relative_to, config)?;
            let documents = std::mem::take(&mut loaded.documents)
                .into_iter()
                .filter(|d| d.kind == Kind::ChangeRequest)
                .collect();
            let typed = validate::schema::check_documents(documents);
            let changes = validate::entities(typed);
            Ok(Against { revision, loaded, changes })
        })
        .collect()
}

/// The other revisions' changes to compare with `tree`'s, without those the tree (or an
/// earlier revision) already holds as they are.
pub fn candidates<'a>(tree: &[&'a Entity], against: &'a [Against]) -> Vec<Candidate<'a>> {
    let mut known: BTreeMap<EntityRef, Vec<&'a Entity>> = BTreeMap::new();
    for &entity in tree.iter().filter(|e| e.kind() == Kind::ChangeRequest) {
        known.entry(entity.reference()).or_default().push(entity);
    }
    let mut out = Vec::new();
    for other in against {
        for entity in &other.changes {
            let versions = known.entry(entity.reference()).or_default();
            if versions
                .iter()
                .any(|v| v.metadata == entity.metadata && v.spec == entity.spec || same_schedule(v, entity))
            {
                continue;
            }
            versions.push(entity);
            out.push(Candidate { entity, rev: Some(other.revision.name.as_str()) });
        }
    }
    out
}

/// Whether two versions of a change are scheduled alike: type, state, targets and window.
fn same_schedule(a: &Entity, b: &Entity) -> bool {
    match (super::change_spec(a), super::change_spec(b)) {
        (Some(a), Some(b)) => {
            let targets =
                |s: &crate::model::ChangeSpec| s.targets.iter().map(|t| t.target.clone()).collect::<Vec<_>>();
            a.change_type == b.change_type
                && a.state == b.state
                && a.window == b.window
                && targets(a) == targets(b)
        }
        _ => false,
    }
}
