//! Template contexts, part three: what is on every page (`site`, `page`) and the pages that
//! are not one entity's: home, the lists of each kind, the service catalog and the calendar.

use std::collections::BTreeMap;

use serde::Serialize;

use super::calendar::{self, Status};
use super::context::{article_summary, kind_plural, word, ArticleSummary, ChangeSummary, WindowSummary};
use super::pages::{catalog, events, CatalogView, Event, Timeline};
use super::paths;
use super::site::{Link, Site};
use crate::model::{Entity, Kind, Spec};

/// A navigation entry.
#[derive(Debug, Serialize)]
pub struct NavItem {
    pub title: &'static str,
    pub href: String,
    pub current: bool,
}

/// What every page knows about the site.
#[derive(Debug, Serialize)]
pub struct SiteView {
    pub title: &'static str,
    /// The day the site describes, `2026-11-22`.
    pub today: String,
    /// `html` or `markdown`.
    pub format: &'static str,
    pub nav: Vec<NavItem>,
    pub entity_count: usize,
    pub generator: &'static str,
}

/// What a page knows about itself; every href is relative to the page.
#[derive(Debug, Serialize)]
pub struct PageView {
    /// The page's path from the site root, `services/checkout.html`.
    pub path: String,
    /// The way back to the site root: `""` or `"../"`.
    pub root: String,
    pub title: String,
    pub home: String,
    pub css: String,
    pub js: String,
    /// The search index script, on the home page only.
    pub search_index: Option<String>,
}

/// The navigation sections: title, page stem (from the root, without extension), kinds.
/// "Scorecards" and "Policy" are shown only when the site has one.
const NAV: [(&str, &str, &[Kind]); 10] = [
    ("Services", "services/index", &[Kind::Service]),
    ("Catalog", "catalog/index", &[Kind::CatalogItem]),
    ("CMDB", "cis/index", &[Kind::ConfigurationItem]),
    ("Teams", "teams/index", &[Kind::Team]),
    ("SLAs", "slas/index", &[Kind::Sla]),
    ("Knowledge", "kb/index", &[Kind::KnowledgeArticle]),
    ("Scorecards", "scorecards/index", &[Kind::Scorecard]),
    ("Calendar", "calendar", &[Kind::ChangeRequest]),
    ("Windows", "windows/index", &[Kind::Window]),
    ("Policy", "policy", &[Kind::Policy]),
];

/// Kinds whose list page (and navigation entry) exists only when the site has one of them:
/// most repositories have no scorecard, and their sites stay as they were.
pub const OPTIONAL: [Kind; 1] = [Kind::Scorecard];

/// Whether the list page of `kind` is made, given how many entities of it there are.
pub fn list_made(kind: Kind, count: usize) -> bool {
    count > 0 || !OPTIONAL.contains(&kind)
}

/// Every page that is not an entity's, as stems (the policy page is the policy entity's).
pub const FIXED: [&str; 9] = [
    "index",
    "calendar",
    "services/index",
    "catalog/index",
    "cis/index",
    "teams/index",
    "slas/index",
    "kb/index",
    "windows/index",
];

pub fn site_view(site: &Site, page: &str) -> SiteView {
    let has_policy = site.of_kind(Kind::Policy).next().is_some();
    let shown = |kinds: &[Kind]| kinds.iter().all(|&k| list_made(k, site.of_kind(k).take(1).count()));
    let nav = NAV
        .iter()
        .filter(|(_, stem, kinds)| (*stem != "policy" || has_policy) && shown(kinds))
        .map(|(title, stem, kinds)| {
            let target = site.fixed(stem);
            let section = target.rsplit_once('/').map(|(dir, _)| format!("{dir}/"));
            let current = page == target
                || section.is_some_and(|s| page.starts_with(&s))
                || kinds.contains(&Kind::ChangeRequest) && page.starts_with("changes/");
            NavItem { title, href: paths::relative(page, &target), current }
        })
        .collect();
    SiteView {
        title: "IT services",
        today: site.today.to_string(),
        format: match site.format {
            super::SiteFormat::Html => "html",
            super::SiteFormat::Markdown => "markdown",
        },
        nav,
        entity_count: site.entities.len(),
        generator: concat!("cairn ", env!("CARGO_PKG_VERSION")),
    }
}

