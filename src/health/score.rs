//! Scorecards (SPEC §9): which entities a scorecard grades, what each check asks, the level each
//! entity earns and, for the level above it, every check it fails with the reason.
//!
//! Levels are cumulative: an entity earns a level when every check of that level and of every
//! level below passes; its level is the highest it earns (none when the first level fails).
//! Checks read one tree only:
//!
//! - `field` — a value of the entity's document at a dotted path from `metadata` or `spec`
//!   (defaults included: a service's `lifecycle` is `live` when not written). `exists` means
//!   present, not null and not an empty string, list or map; with no condition, `exists: true`
//!   is meant. `equals` and `in` compare JSON values (numbers by value: `2` equals `2.0`);
//!   `matches` is an unanchored `regex` search over a string; `atLeast`/`atMost` need a number.
//! - `related` — entities of a kind holding a reference to the entity anywhere in their spec
//!   (an SLA's `service`, an article's `services`, another service's `dependsOn`), each counted
//!   once, that pass every `where` condition (field conditions on *their* document).
//! - `link` — a link of the type in `metadata.links`.
//! - `contact` — a contact of the type on the entity itself (a service's or team's `contacts`)
//!   or on its owner team.
//! - `owner` — the entity names an owner (`owner`; an SLA's `provider`), the team exists, and it
//!   has the `contact` and at least `members.atLeast` members asked for.
//!
//! A malformed check (no kind or several, a pattern that does not compile, a path from neither
//! `metadata` nor `spec`, an unknown kind) fails for every entity with a reason saying so;
//! `cairn validate` reports it at the check (`validate::rules::scorecards`). Nothing here
//! panics on user data, and every list is produced in a fixed order.

use std::collections::{BTreeMap, HashMap};

use regex::Regex;
use serde_json::Value;

use crate::model::{
    compile_pattern, document_of, CheckKind, Contact, ContactType, Entity, EntityRef, FieldCheck, OwnerCheck,
    RelatedCheck, ScoreCheck, ScorecardSpec, Spec, TeamSpec,
};
use crate::validate::rules::refs::references;

/// The key of the entities without a level in a summary.
pub const NONE: &str = crate::model::NO_LEVEL;

/// What checks read from a tree besides the graded entity: teams by name and who refers to
/// whom. Built once per tree.
pub struct Tree<'a> {
    teams: HashMap<&'a str, &'a TeamSpec>,
    /// Entities referring to each target, in input order, each once.
    referrers: HashMap<EntityRef, Vec<&'a Entity>>,
}

impl<'a> Tree<'a> {
    pub fn new(entities: &[&'a Entity]) -> Tree<'a> {
        let mut teams = HashMap::new();
        let mut referrers: HashMap<EntityRef, Vec<&'a Entity>> = HashMap::new();
        for &entity in entities {
            if let Spec::Team(team) = &entity.spec {
                // The first written wins, as references resolve.
                teams.entry(entity.name()).or_insert(team);
            }
            for site in references(entity) {
                let list = referrers.entry(site.target.clone()).or_default();
                if !list.last().is_some_and(|last| std::ptr::eq(*last, entity)) {
                    list.push(entity);
                }
            }
        }
        Tree { teams, referrers }
    }
}

/// A scorecard ready to grade: its spec and its patterns, compiled once.
pub struct Card<'a> {
    pub entity: &'a Entity,
    pub spec: &'a ScorecardSpec,
    patterns: HashMap<&'a str, Result<Regex, String>>,
}

impl<'a> Card<'a> {
    /// The scorecard `entity` holds, if it is one.
    pub fn new(entity: &'a Entity) -> Option<Card<'a>> {
        let Spec::Scorecard(spec) = &entity.spec else { return None };
        let mut patterns = HashMap::new();
        for (_, field) in spec.fields() {
            if let Some(pattern) = &field.matches {
                patterns.entry(pattern.as_str()).or_insert_with(|| compile_pattern(pattern));
            }
        }
        Some(Card { entity, spec, patterns })
    }

    pub fn name(&self) -> &'a str {
        self.entity.name()
    }

    /// The level names, lowest first.
    pub fn levels(&self) -> Vec<&'a str> {
        self.spec.levels.iter().map(|l| l.name.as_str()).collect()
    }

