//! What every page reads: the entities indexed by reference, who refers to whom (both ways),
//! the set of pages, and the small views (links, rich text) that contexts are made of.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use minijinja::Value;
use rayon::prelude::*;
use serde::Serialize;

use super::calendar::{self, Occurrence, Schedule, Status};
use super::lookup::{position, ByName, FxHashMap};
use super::markdown::{self, Links, Target};
use super::paths::{self, Ext};
use super::svg::GraphSource;
use super::SiteFormat;
use crate::health::score::{CardReport, EntityScore};
use crate::model::{Entity, EntityRef, Kind, Spec, WindowSpec};
use crate::validate::rules::index::EntityIndex;
use crate::validate::rules::refs::{self, references, Relation};

/// One entity referring to another: who, and in which field (`/spec/owner`,
/// `/spec/approval/approvers`, `/spec/approvals/*/require/team`).
#[derive(Debug, Clone)]
pub struct Referrer<'a> {
    pub entity: &'a Entity,
    pub field: String,
}

/// The entities of one render and everything derived from them. Built once, then only read,
/// so pages can be rendered on every core at once.
pub struct Site<'a> {
    pub entities: &'a [Entity],
    pub today: NaiveDate,
    /// The start of `today` in UTC: what "past" and "upcoming" are measured against.
    pub now: DateTime<Utc>,
    pub format: SiteFormat,
    pub ext: Ext,
    index: EntityIndex<'a>,
    /// The position of the entity `index` resolves each name to, for names written exactly as
    /// an entity's: pages resolve hundreds of links each, and the index lower-cases and walks a
    /// B-tree every time.
    resolved: ByName<'a, usize>,
    /// The entities of each kind (indexed by `Kind as usize`), in the order given.
    by_kind: [Vec<&'a Entity>; Kind::ALL.len()],
    /// Reverse references: target → referrers, sorted by (kind, name, field), deduplicated.
    referrers: ByName<'a, Vec<Referrer<'a>>>,
    /// The dependency graph by position (each end as its reference resolves), every list
    /// sorted by kind and name: what each entity depends on, and what depends on it. Drawings
    /// walk it, and a position costs nothing to follow.
    dependencies: Vec<Vec<(usize, Relation)>>,
    dependents: Vec<Vec<(usize, Relation)>>,
    /// Source file (as loaded) → the first entity written in it, for relative links.
    by_file: BTreeMap<&'a str, &'a Entity>,
    /// Every page path of the site.
    pub pages: Arc<BTreeSet<String>>,
    /// The page of each entity, by position: pages link to hundreds of others.
    page_paths: Vec<String>,
    /// The next occurrences of each window from `now` (the first window of each name).
    next: BTreeMap<&'a str, Vec<Occurrence>>,
    /// The schedule of each window, by position.
    schedules: FxHashMap<usize, Schedule>,
    /// Every scorecard applied to the entities, in name order.
    pub scores: Vec<CardReport<'a>>,
    /// Where each graded entity (by position) is in `scores`: (scorecard, entity) indexes.
    scored: FxHashMap<usize, Vec<(usize, usize)>>,
    /// The availability ceiling of each service an agreement is written for, by lower-cased
    /// reference (SLA pages).
    pub ceilings: std::collections::HashMap<EntityRef, crate::health::ceiling::Ceiling>,
    /// Knowledge drift, for the articles' banners.
    pub drift: Option<crate::health::drift::Drift>,
    /// The active changes' conflicts and next windows, measured from `now`.
    pub conflicts: crate::conflicts::Overview<'a>,
}

/// What one entity refers to, each target by position.
struct Outgoing {
    /// Where the entity's own reference resolves.
    me: Option<usize>,
    /// Every reference that resolves, and the field it is in (normalised).
    references: Vec<(usize, String)>,
    /// Its dependencies in the order written, then sorted and without repeats.
    unsorted: Vec<(usize, Relation)>,
    dependencies: Vec<(usize, Relation)>,
}

/// How many next occurrences of a window are computed (and shown at most).
pub const NEXT: usize = 10;

/// A link to an entity, ready for a template: `href` is relative to the page being rendered
/// and absent when the reference does not resolve.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    #[serde(rename = "ref")]
    pub reference: String,
    pub kind: &'static str,
    pub name: String,
    pub title: String,
    pub href: Option<String>,
}

/// `/spec/approvals/1/require/team` → `/spec/approvals/*/require/team`; a trailing index goes.
fn normalise(pointer: &str) -> String {
    let parts: Vec<&str> = pointer
        .split('/')
        .map(|p| if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) { "*" } else { p })
        .collect();
    let out = parts.join("/");
    match out.strip_suffix("/*") {
        Some(stripped) => stripped.to_owned(),
        None => out,
    }
}

