//! A lookup of documents by kind and name, shared by every cross-file rule (and by later stages
//! such as the impact graph). It holds the entities that passed the schema and the `broken`
//! documents whose kind and name are known, so a reference to a broken document still resolves.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::model::{Entity, EntityRef, Kind, Origin};

/// One document known by kind and name: a valid entity, or a broken one (spec unknown).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Entry<'a> {
    Entity(&'a Entity),
    Broken(&'a EntityRef, &'a Origin),
}

impl<'a> Entry<'a> {
    pub fn kind(self) -> Kind {
        match self {
            Entry::Entity(e) => e.kind(),
            Entry::Broken(r, _) => r.kind,
        }
    }

    pub fn name(self) -> &'a str {
        match self {
            Entry::Entity(e) => e.name(),
            Entry::Broken(r, _) => &r.name,
        }
    }

    pub fn origin(self) -> &'a Origin {
        match self {
            Entry::Entity(e) => &e.origin,
            Entry::Broken(_, o) => o,
        }
    }

    /// The entity, when the document passed the schema.
    pub fn entity(self) -> Option<&'a Entity> {
        match self {
            Entry::Entity(e) => Some(e),
            Entry::Broken(..) => None,
        }
    }
}

/// Documents by (kind, lower-cased name). Several documents may share a key (that is a
/// `duplicate-name` error); they are kept in the order they were written (file, then document
/// index), and the first one is the one references resolve to.
#[derive(Debug, Default)]
pub struct EntityIndex<'a> {
    by_kind: BTreeMap<Kind, BTreeMap<String, Vec<Entry<'a>>>>,
}

impl<'a> EntityIndex<'a> {
    pub fn new(entities: &'a [Entity], broken: &'a [(EntityRef, Origin)]) -> EntityIndex<'a> {
        let mut by_kind: BTreeMap<Kind, BTreeMap<String, Vec<Entry<'a>>>> = BTreeMap::new();
        let all = entities.iter().map(Entry::Entity).chain(broken.iter().map(|(r, o)| Entry::Broken(r, o)));
        for entry in all {
            let key = lower(entry.name()).into_owned();
            by_kind.entry(entry.kind()).or_default().entry(key).or_default().push(entry);
        }
        for names in by_kind.values_mut() {
            for entries in names.values_mut() {
                entries.sort_by(|a, b| written_order(a.origin(), b.origin()));
            }
        }
        EntityIndex { by_kind }
    }

    /// Every document of this kind and name (compared case-insensitively), first-written first.
    pub fn lookup(&self, kind: Kind, name: &str) -> &[Entry<'a>] {
        self.by_kind.get(&kind).and_then(|names| names.get(lower(name).as_ref())).map_or(&[], Vec::as_slice)
    }

    /// The document a reference resolves to: the first written of that kind and name.
    pub fn resolve(&self, target: &EntityRef) -> Option<Entry<'a>> {
        self.lookup(target.kind, &target.name).first().copied()
    }

    /// Whether a reference resolves (to a valid or a broken document).
    pub fn contains(&self, target: &EntityRef) -> bool {
        !self.lookup(target.kind, &target.name).is_empty()
    }

    /// The first valid entity of this kind and name, if any.
    pub fn entity(&self, kind: Kind, name: &str) -> Option<&'a Entity> {
        self.lookup(kind, name).iter().find_map(|e| e.entity())
    }

    /// Groups of documents sharing a kind and name, in (kind, name) order.
    pub fn groups(&self) -> impl Iterator<Item = (Kind, &str, &[Entry<'a>])> + '_ {
        self.by_kind.iter().flat_map(|(kind, names)| {
            names.iter().map(move |(name, entries)| (*kind, name.as_str(), entries.as_slice()))
        })
    }

    /// Every document of one kind, in (name, written) order.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = Entry<'a>> + '_ {
        self.by_kind.get(&kind).into_iter().flat_map(|names| names.values().flatten().copied())
    }

    /// The existing name of this kind closest to `name` within edit distance 2 (ties: the
    /// alphabetically first), to suggest for a typo.
    pub fn similar(&self, kind: Kind, name: &str) -> Option<&str> {
        let names = self.by_kind.get(&kind)?;
        closest(name, names.keys().map(String::as_str))
    }
}