    /// Whether the scorecard grades `entity` (`appliesTo`).
    pub fn applies(&self, entity: &Entity) -> bool {
        self.spec.applies_to.covers(entity)
    }

    /// Runs every check of every level on `entity`.
    pub fn evaluate(&self, tree: &Tree, entity: &Entity) -> Evaluation {
        let mut document = None;
        let results = self
            .spec
            .levels
            .iter()
            .map(|level| {
                level.checks.iter().map(|check| self.check(tree, entity, &mut document, check)).collect()
            })
            .collect();
        Evaluation { results }
    }

    /// `None` when `check` passes, else why not.
    fn check(
        &self,
        tree: &Tree,
        entity: &Entity,
        document: &mut Option<Value>,
        check: &ScoreCheck,
    ) -> Option<String> {
        match check.kind() {
            Err(set) if set.is_empty() => {
                Some("the check sets none of field, related, link, contact and owner".to_owned())
            }
            Err(set) => {
                Some(format!("the check sets several kinds of check ({}): it must set one", set.join(", ")))
            }
            Ok(CheckKind::Field(field)) => {
                let document = document.get_or_insert_with(|| document_of(entity));
                self.field(document, field)
            }
            Ok(CheckKind::Related(related)) => self.related(tree, entity, related),
            Ok(CheckKind::Link(link)) => {
                let found =
                    entity.metadata.links.iter().any(|l| l.link_type.as_deref() == Some(&link.link_type));
                (!found).then(|| format!("no link of type `{}` in metadata.links", link.link_type))
            }
            Ok(CheckKind::Contact(contact)) => contact_check(tree, entity, contact.contact_type),
            Ok(CheckKind::Owner(owner)) => owner_check(tree, entity, owner),
        }
    }

    fn field(&self, document: &Value, field: &FieldCheck) -> Option<String> {
        if let Some(problem) = field.path_problem() {
            return Some(problem);
        }
        let path = field.path.as_str();
        let value = field.value_in(document);
        let shown = value.filter(|v| present(v)).map(show);
        let missing = || match value {
            Some(v) if !v.is_null() => format!("`{path}` is empty"),
            _ => format!("`{path}` is missing"),
        };
        let no_condition = field.exists.is_none()
            && field.equals.is_none()
            && field.one_of.is_none()
            && field.matches.is_none()
            && field.at_least.is_none()
            && field.at_most.is_none();
        match field.exists {
            Some(true) if shown.is_none() => return Some(missing()),
            Some(false) if shown.is_some() => {
                return Some(format!("`{path}` is set (to {})", shown.unwrap_or_default()))
            }
            None if no_condition && shown.is_none() => return Some(missing()),
            _ => {}
        }
        if let Some(expected) = &field.equals {
            if !value.is_some_and(|v| same(v, expected)) {
                return Some(match &shown {
                    Some(s) => format!("`{path}` is {s}, not {}", show(expected)),
                    None => format!("{}, expected {}", missing(), show(expected)),
                });
            }
        }
        if let Some(allowed) = &field.one_of {
            if !value.is_some_and(|v| allowed.iter().any(|a| same(v, a))) {
                let list: Vec<String> = allowed.iter().map(show).collect();
                return Some(match &shown {
                    Some(s) => format!("`{path}` is {s}, not one of {}", list.join(", ")),
                    None => format!("{}, expected one of {}", missing(), list.join(", ")),
                });
            }
        }
        if let Some(pattern) = &field.matches {
            let regex = match self.patterns.get(pattern.as_str()) {
                Some(Ok(regex)) => regex,
                _ => return Some(format!("the pattern `{pattern}` is not a valid regular expression")),
            };
            match value {
                Some(Value::String(text)) if regex.is_match(text) => {}
                Some(Value::String(_)) => {
                    return Some(format!(
                        "`{path}` ({}) does not match `{pattern}`",
                        shown.unwrap_or_default()
                    ))
                }
                Some(v) if present(v) => return Some(format!("`{path}` is {}, not text", show(v))),
                _ => return Some(missing()),
            }
        }
        for (bound, at_least) in [(field.at_least, true), (field.at_most, false)] {
            let Some(bound) = bound else { continue };
            let number = match value {
                Some(Value::Number(n)) => n.as_f64().unwrap_or(f64::NAN),
                Some(v) if !v.is_null() => return Some(format!("`{path}` is {}, not a number", show(v))),
                _ => return Some(missing()),
            };
            if at_least && (number.is_nan() || number < bound) {
                return Some(format!(
                    "`{path}` is {}, less than {}",
                    number_text(number),
                    number_text(bound)
                ));
            }
            if !at_least && (number.is_nan() || number > bound) {
                return Some(format!(
                    "`{path}` is {}, more than {}",
                    number_text(number),
                    number_text(bound)
                ));
            }
        }
        None
    }

