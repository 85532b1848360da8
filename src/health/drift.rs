//! Knowledge drift (SPEC §9): a published knowledge article drifts when an entity it lists
//! (`services`, `cis`, `catalogItems`) changed in a commit after the article's own last change.
//!
//! Changes are entity-wise, as `cairn impact` sees them (`crate::impact::diff`): moving an
//! entity to another file or reformatting it is no change. The history is walked first-parent
//! from the revision back, newest first ([`crate::load::History`]): each commit's changed files
//! are found by comparing tree and blob ids and only those are parsed, before and after, and
//! diffed, on every core; the tracker takes the changes in commit order. An article
//! stops collecting at the first commit (going back) that changed the article itself, and the
//! walk stops once every article has; changes made in that same commit are not drift, since
//! the article was edited with them. The first commit (or the first holding the tree) adds
//! everything, articles included: it ends the walk without being parsed.

use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use crate::impact::{self, Change, ChangeKind};
use crate::load::{CommitChanges, CommitInfo, History, LoadError};
use crate::model::{ArticleState, Config, Entity, EntityRef, Spec};
use crate::validate;

/// A commit, as reports name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Commit {
    pub id: String,
    pub short: String,
    /// The committer's date (`2026-11-30`).
    pub date: String,
    pub summary: String,
}

impl From<&CommitInfo> for Commit {
    fn from(c: &CommitInfo) -> Commit {
        Commit { id: c.id.clone(), short: c.short.clone(), date: c.date.clone(), summary: c.summary.clone() }
    }
}

/// One change of a listed entity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityChange {
    pub commit: Commit,
    pub change: ChangeKind,
    /// The changed fields (dotted paths), for a modified entity.
    pub fields: Vec<String>,
}

/// A listed entity that changed after the article, with its changes, newest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftedEntity {
    #[serde(rename = "ref")]
    pub reference: EntityRef,
    pub changes: Vec<EntityChange>,
}

/// A drifting article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftingArticle {
    #[serde(rename = "ref")]
    pub reference: EntityRef,
    pub title: String,
    /// Where the article is at the revision.
    pub file: Arc<str>,
    /// The commit that last changed the article (`None`: not found in the history walked).
    #[serde(rename = "lastEdited")]
    pub last_edited: Option<Commit>,
    /// Sorted by reference.
    pub entities: Vec<DriftedEntity>,
}

/// Everything `cairn drift` reports.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Drift {
    /// The revision the history was walked from.
    pub rev: String,
    /// Sorted by reference.
    pub articles: Vec<DriftingArticle>,
    /// Published articles that list at least one entity (those that could drift).
    pub checked: usize,
    /// Commits walked.
    pub commits: usize,
}

impl Drift {
    /// The drifting article of this reference, if it drifts.
    pub fn article(&self, reference: &EntityRef) -> Option<&DriftingArticle> {
        self.articles.binary_search_by(|a| a.reference.cmp(reference)).ok().map(|i| &self.articles[i])
    }
}

/// Entities and articles are matched by kind and lower-cased name, as references resolve.
fn key(reference: &EntityRef) -> EntityRef {
    EntityRef::new(reference.kind, reference.name.to_lowercase())
}

struct Watch {
    reference: EntityRef,
    title: String,
    file: Arc<str>,
    last_edited: Option<Commit>,
    done: bool,
    changes: BTreeMap<EntityRef, Vec<EntityChange>>,
}

/// Follows the articles of one revision through its history, newest commit first.
pub struct Tracker {
    articles: Vec<Watch>,
    /// Listed entity → the articles listing it.
    watched: HashMap<EntityRef, Vec<usize>>,
    /// Article → its index.
    by_ref: HashMap<EntityRef, usize>,
    pending: usize,
    commits: usize,
}