/// Order of writing: file, then document index within the file.
pub fn written_order(a: &Origin, b: &Origin) -> std::cmp::Ordering {
    (&a.file, a.doc).cmp(&(&b.file, b.doc))
}

fn lower(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) || !name.is_ascii() {
        Cow::Owned(name.to_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

/// The largest edit distance a suggestion may be at.
const MAX_SUGGESTION_DISTANCE: usize = 2;

/// The candidate closest to `wanted` within edit distance 2, ignoring an exact match; ties go
/// to the first candidate in iteration order.
pub fn closest<'c>(wanted: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    let wanted_len = wanted.chars().count();
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        if candidate == wanted || candidate.chars().count().abs_diff(wanted_len) > MAX_SUGGESTION_DISTANCE {
            continue;
        }
        let limit = best.map_or(MAX_SUGGESTION_DISTANCE, |(d, _)| d.saturating_sub(1));
        if let Some(d) = edit_distance(wanted, candidate, limit) {
            if best.is_none_or(|(b, _)| d < b) {
                best = Some((d, candidate));
            }
        }
    }
    best.map(|(_, c)| c)
}

/// Levenshtein distance between `a` and `b` (by characters), or `None` when it exceeds `limit`.
pub fn edit_distance(a: &str, b: &str, limit: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        let mut row_min = current[0];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
            row_min = row_min.min(current[j + 1]);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut previous, &mut current);
    }
    let d = previous[b.len()];
    (d <= limit).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::rules::testutil::*;

    #[test]
    fn lookup_is_case_insensitive_and_includes_broken_documents() {
        let entities = vec![team("sre", "teams.yaml", 0)];
        let broken = vec![(EntityRef::new(Kind::Service, "checkout"), origin("broken.yaml", 0))];
        let index = EntityIndex::new(&entities, &broken);
        assert!(index.contains(&EntityRef::new(Kind::Team, "SRE")));
        assert!(index.contains(&EntityRef::new(Kind::Service, "checkout")));
        assert!(index.entity(Kind::Service, "checkout").is_none());
        assert!(!index.contains(&EntityRef::new(Kind::Service, "sre")));
        assert_eq!(index.of_kind(Kind::Team).count(), 1);
    }

    #[test]
    fn first_written_document_wins() {
        let entities = vec![team("sre", "b.yaml", 0), team("sre", "a.yaml", 3), team("sre", "a.yaml", 1)];
        let index = EntityIndex::new(&entities, &[]);
        let files: Vec<(String, u32)> = index
            .lookup(Kind::Team, "sre")
            .iter()
            .map(|e| (e.origin().file.to_string(), e.origin().doc))
            .collect();
        assert_eq!(files, [("a.yaml".to_owned(), 1), ("a.yaml".to_owned(), 3), ("b.yaml".to_owned(), 0)]);
    }

    #[test]
    fn suggestions_are_within_two_edits() {
        assert_eq!(edit_distance("pg-mian", "pg-main", 2), Some(2));
        assert_eq!(edit_distance("kitten", "sitting", 3), Some(3));
        assert_eq!(edit_distance("kitten", "sitting", 2), None);
        assert_eq!(edit_distance("", "ab", 2), Some(2));
        let names = ["pg-main", "pg-replica", "redis"];
        assert_eq!(closest("pg-mian", names.into_iter()), Some("pg-main"));
        assert_eq!(closest("pg-main", names.into_iter()), None);
        assert_eq!(closest("mysql", names.into_iter()), None);
        assert_eq!(closest("ab", ["ac", "ab1", "xb"].into_iter()), Some("ac"));
    }
}