pub fn page_view(site: &Site, page: &str, title: String) -> PageView {
    let home = site.fixed("index");
    PageView {
        path: page.to_owned(),
        root: paths::root_of(page),
        title,
        css: paths::relative(page, "assets/style.css"),
        js: paths::relative(page, "assets/site.js"),
        search_index: (page == home).then(|| paths::relative(page, "search-index.js")),
        home: paths::relative(page, &home),
    }
}

/// A count of one kind, for the home page.
#[derive(Debug, Serialize)]
pub struct Count {
    pub kind: &'static str,
    pub label: &'static str,
    pub count: usize,
    pub href: String,
}

/// A service in a tier list.
#[derive(Debug, Serialize)]
pub struct ServiceRow {
    pub link: Link,
    pub lifecycle: String,
    #[serde(rename = "type")]
    pub service_type: Option<String>,
    pub owner: Link,
    pub summary: String,
}

/// The services of one tier (the first [`HOME_PER_TIER`]).
#[derive(Debug, Serialize)]
pub struct Tier {
    pub tier: u8,
    pub services: Vec<ServiceRow>,
    /// How many more the tier has than are shown.
    pub more: usize,
    /// Where the tier starts in the list of services.
    pub list: String,
}

/// Most services of one tier on the home page; the list of services has them all.
pub const HOME_PER_TIER: usize = 50;

/// The home page.
#[derive(Debug, Serialize)]
pub struct HomeView {
    pub counts: Vec<Count>,
    pub tiers: Vec<Tier>,
    pub in_flight: Vec<ChangeSummary>,
    /// The next scheduled changes (at most 10).
    pub upcoming_changes: Vec<ChangeSummary>,
    /// Freezes in force or to come.
    pub freezes: Vec<WindowSummary>,
    /// The next maintenance occurrences (at most 8).
    pub maintenance: Vec<Event>,
    /// Knowledge articles past their review date or validity.
    pub needs_review: Vec<ArticleSummary>,
    /// The change calendar.
    pub calendar: String,
}

fn tiers(site: &Site, from: &str) -> Vec<Tier> {
    let mut by_tier: BTreeMap<u8, Vec<ServiceRow>> = BTreeMap::new();
    for e in site.of_kind(Kind::Service) {
        let Spec::Service(s) = &e.spec else { continue };
        by_tier.entry(s.tier).or_default().push(ServiceRow {
            link: site.link_entity(from, e),
            lifecycle: word(&s.lifecycle),
            service_type: s.service_type.as_ref().map(word),
            owner: site.link(from, &s.owner.target),
            summary: super::markdown::plain_description(e.metadata.description.as_deref(), 140),
        });
    }
    let mut place = 0;
    let mut out = Vec::with_capacity(by_tier.len());
    for (i, (tier, mut services)) in by_tier.into_iter().enumerate() {
        // The list of services is grouped by tier in the same order.
        let list = group_href(site, from, "services/index", place, i);
        place += services.len();
        let more = services.len().saturating_sub(HOME_PER_TIER);
        services.truncate(HOME_PER_TIER);
        out.push(Tier { tier, services, more, list });
    }
    out
}

/// The link from `from` to group `group` of a list whose first row is row `place` of the
/// list: the page it is on, and the group's anchor.
fn group_href(site: &Site, from: &str, stem: &str, place: usize, group: usize) -> String {
    let page = site.fixed(&list_stem(stem, place / ROWS_PER_PAGE + 1));
    format!("{}#group-{group}", paths::relative(from, &page))
}

pub fn home(site: &Site, from: &str) -> HomeView {
    let timeline = Timeline::new(site);
    let counts = NAV
        .iter()
        .flat_map(|(_, stem, kinds)| kinds.iter().map(move |k| (*k, *stem)))
        .map(|(kind, stem)| Count {
            kind: kind.name(),
            label: kind_plural(kind),
            count: site.of_kind(kind).count(),
            href: paths::relative(from, &site.fixed(stem)),
        })
        .filter(|c| c.count > 0)
        .collect();
    let mut upcoming = timeline.changes_with(site, from, Status::Upcoming);
    upcoming.truncate(10);
    let mut maintenance: Vec<Event> = events(site, from, &timeline, calendar::HORIZON_DAYS)
        .into_iter()
        .filter(|e| e.kind == "maintenance")
        .collect();
    maintenance.truncate(8);
    HomeView {
        counts,
        tiers: tiers(site, from),
        in_flight: timeline.changes_with(site, from, Status::InFlight),
        upcoming_changes: upcoming,
        freezes: timeline.windows_of(site, from, true, 1),
        maintenance,
        needs_review: site
            .of_kind(Kind::KnowledgeArticle)
            .filter_map(|e| article_summary(site, from, e))
            .filter(|a| a.needs_review)
            .collect(),
        calendar: paths::relative(from, &site.fixed("calendar")),
    }
}

