//! `cairn::render` end to end: the example organisation renders to a site whose every internal
//! link resolves and that loads nothing from elsewhere, twice identically; a hostile repository
//! renders without any of its markup surviving.

#[path = "render_common.rs"]
mod common;

use std::collections::{BTreeMap, BTreeSet};

use cairn::model::Kind;
use cairn::render::SiteFormat;
use common::*;

fn folder(kind: Kind) -> &'static str {
    match kind {
        Kind::Team => "teams/",
        Kind::Service => "services/",
        Kind::ConfigurationItem => "cis/",
        Kind::CatalogItem => "catalog/",
        Kind::Sla => "slas/",
        Kind::ChangeRequest => "changes/",
        Kind::KnowledgeArticle => "kb/",
        Kind::Window => "windows/",
        Kind::Scorecard => "scorecards/",
        Kind::Policy => "",
    }
}

fn text(pages: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(pages.get(path).cloned().unwrap_or_else(|| panic!("no page {path}")))
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn acme_site_is_complete_self_contained_and_deterministic() {
    let entities = acme();
    assert!(entities.len() > 150, "acme has {} entities", entities.len());
    let pages = site(&entities, SiteFormat::Html);
    assert_eq!(pages, site(&entities, SiteFormat::Html), "two renders differ");

    for e in &entities {
        let path = match e.kind() {
            Kind::Policy => "policy.html".to_owned(),
            kind => format!("{}{}.html", folder(kind), e.name()),
        };
        assert!(pages.contains_key(&path), "{} has no page {path}", e.reference());
    }
    for path in ["index.html", "calendar.html", "catalog/index.html", "search-index.json", "search-index.js"]
    {
        assert!(pages.contains_key(path), "no {path}");
    }

    let paths: BTreeSet<&str> = pages.keys().map(String::as_str).collect();
    let mut checked = 0;
    for (path, bytes) in &pages {
        assert!(!path.starts_with('/') && !path.contains("..") && !path.contains('\\'), "bad path {path}");
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        for tag in tags(&html) {
            let name = tag_name(tag);
            for (attribute, value) in attributes(tag) {
                let lower = value.trim().to_ascii_lowercase();
                assert!(!attribute.to_ascii_lowercase().starts_with("on"), "{path}: event handler in {tag}");
                if attribute != "href" && attribute != "src" {
                    continue;
                }
                let external =
                    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//");
                if external {
                    // Links out are fine; loading anything from elsewhere is not.
                    assert!(name == "a" && attribute == "href", "{path}: external resource {tag}");
                    continue;
                }
                if lower.starts_with("mailto:") {
                    continue;
                }
                assert!(!lower.contains(':'), "{path}: unexpected scheme in {tag}");
                let target =
                    resolve(path, &value).unwrap_or_else(|| panic!("{path}: {value} climbs above the root"));
                assert!(paths.contains(target.as_str()), "{path}: {value} ({target}) does not resolve");
                checked += 1;
            }
        }
    }
    assert!(checked > 5000, "only {checked} internal links checked");

    let index: serde_json::Value =
        serde_json::from_slice(pages.get("search-index.json").map_or(&[][..], Vec::as_slice))
            .unwrap_or_default();
    let entries = index.as_array().map_or(0, Vec::len);
    assert_eq!(entries, entities.len());
    let script = text(&pages, "search-index.js");
    assert!(script.starts_with("window.CAIRN_SEARCH = [") && script.trim_end().ends_with("];"));
}

#[test]
fn acme_pages_show_what_the_issue_asks_for() {
    let pages = site(&acme(), SiteFormat::Html);
    let checkout = text(&pages, "services/checkout.html");
    for expected in
        ["<svg class=\"graph\"", "Depended on by", "Change history", "Maintenance windows", "Service levels"]
    {
        assert!(checkout.contains(expected), "checkout lacks {expected}");
    }
    let home = text(&pages, "index.html");
    for expected in ["id=\"search\"", "Services by tier", "Upcoming changes", "Freezes"] {
        assert!(home.contains(expected), "home lacks {expected}");
    }
    let calendar = text(&pages, "calendar.html");
    assert!(calendar.contains("Black Friday / Cyber Monday freeze 2026"), "calendar lacks the peak freeze");
    assert!(calendar.contains(" CET</td>"), "calendar lacks expanded recurring windows");
    let catalog = text(&pages, "catalog/index.html");
    assert!(catalog.contains("<h2>Access</h2>") && catalog.contains("Request form"));
}

#[test]
fn acme_calendar_marks_its_one_conflict_and_the_change_pages_show_conflicts_and_next_windows() {
    // As of 2026-11-22, acme has one conflict: chg-2026-0138 patches hv-fra1-03 on a Saturday,
    // and hv-fra1-03 reaches service:backup (through the pool), whose maintenance is on Sundays.
    let pages = site(&acme(), SiteFormat::Html);
    let calendar = text(&pages, "calendar.html");
    for expected in [
        "1 conflict among the active changes",
        r#"<tr class="ev-change status-upcoming has-conflict"><td>2026-12-05 02:00 +01:00</td>"#,
        r#"<a href="changes/chg-2026-0138.html#conflict-1"><span class="badge conflict">conflict</span> outside maintenance window on ci:hv-fra1-03: service:backup</a>"#,
    ] {
        assert!(calendar.contains(expected), "calendar lacks {expected}");
    }
    assert_eq!(calendar.matches("has-conflict").count(), 1, "only chg-2026-0138 conflicts");

    let change = text(&pages, "changes/chg-2026-0138.html");
    for expected in [
        r#"<li id="conflict-1"><span class="badge conflict b-outside-maintenance-window">outside-maintenance-window</span>"#,
        r#"<dt>Maintenance windows</dt><dd><ul class="inline"><li><a href="../windows/db-sunday-maintenance.html">"#,
        "<dt>Overlap</dt><dd>2026-12-05 02:00 +01:00 → 2026-12-05 04:00 +01:00</dd>",
        r#"<dt>Path</dt><dd><a href="../cis/hv-fra1-03.html">Hypervisor fra1-03</a> → <a href="../cis/hv-pool-fra1.html">FRA1 hypervisor pool</a> → <a href="../services/compute-virtualization.html">"#,
        r#"→ <a href="../services/backup.html">"#,
        // Backup wants Sundays, checkout (also reached) Saturdays or weekday evenings: nothing
        // fits, and the page says why, as `cairn schedule` does.
        r#"<section id="next-windows"><h2>Next possible windows</h2>"#,
        "<p>No window fits.</p>",
        "candidate starts were outside the maintenance windows of service:backup (window:db-sunday-maintenance)",
    ] {
        assert!(change.contains(expected), "chg-2026-0138 lacks {expected}");
    }

    // A change with no conflict says so, and lists its next windows (the Sunday database
    // maintenance, 03:00-06:00 CET; 29 November is in the peak freeze).
    let free = text(&pages, "changes/chg-2026-0133.html");
    for expected in [
        "No conflicts with other changes, freezes or maintenance windows.",
        "Up to 3 windows of 2h30m from 2026-11-22 00:00 +00:00 within 90 days",
        "<tr><td>2026-11-22 03:00 +01:00</td><td>2026-11-22 05:30 +01:00</td>",
        "<tr><td>2026-12-06 03:00 +01:00</td><td>2026-12-06 05:30 +01:00</td>",
        "<tr><td>2026-12-13 03:00 +01:00</td><td>2026-12-13 05:30 +01:00</td>",
    ] {
        assert!(free.contains(expected), "chg-2026-0133 lacks {expected}");
    }
    assert!(!free.contains("#conflict-"), "chg-2026-0133 has no conflict");
    // A closed change is not checked.
    let closed = text(&pages, "changes/chg-2026-0118.html");
    assert!(!closed.contains(r#"id="conflicts""#) && !closed.contains(r#"id="next-windows""#));
}

#[test]
fn acme_scorecard_has_its_page_and_levels_show_on_entity_pages() {
    for format in [SiteFormat::Html, SiteFormat::Markdown] {
        let pages = site(&acme(), format);
        let ext = if format == SiteFormat::Html { "html" } else { "md" };
        let card = text(&pages, &format!("scorecards/production-readiness.{ext}"));
        // Levels with their counts (20 bronze, 10 silver, 1 gold in acme), the owner teams,
        // and what each service lacks for its next level.
        for expected in
            ["bronze", "(20)", "(10)", "(1)", "Levels by owner team", "no SLA refers to service:analytics"]
        {
            assert!(card.contains(expected), "{ext}: scorecard page lacks {expected}");
        }
        // checkout is gold; storefront is silver and lacks a runbook link for gold.
        let section = if format == SiteFormat::Html { "<h2>Scorecards</h2>" } else { "## Scorecards" };
        let checkout = text(&pages, &format!("services/checkout.{ext}"));
        assert!(checkout.contains(section) && checkout.contains("gold"), "{ext}: {checkout}");
        let storefront = text(&pages, &format!("services/storefront.{ext}"));
        assert!(storefront.contains("silver") && storefront.contains("no link of type"), "{ext}");
        // A page no scorecard grades has no scorecard section (the navigation still leads to
        // the list of scorecards).
        let team = text(&pages, &format!("teams/payments.{ext}"));
        assert!(!team.contains(section), "{ext}");
        assert!(team.contains(&format!("../scorecards/index.{ext}")), "{ext}");
        let list = text(&pages, &format!("scorecards/index.{ext}"));
        assert!(
            list.contains("production-readiness.") && list.contains("bronze → silver → gold"),
            "{ext}: {list}"
        );
    }
}

#[test]
fn acme_markdown_site_links_resolve() {
    let entities = acme();
    let pages = site(&entities, SiteFormat::Markdown);
    assert_eq!(pages, site(&entities, SiteFormat::Markdown));
    let paths: BTreeSet<&str> = pages.keys().map(String::as_str).collect();
    assert!(
        paths.contains("services/checkout.md") && paths.contains("index.md") && paths.contains("policy.md")
    );
    for (path, bytes) in &pages {
        if !path.ends_with(".md") {
            continue;
        }
        let md = String::from_utf8_lossy(bytes);
        let parser = pulldown_cmark::Parser::new_ext(&md, pulldown_cmark::Options::ENABLE_TABLES);
        for event in parser {
            let dest = match event {
                pulldown_cmark::Event::Start(pulldown_cmark::Tag::Link { dest_url, .. })
                | pulldown_cmark::Event::Start(pulldown_cmark::Tag::Image { dest_url, .. }) => {
                    dest_url.to_string()
                }
                _ => continue,
            };
            if dest.starts_with("https://") || dest.starts_with("http://") || dest.starts_with("mailto:") {
                continue;
            }
            let target = resolve(path, &dest).unwrap_or_default();
            assert!(paths.contains(target.as_str()), "{path}: {dest} does not resolve");
        }
    }
}

#[test]
fn hostile_text_is_escaped_everywhere() {
    let repo = hostile_repo();
    let entities = entities(repo.path());
    assert_eq!(entities.len(), 8, "every hostile document should be valid: {entities:#?}");
    let pages = site(&entities, SiteFormat::Html);
    for (path, bytes) in &pages {
        let text = String::from_utf8_lossy(bytes);
        if path.ends_with(".js") || path.ends_with(".json") {
            assert!(!text.contains('<'), "{path}: raw < in the index");
            continue;
        }
        if !path.ends_with(".html") {
            continue;
        }
        for tag in tags(&text) {
            let name = tag_name(tag);
            assert!(
                !["iframe", "style", "button", "object", "embed", "base", "svg"].contains(&name.as_str())
                    || name == "svg" && tag.starts_with("<svg class=\"graph\""),
                "{path}: {tag}"
            );
            if name == "form" {
                let action = attributes(tag)
                    .into_iter()
                    .find(|(n, _)| n == "action")
                    .map(|(_, v)| v)
                    .unwrap_or_default();
                assert!(action.ends_with("index.html") && !action.contains(':'), "{path}: {tag}");
            }
            if name == "script" {
                let src =
                    attributes(tag).into_iter().find(|(n, _)| n == "src").map(|(_, v)| v).unwrap_or_default();
                assert!(src.ends_with("search-index.js") || src.ends_with("assets/site.js"), "{path}: {tag}");
            }
            for (attribute, value) in attributes(tag) {
                assert!(!attribute.to_ascii_lowercase().starts_with("on"), "{path}: {tag}");
                let lower = value.to_ascii_lowercase();
                assert!(!lower.contains("javascript:") && !lower.starts_with("data:"), "{path}: {tag}");
                assert!(!(name == "img" && attribute == "src"), "{path}: {tag}");
                assert!(attribute != "id" || !value.contains(MARKER), "{path}: {tag}");
            }
        }
        // One script, in the head: the site's own (it loads the search index when needed).
        assert_eq!(text.matches("<script").count(), 1, "{path}");
    }
    let article = text(&pages, "kb/evil-article.html");
    assert!(
        article.contains("&lt;script&gt;document.documentElement"),
        "the title is shown as text: {article}"
    );
    assert!(article.contains("<code class=\"language-html\">&lt;script&gt;"), "code stays code: {article}");

    let markdown = site(&entities, SiteFormat::Markdown);
    for (path, bytes) in &markdown {
        if !path.ends_with(".md") {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        // Raw HTML survives only as text; the only HTML is the site's own `<br>` in tables.
        for event in pulldown_cmark::Parser::new_ext(&text, pulldown_cmark::Options::ENABLE_TABLES) {
            match event {
                pulldown_cmark::Event::Html(h) | pulldown_cmark::Event::InlineHtml(h) => {
                    assert_eq!(h.as_ref(), "<br>", "{path}: raw HTML {h}");
                }
                pulldown_cmark::Event::Start(pulldown_cmark::Tag::Link { dest_url, .. })
                | pulldown_cmark::Event::Start(pulldown_cmark::Tag::Image { dest_url, .. }) => {
                    let lower = dest_url.to_ascii_lowercase();
                    assert!(
                        !lower.contains("javascript:") && !lower.starts_with("data:"),
                        "{path}: link to {dest_url}"
                    );
                }
                _ => {}
            }
        }
    }
}
