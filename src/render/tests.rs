//! Rendering a tiny organisation built in memory: snapshots of a few pages, and the
//! properties every site must have (links resolve, output is deterministic).

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use serde_json::{json, Value as Json};

use super::*;
use crate::model::{Article, Origin};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default()
}

fn from<T: serde::de::DeserializeOwned>(value: Json) -> T {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("bad test value {value}: {e}"))
}

/// An entity from its kind, metadata and spec, written in `file`.
pub(super) fn entity(kind: &str, metadata: Json, spec: Json, file: &str) -> Entity {
    crate::graph::testutil::entity_in(kind, metadata, spec, file, 0)
}

pub(super) fn article(metadata: Json, spec: Json, body: &str, file: &str) -> Entity {
    Entity {
        metadata: from(metadata),
        spec: Spec::KnowledgeArticle(Article { spec: from(spec), body: body.to_owned(), body_line: 10 }),
        origin: Origin { file: Arc::from(file), doc: 0, line: 1 },
    }
}

fn sorted(mut entities: Vec<Entity>) -> Vec<Entity> {
    entities.sort_by(|a, b| (a.kind(), a.name()).cmp(&(b.kind(), b.name())));
    entities
}

/// A tiny organisation with one of everything.
pub(super) fn org() -> Vec<Entity> {
    sorted(vec![
        entity(
            "Team",
            json!({"name": "sre", "title": "Site Reliability"}),
            json!({"members": [{"login": "ann", "name": "Ann", "email": "ann@example.com", "role": "lead"}],
                   "contacts": [{"type": "email", "value": "sre@example.com"}, {"type": "chat", "value": "#sre"}],
                   "timezone": "Europe/Berlin"}),
            "teams/sre.yaml",
        ),
        entity("Team", json!({"name": "payments"}), json!({"parent": "sre"}), "teams/payments.yaml"),
        entity(
            "Service",
            json!({"name": "checkout", "title": "Checkout", "description": "Takes **payment**. See [the runbook](kb:restart-checkout).",
                   "tags": ["revenue"], "labels": {"domain": "commerce"},
                   "links": [{"url": "https://runbooks.example/checkout", "title": "Runbook", "type": "runbook"}]}),
            json!({"owner": "payments", "tier": 1, "type": "business",
                   "dependsOn": ["service:payments", "ci:pg-main"], "components": ["pg-main"],
                   "approvers": ["sre"], "maintenanceWindows": ["sat-night"],
                   "contacts": [{"type": "pager", "value": "pagerduty:checkout"}]}),
            "services/checkout.yaml",
        ),
        entity("Service", json!({"name": "payments"}), json!({"owner": "payments", "tier": 2}), "services/payments.yaml"),
        entity(
            "ConfigurationItem",
            json!({"name": "pg-main", "title": "Main PostgreSQL"}),
            json!({"class": "database/postgres", "owner": "sre", "environment": "production",
                   "attributes": {"version": "16.4", "replicas": 3}, "lastVerified": "2026-10-01"}),
            "cis/pg-main.yaml",
        ),
        entity(
            "CatalogItem",
            json!({"name": "db-access", "title": "Database access", "description": "Read-only access."}),
            json!({"service": "checkout", "category": "Access", "requestType": "access",
                   "fulfillment": {"automation": "semi-automated", "expectedDelivery": "4h"},
                   "approval": {"required": true, "approvers": ["sre"]},
                   "form": [{"name": "database", "type": "choice", "required": true, "options": ["orders", "payments"]},
                            {"name": "until", "type": "date", "help": "Last day."}],
                   "sla": "checkout-sla", "audience": ["payments"]}),
            "catalog/db-access.yaml",
        ),
        entity(
            "SLA",
            json!({"name": "checkout-sla", "title": "Checkout SLA"}),
            json!({"service": "checkout", "provider": "payments",
                   "objectives": [{"metric": "availability", "target": 99.95},
                                  {"metric": "response", "target": 15, "priority": "P1"}],
                   "supportHours": "24x7", "reviewDate": "2026-06-01"}),
            "slas/checkout.yaml",
        ),
        entity(
            "ChangeRequest",
            json!({"name": "chg-1", "title": "Upgrade pg-main"}),
            json!({"type": "normal", "state": "scheduled", "requestedBy": "ann", "targets": ["ci:pg-main", "service:checkout"],
                   "window": {"start": "2026-11-28T02:00:00+01:00", "end": "2026-11-28T04:00:00+01:00"},
                   "risk": "moderate", "implementationPlan": "1. Stop\n2. `apt-get upgrade`\n"}),
            "changes/chg-1.yaml",
        ),
        entity(
            "ChangeRequest",
            json!({"name": "chg-0", "title": "Old change"}),
            json!({"type": "standard", "template": "scale", "state": "closed", "requestedBy": "ann", "targets": ["service:checkout"],
                   "window": {"start": "2026-10-01T02:00:00+02:00", "end": "2026-10-01T03:00:00+02:00"},
                   "closure": {"code": "successful"}}),
            "changes/chg-0.yaml",
        ),
        entity(
            "Window",
            json!({"name": "sat-night", "title": "Saturday night"}),
            json!({"type": "maintenance", "cron": "0 2 * * SAT", "duration": "4h", "timezone": "Europe/Berlin",
                   "scope": {"services": ["checkout"]}}),
            "windows/sat-night.yaml",
        ),
        entity(
            "Window",
            json!({"name": "peak-freeze", "title": "Peak freeze"}),
            json!({"type": "freeze", "start": "2026-11-26T00:00:00+01:00", "end": "2026-12-02T00:00:00+01:00",
                   "scope": {"tiers": [1]}, "allowEmergency": true, "reason": "Black Friday"}),
            "windows/peak-freeze.yaml",
        ),
        entity(
            "Policy",
            json!({"name": "change-policy"}),
            json!({"owners": ["sre"], "risk": [{"if": {"impactedTier": 1}, "then": "high"}, {"then": "low"}],
                   "approvals": [{"name": "sre-review", "if": {"risk": ["high"]}, "require": {"team": "sre", "count": 2}}],
                   "standardChanges": [{"name": "scale", "allow": {"kinds": ["ConfigurationItem"], "fields": ["spec.attributes.replicas"]}}]}),
            "policy.yaml",
        ),
        article(
            json!({"name": "restart-checkout", "title": "Restart checkout"}),
            json!({"type": "runbook", "owner": "sre", "services": ["checkout"], "cis": ["pg-main"], "reviewBy": "2026-11-01"}),
            "# Restart\n\nRun:\n\n```sh\nkubectl rollout restart deploy/checkout\n```\n\n| Step | Who |\n|---|---|\n| 1 | ~~Bob~~ Ann |\n\nSee [the database](../cis/pg-main.yaml) and [SLA](sla:checkout-sla).\n",
            "kb/restart-checkout.md",
        ),
    ])
}