/// A cell of a list: text, linked when `href` is set.
#[derive(Debug, Serialize)]
pub struct Cell {
    pub text: String,
    pub href: Option<String>,
}

impl Cell {
    fn text(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), href: None }
    }

    fn link(link: Link) -> Cell {
        Cell { text: link.title, href: link.href }
    }
}

/// A row of a list: the entity, then the cells of the other columns.
#[derive(Debug, Serialize)]
pub struct Row {
    pub link: Link,
    pub summary: String,
    pub cells: Vec<Cell>,
}

/// A group of rows under a heading.
#[derive(Debug, Serialize)]
pub struct Group {
    pub title: String,
    /// `group-N`: the same on every page of the list, for links to the group.
    pub id: String,
    /// Whether the group began on an earlier page of the list.
    pub continued: bool,
    pub rows: Vec<Row>,
}

/// A list page (`list.html`): the entities of one kind, grouped, [`ROWS_PER_PAGE`] rows a
/// page at most.
#[derive(Debug, Serialize)]
pub struct ListView {
    pub kind: &'static str,
    pub title: &'static str,
    /// Headings of the columns after the first (the entity).
    pub columns: Vec<&'static str>,
    pub groups: Vec<Group>,
    /// How many entities the whole list has.
    pub total: usize,
    /// The pages of the list when it has more than one (else empty).
    pub pages: Vec<ListPage>,
    /// Every group of the whole list, with where it starts, when the list has more than one
    /// page (else empty).
    pub index: Vec<GroupStart>,
}

/// One page of a list that has several.
#[derive(Debug, Serialize)]
pub struct ListPage {
    pub number: usize,
    pub href: String,
    pub current: bool,
}

/// A group of a list that has several pages: its title, size and first row's place.
#[derive(Debug, Clone, Serialize)]
pub struct GroupStart {
    pub title: String,
    pub count: usize,
    /// The page the group starts on, with `#group-N`.
    pub href: String,
}

/// Most rows on one list page: a browser lays out a few thousand table rows at once without
/// a wait, not the tens of thousands a large CMDB has.
pub const ROWS_PER_PAGE: usize = 1000;

/// The stem of page `number` (from 1) of a list: `cis/index`, then `cis/index.2`. Entity
/// names hold no `.`, so these never meet an entity's page.
fn list_stem(stem: &str, number: usize) -> String {
    if number <= 1 {
        stem.to_owned()
    } else {
        format!("{stem}.{number}")
    }
}

/// The pages of the lists beyond their first, given how many entities each kind has.
pub fn extra_list_pages(count: impl Fn(Kind) -> usize, ext: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (kind, stem, _, _) in LISTS {
        let pages = count(kind).div_ceil(ROWS_PER_PAGE);
        if !list_made(kind, count(kind)) {
            continue;
        }
        out.extend((2..=pages).map(|n| format!("{}.{ext}", list_stem(stem, n))));
    }
    out
}

/// The list pages: kind, page stem, title and the headings of the columns after the first.
pub const LISTS: [(Kind, &str, &str, &[&str]); 7] = [
    (Kind::Service, "services/index", "Services", &["Owner", "Type", "Lifecycle"]),
    (Kind::ConfigurationItem, "cis/index", "Configuration items", &["Owner", "Environment", "Status"]),
    (Kind::Team, "teams/index", "Teams", &["Parent", "Members"]),
    (Kind::Sla, "slas/index", "Service level agreements", &["Service", "Type", "Provider"]),
    (Kind::KnowledgeArticle, "kb/index", "Knowledge base", &["Owner", "State", "Review"]),
    (Kind::Window, "windows/index", "Maintenance windows and freezes", &["Schedule", "Status"]),
    (Kind::Scorecard, "scorecards/index", "Scorecards", &["Grades", "Levels", "Graded"]),
];

