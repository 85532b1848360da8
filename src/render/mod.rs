//! `cairn render`: the repository as a static site (HTML, or Markdown for a wiki).
//!
//! Pure: entities in, pages (paths and bytes) out, handed to the caller as they are made on
//! every core ([`render_each`]); the caller writes them. One page per entity at a path made of
//! its kind and name (`services/checkout.html`, `policy.html`), plus the home page, a list per
//! kind, the service catalog and the change calendar. Pages are rendered with minijinja from
//! templates embedded in the binary (`templates/`), each of which a file of the same name can
//! replace; `docs/templates.md` documents their contexts.
//!
//! Change conflicts and next windows come from [`crate::conflicts::overview`], run once per
//! render from the start of `today` (the `conflicts` module puts them into template data).
//!
//! Output is deterministic: everything is sorted, the only date is `today`, and each page is
//! made from the shared, read-only `Site` alone, so neither the number of threads nor the
//! order they finish in changes a byte. The HTML site loads nothing from elsewhere (a
//! Content-Security-Policy allows only its own files), works from `file://`, escapes all user
//! text and sanitises user Markdown (see `markdown`).

mod assets;
mod calendar;
mod conflicts;
mod context;
mod fragments;
mod health;
mod lists;
mod lookup;
mod markdown;
mod pages;
mod paths;
mod sanitise;
mod scores;
mod site;
mod summary;
mod svg;
mod templates;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use minijinja::value::{Serde, Value};
use minijinja::Environment;
use rayon::prelude::*;

pub use paths::is_site_file;

use crate::model::{Entity, Kind, Spec};
use lookup::FxHashMap;
use paths::Ext;
use site::Site;

/// The kind of site to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SiteFormat {
    /// HTML pages with one stylesheet, a search script and a search index.
    #[default]
    Html,
    /// Markdown pages with relative links (dependency drawings as `.svg` files).
    Markdown,
}

/// What to render.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub format: SiteFormat,
    /// The day "upcoming", "past" and "needs review" are measured against.
    pub today: chrono::NaiveDate,
    /// Templates that replace the embedded ones, by file name (`service.html`); see
    /// [`template_names`]. Other names are added as extra templates (for `include`).
    pub templates: BTreeMap<String, String>,
    /// Knowledge drift found in the repository's history, for the articles' banners (`None`
    /// outside git).
    pub drift: Option<crate::health::drift::Drift>,
}

/// One file of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Relative, `/`-separated, no `..`, no leading `/`.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Why a site could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenderError {
    /// A template does not parse or fails to render (a user error when it is an override).
    Template { name: String, message: String },
    /// The caller could not take a file (its message says why; it names the file).
    Write { path: String, message: String },
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::Template { name, message } => write!(f, "template `{name}`: {message}"),
            RenderError::Write { message, .. } => f.write_str(message),
        }
    }
}

impl std::error::Error for RenderError {}

/// The names of the templates and assets a templates directory may replace.
pub fn template_names() -> Vec<&'static str> {
    templates::HTML
        .iter()
        .chain(templates::MARKDOWN)
        .chain(templates::ASSETS)
        .map(|(name, _)| *name)
        .collect()
}

/// The pages that exist whatever the entities (page paths from the root).
fn fixed_pages(ext: Ext) -> Vec<String> {
    let mut out: Vec<String> = lists::FIXED.iter().map(|stem| format!("{stem}.{}", ext.0)).collect();
    if ext.0 == "html" {
        out.extend(
            ["assets/style.css", "assets/site.js", "search-index.json", "search-index.js"].map(String::from),
        );
    }
    out
}

/// The template, context key and view of an entity's page.
fn entity_page(site: &Site, page: &str, entity: &Entity) -> (&'static str, &'static str, Value) {
    fn v<T: serde::Serialize>(view: T) -> Value {
        Value::from(Serde(view))
    }
    match &entity.spec {
        Spec::Service(s) => ("service", "service", v(context::service(site, page, entity, s))),
        Spec::ConfigurationItem(s) => ("ci", "ci", v(context::ci(site, page, entity, s))),
        Spec::Team(s) => ("team", "team", v(context::team(site, page, entity, s))),
        Spec::CatalogItem(s) => ("catalog-item", "catalog_item", v(pages::catalog(site, page, entity, s))),
        Spec::Sla(s) => ("sla", "sla", v(pages::sla(site, page, entity, s))),
        Spec::ChangeRequest(s) => ("change", "change", v(pages::change(site, page, entity, s))),
        Spec::KnowledgeArticle(a) => ("article", "article", v(pages::article(site, page, entity, a))),
        Spec::Window(s) => ("window", "window", v(pages::window(site, page, entity, s))),
        Spec::Policy(s) => ("policy", "policy", v(pages::policy(site, page, s))),
        Spec::Scorecard(s) => ("scorecard", "scorecard", v(scores::scorecard(site, page, entity, s))),
    }
}

