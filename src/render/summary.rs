//! Small views that many pages share: contacts, occurrences, and changes, windows, SLAs,
//! articles and configuration items as they appear in lists.

use serde::Serialize;

use super::calendar::{self, Occurrence, Status};
use super::context::word;
use super::site::{Link, Site};
use crate::model::{ChangeSpec, Contact, ContactType, Entity, Objective, Spec, Unit, WindowSpec};

/// A way to reach people; `href` only for e-mail.
#[derive(Debug, Serialize)]
pub struct ContactView {
    #[serde(rename = "type")]
    pub contact_type: String,
    pub value: String,
    pub href: Option<String>,
}

pub fn contacts(list: &[Contact]) -> Vec<ContactView> {
    list.iter()
        .map(|c| ContactView {
            contact_type: word(&c.contact_type),
            value: c.value.clone(),
            href: mailto(&c.value).filter(|_| c.contact_type == ContactType::Email),
        })
        .collect()
}

/// `mailto:` for something that looks like an e-mail address.
pub fn mailto(address: &str) -> Option<String> {
    let ok = address.contains('@')
        && !address.chars().any(|c| c.is_whitespace() || c.is_control() || "<>\"'?#&:/".contains(c));
    ok.then(|| format!("mailto:{address}"))
}

/// An occurrence of a window, as shown.
#[derive(Debug, Serialize)]
pub struct OccurrenceView {
    pub start: String,
    pub end: String,
    pub date: String,
}

impl From<&Occurrence> for OccurrenceView {
    fn from(o: &Occurrence) -> Self {
        OccurrenceView { start: o.start_text.clone(), end: o.end_text.clone(), date: o.date.clone() }
    }
}

/// A change in a list.
#[derive(Debug, Serialize)]
pub struct ChangeSummary {
    pub link: Link,
    #[serde(rename = "type")]
    pub change_type: String,
    pub state: String,
    pub status: Status,
    pub risk: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub targets: Vec<Link>,
    /// The change's conflicts, each linking to it on the change's page (empty when none).
    pub conflicts: Vec<super::conflicts::ConflictMark>,
}

pub fn change_summary(site: &Site, from: &str, entity: &Entity, spec: &ChangeSpec) -> ChangeSummary {
    ChangeSummary {
        conflicts: super::conflicts::marks(site, from, entity),
        link: site.link_entity(from, entity),
        change_type: word(&spec.change_type),
        state: word(&spec.state),
        status: calendar::change_status(spec, site.now),
        risk: spec.risk.as_ref().map(word),
        start: spec.window.map(|w| calendar::fixed_text(&w.start)),
        end: spec.window.map(|w| calendar::fixed_text(&w.end)),
        targets: site.links(from, spec.targets.iter().map(|t| &t.target)),
    }
}

/// Changes sorted newest window first (changes without a window first of all), then by name.
pub fn changes_newest_first<'a>(
    mut list: Vec<(&'a Entity, &'a ChangeSpec)>,
) -> Vec<(&'a Entity, &'a ChangeSpec)> {
    list.sort_by(|a, b| {
        let key = |s: &ChangeSpec| s.window.map(|w| w.start.with_timezone(&chrono::Utc));
        match (key(a.1), key(b.1)) {
            (None, None) => a.0.name().cmp(b.0.name()),
            (None, Some(_)) => std::cmp::Ordering::Less,
            (Some(_), None) => std::cmp::Ordering::Greater,
            (Some(x), Some(y)) => y.cmp(&x).then_with(|| a.0.name().cmp(b.0.name())),
        }
    });
    list
}

/// A window in a list: schedule, where it is in time, its next occurrences.
#[derive(Debug, Serialize)]
pub struct WindowSummary {
    pub link: Link,
    #[serde(rename = "type")]
    pub window_type: String,
    pub schedule: String,
    pub recurring: bool,
    pub status: Status,
    pub next: Vec<OccurrenceView>,
    pub reason: Option<String>,
    pub allow_emergency: Option<bool>,
}