/// One of the [`LISTS`]: its pages (one, or one per [`ROWS_PER_PAGE`] rows) and their lists.
pub fn list(site: &Site, which: usize) -> Vec<(String, ListView)> {
    let (kind, stem, title, columns) = LISTS[which];
    // Every page of a list is in the same folder, so links made for the first serve all.
    let first = site.fixed(stem);
    // By group (sort key and heading): each entity with the cells of its row.
    type Rows<'e> = Vec<(&'e Entity, Vec<Cell>)>;
    let mut grouped: BTreeMap<(u8, String), Rows> = BTreeMap::new();
    for e in site.of_kind(kind) {
        let (group, cells) = row(site, &first, e);
        grouped.entry(group).or_default().push((e, cells));
    }
    let total: usize = grouped.values().map(Vec::len).sum();
    let page_count = total.div_ceil(ROWS_PER_PAGE).max(1);
    let paths: Vec<String> = (1..=page_count).map(|n| site.fixed(&list_stem(stem, n))).collect();
    let href = |n: usize| paths::relative(&first, &paths[n - 1]);
    let mut index = Vec::new();
    if page_count > 1 {
        let mut place = 0;
        for (i, ((_, title), rows)) in grouped.iter().enumerate() {
            index.push(GroupStart {
                title: title.clone(),
                count: rows.len(),
                href: group_href(site, &first, stem, place, i),
            });
            place += rows.len();
        }
    }
    let view = |number: usize| ListView {
        kind: kind.name(),
        title,
        columns: columns.to_vec(),
        groups: Vec::new(),
        total,
        pages: if page_count == 1 {
            Vec::new()
        } else {
            (1..=page_count).map(|n| ListPage { number: n, href: href(n), current: n == number }).collect()
        },
        index: index.clone(),
    };
    let mut out: Vec<(String, ListView)> = vec![(first.clone(), view(1))];
    let mut place = 0;
    for (i, ((_, group_title), rows)) in grouped.into_iter().enumerate() {
        for (j, (e, cells)) in rows.into_iter().enumerate() {
            let number = place / ROWS_PER_PAGE + 1;
            if out.len() < number {
                out.push((paths[number - 1].clone(), view(number)));
            }
            let groups = &mut out[number - 1].1.groups;
            // A group starts, or goes on at the top of the next page.
            if j == 0 || place % ROWS_PER_PAGE == 0 {
                let id = format!("group-{i}");
                groups.push(Group { title: group_title.clone(), id, continued: j > 0, rows: Vec::new() });
            }
            if let Some(group) = groups.last_mut() {
                group.rows.push(Row {
                    link: site.link_entity(&first, e),
                    summary: super::markdown::plain_description(e.metadata.description.as_deref(), 140),
                    cells,
                });
            }
            place += 1;
        }
    }
    out
}

/// The group (sort key and heading) and cells of one entity in its list.
fn row(site: &Site, page: &str, e: &Entity) -> ((u8, String), Vec<Cell>) {
    let link = |r: &crate::model::EntityRef| Cell::link(site.link(page, r));
    match &e.spec {
        Spec::Service(s) => {
            let heading = match s.tier {
                1 => "Tier 1 — most critical".to_owned(),
                t => format!("Tier {t}"),
            };
            let cells = vec![
                link(&s.owner.target),
                Cell::text(s.service_type.as_ref().map(word).unwrap_or_default()),
                Cell::text(word(&s.lifecycle)),
            ];
            ((s.tier, heading), cells)
        }
        Spec::ConfigurationItem(c) => {
            let top = c.class.split('/').next().unwrap_or_default().to_owned();
            let cells = vec![
                link(&c.owner.target),
                Cell::text(c.environment.as_ref().map(word).unwrap_or_default()),
                Cell::text(word(&c.status)),
            ];
            ((0, top), cells)
        }
        Spec::Team(t) => {
            let parent = t.parent.as_ref().map_or_else(|| Cell::text(""), |p| link(&p.target));
            ((0, String::new()), vec![parent, Cell::text(t.members.len().to_string())])
        }
        Spec::Sla(s) => {
            let provider = s.provider.as_ref().map_or_else(|| Cell::text(""), |p| link(&p.target));
            ((0, String::new()), vec![link(&s.service.target), Cell::text(word(&s.sla_type)), provider])
        }
        Spec::KnowledgeArticle(a) => {
            let heading = a.spec.article_type.as_ref().map_or_else(|| "Other".to_owned(), word);
            let reasons = super::context::review_reasons(site, &a.spec);
            let review = if reasons.is_empty() {
                "ok".to_owned()
            } else {
                format!("needs review: {}", reasons.join("; "))
            };
            (
                (0, heading),
                vec![link(&a.spec.owner.target), Cell::text(word(&a.spec.state)), Cell::text(review)],
            )
        }
        Spec::Window(w) => {
            let heading = if w.window_type == crate::model::WindowType::Freeze {
                "Freezes"
            } else {
                "Maintenance windows"
            };
            let status = match site.window_status(e, w) {
                Status::InFlight => "in progress",
                Status::Upcoming if w.cron.is_some() => "recurring",
                Status::Upcoming => "upcoming",
                Status::Past => "past",
            };
            let order = u8::from(w.window_type == crate::model::WindowType::Freeze);
            ((order, heading.to_owned()), vec![Cell::text(calendar::schedule_text(w)), Cell::text(status)])
        }
        Spec::Scorecard(card) => {
            let levels: Vec<&str> = card.levels.iter().map(|l| l.name.as_str()).collect();
            let graded =
                site.scores.iter().find(|r| std::ptr::eq(r.scorecard, e)).map_or(0, |r| r.entities.len());
            (
                (0, String::new()),
                vec![
                    Cell::text(super::scores::applies_to(card)),
                    Cell::text(levels.join(" → ")),
                    Cell::text(graded.to_string()),
                ],
            )
        }
        _ => ((0, String::new()), Vec::new()),
    }
}