pub(super) fn options(format: SiteFormat) -> RenderOptions {
    RenderOptions { format, today: today(), templates: BTreeMap::new(), drift: None }
}

pub(super) fn site(entities: &[Entity], format: SiteFormat) -> BTreeMap<String, String> {
    let pages = render(entities, &options(format)).unwrap_or_else(|e| panic!("{e}"));
    pages.into_iter().map(|p| (p.path, String::from_utf8(p.bytes).unwrap_or_default())).collect()
}

fn page<'s>(site: &'s BTreeMap<String, String>, path: &str) -> &'s str {
    site.get(path).map(String::as_str).unwrap_or_else(|| panic!("no page {path}; pages: {:?}", site.keys()))
}

#[test]
fn every_entity_has_its_page_at_a_stable_path() {
    let site = site(&org(), SiteFormat::Html);
    for path in [
        "index.html",
        "calendar.html",
        "policy.html",
        "services/checkout.html",
        "services/index.html",
        "cis/pg-main.html",
        "teams/sre.html",
        "catalog/db-access.html",
        "catalog/index.html",
        "slas/checkout-sla.html",
        "changes/chg-1.html",
        "kb/restart-checkout.html",
        "windows/sat-night.html",
        "assets/style.css",
        "assets/site.js",
        "search-index.json",
        "search-index.js",
    ] {
        page(&site, path);
    }
}

