//! Template contexts, part one: what every page has (`site`, `page`, `item`, `entity`), the
//! summaries many pages share, and the pages of services, configuration items and teams.
//!
//! Every href in a context is relative to the page it is rendered into. Rich text (Markdown
//! written by users) is already rendered and marked safe; everything else is plain text that
//! the template engine escapes. `docs/templates.md` documents these shapes.

use minijinja::Value;
use serde::Serialize;

use super::calendar::{self, Occurrence, Status};
use super::markdown::plain_text;
use super::paths;
use super::site::{Link, Site};
use crate::model::{
    ChangeSpec, CiSpec, Contact, ContactType, Entity, Kind, Objective, ServiceSpec, Spec, TeamSpec, Unit, WindowSpec,
};
use crate::validate::rules::refs::Relation;

/// An enum as written in YAML (`semi-automated`, `P1`).
pub fn word<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// Human label of a kind.
pub fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Team => "Team",
        Kind::Service => "Service",
        Kind::ConfigurationItem => "Configuration item",
        Kind::CatalogItem => "Catalog item",
        Kind::Sla => "Service level agreement",
        Kind::ChangeRequest => "Change request",
        Kind::KnowledgeArticle => "Knowledge article",
        Kind::Window => "Window",
        Kind::Policy => "Change policy",
    }
}

/// An external link of an entity; `url` is absent unless it is http, https or mailto.
#[derive(Debug, Serialize)]
pub struct ExternalLink {
    pub url: Option<String>,
    pub title: String,
    #[serde(rename = "type")]
    pub link_type: Option<String>,
}

/// A label.
#[derive(Debug, Serialize)]
pub struct KeyValue {
    pub key: String,
    pub value: String,
}

/// What every entity page shows: identity, description, labels, tags, links, source file.
#[derive(Debug, Serialize)]
pub struct Item {
    #[serde(rename = "ref")]
    pub reference: String,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub name: String,
    pub title: String,
    pub description: Option<Value>,
    /// The description as plain text, at most 200 characters.
    pub summary: String,
    pub labels: Vec<KeyValue>,
    pub tags: Vec<String>,
    pub links: Vec<ExternalLink>,
    /// The file the entity is written in.
    pub source: String,
    /// This page (relative to itself: its file name).
    pub href: String,
}

fn safe_url(url: &str) -> Option<String> {
    let lower = url.trim().to_ascii_lowercase();
    ["http://", "https://", "mailto:"].iter().any(|p| lower.starts_with(p)).then(|| url.trim().to_owned())
}

pub fn item(site: &Site, from: &str, entity: &Entity) -> Item {
    let m = &entity.metadata;
    Item {
        reference: entity.reference().to_string(),
        kind: entity.kind().name(),
        kind_label: kind_label(entity.kind()),
        name: m.name.clone(),
        title: entity.display_name().to_owned(),
        description: site.rich_opt(from, entity, m.description.as_deref()),
        summary: m.description.as_deref().map(|d| plain_text(d, 200)).unwrap_or_default(),
        labels: m.labels.iter().map(|(k, v)| KeyValue { key: k.clone(), value: v.clone() }).collect(),
        tags: m.tags.clone(),
        links: m
            .links
            .iter()
            .map(|l| ExternalLink {
                url: safe_url(&l.url),
                title: l.title.clone().unwrap_or_else(|| l.url.clone()),
                link_type: l.link_type.clone(),
            })
            .collect(),
        source: entity.origin.file.to_string(),
        href: paths::relative(from, &site.page_of(entity)),
    }
}

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
}

