//! `cairn render`: the repository as a static site (HTML, or Markdown for a wiki).
//!
//! Pure: entities in, pages (paths and bytes) out; the caller writes them. One page per
//! entity at a path made of its kind and name (`services/checkout.html`, `policy.html`), plus
//! the home page, a list per kind, the service catalog and the change calendar. Pages are
//! rendered with minijinja from templates embedded in the binary (`templates/`), each of which
//! a file of the same name can replace; `docs/templates.md` documents their contexts.
//!
//! Output is deterministic: everything is sorted, and the only date is `today`. The HTML site
//! loads nothing from elsewhere (a Content-Security-Policy allows only its own files), works
//! from `file://`, escapes all user text and sanitises user Markdown (see `markdown`).

mod assets;
mod calendar;
mod context;
mod lists;
mod markdown;
mod pages;
mod paths;
mod site;
mod summary;
mod svg;
mod templates;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use minijinja::value::{Serde, Value};

use crate::model::{Entity, Spec};
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
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::Template { name, message } => write!(f, "template `{name}`: {message}"),
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
    }
}

/// Renders the site.
pub fn render(entities: &[Entity], options: &RenderOptions) -> Result<Vec<Page>, RenderError> {
    let site = Site::new(entities, options.today, options.format);
    let env = templates::environment(options.format, &options.templates)?;
    let ext = site.ext.0;
    let mut out: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut emit = |path: String, template: &str, title: String, extra: Vec<(&'static str, Value)>| {
        let mut ctx: BTreeMap<&'static str, Value> = BTreeMap::new();
        ctx.insert("site", Value::from(Serde(lists::site_view(&site, &path))));
        ctx.insert("page", Value::from(Serde(lists::page_view(&site, &path, title))));
        ctx.extend(extra);
        let text = templates::render(&env, &format!("{template}.{ext}"), Value::from(Serde(ctx)))?;
        out.insert(path, text.into_bytes());
        Ok::<(), RenderError>(())
    };

    let mut seen = BTreeSet::new();
    for entity in entities {
        let path = site.page_of(entity);
        if !seen.insert(path.clone()) {
            continue; // A duplicate name (reported by validate): the first one has the page.
        }
        let (template, key, view) = entity_page(&site, &path, entity);
        let extra = vec![
            ("item", Value::from(Serde(context::item(&site, &path, entity)))),
            ("entity", Value::from(Serde(entity))),
            (key, view),
        ];
        emit(path, template, entity.display_name().to_owned(), extra)?;
    }
    let home = site.fixed("index");
    let view = Value::from(Serde(lists::home(&site, &home)));
    emit(home, "index", "Home".to_owned(), vec![("home", view)])?;
    for (path, list) in lists::lists(&site) {
        let title = list.title.to_owned();
        emit(path, "list", title, vec![("list", Value::from(Serde(list)))])?;
    }
    let path = site.fixed("catalog/index");
    let categories = Value::from(Serde(lists::catalog_index(&site, &path)));
    emit(path, "catalog", "Service catalog".to_owned(), vec![("categories", categories)])?;
    let path = site.fixed("calendar");
    let calendar = Value::from(Serde(lists::calendar_view(&site, &path)));
    emit(path, "calendar", "Change calendar".to_owned(), vec![("calendar", calendar)])?;

    match options.format {
        SiteFormat::Html => {
            for (name, _) in templates::ASSETS {
                out.insert(
                    format!("assets/{name}"),
                    templates::asset(name, &options.templates).as_bytes().to_vec(),
                );
            }
            let (json, script) = assets::search_files(&site);
            out.insert("search-index.json".to_owned(), json);
            out.insert("search-index.js".to_owned(), script);
        }
        SiteFormat::Markdown => {
            for entity in entities {
                let page = site.page_of(entity);
                let svg_path = format!("{}.svg", page.trim_end_matches(".md"));
                if let Some(svg) = site.graph_svg(&page, entity, true) {
                    out.entry(svg_path).or_insert_with(|| svg.into_bytes());
                }
            }
        }
    }
    Ok(out.into_iter().map(|(path, bytes)| Page { path, bytes }).collect())
}

#[cfg(test)]
mod tests;