#[test]
fn service_page() {
    let site = site(&org(), SiteFormat::Html);
    let html = page(&site, "services/checkout.html");
    for expected in [
        r#"<a href="../teams/payments.html">payments</a>"#,
        r#"<a href="payments.html">payments</a>"#,
        "<svg class=\"graph\"",
        r#"<a href="../changes/chg-1.html">Upgrade pg-main</a>"#,
        r#"<a href="../kb/restart-checkout.html">Restart checkout</a>"#,
        "Takes <strong>payment</strong>. See <a href=\"../kb/restart-checkout.html\" rel=\"noopener noreferrer\">the runbook</a>.",
        "2026-11-28 02:00 CET → 2026-11-28 06:00 CET",
        r#"<a href="../windows/peak-freeze.html">Peak freeze</a>"#,
    ] {
        assert!(html.contains(expected), "{expected} missing from\n{html}");
    }
    insta::assert_snapshot!("service_html", html);
}

#[test]
fn article_page_renders_markdown_and_flags_review() {
    let site = site(&org(), SiteFormat::Html);
    let html = page(&site, "kb/restart-checkout.html");
    for expected in [
        "Needs review:</strong> review was due on 2026-11-01",
        "<h2>Restart</h2>",
        "<code class=\"language-sh\">kubectl rollout restart deploy/checkout\n</code>",
        "<del>Bob</del>",
        r#"<a href="../cis/pg-main.html" rel="noopener noreferrer">the database</a>"#,
        r#"<a href="../slas/checkout-sla.html" rel="noopener noreferrer">SLA</a>"#,
    ] {
        assert!(html.contains(expected), "{expected} missing from\n{html}");
    }
    insta::assert_snapshot!("article_html", html);
}

