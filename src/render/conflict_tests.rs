//! Conflicts and next windows on the site, over the tiny organisation of `tests`: marks on the
//! calendar and the change tables linking to each conflict, both sides of a conflict between
//! two changes, and a site where nothing conflicts.

use std::collections::BTreeMap;

use serde_json::json;

use super::tests::{entity, org, site};
use super::*;

fn page<'s>(site: &'s BTreeMap<String, String>, path: &str) -> &'s str {
    site.get(path).map(String::as_str).unwrap_or_else(|| panic!("no page {path}"))
}

fn without(entities: Vec<Entity>, name: &str) -> Vec<Entity> {
    entities.into_iter().filter(|e| e.name() != name).collect()
}

/// The ids (`id="…"`) of a page.
fn ids(html: &str) -> Vec<&str> {
    html.match_indices(" id=\"").filter_map(|(at, m)| html[at + m.len()..].split('"').next()).collect()
}

/// Every link to a conflict (`…#conflict-N`) on every page leads to an element of that id on
/// the change's page; returns the pages with such links, and how many each has.
fn assert_conflict_links_resolve(site: &BTreeMap<String, String>) -> BTreeMap<&str, usize> {
    let mut checked = BTreeMap::new();
    for (path, html) in site {
        for (at, _) in html.match_indices("href=\"") {
            let href = html[at + 6..].split('"').next().unwrap_or_default();
            let Some((target, anchor)) = href.split_once('#') else { continue };
            if !anchor.starts_with("conflict-") {
                continue;
            }
            let resolved = paths::join(path, target).unwrap_or_default();
            let target_page = page(site, &resolved);
            assert!(ids(target_page).contains(&anchor), "{path}: {href} has no target");
            *checked.entry(path.as_str()).or_default() += 1;
        }
    }
    checked
}

