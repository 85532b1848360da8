//! Scorecards on the site: a page per scorecard (its levels and checks, levels by owner team,
//! every graded entity with what its next level lacks) and the levels on each graded entity's
//! page (`item.scores`). The grading itself is `crate::health::score`, done once per render.

use serde::Serialize;

use super::site::{Link, Site};
use crate::health::score::CardReport;
use crate::model::{CheckKind, ContactType, Entity, FieldCheck, ScoreCheck, ScorecardSpec};

/// Entities listed at most on a scorecard's page; the rest are counted.
const MAX_ROWS: usize = 2000;

/// A failing check of the next level.
#[derive(Debug, Serialize)]
pub struct Lack {
    pub level: String,
    pub check: String,
    pub reason: String,
}

/// An entity's level under one scorecard, for its page.
#[derive(Debug, Serialize)]
pub struct EntityLevel {
    pub scorecard: Link,
    /// `None` when no level is earned.
    pub level: Option<String>,
    /// The next level's name, `None` at the top.
    pub next: Option<String>,
    pub levels: Vec<String>,
    pub lacks: Vec<Lack>,
}

/// The levels of `entity` under every scorecard that grades it.
pub fn levels_of(site: &Site, from: &str, entity: &Entity) -> Vec<EntityLevel> {
    site.scores_of(entity)
        .into_iter()
        .map(|(card, score)| EntityLevel {
            scorecard: site.link_entity(from, card.scorecard),
            level: score.level.clone(),
            next: card.levels.get(score.earned).cloned(),
            levels: card.levels.clone(),
            lacks: lacks(&score.failing),
        })
        .collect()
}

fn lacks(failing: &[crate::health::score::Failing]) -> Vec<Lack> {
    failing
        .iter()
        .map(|f| Lack { level: f.level.clone(), check: f.check.clone(), reason: f.reason.clone() })
        .collect()
}

/// A check, for the scorecard's page.
#[derive(Debug, Serialize)]
pub struct CheckView {
    pub name: String,
    pub description: Option<String>,
    /// What the check asks, in words.
    pub asks: String,
}

/// A level, for the scorecard's page.
#[derive(Debug, Serialize)]
pub struct LevelView {
    pub name: String,
    /// Entities at exactly this level.
    pub count: usize,
    pub checks: Vec<CheckView>,
}

/// One owner team's counts, in the order of `columns`.
#[derive(Debug, Serialize)]
pub struct TeamRow {
    /// `None`: entities without an owner.
    pub team: Option<Link>,
    pub counts: Vec<usize>,
}

/// One graded entity.
#[derive(Debug, Serialize)]
pub struct Row {
    pub link: Link,
    pub level: Option<String>,
    pub lacks: Vec<Lack>,
}

/// A scorecard's page.
#[derive(Debug, Serialize)]
pub struct ScorecardView {
    /// Which entities it grades, in words.
    pub applies_to: String,
    pub levels: Vec<LevelView>,
    /// Entities with no level.
    pub none: usize,
    /// The level names then `none`: the headings of `teams`' counts.
    pub columns: Vec<String>,
    pub teams: Vec<TeamRow>,
    pub entities: Vec<Row>,
    /// Graded entities not listed (past the page's limit).
    pub more: usize,
}

pub fn scorecard(site: &Site, from: &str, entity: &Entity, spec: &ScorecardSpec) -> ScorecardView {
    let report: Option<&CardReport> = site.scores.iter().find(|r| std::ptr::eq(r.scorecard, entity));
    let count_of = |i: usize| report.and_then(|r| r.summary.0.get(i)).map_or(0, |(_, n)| *n);
    let levels = spec
        .levels
        .iter()
        .enumerate()
        .map(|(i, level)| LevelView {
            name: level.name.clone(),
            count: count_of(i),
            checks: level
                .checks
                .iter()
                .map(|c| CheckView {
                    name: c.name.clone(),
                    description: c.description.clone(),
                    asks: asks(c),
                })
                .collect(),
        })
        .collect();
    let (teams, entities, more) = match report {
        Some(r) => (
            r.teams
                .iter()
                .map(|(team, counts)| TeamRow {
                    team: team.as_ref().map(|t| site.link(from, t)),
                    counts: counts.0.iter().map(|(_, n)| *n).collect(),
                })
                .collect(),
            r.entities
                .iter()
                .take(MAX_ROWS)
                .map(|s| Row {
                    link: site.link_entity(from, s.entity),
                    level: s.level.clone(),
                    lacks: lacks(&s.failing),
                })
                .collect(),
            r.entities.len().saturating_sub(MAX_ROWS),
        ),
        None => (Vec::new(), Vec::new(), 0),
    };
    ScorecardView {
        applies_to: applies_to(spec),
        levels,
        none: count_of(spec.levels.len()),
        columns: spec
            .levels
            .iter()
            .map(|l| l.name.clone())
            .chain([crate::model::NO_LEVEL.to_owned()])
            .collect(),
        teams,
        entities,
        more,
    }
}

