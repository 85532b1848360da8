//! Template contexts, part one: what every entity page has (`item`, `entity`), and the pages
//! of services, configuration items and teams. Shared list views are in `summary`.
//!
//! Every href in a context is relative to the page it is rendered into. Rich text (Markdown
//! written by users) is already rendered and marked safe; everything else is plain text that
//! the template engine escapes. `docs/templates.md` documents these shapes.

use minijinja::Value;
use serde::Serialize;

use super::calendar::{self, Status};
use super::markdown::plain_description;
use super::paths;
use super::site::{Link, Site};
pub use super::summary::*;
use crate::model::{ChangeSpec, CiSpec, Entity, Kind, ServiceSpec, Spec, TeamSpec, WindowSpec};
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
        Kind::Scorecard => "Scorecard",
    }
}

/// Human label of a kind, plural.
pub fn kind_plural(kind: Kind) -> &'static str {
    match kind {
        Kind::Team => "Teams",
        Kind::Service => "Services",
        Kind::ConfigurationItem => "Configuration items",
        Kind::CatalogItem => "Catalog items",
        Kind::Sla => "Service level agreements",
        Kind::ChangeRequest => "Change requests",
        Kind::KnowledgeArticle => "Knowledge articles",
        Kind::Window => "Windows and freezes",
        Kind::Policy => "Change policy",
        Kind::Scorecard => "Scorecards",
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
    /// The entity's level under each scorecard that grades it.
    pub scores: Vec<super::scores::EntityLevel>,
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
        summary: plain_description(m.description.as_deref(), 200),
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
        scores: super::scores::levels_of(site, from, entity),
    }
}

/// A dependency edge seen from one end: the entity at the other end and the relation, in the
/// words of the dependent (`depends on`, `runs on`, `has component`, `has member`).
#[derive(Debug, Serialize)]
pub struct Edge {
    pub link: Link,
    pub relation: &'static str,
}

fn edges<'e>(site: &Site, from: &str, list: impl Iterator<Item = (&'e Entity, Relation)>) -> Vec<Edge> {
    list.map(|(e, rel)| Edge { link: site.link_entity(from, e), relation: rel.verb() }).collect()
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
        super::SiteFormat::Html => {
            Graph { svg: site.graph_svg(from, entity, false).map(Value::from_safe_string), file: None }
        }
        super::SiteFormat::Markdown => {
            let file = site.has_graph(entity).then(|| paths::relative(from, &paths::drawing(from)));
            Graph { svg: None, file }
        }
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
    let windows = |filter: &dyn Fn(&Entity, &WindowSpec) -> bool| -> Vec<WindowSummary> {
        site.of_kind(Kind::Window)
            .filter_map(|e| match &e.spec {
                Spec::Window(w) if filter(e, w) => Some(window_summary(site, from, e, w, 3)),
                _ => None,
            })
            .collect()
    };
    let listed = |e: &Entity, w: &WindowSpec| {
        w.window_type == crate::model::WindowType::Maintenance
            && spec
                .maintenance_windows
                .iter()
                .any(|r| site.entity(&r.target).is_some_and(|x| std::ptr::eq(x, e)))
    };
    let freeze = |e: &Entity, w: &WindowSpec| {
        w.window_type == crate::model::WindowType::Freeze
            && calendar::covers(w, entity)
            && site.window_status(e, w) != Status::Past
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
        depends_on: edges(site, from, site.dependencies_of(entity)),
        depended_on_by: edges(site, from, site.dependents_of(entity)),
        components: spec.components.iter().map(|r| ci_summary(site, from, &r.target)).collect(),
        articles: articles_of(site, from, entity, "/spec/services"),
        catalog_items: site
            .entity_links(from, site.referrers_of_kind(entity, Kind::CatalogItem, "/spec/service")),
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
        depends_on: edges(site, from, site.dependencies_of(entity)),
        depended_on_by: edges(site, from, site.dependents_of(entity)),
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
                rule.require
                    .team
                    .as_ref()
                    .and_then(|t| site.entity(&t.target))
                    .is_some_and(|t| std::ptr::eq(t, entity))
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
            services: site
                .entity_links(from, site.referrers_of_kind(entity, Kind::Service, "/spec/approvers")),
            catalog_items: site.entity_links(
                from,
                site.referrers_of_kind(entity, Kind::CatalogItem, "/spec/approval/approvers"),
            ),
            policy: (policy_owner || !policy_rules.is_empty())
                .then(|| policy.map(|p| site.link_entity(from, p)))
                .flatten(),
            policy_rules,
            policy_owner,
        },
        audience_of: site
            .entity_links(from, site.referrers_of_kind(entity, Kind::CatalogItem, "/spec/audience")),
    }
}
