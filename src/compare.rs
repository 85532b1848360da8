//! Two trees read and compared: the entities of each and the impact between them, for `cairn
//! impact`, `cairn gate` and `cairn policy test`. Orchestration over `load`, `validate` and
//! `impact`; prints nothing.

use std::collections::HashSet;
use std::sync::Arc;

use crate::impact::{self, Impact};
use crate::load::{ParseCache, Request};
use crate::model::{Entity, EntityRef};
use crate::validate;

/// Two trees' entities, sorted, and the impact between them.
pub struct Comparison {
    pub base: Vec<Arc<Entity>>,
    pub head: Vec<Arc<Entity>>,
    pub impact: Impact,
    /// Files of the head whose documents could not be read or failed their schema, with the
    /// first finding's code: their entities are missing from `head`.
    pub head_unreadable: Vec<(Arc<str>, crate::diag::Code)>,
    /// How the head's files are named.
    pub paths: crate::load::Paths,
}

/// Loads base and head (the working tree when `head` is `None`), sharing what is identical, and
/// works out the impact between them. An entity of a file both trees hold (at the same path) is
/// one allocation in both lists.
pub fn compare(path: &std::path::Path, base_rev: &str, head: Option<&str>) -> Result<Comparison, String> {
    compare_trees(&Request::new(path, Some(base_rev)), &Request::new(path, head))
}

/// `head`, read under its own `limits` but none above `base`'s: the bounds that keep a pull
/// request's files cheap to read are the ones its base sets, so a pull request cannot lift them
/// for itself (what it raises applies from the next pull request on).
pub fn head_under_base<'a>(base: &Request, head: &Request<'a>) -> Result<Request<'a>, String> {
    let ceiling = crate::load::limits_of(base).map_err(|e| e.to_string())?;
    Ok(head.capped(ceiling))
}

/// [`compare`] for any two trees (directories, revisions, with or without changes laid over).
/// The head is read under no bounds above the base's ([`head_under_base`]).
pub fn compare_trees(base: &Request, head: &Request) -> Result<Comparison, String> {
    let cache = ParseCache::default();
    let head = head_under_base(base, head)?;
    let head = validate::load_shared(&head, &cache).map_err(|e| e.to_string())?;
    cache.consume_on_hit();
    let base = validate::load_shared(base, &cache).map_err(|e| e.to_string())?;
    let (head, head_entities, head_unreadable) = (head.loaded, head.entities, head.unreadable);
    let paths = head.paths.clone();
    let (base, base_entities) = (base.loaded, base.entities);

    // Files identical in both trees (by content, wherever they are) cannot change an entity:
    // only entities named in the other files are compared field by field.
    let base_blobs: HashSet<git2::Oid> = base.blobs.values().copied().collect();
    let head_blobs: HashSet<git2::Oid> = head.blobs.values().copied().collect();
    let head_touched: HashSet<Arc<str>> = head
        .files
        .keys()
        .filter(|f| head.blobs.get(*f).is_none_or(|b| !base_blobs.contains(b)))
        .cloned()
        .collect();
    let base_touched: HashSet<Arc<str>> = base
        .files
        .keys()
        .filter(|f| base.blobs.get(*f).is_none_or(|b| !head_blobs.contains(b)))
        .cloned()
        .collect();

    let candidates: HashSet<EntityRef> = head_entities
        .iter()
        .filter(|e| head_touched.contains(&e.origin.file))
        .chain(base_entities.iter().filter(|e| base_touched.contains(&e.origin.file)))
        .map(|e| e.reference())
        .collect();
    let pick = |all: &[Arc<Entity>]| -> Vec<Arc<Entity>> {
        all.iter().filter(|e| candidates.contains(&e.reference())).cloned().collect()
    };
    let changed = impact::diff(&pick(&base_entities), &pick(&head_entities));
    let impact = impact::analyse(&base_entities, &head_entities, changed);
    Ok(Comparison { base: base_entities, head: head_entities, impact, head_unreadable, paths })
}
