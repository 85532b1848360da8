//! What the pages show of service health: an SLA's availability ceiling (with its
//! contributors and the rule of the extra nine) and an article's drift banner. The figures come
//! from `crate::health`; this only shapes them for templates.

use std::collections::HashMap;

use serde::Serialize;

use super::site::{Link, Site};
use crate::health::ceiling::{availability_targets, extra_nine, percent, Availability, Ceiling, Source};
use crate::health::drift::Drift;
use crate::impact::ChangeKind;
use crate::model::{Entity, EntityRef, Kind, SlaSpec, SlaType, Spec};

/// How many contributors an SLA page lists.
const CONTRIBUTORS_SHOWN: usize = 20;

/// The ceilings of every service an agreement with an availability objective is written for.
pub fn ceilings(entities: &[Entity]) -> HashMap<EntityRef, Ceiling> {
    let mut services: Vec<EntityRef> = entities
        .iter()
        .filter_map(|e| match &e.spec {
            Spec::Sla(spec) if availability_targets(spec).next().is_some() => {
                Some(EntityRef::new(spec.service.target.kind, spec.service.target.name.to_lowercase()))
            }
            _ => None,
        })
        .collect();
    if services.is_empty() {
        return HashMap::new();
    }
    services.sort();
    services.dedup();
    let mut model = Availability::new(entities);
    services.into_iter().filter_map(|s| model.ceiling(&s).map(|c| (s, c))).collect()
}

/// One unit of the ceiling.
#[derive(Debug, Serialize)]
pub struct ContributorView {
    pub entity: Link,
    /// Percent, e.g. `99.9`.
    pub availability: String,
    /// Where the figure comes from: `sla:payments-ola`, `attributes.availability`, `2 of 3 up`.
    pub source: String,
    /// From the service to this unit.
    pub path: Vec<Link>,
    /// Below what the rule of the extra nine asks of a critical dependency.
    pub below_extra_nine: bool,
}

/// The availability section of an SLA page.
#[derive(Debug, Serialize)]
pub struct AvailabilityView {
    /// The agreement's highest availability target, in percent.
    pub target: String,
    /// The ceiling of the service's dependencies, in percent.
    pub ceiling: String,
    pub achievable: bool,
    /// What each critical dependency should offer by the rule of the extra nine, in percent.
    pub extra_nine: String,
    /// Weakest first (at most 20).
    pub contributors: Vec<ContributorView>,
    /// How many contributors were left out of the list.
    pub more: usize,
    /// Dependencies with no known availability (counted as 100%).
    pub unknown: Vec<Link>,
}

/// The section for an SLA or OLA with an availability objective (an underpinning contract is
/// a supplier's promise about its own part: none).
pub fn availability(site: &Site, from: &str, spec: &SlaSpec) -> Option<AvailabilityView> {
    if spec.sla_type == SlaType::Uc {
        return None;
    }
    let target =
        availability_targets(spec).fold(None, |m: Option<f64>, t| Some(m.map_or(t, |m| m.max(t))))?;
    let service = &spec.service.target;
    let ceiling = site.ceilings.get(&EntityRef::new(service.kind, service.name.to_lowercase()))?;
    let nine = extra_nine(target) / 100.0;
    let link = |r: &EntityRef| site.link(from, r);
    let contributors = ceiling
        .contributors
        .iter()
        .take(CONTRIBUTORS_SHOWN)
        .map(|c| ContributorView {
            entity: link(&c.reference),
            availability: percent(c.availability),
            source: match &c.source {
                Source::Sla(sla) => sla.to_string(),
                Source::Attribute => "attributes.availability".to_owned(),
                Source::Redundancy { min_up, members } => format!("{min_up} of {members} up"),
                Source::Unknown => "unknown".to_owned(),
            },
            path: c.path.iter().map(link).collect(),
            below_extra_nine: c.availability < nine - 1e-12,
        })
        .collect();
    Some(AvailabilityView {
        target: percent(target / 100.0),
        ceiling: percent(ceiling.availability),
        achievable: target / 100.0 <= ceiling.availability + 1e-12,
        extra_nine: percent(nine),
        contributors,
        more: ceiling.contributors.len().saturating_sub(CONTRIBUTORS_SHOWN),
        unknown: ceiling.unknown.iter().map(|c| link(&c.reference)).collect(),
    })
}

/// One line of an article's drift banner: the entity's latest change after the article.
#[derive(Debug, Serialize)]
pub struct DriftLine {
    pub entity: Link,
    /// `changed`, `added` or `removed`.
    pub change: &'static str,
    pub date: String,
    pub commit: String,
    /// How many earlier commits also changed it after the article.
    pub earlier: usize,
    pub fields: Vec<String>,
}

/// The drift banner of an article page: empty when the article does not drift (or the site was
/// not rendered in a git repository).
pub fn drift(site: &Site, from: &str, entity: &Entity) -> Vec<DriftLine> {
    let Some(drift) = &site.drift else { return Vec::new() };
    drift_lines(drift, &entity.reference(), |r| site.link(from, r))
}

fn drift_lines(drift: &Drift, article: &EntityRef, link: impl Fn(&EntityRef) -> Link) -> Vec<DriftLine> {
    if article.kind != Kind::KnowledgeArticle {
        return Vec::new();
    }
    let Some(found) = drift.article(article) else { return Vec::new() };
    found
        .entities
        .iter()
        .filter_map(|e| {
            let latest = e.changes.first()?;
            Some(DriftLine {
                entity: link(&e.reference),
                change: match latest.change {
                    ChangeKind::Added => "added",
                    ChangeKind::Removed => "removed",
                    ChangeKind::Modified => "changed",
                },
                date: latest.commit.date.clone(),
                commit: latest.commit.short.clone(),
                earlier: e.changes.len() - 1,
                fields: latest.fields.clone(),
            })
        })
        .collect()
}