    fn related(&self, tree: &Tree, entity: &Entity, related: &RelatedCheck) -> Option<String> {
        let Some(kind) = related.target_kind() else {
            return Some(format!("`{}` is not a kind", related.kind));
        };
        let referrers = tree.referrers.get(&entity.reference()).map(Vec::as_slice).unwrap_or_default();
        let count = referrers
            .iter()
            .filter(|r| r.kind() == kind)
            .filter(|r| {
                if related.filter.is_empty() {
                    return true;
                }
                let document = document_of(r);
                related.filter.iter().all(|condition| self.field(&document, condition).is_none())
            })
            .count();
        let need = related.at_least as usize;
        if count >= need {
            return None;
        }
        let which = if related.filter.is_empty() { String::new() } else { " (matching `where`)".to_owned() };
        Some(match count {
            0 => format!("no {}{which} refers to {}", kind.name(), entity.reference()),
            n => format!("{n} {}{which} refer to {}, {need} needed", kind.name(), entity.reference()),
        })
    }
}

/// The results of every check of a scorecard on one entity: per level, per check, `None` when
/// it passes or the reason it fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub results: Vec<Vec<Option<String>>>,
}

impl Evaluation {
    /// How many levels the entity earns: 0 for none, 1 for the first level…
    pub fn earned(&self) -> usize {
        self.results.iter().take_while(|checks| checks.iter().all(Option::is_none)).count()
    }

    /// The failing checks of level `level` (0-based): (check index, reason).
    pub fn failing_in(&self, level: usize) -> impl Iterator<Item = (usize, &str)> + '_ {
        self.results
            .get(level)
            .into_iter()
            .flat_map(|checks| checks.iter().enumerate())
            .filter_map(|(i, r)| r.as_deref().map(|reason| (i, reason)))
    }
}

/// One failing check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failing {
    pub level: String,
    pub check: String,
    pub reason: String,
}

/// One graded entity.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityScore<'a> {
    pub entity: &'a Entity,
    /// The owner team the entity names (an SLA's provider), existing or not.
    pub owner: Option<EntityRef>,
    /// Levels earned: 0 for none.
    pub earned: usize,
    /// The level's name, `None` when none is earned.
    pub level: Option<String>,
    /// The failing checks of the next level (empty at the top level).
    pub failing: Vec<Failing>,
}

/// How many entities are at each level (`none` last), for all or for one owner team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counts(pub Vec<(String, usize)>);

/// A scorecard applied to a tree.
#[derive(Debug, Clone, PartialEq)]
pub struct CardReport<'a> {
    pub scorecard: &'a Entity,
    pub name: String,
    pub title: String,
    pub levels: Vec<String>,
    /// By kind, then name (stable: duplicates stay in input order).
    pub entities: Vec<EntityScore<'a>>,
    pub summary: Counts,
    /// Per owner team (sorted; entities without an owner under `None`, first).
    pub teams: Vec<(Option<EntityRef>, Counts)>,
}

/// The scorecards among `entities`, in input order.
pub fn scorecards<'a>(entities: &[&'a Entity]) -> Vec<Card<'a>> {
    entities.iter().filter_map(|e| Card::new(e)).collect()
}