pub fn change_summary(site: &Site, from: &str, entity: &Entity, spec: &ChangeSpec) -> ChangeSummary {
    ChangeSummary {
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
pub fn changes_newest_first<'a>(mut list: Vec<(&'a Entity, &'a ChangeSpec)>) -> Vec<(&'a Entity, &'a ChangeSpec)> {
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

pub fn window_summary(site: &Site, from: &str, entity: &Entity, spec: &WindowSpec, next: usize) -> WindowSummary {
    WindowSummary {
        link: site.link_entity(from, entity),
        window_type: word(&spec.window_type),
        schedule: calendar::schedule_text(spec),
        recurring: spec.cron.is_some(),
        status: calendar::window_status(spec, site.now),
        next: calendar::next(spec, site.now, next).iter().map(OccurrenceView::from).collect(),
        reason: spec.reason.clone(),
        allow_emergency: spec.allow_emergency,
    }
}

/// A dependency edge seen from one end: the entity at the other end and the relation, in the
/// words of the dependent (`depends on`, `runs on`, `has component`, `has member`).
#[derive(Debug, Serialize)]
pub struct Edge {
    pub link: Link,
    pub relation: &'static str,
}

fn edges(site: &Site, from: &str, list: &[(crate::model::EntityRef, Relation)]) -> Vec<Edge> {
    list.iter().map(|(r, rel)| Edge { link: site.link(from, r), relation: rel.verb() }).collect()
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

/// Change requests that target an entity, newest first.
fn changes_of(site: &Site, from: &str, entity: &Entity) -> Vec<ChangeSummary> {
    let list: Vec<(&Entity, &ChangeSpec)> = site
        .referrers_of_kind(entity, Kind::ChangeRequest, "/spec/targets")
        .into_iter()
        .filter_map(|e| match &e.spec {
            Spec::ChangeRequest(c) => Some((e, c)),
            _ => None,
        })
        .collect();
    changes_newest_first(list).into_iter().map(|(e, c)| change_summary(site, from, e, c)).collect()
}

fn articles_of(site: &Site, from: &str, entity: &Entity, field: &str) -> Vec<ArticleSummary> {
    site.referrers_of_kind(entity, Kind::KnowledgeArticle, field)
        .into_iter()
        .filter_map(|e| article_summary(site, from, e))
        .collect()
}

/// The dependency drawing: inline SVG for HTML, a separate `.svg` file for Markdown.
#[derive(Debug, Default, Serialize)]
pub struct Graph {
    /// Inline SVG (HTML site), safe.
    pub svg: Option<Value>,
    /// Link to the drawing's own file (Markdown site).
    pub file: Option<String>,
}

fn graph(site: &Site, from: &str, entity: &Entity) -> Graph {
    match site.format {
        super::SiteFormat::Html => Graph { svg: site.graph_svg(from, entity, false).map(Value::from_safe_string), file: None },
        super::SiteFormat::Markdown => Graph {
            svg: None,
            file: site.graph_svg(from, entity, true).map(|_| format!("{}.svg", entity.name())),
        },
    }
}

/// The service page.
#[derive(Debug, Serialize)]
pub struct ServiceView {
    pub tier: u8,
    #[serde(rename = "type")]
    pub service_type: Option<String>,
    pub lifecycle: String,
    pub owner: Link,
    pub owner_contacts: Vec<ContactView>,
    pub contacts: Vec<ContactView>,
    pub approvers: Vec<Link>,
    pub slas: Vec<SlaSummary>,
    pub maintenance_windows: Vec<WindowSummary>,
    /// Freezes whose scope covers the service and that are not over.
    pub freezes: Vec<WindowSummary>,
    pub depends_on: Vec<Edge>,
    pub depended_on_by: Vec<Edge>,
    pub components: Vec<CiSummary>,
    pub articles: Vec<ArticleSummary>,
    pub catalog_items: Vec<Link>,
    pub changes: Vec<ChangeSummary>,
    pub graph: Graph,
}

pub fn service(site: &Site, from: &str, entity: &Entity, spec: &ServiceSpec) -> ServiceView {
    let owner_contacts = match site.entity(&spec.owner.target).map(|e| &e.spec) {
        Some(Spec::Team(t)) => contacts(&t.contacts),
        _ => Vec::new(),
    };
    let windows = |filter: &dyn Fn(&WindowSpec) -> bool| -> Vec<WindowSummary> {
        site.of_kind(Kind::Window)
            .filter_map(|e| match &e.spec {
                Spec::Window(w) if filter(w) => Some(window_summary(site, from, e, w, 3)),
                _ => None,
            })
            .collect()
    };
    let listed = |w: &WindowSpec| {
        w.window_type == crate::model::WindowType::Maintenance
            && spec.maintenance_windows.iter().any(|r| {
                site.entity(&r.target).is_some_and(|e| matches!(&e.spec, Spec::Window(x) if std::ptr::eq(x, w)))
            })
    };
    let freeze = |w: &WindowSpec| {
        w.window_type == crate::model::WindowType::Freeze
            && calendar::covers(w, entity)
            && calendar::window_status(w, site.now) != Status::Past
    };
    ServiceView {
        tier: spec.tier,
        service_type: spec.service_type.as_ref().map(word),
        lifecycle: word(&spec.lifecycle),
        owner: site.link(from, &spec.owner.target),
        owner_contacts,
        contacts: contacts(&spec.contacts),
        approvers: site.links(from, spec.approvers.iter().map(|r| &r.target)),
        slas: site
            .referrers_of_kind(entity, Kind::Sla, "/spec/service")
            .into_iter()
            .filter_map(|e| sla_summary(site, from, e))
            .collect(),
        maintenance_windows: windows(&listed),
        freezes: windows(&freeze),
        depends_on: edges(site, from, &site.dependencies_of(entity)),
        depended_on_by: edges(site, from, site.dependents_of(&entity.reference())),
        components: spec.components.iter().map(|r| ci_summary(site, from, &r.target)).collect(),
        articles: articles_of(site, from, entity, "/spec/services"),
        catalog_items: site.entity_links(from, site.referrers_of_kind(entity, Kind::CatalogItem, "/spec/service")),
        changes: changes_of(site, from, entity),
        graph: graph(site, from, entity),
    }
}

/// The configuration item page.
#[derive(Debug, Serialize)]
pub struct CiView {
    pub class: String,
    pub owner: Link,
    pub environment: Option<String>,
    pub status: String,
    pub attributes: Vec<KeyValue>,
    pub last_verified: Option<String>,
    pub redundancy_min_up: Option<u32>,
    pub depends_on: Vec<Edge>,
    pub depended_on_by: Vec<Edge>,
    /// Services this item is a component of.
    pub services: Vec<Link>,
    pub articles: Vec<ArticleSummary>,
    pub changes: Vec<ChangeSummary>,
    pub graph: Graph,
}

pub fn ci(site: &Site, from: &str, entity: &Entity, spec: &CiSpec) -> CiView {
    CiView {
        class: spec.class.clone(),
        owner: site.link(from, &spec.owner.target),
        environment: spec.environment.as_ref().map(word),
        status: word(&spec.status),
        attributes: spec
            .attributes
            .iter()
            .map(|(k, v)| KeyValue {
                key: k.clone(),
                value: match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                },
            })
            .collect(),
        last_verified: spec.last_verified.map(|d| d.to_string()),
        redundancy_min_up: spec.redundancy.map(|r| r.min_up),
        depends_on: edges(site, from, &site.dependencies_of(entity)),
        depended_on_by: edges(site, from, site.dependents_of(&entity.reference())),
        services: site.entity_links(from, site.referrers_of_kind(entity, Kind::Service, "/spec/components")),
        articles: articles_of(site, from, entity, "/spec/cis"),
        changes: changes_of(site, from, entity),
        graph: graph(site, from, entity),
    }
}

/// A member of a team.
#[derive(Debug, Serialize)]
pub struct MemberView {
    pub login: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub email_href: Option<String>,
    pub role: String,
}

/// What a team owns.
#[derive(Debug, Serialize)]
pub struct Owned {
    pub services: Vec<Link>,
    pub cis: Vec<Link>,
    pub catalog_items: Vec<Link>,
    pub articles: Vec<Link>,
    /// SLAs the team provides.
    pub slas: Vec<Link>,
}

/// What a team approves.
#[derive(Debug, Serialize)]
pub struct Approves {
    /// Services that list the team as an approver of their changes.
    pub services: Vec<Link>,
    /// Catalog items whose requests the team approves.
    pub catalog_items: Vec<Link>,
    /// Names of the policy's approval rules that require this team.
    pub policy_rules: Vec<String>,
    /// Whether the team owns the policy (approves changes to the policy, windows and teams).
    pub policy_owner: bool,
    pub policy: Option<Link>,
}

/// The team page.
#[derive(Debug, Serialize)]
pub struct TeamView {
    pub members: Vec<MemberView>,
    pub parent: Option<Link>,
    pub children: Vec<Link>,
    pub contacts: Vec<ContactView>,
    pub timezone: Option<String>,
    pub owns: Owned,
    pub approves: Approves,
    /// Catalog items only some teams may request, this one among them.
    pub audience_of: Vec<Link>,
}

pub fn team(site: &Site, from: &str, entity: &Entity, spec: &TeamSpec) -> TeamView {
    let owned = |kind: Kind| site.entity_links(from, site.referrers_of_kind(entity, kind, "/spec/owner"));
    let policy = site.of_kind(Kind::Policy).next();
    let policy_rules = match policy.map(|p| &p.spec) {
        Some(Spec::Policy(p)) => p
            .approvals
            .iter()
            .filter(|rule| {
                rule.require.team.as_ref().and_then(|t| site.entity(&t.target)).is_some_and(|t| std::ptr::eq(t, entity))
            })
            .map(|rule| rule.name.clone())
            .collect(),
        _ => Vec::new(),
    };
    let policy_owner = !site.referrers_of_kind(entity, Kind::Policy, "/spec/owners").is_empty();
    TeamView {
        members: spec
            .members
            .iter()
            .map(|m| MemberView {
                login: m.login.clone(),
                name: m.name.clone(),
                email: m.email.clone(),
                email_href: m.email.as_deref().and_then(mailto),
                role: word(&m.role),
            })
            .collect(),
        parent: spec.parent.as_ref().map(|p| site.link(from, &p.target)),
        children: site.entity_links(from, site.referrers_of_kind(entity, Kind::Team, "/spec/parent")),
        contacts: contacts(&spec.contacts),
        timezone: spec.timezone.clone(),
        owns: Owned {
            services: owned(Kind::Service),
            cis: owned(Kind::ConfigurationItem),
            catalog_items: owned(Kind::CatalogItem),
            articles: owned(Kind::KnowledgeArticle),
            slas: site.entity_links(from, site.referrers_of_kind(entity, Kind::Sla, "/spec/provider")),
        },
        approves: Approves {
            services: site.entity_links(from, site.referrers_of_kind(entity, Kind::Service, "/spec/approvers")),
            catalog_items: site
                .entity_links(from, site.referrers_of_kind(entity, Kind::CatalogItem, "/spec/approval/approvers")),
            policy: (policy_owner || !policy_rules.is_empty()).then(|| policy.map(|p| site.link_entity(from, p))).flatten(),
            policy_rules,
            policy_owner,
        },
        audience_of: site.entity_links(from, site.referrers_of_kind(entity, Kind::CatalogItem, "/spec/audience")),
    }
}