/// Renders the site into memory, sorted by path (for tests and small sites; `cairn render`
/// writes each file as it is made with [`render_each`]).
pub fn render(entities: &[Entity], options: &RenderOptions) -> Result<Vec<Page>, RenderError> {
    let pages = Mutex::new(BTreeMap::new());
    render_each(entities, options, |page| {
        pages.lock().unwrap_or_else(PoisonError::into_inner).insert(page.path, page.bytes);
        Ok(())
    })?;
    let pages = pages.into_inner().unwrap_or_else(PoisonError::into_inner);
    Ok(pages.into_iter().map(|(path, bytes)| Page { path, bytes }).collect())
}

/// Renders the site on every core and hands each file to `write` as soon as it is made, from
/// the thread that made it, in no particular order; returns how many files there were. Every
/// file has its own path, and its bytes do not depend on the order or the thread.
///
/// The first failure in page order stops the run (files after it are not started) and is the
/// one returned, however many threads there are; a `write` error is returned as
/// [`RenderError::Write`]. Files made before the failure have been written.
pub fn render_each<W>(entities: &[Entity], options: &RenderOptions, write: W) -> Result<usize, RenderError>
where
    W: Fn(Page) -> Result<(), String> + Sync,
{
    let mut env = templates::environment(options.format, &options.templates)?;
    let bounds = templates::Bounds::for_site(entities.len());
    templates::bound(&mut env, bounds);
    // Conflicts and next windows, from the start of `today` like everything else in time.
    let refs: Vec<&Entity> = entities.iter().collect();
    let changes = crate::conflicts::tree_candidates(&refs);
    let settings = crate::conflicts::overview::Settings {
        now: calendar::start_of(options.today).fixed_offset(),
        depth: 1,
        count: conflicts::NEXT_WINDOWS,
        within: chrono::TimeDelta::days(conflicts::WITHIN_DAYS),
    };
    let mut site = Site::new(entities, options.today, options.format);
    site.ceilings = health::ceilings(entities);
    site.drift.clone_from(&options.drift);
    site.conflicts = crate::conflicts::overview(&refs, &changes, &settings);
    let jobs = jobs(&site, options);
    let maker = Maker::new(&site, env, options, bounds);
    let first_failure = AtomicUsize::new(usize::MAX);
    let written = AtomicUsize::new(0);
    let failures: Vec<(usize, RenderError)> = jobs
        .par_iter()
        .enumerate()
        .filter_map(|(i, job)| {
            // A failure earlier in page order makes this file moot; a later one does not, so
            // the failure returned is the same whatever the threads did.
            if i > first_failure.load(Ordering::Relaxed) {
                return None;
            }
            let outcome = maker.make(job).and_then(|files| {
                files.into_iter().try_for_each(|page| {
                    let path = page.path.clone();
                    write(page).map_err(|message| RenderError::Write { path, message })?;
                    written.fetch_add(1, Ordering::Relaxed);
                    Ok(())
                })
            });
            let error = outcome.err()?;
            first_failure.fetch_min(i, Ordering::Relaxed);
            Some((i, error))
        })
        .collect();
    match failures.into_iter().min_by_key(|(i, _)| *i) {
        Some((_, error)) => Err(error),
        None => Ok(written.into_inner()),
    }
}

/// One unit of work: the files of one page.
enum Job<'a> {
    /// An entity's page (and, in Markdown, its drawing): every entity whose page has this
    /// path, in the order given; the first one has the page (the others are duplicates that
    /// validate reports).
    Entity {
        path: String,
        entities: Vec<&'a Entity>,
    },
    Home,
    /// One of [`lists::LISTS`].
    List(usize),
    Catalog,
    Calendar,
    /// A file of `assets/`, and the search index (HTML only).
    Assets,
}

/// The work of a site, the largest pages first so that no core waits for one at the end.
fn jobs<'a>(site: &Site<'a>, options: &RenderOptions) -> Vec<Job<'a>> {
    let mut out = vec![Job::Home, Job::Catalog, Job::Calendar];
    let mut lists: Vec<usize> = (0..lists::LISTS.len())
        .filter(|&i| {
            let kind = lists::LISTS[i].0;
            lists::list_made(kind, site.of_kind(kind).take(1).count())
        })
        .collect();
    lists.sort_by_key(|&i| std::cmp::Reverse(site.of_kind(lists::LISTS[i].0).count()));
    out.extend(lists.into_iter().map(Job::List));
    if options.format == SiteFormat::Html {
        out.push(Job::Assets);
    }
    let mut by_path: HashMap<String, usize> = HashMap::with_capacity(site.entities.len());
    for entity in site.entities {
        let path = site.page_of(entity).into_owned();
        match by_path.get(&path) {
            Some(&at) => {
                if let Job::Entity { entities, .. } = &mut out[at] {
                    entities.push(entity);
                }
            }
            None => {
                by_path.insert(path.clone(), out.len());
                out.push(Job::Entity { path, entities: vec![entity] });
            }
        }
    }
    out
}