/// Grades every entity `card` applies to.
pub fn score<'a>(card: &Card<'a>, tree: &Tree, entities: &[&'a Entity]) -> CardReport<'a> {
    let levels: Vec<String> = card.levels().into_iter().map(str::to_owned).collect();
    let mut graded = Vec::new();
    for &entity in entities.iter().filter(|e| card.applies(e)) {
        let evaluation = card.evaluate(tree, entity);
        let earned = evaluation.earned();
        let failing = match card.spec.levels.get(earned) {
            Some(next) => evaluation
                .failing_in(earned)
                .map(|(i, reason)| Failing {
                    level: next.name.clone(),
                    check: next.checks[i].name.clone(),
                    reason: reason.to_owned(),
                })
                .collect(),
            None => Vec::new(),
        };
        graded.push(EntityScore {
            entity,
            owner: owner_of(entity),
            earned,
            level: earned.checked_sub(1).map(|i| levels[i].clone()),
            failing,
        });
    }
    let count = |scores: &mut dyn Iterator<Item = &EntityScore>| {
        let mut counts = vec![0usize; levels.len() + 1];
        for s in scores {
            match s.earned {
                0 => counts[levels.len()] += 1,
                n => counts[n - 1] += 1,
            }
        }
        Counts(levels.iter().map(String::as_str).chain([NONE]).map(str::to_owned).zip(counts).collect())
    };
    graded.sort_by(|a, b| (a.entity.kind(), a.entity.name()).cmp(&(b.entity.kind(), b.entity.name())));
    let summary = count(&mut graded.iter());
    let mut by_team: BTreeMap<Option<&EntityRef>, Vec<&EntityScore>> = BTreeMap::new();
    for s in &graded {
        by_team.entry(s.owner.as_ref()).or_default().push(s);
    }
    let teams =
        by_team.into_iter().map(|(team, scores)| (team.cloned(), count(&mut scores.into_iter()))).collect();
    CardReport {
        scorecard: card.entity,
        name: card.name().to_owned(),
        title: card.entity.display_name().to_owned(),
        levels,
        entities: graded,
        summary,
        teams,
    }
}

/// Every scorecard of a tree applied to it (only the one named `only`, when given), in name
/// order: what `cairn score` prints and the site shows. `Err` names the scorecards there are
/// when `only` names none of them.
pub fn score_tree<'a>(entities: &[&'a Entity], only: Option<&str>) -> Result<Vec<CardReport<'a>>, String> {
    let cards: Vec<Card<'a>> =
        scorecards(entities).into_iter().filter(|c| only.is_none_or(|name| c.name() == name)).collect();
    if let (Some(name), true) = (only, cards.is_empty()) {
        let mut names: Vec<&str> = scorecards(entities).iter().map(|c| c.name()).collect();
        names.dedup();
        return Err(if names.is_empty() {
            format!("no scorecard named `{name}`: the tree has no scorecards")
        } else {
            format!("no scorecard named `{name}`; there are: {}", names.join(", "))
        });
    }
    if cards.is_empty() {
        return Ok(Vec::new());
    }
    let tree = Tree::new(entities);
    Ok(cards.iter().map(|card| score(card, &tree, entities)).collect())
}

/// An entity whose level a change lowers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Regression {
    pub scorecard: String,
    pub entity: EntityRef,
    /// The level before (never none: a lowered entity had one).
    pub before: String,
    /// The level after, `None` for none.
    pub after: Option<String>,
    /// The checks, of the levels it had, that fail after.
    pub now_failing: Vec<Failing>,
}