impl Tracker {
    /// Watches the published articles among `entities` (the revision's) that list entities.
    pub fn new<E: Borrow<Entity>>(entities: &[E]) -> Tracker {
        let mut tracker = Tracker {
            articles: Vec::new(),
            watched: HashMap::new(),
            by_ref: HashMap::new(),
            pending: 0,
            commits: 0,
        };
        let mut articles: Vec<&Entity> = entities
            .iter()
            .map(Borrow::borrow)
            .filter(
                |e| matches!(&e.spec, Spec::KnowledgeArticle(a) if a.spec.state == ArticleState::Published),
            )
            .collect();
        articles.sort_by(|a, b| (a.name(), &a.origin).cmp(&(b.name(), &b.origin)));
        articles.dedup_by(|later, first| later.name().eq_ignore_ascii_case(first.name()));
        for entity in articles {
            let Spec::KnowledgeArticle(article) = &entity.spec else { continue };
            let spec = &article.spec;
            let listed: Vec<&EntityRef> = spec
                .services
                .iter()
                .map(|r| &r.target)
                .chain(spec.cis.iter().map(|r| &r.target))
                .chain(spec.catalog_items.iter().map(|r| &r.target))
                .collect();
            if listed.is_empty() {
                continue;
            }
            let index = tracker.articles.len();
            for target in listed {
                let watchers = tracker.watched.entry(key(target)).or_default();
                if !watchers.contains(&index) {
                    watchers.push(index);
                }
            }
            tracker.by_ref.insert(key(&entity.reference()), index);
            tracker.articles.push(Watch {
                reference: entity.reference(),
                title: entity.display_name().to_owned(),
                file: entity.origin.file.clone(),
                last_edited: None,
                done: false,
                changes: BTreeMap::new(),
            });
        }
        tracker.pending = tracker.articles.len();
        tracker
    }

    /// Whether every article has met its own last change: older commits cannot matter.
    pub fn is_done(&self) -> bool {
        self.pending == 0
    }

    /// Takes the entity changes of the next commit back.
    pub fn commit(&mut self, commit: &Commit, changes: &[Change]) {
        self.commits += 1;
        let mut edited = Vec::new();
        for change in changes {
            if let Some(&i) = self.by_ref.get(&key(&change.reference)) {
                if !self.articles[i].done {
                    edited.push(i);
                }
            }
        }
        for change in changes {
            let Some(watchers) = self.watched.get(&key(&change.reference)) else { continue };
            for &i in watchers {
                let watch = &mut self.articles[i];
                if watch.done || edited.contains(&i) {
                    continue;
                }
                watch.changes.entry(change.reference.clone()).or_default().push(EntityChange {
                    commit: commit.clone(),
                    change: change.change,
                    fields: change.fields.iter().map(|f| f.path.clone()).collect(),
                });
            }
        }
        for i in edited {
            let watch = &mut self.articles[i];
            if !watch.done {
                watch.done = true;
                watch.last_edited = Some(commit.clone());
                self.pending -= 1;
            }
        }
    }

    /// Takes a commit that adds the whole tree: every article still waiting for its last
    /// change was added there, with everything it lists, so nothing older matters.
    pub fn everything_added(&mut self, commit: &Commit) {
        self.commits += 1;
        for watch in self.articles.iter_mut().filter(|w| !w.done) {
            watch.done = true;
            watch.last_edited = Some(commit.clone());
        }
        self.pending = 0;
    }

    /// The drifting articles, sorted.
    pub fn finish(self, rev: &str) -> Drift {
        let checked = self.articles.len();
        let mut articles: Vec<DriftingArticle> = self
            .articles
            .into_iter()
            .filter(|w| !w.changes.is_empty())
            .map(|w| DriftingArticle {
                reference: w.reference,
                title: w.title,
                file: w.file,
                last_edited: w.last_edited,
                entities: w
                    .changes
                    .into_iter()
                    .map(|(reference, changes)| DriftedEntity { reference, changes })
                    .collect(),
            })
            .collect();
        articles.sort_by(|a, b| a.reference.cmp(&b.reference));
        Drift { rev: rev.to_owned(), articles, checked, commits: self.commits }
    }
}