impl<'a> Site<'a> {
    pub fn new(entities: &'a [Entity], today: NaiveDate, format: SiteFormat) -> Site<'a> {
        let ext = match format {
            SiteFormat::Html => Ext("html"),
            SiteFormat::Markdown => Ext("md"),
        };
        let index = EntityIndex::new(entities, &[]);
        let mut resolved: ByName<'a, usize> = ByName::new();
        let mut by_kind: [Vec<&'a Entity>; Kind::ALL.len()] = Default::default();
        let firsts: Vec<Option<usize>> = entities
            .par_iter()
            .map(|e| index.entity(e.kind(), e.name()).and_then(|first| position(entities, first)))
            .collect();
        for (entity, first) in entities.iter().zip(firsts) {
            by_kind[entity.kind() as usize].push(entity);
            if let Some(first) = first {
                resolved.entry(entity.kind(), entity.name()).or_insert(first);
            }
        }
        let resolve = |kind: Kind, name: &str| match resolved.get(kind, name) {
            Some(&i) => Some(i),
            None => index.entity(kind, name).and_then(|e| position(entities, e)),
        };
        let key = |i: usize| (entities[i].kind(), entities[i].name());
        // Each entity's references and dependencies, resolved, on every core; then gathered in
        // the order of the entities, so the lists are the same whatever the threads did.
        let outgoing: Vec<Outgoing> = entities
            .par_iter()
            .map(|entity| {
                let references = references(entity)
                    .into_iter()
                    .filter_map(|site| {
                        resolve(site.target.kind, &site.target.name).map(|t| (t, normalise(&site.pointer)))
                    })
                    .collect();
                let mut dependencies: Vec<(usize, Relation)> = refs::dependencies(entity)
                    .into_iter()
                    .filter_map(|site| {
                        resolve(site.target.kind, &site.target.name).map(|t| (t, site.relation))
                    })
                    .collect();
                let unsorted = dependencies.clone();
                dependencies.sort_by_key(|&(i, _)| key(i));
                dependencies.dedup_by_key(|&mut (i, _)| i);
                Outgoing { me: resolve(entity.kind(), entity.name()), references, unsorted, dependencies }
            })
            .collect();
        let mut referrers: ByName<'a, Vec<Referrer<'a>>> = ByName::new();
        let mut dependencies: Vec<Vec<(usize, Relation)>> = Vec::with_capacity(entities.len());
        let mut dependents: Vec<Vec<(usize, Relation)>> = vec![Vec::new(); entities.len()];
        let mut by_file = BTreeMap::new();
        for (entity, out) in entities.iter().zip(outgoing) {
            // A link to a file of several entities leads to the first one written in it.
            by_file
                .entry(&*entity.origin.file)
                .and_modify(|first: &mut &Entity| {
                    if entity.origin.doc < first.origin.doc {
                        *first = entity;
                    }
                })
                .or_insert(entity);
            for (target, field) in out.references {
                let target = &entities[target];
                referrers.entry(target.kind(), target.name()).or_default().push(Referrer { entity, field });
            }
            if let Some(me) = out.me {
                for (target, relation) in out.unsorted {
                    dependents[target].push((me, relation));
                }
            }
            dependencies.push(out.dependencies);
        }
        referrers.par_values_mut().for_each(|list| {
            list.sort_by(|a, b| {
                (a.entity.kind(), a.entity.name(), &a.field).cmp(&(
                    b.entity.kind(),
                    b.entity.name(),
                    &b.field,
                ))
            });
            list.dedup_by(|a, b| std::ptr::eq(a.entity, b.entity) && a.field == b.field);
        });
        dependents.par_iter_mut().for_each(|list| {
            list.sort_by_key(|&(i, _)| key(i));
            list.dedup_by_key(|&mut (i, _)| i);
        });
        let page_paths: Vec<String> =
            entities.par_iter().map(|e| paths::entity_page(e.kind(), e.name(), ext)).collect();
        let mut pages: BTreeSet<String> = page_paths.iter().cloned().collect();
        pages.extend(super::fixed_pages(ext));
        let count = |kind: Kind| entities.iter().filter(|e| e.kind() == kind).count();
        for (kind, stem, _, _) in super::lists::LISTS {
            if super::lists::OPTIONAL.contains(&kind) && super::lists::list_made(kind, count(kind)) {
                pages.insert(format!("{stem}.{}", ext.0));
            }
        }
        pages.extend(super::lists::extra_list_pages(count, ext.0));
        let now = super::calendar::start_of(today);
        let mut next = BTreeMap::new();
        let mut schedules = FxHashMap::default();
        for (i, entity) in entities.iter().enumerate() {
            if let Spec::Window(spec) = &entity.spec {
                let schedule = Schedule::of(spec);
                next.entry(entity.name()).or_insert_with(|| calendar::next(&schedule, now, NEXT));
                schedules.insert(i, schedule);
            }
        }
        let graded: Vec<&Entity> = entities.iter().collect();
        let scores = crate::health::score::score_tree(&graded, None).unwrap_or_default();
        let mut scored: FxHashMap<usize, Vec<(usize, usize)>> = FxHashMap::default();
        for (c, card) in scores.iter().enumerate() {
            for (i, graded) in card.entities.iter().enumerate() {
                if let Some(at) = position(entities, graded.entity) {
                    scored.entry(at).or_default().push((c, i));
                }
            }
        }
        Site {
            entities,
            today,
            now,
            format,
            ext,
            index,
            resolved,
            by_kind,
            referrers,
            dependencies,
            dependents,
            by_file,
            pages: Arc::new(pages),
            page_paths,
            next,
            schedules,
            scores,
            scored,
            ceilings: Default::default(),
            drift: None,
            conflicts: Default::default(),
        }
    }

    /// The scorecards that grade `entity`, each with its result: (scorecard, entity score).
    pub fn scores_of(&self, entity: &Entity) -> Vec<(&CardReport<'a>, &EntityScore<'a>)> {
        let Some(at) = position(self.entities, entity) else { return Vec::new() };
        self.scored
            .get(&at)
            .into_iter()
            .flatten()
            .map(|&(c, i)| (&self.scores[c], &self.scores[c].entities[i]))
            .collect()
    }

    /// The next occurrences of a window from `now` (at most [`NEXT`]), in time order.
    pub fn next_occurrences(&self, entity: &Entity, spec: &WindowSpec) -> Vec<Occurrence> {
        match self.next.get(entity.name()) {
            Some(next) => next.clone(),
            None => calendar::next(&Schedule::of(spec), self.now, NEXT),
        }
    }

    /// The schedule of a window.
    pub fn schedule(&self, window: &Entity, spec: &WindowSpec) -> Cow<'_, Schedule> {
        match position(self.entities, window).and_then(|i| self.schedules.get(&i)) {
            Some(schedule) => Cow::Borrowed(schedule),
            None => Cow::Owned(Schedule::of(spec)),
        }
    }

    /// Whether a window is past, in progress or upcoming.
    pub fn window_status(&self, entity: &Entity, spec: &WindowSpec) -> Status {
        calendar::status_of(&self.next_occurrences(entity, spec), self.now)
    }

    /// The entity a reference resolves to (case-insensitively, first written first).
    pub fn entity(&self, target: &EntityRef) -> Option<&'a Entity> {
        self.resolve(target.kind, &target.name).map(|i| &self.entities[i])
    }