/// One catalog entry.
#[derive(Debug, Serialize)]
pub struct CatalogEntry {
    pub item: super::context::Item,
    pub catalog_item: CatalogView,
}

/// A catalog category.
#[derive(Debug, Serialize)]
pub struct Category {
    pub name: String,
    pub entries: Vec<CatalogEntry>,
}

/// The service catalog, grouped by category (sorted), entries by title.
pub fn catalog_index(site: &Site, from: &str) -> Vec<Category> {
    let mut categories: BTreeMap<String, Vec<CatalogEntry>> = BTreeMap::new();
    for e in site.of_kind(Kind::CatalogItem) {
        let Spec::CatalogItem(c) = &e.spec else { continue };
        categories.entry(c.category.clone()).or_default().push(CatalogEntry {
            item: super::context::item(site, from, e),
            catalog_item: catalog(site, from, e, c),
        });
    }
    for entries in categories.values_mut() {
        entries.sort_by(|a, b| (&a.item.title, &a.item.name).cmp(&(&b.item.title, &b.item.name)));
    }
    categories.into_iter().map(|(name, entries)| Category { name, entries }).collect()
}

/// A month of the calendar.
#[derive(Debug, Serialize)]
pub struct Month {
    /// `2026-11`.
    pub month: String,
    /// `November 2026`.
    pub label: String,
    pub events: Vec<Event>,
}

/// The change calendar.
#[derive(Debug, Serialize)]
pub struct CalendarView {
    pub horizon_days: i64,
    /// How many conflicts there are among the active changes (each once per pair).
    pub conflicts: usize,
    pub in_flight: Vec<ChangeSummary>,
    /// Changes, freezes and maintenance occurrences from today on, by month.
    pub months: Vec<Month>,
    /// Past changes, newest first.
    pub past: Vec<ChangeSummary>,
    pub freezes: Vec<WindowSummary>,
    pub maintenance: Vec<WindowSummary>,
}

pub fn calendar_view(site: &Site, from: &str) -> CalendarView {
    let timeline = Timeline::new(site);
    let mut by_month: BTreeMap<String, Vec<Event>> = BTreeMap::new();
    for event in events(site, from, &timeline, calendar::HORIZON_DAYS) {
        let month = event.when.date.get(..7).unwrap_or_default().to_owned();
        by_month.entry(month).or_default().push(event);
    }
    let months = by_month
        .into_iter()
        .map(|(month, events)| {
            let label = chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
                .map(|d| d.format("%B %Y").to_string())
                .unwrap_or_else(|_| month.clone());
            Month { month, label, events }
        })
        .collect();
    CalendarView {
        horizon_days: calendar::HORIZON_DAYS,
        conflicts: site.conflicts.findings.conflicts.len(),
        in_flight: timeline.changes_with(site, from, Status::InFlight),
        months,
        past: timeline.changes_with(site, from, Status::Past),
        freezes: timeline.windows_of(site, from, true, 3),
        maintenance: timeline.windows_of(site, from, false, 3),
    }
}