pub fn window_summary(
    site: &Site,
    from: &str,
    entity: &Entity,
    spec: &WindowSpec,
    next: usize,
) -> WindowSummary {
    WindowSummary {
        link: site.link_entity(from, entity),
        window_type: word(&spec.window_type),
        schedule: calendar::schedule_text(spec),
        recurring: spec.cron.is_some(),
        status: site.window_status(entity, spec),
        next: site.next_occurrences(entity, spec).iter().take(next).map(OccurrenceView::from).collect(),
        reason: spec.reason.clone(),
        allow_emergency: spec.allow_emergency,
    }
}

/// One objective of an SLA.
#[derive(Debug, Serialize)]
pub struct ObjectiveView {
    pub metric: String,
    pub target: f64,
    pub unit: String,
    pub priority: Option<String>,
    /// `99.95 %`, `15 min`, `4 h`.
    pub text: String,
}

pub fn objectives(list: &[Objective]) -> Vec<ObjectiveView> {
    list.iter()
        .map(|o| {
            let unit = o.unit.unwrap_or(match o.metric {
                crate::model::Metric::Availability => Unit::Percent,
                _ => Unit::Minutes,
            });
            let suffix = match unit {
                Unit::Percent => "%",
                Unit::Minutes => "min",
                Unit::Hours => "h",
            };
            ObjectiveView {
                metric: word(&o.metric),
                target: o.target,
                unit: word(&unit),
                priority: o.priority.as_ref().map(word),
                text: format!("{} {suffix}", o.target),
            }
        })
        .collect()
}

/// An SLA in a list, with its objectives.
#[derive(Debug, Serialize)]
pub struct SlaSummary {
    pub link: Link,
    #[serde(rename = "type")]
    pub sla_type: String,
    pub objectives: Vec<ObjectiveView>,
}

pub fn sla_summary(site: &Site, from: &str, entity: &Entity) -> Option<SlaSummary> {
    let Spec::Sla(spec) = &entity.spec else { return None };
    Some(SlaSummary {
        link: site.link_entity(from, entity),
        sla_type: word(&spec.sla_type),
        objectives: objectives(&spec.objectives),
    })
}

/// A knowledge article in a list.
#[derive(Debug, Serialize)]
pub struct ArticleSummary {
    pub link: Link,
    #[serde(rename = "type")]
    pub article_type: Option<String>,
    pub state: String,
    pub needs_review: bool,
}

pub fn article_summary(site: &Site, from: &str, entity: &Entity) -> Option<ArticleSummary> {
    let Spec::KnowledgeArticle(a) = &entity.spec else { return None };
    Some(ArticleSummary {
        link: site.link_entity(from, entity),
        article_type: a.spec.article_type.as_ref().map(word),
        state: word(&a.spec.state),
        needs_review: !review_reasons(site, &a.spec).is_empty(),
    })
}

/// Why an article needs review: `reviewBy` or `validTo` before today.
pub fn review_reasons(site: &Site, spec: &crate::model::ArticleSpec) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(d) = spec.review_by.filter(|d| *d < site.today) {
        out.push(format!("review was due on {d}"));
    }
    if let Some(d) = spec.valid_to.filter(|d| *d < site.today) {
        out.push(format!("valid only until {d}"));
    }
    out
}

/// A configuration item in a list.
#[derive(Debug, Serialize)]
pub struct CiSummary {
    pub link: Link,
    pub class: String,
    pub environment: Option<String>,
    pub status: String,
}

pub fn ci_summary(site: &Site, from: &str, target: &crate::model::EntityRef) -> CiSummary {
    let spec = site.entity(target).and_then(|e| match &e.spec {
        Spec::ConfigurationItem(c) => Some(c),
        _ => None,
    });
    CiSummary {
        link: site.link(from, target),
        class: spec.map(|c| c.class.clone()).unwrap_or_default(),
        environment: spec.and_then(|c| c.environment.as_ref().map(word)),
        status: spec.map(|c| word(&c.status)).unwrap_or_default(),
    }
}