/// Walks the history of `rev` in the repository around `path` for the articles among
/// `entities` (the tree at `rev`, read with `config`).
pub fn find<E: Borrow<Entity>>(
    path: &Path,
    rev: &str,
    entities: &[E],
    config: &Config,
) -> Result<Drift, LoadError> {
    let mut tracker = Tracker::new(entities);
    if tracker.is_done() {
        return Ok(tracker.finish(rev));
    }
    let history = History::open(path, rev, config)?;
    // Each commit's entity changes are worked out on the core that read it; the tracker takes
    // them in commit order.
    let digest = |step: CommitChanges| {
        let commit = Commit::from(&step.commit);
        if step.adds_everything || step.files.is_empty() {
            return (commit, step.adds_everything, Vec::new());
        }
        let before = validate::entities(validate::schema::check_documents(step.before));
        let after = validate::entities(validate::schema::check_documents(step.after));
        (commit, false, impact::diff(&before, &after))
    };
    history.walk(digest, |(commit, adds_everything, changes)| {
        if adds_everything {
            tracker.everything_added(&commit);
        } else {
            tracker.commit(&commit, &changes);
        }
        !tracker.is_done()
    })?;
    Ok(tracker.finish(rev))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::graph::testutil::entity_in;
    use crate::impact::FieldChange;
    use crate::model::Kind;

    fn article(name: &str, state: &str, cis: &[&str]) -> Entity {
        entity_in(
            "KnowledgeArticle",
            json!({"name": name}),
            json!({"owner": "sre", "state": state, "cis": cis}),
            &format!("kb/{name}.md"),
            0,
        )
    }

    fn commit(n: u32) -> Commit {
        Commit {
            id: format!("{n:040}"),
            short: format!("{n:07}"),
            date: format!("2026-11-{n:02}"),
            summary: String::new(),
        }
    }

    fn modified(kind: Kind, name: &str, field: &str) -> Change {
        Change {
            reference: EntityRef::new(kind, name),
            change: ChangeKind::Modified,
            file: Arc::from("x.yaml"),
            fields: vec![FieldChange {
                path: field.to_owned(),
                before: json!(1),
                after: json!(2),
                diff: None,
            }],
        }
    }

    #[test]
    fn changes_after_the_article_drift_and_older_ones_do_not() {
        let entities = vec![
            article("search-howto", "published", &["os-search"]),
            article("draft", "draft", &["os-search"]),
        ];
        let mut tracker = Tracker::new(&entities);
        // Newest first: the search cluster changes, then (earlier) the article is edited along
        // with a change that it describes, then an older change.
        tracker.commit(
            &commit(30),
            &[modified(Kind::ConfigurationItem, "os-search", "spec.attributes.version")],
        );
        assert!(!tracker.is_done());
        tracker.commit(
            &commit(20),
            &[
                modified(Kind::KnowledgeArticle, "search-howto", "body"),
                modified(Kind::ConfigurationItem, "os-search", "spec.members"),
            ],
        );
        assert!(tracker.is_done());
        let drift = tracker.finish("HEAD");
        assert_eq!(drift.checked, 1);
        assert_eq!(drift.commits, 2);
        let found = drift.article(&EntityRef::new(Kind::KnowledgeArticle, "search-howto")).expect("drifts");
        assert_eq!(found.last_edited.as_ref().map(|c| c.short.as_str()), Some("0000020"));
        assert_eq!(found.entities.len(), 1);
        assert_eq!(found.entities[0].changes.len(), 1);
        assert_eq!(found.entities[0].changes[0].fields, ["spec.attributes.version"]);
        assert_eq!(found.entities[0].changes[0].commit.date, "2026-11-30");
    }

    #[test]
    fn an_article_edited_last_does_not_drift() {
        let entities = vec![article("search-howto", "published", &["os-search"])];
        let mut tracker = Tracker::new(&entities);
        tracker.commit(&commit(30), &[modified(Kind::KnowledgeArticle, "search-howto", "body")]);
        tracker.commit(&commit(20), &[modified(Kind::ConfigurationItem, "os-search", "spec.members")]);
        assert!(tracker.finish("HEAD").articles.is_empty());
    }
}
