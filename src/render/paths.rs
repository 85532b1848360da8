//! Where every page lives: stable paths from kind and name, and links between pages.

use std::borrow::Cow;

use crate::model::{is_valid_name, Kind};

/// The file extension of pages in a format (`html` or `md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ext(pub &'static str);

/// The folder of a kind's pages (`services`, `cis`…); the policy has none (`policy.html`).
pub fn folder(kind: Kind) -> Option<&'static str> {
    Some(match kind {
        Kind::Team => "teams",
        Kind::Service => "services",
        Kind::ConfigurationItem => "cis",
        Kind::CatalogItem => "catalog",
        Kind::Sla => "slas",
        Kind::ChangeRequest => "changes",
        Kind::KnowledgeArticle => "kb",
        Kind::Window => "windows",
        Kind::Scorecard => "scorecards",
        Kind::Policy => return None,
    })
}

/// Whether `path` is one a site of cairn's can hold, in either format: a page, a drawing, an
/// asset or the search index (`services/checkout.html`, `kb/_index.svg`, `index.md`). `cairn
/// render` deletes a file an earlier render listed only when its path passes this, so that a
/// manifest cannot make it delete a `README.md`, `Cargo.toml` or `docs/guide.md` whose digest it
/// knows. A new kind of page (a new folder, a new top-level page) must be added here; a test
/// renders every page and checks.
pub fn is_site_file(path: &str) -> bool {
    let (dir, file) = match path.split_once('/') {
        Some((dir, file)) => (Some(dir), file),
        None => (None, path),
    };
    let Some((stem, ext)) = file.rsplit_once('.') else { return false };
    let named = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_';
    if stem.is_empty()
        || !stem.chars().all(named)
        || !matches!(ext, "html" | "md" | "svg" | "css" | "js" | "json")
    {
        return false;
    }
    match dir {
        None => matches!(stem, "index" | "calendar" | "policy" | "search-index"),
        Some(dir) => dir == "assets" || Kind::ALL.iter().any(|kind| folder(*kind) == Some(dir)),
    }
}

/// The page of one entity, relative to the site root: `services/checkout.html`,
/// `policy.html`. Names are DNS labels once validated; anything else is made safe anyway.
pub fn entity_page(kind: Kind, name: &str, ext: Ext) -> String {
    let Some(dir) = folder(kind) else { return format!("policy.{}", ext.0) };
    let name = safe_name(name);
    let mut out = String::with_capacity(dir.len() + name.len() + ext.0.len() + 2);
    for part in [dir, "/", &name, ".", ext.0] {
        out.push_str(part);
    }
    out
}

/// A file name made only of `[a-z0-9-]`: valid names are kept as they are.
fn safe_name(name: &str) -> Cow<'_, str> {
    if is_valid_name(name) && name != "index" {
        return Cow::Borrowed(name);
    }
    let mut out: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .take(63)
        .collect();
    if out.is_empty() || out == "index" {
        out.insert(0, '_');
    }
    Cow::Owned(out)
}

/// The dependency drawing of a Markdown page, beside it and named like it:
/// `services/checkout.svg`, `services/_index.svg`.
pub fn drawing(page: &str) -> String {
    format!("{}.svg", page.strip_suffix(".md").unwrap_or(page))
}

/// The prefix that leads from `page` back to the site root: `""` or `"../"`.
pub fn root_of(page: &str) -> String {
    "../".repeat(page.matches('/').count())
}

/// The link from `from` (a page path) to `to` (a page path, optionally with `#anchor`).
pub fn relative(from: &str, to: &str) -> String {
    // Bytes, not chars: a page makes dozens of links, and `/` is ASCII.
    let last_slash = |path: &str| path.as_bytes().iter().rposition(|&b| b == b'/');
    let from_dir = &from[..last_slash(from).unwrap_or(0)];
    if let Some(slash) = last_slash(to) {
        if &to[..slash] == from_dir {
            return to[slash + 1..].to_owned();
        }
    }
    let depth = from.bytes().filter(|&b| b == b'/').count();
    let mut out = String::with_capacity(3 * depth + to.len());
    for _ in 0..depth {
        out.push_str("../");
    }
    out.push_str(to);
    out
}

/// Resolves a relative path written in `base_file` (e.g. a link `../kb/x.md` in `kb/a.md`)
/// to a path from the root, without `.` or `..`; `None` when it climbs above the root or
/// is not a plain relative path.
pub fn join(base_file: &str, target: &str) -> Option<String> {
    if target.is_empty() || target.starts_with('/') || target.contains(':') || target.contains('\\') {
        return None;
    }
    let mut parts: Vec<&str> = base_file.split('/').collect();
    parts.pop();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HTML: Ext = Ext("html");

    #[test]
    fn pages_have_stable_paths() {
        assert_eq!(entity_page(Kind::Service, "checkout", HTML), "services/checkout.html");
        assert_eq!(entity_page(Kind::ConfigurationItem, "pg-main", HTML), "cis/pg-main.html");
        assert_eq!(entity_page(Kind::Policy, "change-policy", HTML), "policy.html");
        assert_eq!(entity_page(Kind::Team, "index", HTML), "teams/_index.html");
        assert_eq!(entity_page(Kind::Team, "../x", Ext("md")), "teams/---x.md");
    }

    #[test]
    fn links_are_relative() {
        assert_eq!(relative("index.html", "services/a.html"), "services/a.html");
        assert_eq!(relative("services/b.html", "services/a.html#x"), "a.html#x");
        assert_eq!(relative("services/b.html", "cis/a.html"), "../cis/a.html");
        assert_eq!(relative("services/b.html", "index.html"), "../index.html");
        assert_eq!(relative("index.html", "policy.html"), "policy.html");
        assert_eq!(relative("a/b/c.html", "a/b/d.html"), "d.html");
        assert_eq!(relative("a/b/c.html", "a/d.html"), "../../a/d.html");
        assert_eq!(root_of("services/b.html"), "../");
        assert_eq!(drawing("services/_index.md"), "services/_index.svg");
        assert_eq!(relative("services/_index.md", &drawing("services/_index.md")), "_index.svg");
        assert_eq!(join("kb/a.md", "../kb/b.md").as_deref(), Some("kb/b.md"));
        assert_eq!(join("kb/a.md", "./c.md").as_deref(), Some("kb/c.md"));
        assert_eq!(join("a.md", "../b.md"), None);
        assert_eq!(join("a.md", "https://x"), None);
    }
}