/// The entities whose level under one of `cards` is lower in `after` than in `before`, by
/// scorecard then reference. Only entities graded in both trees count: one that is added,
/// removed or moved out of a scorecard's scope is not lowered. Both trees are graded by the
/// same scorecards (the gate takes them from the base).
pub fn regressions(cards: &[Card], before: &[&Entity], after: &[&Entity]) -> Vec<Regression> {
    let mut out = Vec::new();
    if cards.is_empty() {
        return out;
    }
    let (tree_before, tree_after) = (Tree::new(before), Tree::new(after));
    for card in cards {
        let mut earlier: HashMap<EntityRef, &Entity> = HashMap::new();
        for &entity in before.iter().filter(|e| card.applies(e)) {
            earlier.entry(entity.reference()).or_insert(entity);
        }
        let mut seen = std::collections::HashSet::new();
        for &entity in after.iter().filter(|e| card.applies(e)) {
            let reference = entity.reference();
            let Some(old) = earlier.get(&reference) else { continue };
            if !seen.insert(reference.clone()) {
                continue;
            }
            let was = card.evaluate(&tree_before, old).earned();
            let now = card.evaluate(&tree_after, entity);
            let is = now.earned();
            if is >= was {
                continue;
            }
            let now_failing = (is..was)
                .flat_map(|l| {
                    let level = &card.spec.levels[l];
                    now.failing_in(l).map(move |(i, reason)| Failing {
                        level: level.name.clone(),
                        check: level.checks[i].name.clone(),
                        reason: reason.to_owned(),
                    })
                })
                .collect();
            out.push(Regression {
                scorecard: card.name().to_owned(),
                entity: reference,
                before: card.spec.levels[was - 1].name.clone(),
                after: is.checked_sub(1).map(|i| card.spec.levels[i].name.clone()),
                now_failing,
            });
        }
    }
    out.sort_by(|a, b| (&a.scorecard, &a.entity).cmp(&(&b.scorecard, &b.entity)));
    out
}

/// The owner team an entity names: `owner`, or an SLA's `provider`.
pub fn owner_of(entity: &Entity) -> Option<EntityRef> {
    let owner = match &entity.spec {
        Spec::Service(s) => &s.owner.target,
        Spec::ConfigurationItem(s) => &s.owner.target,
        Spec::CatalogItem(s) => &s.owner.as_ref()?.target,
        Spec::KnowledgeArticle(a) => &a.spec.owner.target,
        Spec::Sla(s) => &s.provider.as_ref()?.target,
        _ => return None,
    };
    Some(owner.clone())
}

fn own_contacts(entity: &Entity) -> &[Contact] {
    match &entity.spec {
        Spec::Service(s) => &s.contacts,
        Spec::Team(t) => &t.contacts,
        _ => &[],
    }
}

fn type_name(t: ContactType) -> &'static str {
    match t {
        ContactType::Email => "email",
        ContactType::Chat => "chat",
        ContactType::Pager => "pager",
        ContactType::Phone => "phone",
    }
}

fn contact_check(tree: &Tree, entity: &Entity, wanted: ContactType) -> Option<String> {
    if own_contacts(entity).iter().any(|c| c.contact_type == wanted) {
        return None;
    }
    let t = type_name(wanted);
    let Some(owner) = owner_of(entity) else {
        return Some(format!("no {t} contact on {}, which has no owner", entity.reference()));
    };
    match tree.teams.get(owner.name.as_str()) {
        Some(team) if team.contacts.iter().any(|c| c.contact_type == wanted) => None,
        Some(_) => Some(format!("no {t} contact on {} or its owner {owner}", entity.reference())),
        None => {
            Some(format!("no {t} contact on {}, and its owner {owner} does not exist", entity.reference()))
        }
    }
}

fn owner_check(tree: &Tree, entity: &Entity, check: &OwnerCheck) -> Option<String> {
    let Some(owner) = owner_of(entity) else {
        return Some(format!("{} names no owner", entity.reference()));
    };
    let Some(team) = tree.teams.get(owner.name.as_str()) else {
        return Some(format!("the owner {owner} does not exist"));
    };
    if let Some(wanted) = check.contact {
        if !team.contacts.iter().any(|c| c.contact_type == wanted) {
            return Some(format!("the owner {owner} has no {} contact", type_name(wanted)));
        }
    }
    if let Some(members) = check.members {
        let have = team.members.len();
        let need = members.at_least as usize;
        if have < need {
            let word = if have == 1 { "member" } else { "members" };
            return Some(format!("the owner {owner} has {have} {word}, {need} needed"));
        }
    }
    None
}

/// Present, not null, and not an empty string, list or map.
fn present(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        _ => true,
    }
}

/// JSON equality, numbers compared by value.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// A value as reasons show it: compact JSON in backticks, cut short.
fn show(value: &Value) -> String {
    const MAX: usize = 60;
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.chars().count() > MAX {
        let cut: String = text.chars().take(MAX).collect();
        format!("`{cut}…`")
    } else {
        format!("`{text}`")
    }
}

fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

#[cfg(test)]
#[path = "score_tests.rs"]
mod tests;