#[test]
fn the_calendar_marks_a_change_in_a_freeze_and_its_page_lists_each_conflict() {
    // chg-1 targets pg-main and checkout (tier 1, which pg-main reaches) during the peak freeze.
    let site = site(&org(), SiteFormat::Html);
    let calendar = page(&site, "calendar.html");
    assert!(calendar.contains("2 conflicts among the active changes"), "{calendar}");
    assert!(calendar.contains(r#"<tr class="ev-change status-upcoming has-conflict">"#), "{calendar}");
    for (n, target) in [(1, "service:checkout"), (2, "ci:pg-main")] {
        let mark = format!(
            r#"<a href="changes/chg-1.html#conflict-{n}"><span class="badge conflict">conflict</span> blackout on {target}: window:peak-freeze</a>"#
        );
        assert!(calendar.contains(&mark), "{mark} missing from\n{calendar}");
    }
    // The service's list of changes marks it too.
    let service = page(&site, "services/checkout.html");
    assert!(service.contains(r#"<a href="../changes/chg-1.html#conflict-1">"#), "{service}");

    let change = page(&site, "changes/chg-1.html");
    for expected in [
        r#"<section id="conflicts"><h2>Conflicts</h2>"#,
        r#"<li id="conflict-1"><span class="badge conflict b-blackout">blackout</span> change:chg-1 on service:checkout is in freeze window:peak-freeze"#,
        r#"<li id="conflict-2"><span class="badge conflict b-blackout">blackout</span> change:chg-1 on ci:pg-main"#,
        r#"<dt>Freeze</dt><dd><ul class="inline"><li><a href="../windows/peak-freeze.html">Peak freeze</a></li></ul>"#,
        "<dt>Overlap</dt><dd>2026-11-28 02:00 +01:00 → 2026-11-28 04:00 +01:00</dd>",
        // pg-main is covered through checkout, which depends on it.
        r#"<dt>Path</dt><dd><a href="../cis/pg-main.html">Main PostgreSQL</a> → <a href="../services/checkout.html">Checkout</a></dd>"#,
        // The next Saturday nights after the freeze (which ends on 2 December).
        r#"<section id="next-windows"><h2>Next possible windows</h2>"#,
        "Up to 3 windows of 2h from 2026-11-22 00:00 +00:00 within 90 days",
        "<tr><td>2026-12-05 02:00 +01:00</td><td>2026-12-05 04:00 +01:00</td>",
        "<tr><td>2026-12-12 02:00 +01:00</td><td>2026-12-12 04:00 +01:00</td>",
    ] {
        assert!(change.contains(expected), "{expected} missing from\n{change}");
    }
    // A closed change is not checked: no conflicts, no proposals.
    let closed = page(&site, "changes/chg-0.html");
    assert!(!closed.contains(r#"id="conflicts""#) && !closed.contains("next-windows"), "{closed}");
    // Wherever the change is listed, both conflicts are linked.
    let pages = [
        "calendar.html",
        "cis/pg-main.html",
        "index.html",
        "services/checkout.html",
        "windows/peak-freeze.html",
        "windows/sat-night.html",
    ];
    assert_eq!(assert_conflict_links_resolve(&site), pages.map(|p| (p, 2)).into_iter().collect());
    insta::assert_snapshot!("change_conflicts_html", change);

    let md = super::tests::site(&org(), SiteFormat::Markdown);
    let calendar = page(&md, "calendar.md");
    assert!(
        calendar.contains(
            "· **conflict:** [blackout on service:checkout: window:peak-freeze](changes/chg-1.md#conflicts)"
        ),
        "{calendar}"
    );
    insta::assert_snapshot!("change_conflicts_md", page(&md, "changes/chg-1.md"));
}

#[test]
fn a_conflict_between_two_changes_is_on_both_pages_each_from_its_side() {
    let mut entities = without(org(), "peak-freeze");
    entities.push(entity(
        "ChangeRequest",
        json!({"name": "chg-2", "title": "Restart checkout"}),
        json!({"type": "normal", "state": "scheduled", "requestedBy": "bob", "targets": ["service:checkout"],
               "window": {"start": "2026-11-28T03:00:00+01:00", "end": "2026-11-28T05:00:00+01:00"}}),
        "changes/chg-2.yaml",
    ));
    entities.sort_by(|a, b| (a.kind(), a.name()).cmp(&(b.kind(), b.name())));
    let site = site(&entities, SiteFormat::Html);
    let first = page(&site, "changes/chg-1.html");
    let second = page(&site, "changes/chg-2.html");
    // chg-1 is on pg-main (which checkout depends on) and on checkout; chg-2 on checkout.
    for (html, expected) in [
        (first, "<span class=\"badge conflict b-already-scheduled\">already-scheduled</span> change:chg-1 and change:chg-2 are both scheduled on service:checkout during 2026-11-28 03:00 +01:00 → 04:00 +01:00"),
        (first, "<span class=\"badge conflict b-parent-already-scheduled\">parent-already-scheduled</span> change:chg-1 on ci:pg-main overlaps change:chg-2 on service:checkout"),
        (second, "<span class=\"badge conflict b-already-scheduled\">already-scheduled</span> change:chg-2 and change:chg-1 are both scheduled on service:checkout"),
        (second, "<span class=\"badge conflict b-child-already-scheduled\">child-already-scheduled</span> change:chg-2 on service:checkout overlaps change:chg-1 on ci:pg-main"),
        (second, r#"<dt>With</dt><dd><a href="chg-1.html">Upgrade pg-main</a> on <a href="../cis/pg-main.html">Main PostgreSQL</a></dd>"#),
        (second, r#"<dt>Path</dt><dd><a href="../services/checkout.html">Checkout</a> → <a href="../cis/pg-main.html">Main PostgreSQL</a></dd>"#),
    ] {
        assert!(html.contains(expected), "{expected} missing from\n{html}");
    }
    let calendar = page(&site, "calendar.html");
    assert!(calendar.contains("2 conflicts among the active changes"), "{calendar}");
    assert!(
        calendar.contains(r#"<a href="changes/chg-2.html#conflict-2"><span class="badge conflict">conflict</span> child already scheduled on service:checkout: change:chg-1 on ci:pg-main</a>"#),
        "{calendar}"
    );
    // Each change's proposals keep clear of the other: chg-2 fits after chg-1 on the same
    // Saturday night (which ends at 06:00); chg-1 does not fit after chg-2, so it waits a week.
    assert!(
        second.contains("<tr><td>2026-11-28 04:00 +01:00</td><td>2026-11-28 06:00 +01:00</td>"),
        "{second}"
    );
    assert!(!first.contains("<tr><td>2026-11-28 "), "{first}");
    assert!(
        first.contains("<tr><td>2026-12-05 02:00 +01:00</td><td>2026-12-05 04:00 +01:00</td>"),
        "{first}"
    );
    assert_eq!(assert_conflict_links_resolve(&site).get("calendar.html"), Some(&4));
}

#[test]
fn a_site_where_nothing_conflicts_has_no_marks() {
    let entities = without(org(), "peak-freeze");
    for format in [SiteFormat::Html, SiteFormat::Markdown] {
        let site = site(&entities, format);
        let ext = if format == SiteFormat::Html { "html" } else { "md" };
        let calendar = page(&site, &format!("calendar.{ext}"));
        assert!(!calendar.contains("conflict"), "{calendar}");
        assert!(site.values().all(|p| !p.contains("#conflict")), "{format:?}");
        let change = page(&site, &format!("changes/chg-1.{ext}"));
        assert!(
            change.contains("No conflicts with other changes, freezes or maintenance windows."),
            "{change}"
        );
        // Without the freeze, the first Saturday night is free.
        assert!(change.contains("2026-11-28 02:00 +01:00"), "{change}");
    }
}