    /// The position of the entity a kind and name resolve to.
    fn resolve(&self, kind: Kind, name: &str) -> Option<usize> {
        match self.resolved.get(kind, name) {
            Some(&i) => Some(i),
            None => self.index.entity(kind, name).and_then(|e| position(self.entities, e)),
        }
    }

    /// Every entity of one kind, in the order given (sorted by name).
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &'a Entity> + '_ {
        self.by_kind[kind as usize].iter().copied()
    }

    /// The page of an entity, from the root.
    pub fn page_of(&self, entity: &Entity) -> Cow<'_, str> {
        match position(self.entities, entity) {
            Some(i) => Cow::Borrowed(&self.page_paths[i]),
            None => Cow::Owned(paths::entity_page(entity.kind(), entity.name(), self.ext)),
        }
    }

    /// A path from the root (`calendar.html`) for a page name without extension (`calendar`).
    pub fn fixed(&self, stem: &str) -> String {
        format!("{stem}.{}", self.ext.0)
    }

    /// Who refers to `target`, optionally only from one field (`/spec/owner`).
    pub fn referrers(&self, target: &Entity, field: Option<&str>) -> Vec<&'a Entity> {
        let list = self.referrers.get(target.kind(), target.name()).map_or(&[][..], Vec::as_slice);
        let mut out: Vec<&'a Entity> =
            list.iter().filter(|r| field.is_none_or(|f| r.field == f)).map(|r| r.entity).collect();
        out.dedup_by(|a, b| std::ptr::eq(*a, *b));
        out
    }

    /// Referrers of one kind through one field.
    pub fn referrers_of_kind(&self, target: &Entity, kind: Kind, field: &str) -> Vec<&'a Entity> {
        self.referrers(target, Some(field)).into_iter().filter(|e| e.kind() == kind).collect()
    }

    /// What depends on `target` (each as its reference resolves), sorted, and how.
    pub fn dependents_of(&self, target: &Entity) -> impl Iterator<Item = (&'a Entity, Relation)> + '_ {
        let list = self.resolve(target.kind(), target.name()).map_or(&[][..], |i| &self.dependents[i]);
        list.iter().map(|&(i, relation)| (&self.entities[i], relation))
    }

    /// What `entity` depends on (resolved references only), sorted, and how.
    pub fn dependencies_of(&self, entity: &Entity) -> impl Iterator<Item = (&'a Entity, Relation)> + '_ {
        let list = position(self.entities, entity).map_or(&[][..], |i| &self.dependencies[i]);
        list.iter().map(|&(i, relation)| (&self.entities[i], relation))
    }

    /// A link from page `from` to the entity `target` refers to.
    pub fn link(&self, from: &str, target: &EntityRef) -> Link {
        match self.entity(target) {
            Some(entity) => self.link_entity(from, entity),
            None => Link {
                reference: target.to_string(),
                kind: target.kind.name(),
                name: target.name.clone(),
                title: target.name.clone(),
                href: None,
            },
        }
    }

    /// A link from page `from` to an entity's page.
    pub fn link_entity(&self, from: &str, entity: &Entity) -> Link {
        Link {
            reference: entity.reference().to_string(),
            kind: entity.kind().name(),
            name: entity.name().to_owned(),
            title: entity.display_name().to_owned(),
            href: Some(paths::relative(from, &self.page_of(entity))),
        }
    }

    /// Links to several references, in the order given.
    pub fn links<'r>(&self, from: &str, targets: impl IntoIterator<Item = &'r EntityRef>) -> Vec<Link> {
        targets.into_iter().map(|t| self.link(from, t)).collect()
    }

    /// Links to several entities, in the order given.
    pub fn entity_links<'e>(&self, from: &str, entities: impl IntoIterator<Item = &'e Entity>) -> Vec<Link> {
        entities.into_iter().map(|e| self.link_entity(from, e)).collect()
    }

    /// Markdown written in `entity` rendered for page `from`: sanitised HTML, or neutralised
    /// Markdown, marked safe for the template either way.
    pub fn rich(&self, from: &str, entity: &Entity, text: &str) -> Value {
        let resolve = |target: Target| -> Option<String> {
            let found = match target {
                Target::Reference(text) => EntityRef::parse(text).and_then(|r| self.entity(&r)),
                Target::File(file) => self.by_file.get(file).copied(),
            };
            found.map(|e| self.page_of(e).into_owned())
        };
        let links =
            Links { from_page: from, pages: &self.pages, resolve: &resolve, base_file: &entity.origin.file };
        let out = match self.format {
            SiteFormat::Html => markdown::to_html(text, &links),
            SiteFormat::Markdown => markdown::to_markdown(text, &links),
        };
        Value::from_safe_string(out)
    }

    /// Optional rich text.
    pub fn rich_opt(&self, from: &str, entity: &Entity, text: Option<&str>) -> Option<Value> {
        text.filter(|t| !t.trim().is_empty()).map(|t| self.rich(from, entity, t))
    }

    /// Whether the entity has a drawing (a dependency either way, other than on itself): what
    /// `graph_svg` says by drawing it.
    pub fn has_graph(&self, entity: &Entity) -> bool {
        let Some(center) = self.resolve(entity.kind(), entity.name()) else { return false };
        let others = |list: &[(usize, Relation)]| list.iter().any(|&(i, _)| i != center);
        others(&self.dependencies[center]) || others(&self.dependents[center])
    }

    /// The drawing of an entity's dependency neighbourhood, for page `from`.
    pub fn graph_svg(&self, from: &str, entity: &Entity, standalone: bool) -> Option<String> {
        let center = self.resolve(entity.kind(), entity.name())?;
        super::svg::neighbourhood(center, &PageGraph { site: self, from }, standalone)
    }
}

/// The graph as seen from one page (links are relative to it); nodes are positions.
struct PageGraph<'s, 'a> {
    site: &'s Site<'a>,
    from: &'s str,
}

impl GraphSource for PageGraph<'_, '_> {
    fn dependencies(&self, node: usize) -> &[(usize, Relation)] {
        &self.site.dependencies[node]
    }

    fn dependents(&self, node: usize) -> &[(usize, Relation)] {
        &self.site.dependents[node]
    }

    fn key(&self, node: usize) -> (Kind, &str) {
        let e = &self.site.entities[node];
        (e.kind(), e.name())
    }

    fn describe(&self, node: usize) -> (Cow<'_, str>, Option<String>) {
        let e = &self.site.entities[node];
        (Cow::Borrowed(e.display_name()), Some(paths::relative(self.from, &self.site.page_of(e))))
    }
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn fields_are_normalised() {
        assert_eq!(normalise("/spec/approvals/1/require/team"), "/spec/approvals/*/require/team");
        assert_eq!(normalise("/spec/dependsOn/12"), "/spec/dependsOn");
        assert_eq!(normalise("/spec/owner"), "/spec/owner");
    }
}