/// What a scorecard grades, in words ("Services of tier 1 or 2, live").
pub(super) fn applies_to(spec: &ScorecardSpec) -> String {
    let scope = &spec.applies_to;
    let kinds: Vec<&str> = if scope.kinds.is_empty() {
        vec![super::context::kind_plural(crate::model::Kind::Service)]
    } else {
        scope.kinds.iter().map(|k| super::context::kind_plural(*k)).collect()
    };
    let mut text = kinds.join(", ");
    if !scope.tiers.is_empty() {
        let tiers: Vec<String> = scope.tiers.iter().map(ToString::to_string).collect();
        text.push_str(&format!(" of tier {}", tiers.join(" or ")));
    }
    if !scope.lifecycle.is_empty() {
        let stages: Vec<String> = scope.lifecycle.iter().map(word).collect();
        text.push_str(&format!(", {}", stages.join(" or ")));
    }
    if !scope.labels.is_empty() {
        let labels: Vec<String> = scope.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        text.push_str(&format!(", labelled {}", labels.join(", ")));
    }
    text
}

fn word<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn contact_word(t: ContactType) -> String {
    word(&t)
}

fn field_words(f: &FieldCheck) -> String {
    let mut parts = Vec::new();
    match f.exists {
        Some(false) => parts.push("is not set".to_owned()),
        Some(true) => parts.push("is set".to_owned()),
        None => {}
    }
    if let Some(v) = &f.equals {
        parts.push(format!("equals {v}"));
    }
    if let Some(list) = &f.one_of {
        let list: Vec<String> = list.iter().map(ToString::to_string).collect();
        parts.push(format!("is one of {}", list.join(", ")));
    }
    if let Some(p) = &f.matches {
        parts.push(format!("matches /{p}/"));
    }
    if let Some(n) = f.at_least {
        parts.push(format!("is at least {n}"));
    }
    if let Some(n) = f.at_most {
        parts.push(format!("is at most {n}"));
    }
    if parts.is_empty() {
        parts.push("is set".to_owned());
    }
    format!("{} {}", f.path, parts.join(" and "))
}

/// What a check asks, in words.
fn asks(check: &ScoreCheck) -> String {
    match check.kind() {
        Ok(CheckKind::Field(f)) => field_words(f),
        Ok(CheckKind::Related(r)) => {
            let kind = r.target_kind().map_or_else(|| r.kind.clone(), |k| k.name().to_owned());
            let mut text = format!("at least {} {kind} referring to it", r.at_least);
            if !r.filter.is_empty() {
                let conditions: Vec<String> = r.filter.iter().map(field_words).collect();
                text.push_str(&format!(" where {}", conditions.join(" and ")));
            }
            text
        }
        Ok(CheckKind::Link(l)) => format!("a link of type {}", l.link_type),
        Ok(CheckKind::Contact(c)) => {
            format!("a {} contact, its own or its owner team's", contact_word(c.contact_type))
        }
        Ok(CheckKind::Owner(o)) => {
            let mut text = "an owner team that exists".to_owned();
            if let Some(c) = o.contact {
                text.push_str(&format!(", with a {} contact", contact_word(c)));
            }
            if let Some(m) = o.members {
                text.push_str(&format!(", with at least {} members", m.at_least));
            }
            text
        }
        Err(_) => "malformed: `cairn validate` says why".to_owned(),
    }
}