#[test]
fn catalog_and_calendar_pages() {
    let site = site(&org(), SiteFormat::Html);
    let catalog = page(&site, "catalog/index.html");
    assert!(
        catalog.contains("<h2>Access</h2>") && catalog.contains("expected within <strong>4h</strong>"),
        "{catalog}"
    );
    insta::assert_snapshot!("catalog_html", catalog);
    let calendar = page(&site, "calendar.html");
    let freeze = calendar.find("2026-11-26 00:00 +01:00").unwrap_or(usize::MAX);
    let change = calendar.find("2026-11-28 02:00 +01:00").unwrap_or(usize::MAX);
    assert!(freeze < change && change < usize::MAX, "{calendar}");
    insta::assert_snapshot!("calendar_html", calendar);
    let home = page(&site, "index.html");
    // The search index is loaded by the page script when someone searches, not with the page.
    assert!(home.contains(r#"data-index="search-index.js""#), "{home}");
    assert!(!site.values().any(|page| page.contains(r#"<script src="search-index.js""#)));
    insta::assert_snapshot!("home_html", home);
}

#[test]
fn markdown_site() {
    let site = site(&org(), SiteFormat::Markdown);
    assert!(site.contains_key("services/checkout.svg"));
    assert!(!site.contains_key("search-index.js"));
    let md = page(&site, "services/checkout.md");
    assert!(md.contains("[payments](../teams/payments.md)"), "{md}");
    insta::assert_snapshot!("service_md", md);
    insta::assert_snapshot!("article_md", page(&site, "kb/restart-checkout.md"));
}

#[test]
fn output_is_deterministic_and_links_resolve() {
    // A service named `index` has its page (and its drawing) beside the list named `index`.
    let mut entities = org();
    entities.push(entity(
        "Service",
        json!({"name": "index"}),
        json!({"owner": "sre", "tier": 3, "dependsOn": ["service:checkout"]}),
        "services/index.yaml",
    ));
    let entities = sorted(entities);
    for format in [SiteFormat::Html, SiteFormat::Markdown] {
        let first = render(&entities, &options(format)).unwrap_or_default();
        let second = render(&entities, &options(format)).unwrap_or_default();
        assert_eq!(first, second);
        let paths: std::collections::BTreeSet<&str> = first.iter().map(|p| p.path.as_str()).collect();
        let ext = if format == SiteFormat::Html { "html" } else { "md" };
        assert!(paths.contains(format!("services/_index.{ext}").as_str()), "{paths:?}");
        let checked = assert_links_resolve(&first, format);
        assert!(checked > 50, "{format:?}: only {checked} links");
    }
}

/// Checks that every link between the pages leads to one of them; returns how many there were.
fn assert_links_resolve(pages: &[Page], format: SiteFormat) -> usize {
    let paths: std::collections::BTreeSet<&str> = pages.iter().map(|p| p.path.as_str()).collect();
    let mut checked = 0;
    for p in pages {
        let text = String::from_utf8_lossy(&p.bytes);
        let targets: Vec<&str> = match format {
            SiteFormat::Html => {
                attribute_values(&text, "href=\"").chain(attribute_values(&text, "src=\"")).collect()
            }
            SiteFormat::Markdown => markdown_targets(&text).collect(),
        };
        for target in targets {
            if target.starts_with("https://") || target.starts_with("mailto:") || target.starts_with('#') {
                continue;
            }
            let path = target.split('#').next().unwrap_or_default();
            let resolved = paths::join(&p.path, path).unwrap_or_default();
            assert!(paths.contains(resolved.as_str()), "{}: {target} does not resolve", p.path);
            checked += 1;
        }
    }
    checked
}

#[test]
fn a_long_list_is_split_into_pages_that_link_to_each_other() {
    let mut entities = org();
    let crews = 2 * lists::ROWS_PER_PAGE + 5;
    for i in 0..crews {
        entities.push(entity("Team", json!({"name": format!("crew-{i:05}")}), json!({}), "teams/crews.yaml"));
    }
    let entities = sorted(entities);
    for format in [SiteFormat::Html, SiteFormat::Markdown] {
        let pages = render(&entities, &options(format)).unwrap_or_default();
        let ext = if format == SiteFormat::Html { "html" } else { "md" };
        let list: Vec<&Page> = pages.iter().filter(|p| p.path.starts_with("teams/index")).collect();
        let names: Vec<&str> = list.iter().map(|p| p.path.as_str()).collect();
        let expected =
            [format!("teams/index.2.{ext}"), format!("teams/index.3.{ext}"), format!("teams/index.{ext}")];
        assert_eq!(names, expected, "{format:?}");
        // Every crew is listed on exactly one page (each row names it twice: link and title),
        // and no page holds more rows than the limit.
        let mut listed = std::collections::BTreeSet::new();
        let mut rows = 0;
        for page in &list {
            let text = String::from_utf8_lossy(&page.bytes);
            assert!(text.contains(&format!("{} in all, 3 pages", crews + 2)), "{}", page.path);
            if format == SiteFormat::Html && page.path.contains(".3.") {
                assert!(text.contains("<title>Teams, page 3 ·"), "{}", page.path);
            }
            let here = text.matches("crew-").count() / 2;
            assert!(here <= lists::ROWS_PER_PAGE, "{}: {here} rows", page.path);
            rows += here;
            listed.extend(text.match_indices("crew-").map(|(at, _)| text[at..at + 10].to_owned()));
        }
        assert_eq!((rows, listed.len()), (crews, crews), "{format:?}");
        assert!(assert_links_resolve(&pages, format) > 3 * crews, "{format:?}");
    }
}

/// The destinations of Markdown links and images: `[text](target)`.
fn markdown_targets(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices("](").filter_map(move |(at, _)| {
        let rest = &text[at + 2..];
        rest.find(')').map(|end| &rest[..end])
    })
}

fn attribute_values<'t>(text: &'t str, prefix: &'static str) -> impl Iterator<Item = &'t str> + 't {
    text.match_indices(prefix).filter_map(move |(at, _)| {
        let rest = &text[at + prefix.len()..];
        rest.find('"').map(|end| &rest[..end])
    })
}

#[test]
fn overrides_replace_templates_and_broken_ones_are_errors() {
    let mut opts = options(SiteFormat::Html);
    opts.templates.insert("service.html".to_owned(), "<p>{{ item.title }} {{ service.tier }}</p>".to_owned());
    opts.templates.insert("style.css".to_owned(), "body{}".to_owned());
    let pages = render(&org(), &opts).unwrap_or_default();
    let get = |path: &str| {
        pages.iter().find(|p| p.path == path).map(|p| String::from_utf8_lossy(&p.bytes).into_owned())
    };
    assert_eq!(get("services/checkout.html").as_deref(), Some("<p>Checkout 1</p>"));
    assert_eq!(get("assets/style.css").as_deref(), Some("body{}"));
    opts.templates.insert("team.html".to_owned(), "{{ nope.nope }}".to_owned());
    let Err(RenderError::Template { name, .. }) = render(&org(), &opts) else {
        panic!("rendered a broken template")
    };
    assert_eq!(name, "team.html");
    assert!(template_names().contains(&"service.html") && template_names().contains(&"site.js"));
}

fn in_pool<T: Send>(threads: usize, work: impl FnOnce() -> T + Send) -> T {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap_or_else(|e| panic!("{e}"));
    pool.install(work)
}

#[test]
fn the_number_of_threads_changes_nothing() {
    let entities = org();
    for format in [SiteFormat::Html, SiteFormat::Markdown] {
        let one = in_pool(1, || render(&entities, &options(format)));
        assert!(one.as_ref().is_ok_and(|pages| pages.len() > entities.len()), "{one:?}");
        assert_eq!(one, in_pool(4, || render(&entities, &options(format))));
    }
    // Two templates fail on every page they render: the one first in page order (teams come
    // before configuration items) is reported, however the threads raced.
    let mut broken = options(SiteFormat::Html);
    broken.templates.insert("ci.html".to_owned(), "{{ nope.nope }}".to_owned());
    broken.templates.insert("team.html".to_owned(), "{{ nope.nope }}".to_owned());
    for threads in [1, 4] {
        match in_pool(threads, || render(&entities, &broken)) {
            Err(RenderError::Template { name, .. }) => assert_eq!(name, "team.html"),
            other => panic!("{threads} threads: {other:?}"),
        }
    }
}

#[test]
fn a_file_the_caller_refuses_stops_the_render() {
    let refused = "services/checkout.html";
    let written = std::sync::atomic::AtomicUsize::new(0);
    let outcome = render_each(&org(), &options(SiteFormat::Html), |page| {
        if page.path == refused {
            return Err(format!("no room for {}", page.path));
        }
        written.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    });
    assert_eq!(
        outcome,
        Err(RenderError::Write { path: refused.to_owned(), message: format!("no room for {refused}") })
    );
    let all = render(&org(), &options(SiteFormat::Html)).map(|pages| pages.len()).unwrap_or_default();
    assert!(written.into_inner() < all);
}

#[test]
fn the_site_view_of_a_page_in_a_folder_depends_on_the_folder_alone() {
    let entities = org();
    for format in [SiteFormat::Html, SiteFormat::Markdown] {
        let site = Site::new(&entities, today(), format);
        let view = |page: &str| serde_json::to_value(lists::site_view(&site, page)).unwrap_or_default();
        let mut checked = 0;
        for page in site.pages.iter() {
            if let Some((dir, _)) = page.rsplit_once('/') {
                assert_eq!(view(page), view(&format!("{dir}/index.{}", site.ext.0)), "{page}");
                checked += 1;
            }
        }
        assert!(checked > 10);
    }
}

#[test]
fn an_entity_has_a_drawing_when_it_says_so() {
    let entities = org();
    let site = Site::new(&entities, today(), SiteFormat::Markdown);
    let mut drawn = 0;
    for entity in &entities {
        let page = site.page_of(entity);
        assert_eq!(
            site.has_graph(entity),
            site.graph_svg(&page, entity, true).is_some(),
            "{}",
            entity.name()
        );
        drawn += usize::from(site.has_graph(entity));
    }
    assert!(drawn > 2);
}

#[test]
fn a_link_to_a_file_of_several_entities_leads_to_the_first_written() {
    let mut entities = org();
    for (doc, name) in [(0, "zeta"), (1, "alpha")] {
        entities.push(crate::graph::testutil::entity_in(
            "Service",
            json!({"name": name}),
            json!({"owner": "sre", "tier": 3}),
            "services/pair.yaml",
            doc,
        ));
    }
    entities.push(article(
        json!({"name": "pair"}),
        json!({"owner": "sre"}),
        "See [the pair](../services/pair.yaml).",
        "kb/pair.md",
    ));
    let site = site(&sorted(entities), SiteFormat::Html);
    let kb = page(&site, "kb/pair.html");
    assert!(kb.contains(r#"<a href="../services/zeta.html" rel="noopener noreferrer">the pair</a>"#), "{kb}");
}

#[test]
fn the_home_page_shows_the_first_services_of_a_tier_and_links_to_the_rest() {
    let mut entities = org();
    let extra = lists::HOME_PER_TIER + 7;
    for i in 0..extra {
        entities.push(entity(
            "Service",
            json!({"name": format!("svc-{i:03}")}),
            json!({"owner": "sre", "tier": 4}),
            "services/many.yaml",
        ));
    }
    let entities = sorted(entities);
    for format in [SiteFormat::Html, SiteFormat::Markdown] {
        let pages = render(&entities, &options(format)).unwrap_or_default();
        let ext = if format == SiteFormat::Html { "html" } else { "md" };
        let home = pages
            .iter()
            .find(|p| p.path == format!("index.{ext}"))
            .map(|p| String::from_utf8_lossy(&p.bytes));
        let home = home.unwrap_or_default();
        assert_eq!(home.matches("svc-").count() / 2, lists::HOME_PER_TIER, "{format:?}");
        // Tier 4 is the last group of the services list; the other tiers of the org come first.
        let tiers_before = home.matches("Tier ").count() - 1;
        let more = format!("services/index.{ext}#group-{tiers_before}");
        let link = match format {
            SiteFormat::Html => format!("<a href=\"{more}\">7 more tier 4 services</a>"),
            SiteFormat::Markdown => format!("[7 more tier 4 services]({more})"),
        };
        assert!(home.contains(&link), "{format:?}: no {link} in\n{home}");
        let services = pages.iter().find(|p| p.path == format!("services/index.{ext}"));
        let services = services.map(|p| String::from_utf8_lossy(&p.bytes)).unwrap_or_default();
        assert_eq!(services.matches("svc-").count() / 2, extra, "the list has them all");
        if format == SiteFormat::Html {
            assert!(services.contains(&format!("<section id=\"group-{tiers_before}\">")), "{services}");
        }
    }
}

/// A service on a 2-of-3 cluster and a database, an SLA above what they allow, an article.
fn health_org() -> Vec<Entity> {
    let mut entities = vec![
        entity("Team", json!({"name": "sre"}), json!({}), "teams/sre.yaml"),
        entity(
            "Service",
            json!({"name": "shop"}),
            json!({"owner": "sre", "tier": 2, "dependsOn": ["ci:pg", "ci:search", "ci:cache"]}),
            "services/shop.yaml",
        ),
        entity(
            "ConfigurationItem",
            json!({"name": "pg"}),
            json!({"owner": "sre", "class": "database/postgres", "attributes": {"availability": 99.9}}),
            "cis/pg.yaml",
        ),
        entity(
            "ConfigurationItem",
            json!({"name": "search"}),
            json!({"owner": "sre", "class": "search/opensearch", "members": ["search-1", "search-2", "search-3"],
                   "redundancy": {"minUp": 2}}),
            "cis/search.yaml",
        ),
        entity(
            "ConfigurationItem",
            json!({"name": "cache"}),
            json!({"owner": "sre", "class": "cache/redis"}),
            "cis/cache.yaml",
        ),
        entity(
            "SLA",
            json!({"name": "shop-sla"}),
            json!({"service": "shop", "objectives": [{"metric": "availability", "target": 99.95}]}),
            "slas/shop-sla.yaml",
        ),
        article(
            json!({"name": "search-runbook"}),
            json!({"owner": "sre", "state": "published", "cis": ["search"]}),
            "Restart a node.",
            "kb/search-runbook.md",
        ),
    ];
    for i in 1..=3 {
        entities.push(entity(
            "ConfigurationItem",
            json!({"name": format!("search-{i}")}),
            json!({"owner": "sre", "class": "search/opensearch-node", "attributes": {"availability": 99}}),
            &format!("cis/search-{i}.yaml"),
        ));
    }
    sorted(entities)
}

#[test]
fn sla_page_shows_the_ceiling_and_the_rule_of_the_extra_nine() {
    let entities = health_org();
    let html = site(&entities, SiteFormat::Html);
    let sla = page(&html, "slas/shop-sla.html");
    // 0.999 × (3 × 0.99² × 0.01 + 0.99³) = 0.998702…
    for expected in [
        "allow at most <strong>99.8702%</strong> availability",
        "below the target of 99.95%",
        "each critical dependency should offer 99.995%",
        "<td>99.9%",
        "<td>99.9702%",
        "<td>2 of 3 up</td>",
        "attributes.availability",
        r#"No availability known (counted as 100%): <ul class="inline"><li><a href="../cis/cache.html">"#,
    ] {
        assert!(sla.contains(expected), "{expected} missing from\n{sla}");
    }
    assert!(
        sla.find("cis/pg.html").unwrap_or(usize::MAX) < sla.find("cis/search.html\">").unwrap_or(0),
        "weakest first"
    );
    insta::assert_snapshot!("sla_ceiling_html", sla);
    let md = site(&entities, SiteFormat::Markdown);
    let sla = page(&md, "slas/shop-sla.md");
    assert!(
        sla.contains("allow at most **99.8702%** availability: **below the target of 99.95%**."),
        "{sla}"
    );
    insta::assert_snapshot!("sla_ceiling_md", sla);
}

#[test]
fn a_drifting_article_carries_a_banner() {
    use crate::health::drift::{Commit, DriftedEntity, DriftingArticle, EntityChange};
    let entities = health_org();
    let commit = |short: &str, date: &str| Commit {
        id: format!("{short}000000000000000000000000000000000"),
        short: short.to_owned(),
        date: date.to_owned(),
        summary: String::new(),
    };
    let change = |short: &str, date: &str| EntityChange {
        commit: commit(short, date),
        change: crate::impact::ChangeKind::Modified,
        fields: vec!["spec.members".to_owned()],
    };
    let drift = crate::health::drift::Drift {
        rev: "HEAD".to_owned(),
        articles: vec![DriftingArticle {
            reference: crate::model::EntityRef::new(Kind::KnowledgeArticle, "search-runbook"),
            title: "search-runbook".to_owned(),
            file: Arc::from("kb/search-runbook.md"),
            last_edited: Some(commit("0aaaaaa", "2026-11-01")),
            entities: vec![DriftedEntity {
                reference: crate::model::EntityRef::new(Kind::ConfigurationItem, "search"),
                changes: vec![change("1a2b3c4", "2026-11-30"), change("5d6e7f8", "2026-11-10")],
            }],
        }],
        checked: 1,
        commits: 3,
    };
    for format in [SiteFormat::Html, SiteFormat::Markdown] {
        let options = RenderOptions { drift: Some(drift.clone()), ..options(format) };
        let pages = render(&entities, &options).unwrap_or_else(|e| panic!("{e}"));
        let ext = if format == SiteFormat::Html { "html" } else { "md" };
        let page = pages
            .iter()
            .find(|p| p.path == format!("kb/search-runbook.{ext}"))
            .map(|p| String::from_utf8_lossy(&p.bytes).into_owned())
            .unwrap_or_default();
        assert!(
            page.contains("changed on 2026-11-30 in 1a2b3c4 (and in 1 earlier commit), after this article was last edited."),
            "{page}"
        );
        let plain = site(&entities, format);
        assert!(!page_text(&plain, ext).contains("after this article was last edited"));
    }
}

fn page_text(site: &BTreeMap<String, String>, ext: &str) -> String {
    site.get(&format!("kb/search-runbook.{ext}")).cloned().unwrap_or_default()
}

#[test]
fn scorecards_are_in_the_navigation_and_listed_when_the_site_has_one() {
    // Without a scorecard, no entry and no empty list: such sites are as they were.
    let plain = site(&org(), SiteFormat::Html);
    assert!(!plain.contains_key("scorecards/index.html"));
    assert!(!plain.values().any(|p| p.contains("scorecards/index")));
    let mut entities = org();
    entities.push(entity(
        "Scorecard",
        json!({"name": "readiness", "title": "Readiness", "description": "Ready for production."}),
        json!({"appliesTo": {"kinds": ["Service"], "tiers": [1, 2]},
               "levels": [{"name": "bronze", "checks": [{"name": "described", "field": {"path": "metadata.description"}}]},
                          {"name": "silver", "checks": [{"name": "runbook", "link": {"type": "runbook"}}]}]}),
        "scorecards/readiness.yaml",
    ));
    let entities = sorted(entities);
    for (format, ext) in [(SiteFormat::Html, "html"), (SiteFormat::Markdown, "md")] {
        let site = site(&entities, format);
        let list = page(&site, &format!("scorecards/index.{ext}"));
        // The scorecard, what it grades, its levels and how many entities it grades.
        for expected in ["Readiness", "Services of tier 1 or 2", "bronze → silver"] {
            assert!(list.contains(expected), "{ext}: the list lacks {expected}: {list}");
        }
        // Every page links to the list, from wherever it is.
        let home = page(&site, &format!("index.{ext}"));
        let service = page(&site, &format!("services/checkout.{ext}"));
        let (top, nested) = match format {
            SiteFormat::Html => (
                r#"<a href="scorecards/index.html">Scorecards</a>"#,
                r#"<a href="../scorecards/index.html">Scorecards</a>"#,
            ),
            SiteFormat::Markdown => {
                ("[Scorecards](scorecards/index.md)", "[Scorecards](../scorecards/index.md)")
            }
        };
        assert!(home.contains(top), "{ext}: {home}");
        assert!(service.contains(nested), "{ext}: {service}");
        // The home page counts them with the other kinds.
        let count = match format {
            SiteFormat::Html => r#"<a href="scorecards/index.html"><strong>1</strong> Scorecards</a>"#,
            SiteFormat::Markdown => "[1 Scorecards](scorecards/index.md)",
        };
        assert!(home.contains(count), "{ext}: {home}");
        if format == SiteFormat::Html {
            // HTML lists show each entity's description.
            assert!(list.contains("Ready for production."), "{list}");
            // The entry is current on the list and on the scorecard's own page.
            let current = r#"<a href="index.html" aria-current="page">Scorecards</a>"#;
            assert!(list.contains(current), "{list}");
            assert!(page(&site, "scorecards/readiness.html").contains(current));
            insta::assert_snapshot!("scorecards_list_html", list);
        }
    }
}
