//! The search index: `search-index.json` for any consumer, and the same data as
//! `search-index.js` (assigning `window.CAIRN_SEARCH`) because `fetch()` does not work from
//! `file://`. The page script searches it without any library.

use serde::Serialize;

use super::context::kind_label;
use super::markdown::{plain_description, plain_text};
use super::site::Site;
use crate::model::{Entity, Spec};

/// Most characters of an entity's text that the index holds.
const TEXT_LIMIT: usize = 4000;

/// One entry of the search index.
#[derive(Debug, Serialize)]
pub struct Entry {
    #[serde(rename = "ref")]
    pub reference: String,
    pub kind: &'static str,
    /// `Knowledge article`.
    pub label: &'static str,
    pub title: String,
    /// The page, from the site root.
    pub url: String,
    /// One line shown under the result (may be empty).
    pub summary: String,
    /// What is searched besides the title: name, tags, labels, description, article body.
    pub text: String,
}

fn entry(site: &Site, entity: &Entity) -> Entry {
    let m = &entity.metadata;
    let description = plain_description(m.description.as_deref(), TEXT_LIMIT);
    let mut text = vec![entity.reference().to_string()];
    text.extend(m.tags.iter().cloned());
    text.extend(m.labels.iter().map(|(k, v)| format!("{k}={v}")));
    text.push(description.clone());
    match &entity.spec {
        Spec::KnowledgeArticle(a) => text.push(plain_text(&a.body, TEXT_LIMIT)),
        Spec::ConfigurationItem(c) => text.push(c.class.clone()),
        Spec::CatalogItem(c) => text.push(c.category.clone()),
        Spec::ChangeRequest(c) => {
            text.extend(c.justification.as_deref().map(|j| plain_text(j, TEXT_LIMIT)));
            text.extend(c.targets.iter().map(|t| t.to_string()));
        }
        _ => {}
    }
    let summary = if description.is_empty() {
        kind_label(entity.kind()).to_owned()
    } else {
        plain_text(&description, 160)
    };
    Entry {
        reference: entity.reference().to_string(),
        kind: entity.kind().name(),
        label: kind_label(entity.kind()),
        title: entity.display_name().to_owned(),
        url: site.page_of(entity).into_owned(),
        summary,
        text: text.join(" "),
    }
}

/// Every entity, in (kind, name) order.
pub fn index(site: &Site) -> Vec<Entry> {
    let mut entries: Vec<Entry> = site.entities.iter().map(|e| entry(site, e)).collect();
    entries.sort_by(|a, b| (a.kind, &a.reference).cmp(&(b.kind, &b.reference)));
    entries.dedup_by(|a, b| a.reference == b.reference);
    entries
}

/// JSON that is also safe inside any script: `<`, `>`, `&` and the line separators escaped.
fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// `search-index.json` and `search-index.js`.
pub fn search_files(site: &Site) -> (Vec<u8>, Vec<u8>) {
    let entries = index(site);
    let json = script_safe(&serde_json::to_string(&entries).unwrap_or_else(|_| "[]".to_owned()));
    let script = format!("window.CAIRN_SEARCH = {json};\n");
    (format!("{json}\n").into_bytes(), script.into_bytes())
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_is_script_safe() {
        assert_eq!(super::script_safe(r#"["</script>&"]"#), r#"["\u003c/script\u003e\u0026"]"#);
    }
}