/// What pages are made with.
struct Maker<'s, 'a> {
    site: &'s Site<'a>,
    env: Environment<'static>,
    options: &'s RenderOptions,
    bounds: templates::Bounds,
    /// The `site` value of the pages in each folder: it depends on nothing but the folder
    /// (links relative to it, the section it is in), and every page has it.
    site_views: FxHashMap<&'static str, Value>,
}

impl<'s, 'a> Maker<'s, 'a> {
    fn new(
        site: &'s Site<'a>,
        env: Environment<'static>,
        options: &'s RenderOptions,
        bounds: templates::Bounds,
    ) -> Self {
        let site_views = Kind::ALL
            .iter()
            .filter_map(|&kind| paths::folder(kind))
            .map(|dir| {
                (dir, Value::from(Serde(lists::site_view(site, &format!("{dir}/index.{}", site.ext.0)))))
            })
            .collect();
        Maker { site, env, options, bounds, site_views }
    }

    /// The `site` value of a page.
    fn site_view(&self, page: &str) -> Value {
        let cached = page.rsplit_once('/').and_then(|(dir, _)| self.site_views.get(dir));
        cached.cloned().unwrap_or_else(|| Value::from(Serde(lists::site_view(self.site, page))))
    }

    /// The files of one job.
    fn make(&self, job: &Job) -> Result<Vec<Page>, RenderError> {
        let (site, env, options) = (self.site, &self.env, self.options);
        let page = |path: String, template: &str, title: String, extra: Vec<(&'static str, Value)>| {
            let mut ctx: BTreeMap<&'static str, Value> = BTreeMap::new();
            ctx.insert("site", self.site_view(&path));
            ctx.insert("page", Value::from(Serde(lists::page_view(site, &path, title))));
            ctx.extend(extra);
            let name = format!("{template}.{}", site.ext.0);
            let bytes = templates::render(env, &name, Value::from_pairs(ctx), self.bounds)?;
            Ok::<Page, RenderError>(Page { path, bytes })
        };
        Ok(match job {
            Job::Entity { path, entities } => {
                let entity = entities[0];
                let (template, key, view) = entity_page(site, path, entity);
                let extra = vec![
                    ("item", Value::from(Serde(context::item(site, path, entity)))),
                    ("entity", Value::from(Serde(entity))),
                    (key, view),
                ];
                let mut out = vec![page(path.clone(), template, entity.display_name().to_owned(), extra)?];
                if site.format == SiteFormat::Markdown {
                    let svg_path = paths::drawing(path);
                    let svg = entities.iter().find_map(|e| site.graph_svg(path, e, true));
                    out.extend(svg.map(|svg| Page { path: svg_path, bytes: svg.into_bytes() }));
                }
                out
            }
            Job::Home => {
                let home = site.fixed("index");
                let view = Value::from(Serde(lists::home(site, &home)));
                vec![page(home, "index", "Home".to_owned(), vec![("home", view)])?]
            }
            Job::List(which) => {
                let mut out = Vec::new();
                for (path, list) in lists::list(site, *which) {
                    let title = match list.pages.iter().find(|p| p.current) {
                        Some(current) if current.number > 1 => {
                            format!("{}, page {}", list.title, current.number)
                        }
                        _ => list.title.to_owned(),
                    };
                    out.push(page(path, "list", title, vec![("list", Value::from(Serde(list)))])?);
                }
                out
            }
            Job::Catalog => {
                let path = site.fixed("catalog/index");
                let categories = Value::from(Serde(lists::catalog_index(site, &path)));
                vec![page(path, "catalog", "Service catalog".to_owned(), vec![("categories", categories)])?]
            }
            Job::Calendar => {
                let path = site.fixed("calendar");
                let calendar = Value::from(Serde(lists::calendar_view(site, &path)));
                vec![page(path, "calendar", "Change calendar".to_owned(), vec![("calendar", calendar)])?]
            }
            Job::Assets => {
                let mut out: Vec<Page> = templates::ASSETS
                    .iter()
                    .map(|(name, _)| Page {
                        path: format!("assets/{name}"),
                        bytes: templates::asset(name, &options.templates).as_bytes().to_vec(),
                    })
                    .collect();
                let (json, script) = assets::search_files(site);
                out.push(Page { path: "search-index.json".to_owned(), bytes: json });
                out.push(Page { path: "search-index.js".to_owned(), bytes: script });
                out
            }
        })
    }
}

#[cfg(test)]
mod conflict_tests;
#[cfg(test)]
mod tests;
