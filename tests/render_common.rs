//! Shared by the render tests (included with `#[path]`): rendering the example organisation
//! and a hostile one, and scanning HTML for links and tags.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cairn::model::Entity;
use cairn::render::{render, RenderOptions, SiteFormat};
use chrono::NaiveDate;

/// The day the sites describe.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default()
}

/// The typed entities of a directory, as `cairn validate` sees them.
pub fn entities(path: &Path) -> Vec<Entity> {
    let loaded = cairn::load::load(&cairn::load::Request::new(path, None))
        .unwrap_or_else(|e| panic!("cannot load {}: {e}", path.display()));
    let (_, outcome) = cairn::validate::validate(loaded, today());
    outcome.entities
}

pub fn acme() -> Vec<Entity> {
    entities(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/acme"))
}

/// Pages by path.
pub fn site(entities: &[Entity], format: SiteFormat) -> BTreeMap<String, Vec<u8>> {
    let options = RenderOptions { format, today: today(), templates: BTreeMap::new(), drift: None };
    let pages = render(entities, &options).unwrap_or_else(|e| panic!("render failed: {e}"));
    pages.into_iter().map(|p| (p.path, p.bytes)).collect()
}

/// Writes a site under `dir`.
pub fn write_site(dir: &Path, pages: &BTreeMap<String, Vec<u8>>) {
    for (path, bytes) in pages {
        assert!(
            !path.starts_with('/') && !path.split('/').any(|p| p == ".." || p.is_empty()),
            "bad path {path}"
        );
        let file = dir.join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(&file, bytes).unwrap_or_else(|e| panic!("{e}"));
    }
}

/// What the injected code would do if it ran: mark the document (the marker word is split in
/// the source so that only running code can produce it).
pub const PAYLOAD: &str = "document.documentElement.setAttribute('data-x','pw'+'ned')";
/// The marker the payload writes.
pub const MARKER: &str = "pwned";

/// A repository full of hostile text: returns its directory (kept alive by the `TempDir`).
pub fn hostile_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let p = PAYLOAD;
    let files: Vec<(&str, String)> = vec![
        (
            "teams/evil.yaml",
            format!(
                r#"apiVersion: cairn/v1
kind: Team
metadata:
  name: evil
  title: "<script>{p}</script>"
  description: "<img src=x onerror=\"{p}\"> and [x](javascript:{p}) and <a href='javascript:{p}' onclick=\"{p}\">y</a>"
spec:
  members: [{{login: eve, name: "<b onmouseover=\"{p}\">Eve</b>", email: "\"><script>{p}</script>@x.example"}}]
  contacts: [{{type: email, value: "\"><svg onload=\"{p}\">"}}, {{type: chat, value: "<script>{p}</script>"}}]
"#
            ),
        ),
        (
            "services/evil.yaml",
            format!(
                r#"apiVersion: cairn/v1
kind: Service
metadata:
  name: evil-svc
  title: "\"><svg onload=\"{p}\">"
  description: |
    <iframe src="javascript:{p}"></iframe>
    <script>{p}</script>
    [link](javascript:{p}) ![img](javascript:{p}) <javascript:{p}>
  labels: {{x: "<b onmouseover=\"{p}\">"}}
  tags: ["<script>{p}</script>"]
  links: [{{url: "javascript:{p}", title: "<i onclick=\"{p}\">click</i>"}}]
spec:
  owner: team:evil
  tier: 1
  contacts: [{{type: pager, value: "<script>{p}</script>"}}]
  dependsOn: [ci:evil-db]
  components: [evil-db]
"#
            ),
        ),
        (
            "cis/evil-db.yaml",
            format!(
                r#"apiVersion: cairn/v1
kind: ConfigurationItem
metadata:
  name: evil-db
  title: "</title><script>{p}</script>"
spec:
  class: database/postgres
  owner: evil
  attributes: {{version: "<script>{p}</script>", nested: {{a: "<img src=x onerror=\"{p}\">"}}}}
"#
            ),
        ),
        (
            "catalog/evil.yaml",
            format!(
                r#"apiVersion: cairn/v1
kind: CatalogItem
metadata:
  name: evil-request
  title: "<script>{p}</script>"
spec:
  service: evil-svc
  category: "<script>{p}</script>"
  form: [{{name: "<script>{p}</script>", type: choice, options: ["<img src=x onerror=\"{p}\">"], help: "<script>{p}</script>"}}]
"#
            ),
        ),
        (
            "changes/chg-evil.yaml",
            format!(
                r#"apiVersion: cairn/v1
kind: ChangeRequest
metadata:
  name: chg-evil
  title: "<script>{p}</script>"
spec:
  type: emergency
  state: implement
  requestedBy: "<script>{p}</script>"
  targets: [service:evil-svc]
  justification: "<script>{p}</script> <img src=x onerror=\"{p}\">"
  implementationPlan: |
    1. <a href="javascript:{p}">step</a>
    2. <style>body {{ display: none }}</style>
  related: {{incidents: ["<script>{p}</script>"]}}
"#
            ),
        ),
        (
            "windows/evil.yaml",
            format!(
                r#"apiVersion: cairn/v1
kind: Window
metadata:
  name: evil-window
  title: "<script>{p}</script>"
spec:
  type: freeze
  start: 2026-11-20T00:00:00Z
  end: 2026-12-20T00:00:00Z
  reason: "<script>{p}</script>"
"#
            ),
        ),
        (
            "kb/evil.md",
            format!(
                r#"---
apiVersion: cairn/v1
kind: KnowledgeArticle
metadata:
  name: evil-article
  title: "<script>{p}</script> restart"
spec:
  owner: evil
  services: [evil-svc]
---
# Hello

<script>{p}</script>

<img src=x onerror="{p}">

<div id="{MARKER}-static" onclick="{p}">text</div>

[click](javascript:{p}) [data](data:text/html,<script>{p}</script>)

<form action="javascript:{p}"><button formaction="javascript:{p}">go</button></form>

```html
<script>{p}</script>
```
"#
            ),
        ),
        (
            "policy.yaml",
            "apiVersion: cairn/v1\nkind: Policy\nmetadata: {name: change-policy}\nspec: {owners: [team:evil]}\n".to_owned(),
        ),
    ];
    for (path, text) in files {
        let file = dir.path().join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(file, text).unwrap_or_else(|e| panic!("{e}"));
    }
    dir
}

/// The values of one attribute (`href`, `src`…) in HTML, entities in them decoded.
pub fn attribute_values(html: &str, attribute: &str) -> Vec<String> {
    let mut out = Vec::new();
    for tag in tags(html) {
        for (name, value) in attributes(tag) {
            if name.eq_ignore_ascii_case(attribute) {
                out.push(value);
            }
        }
    }
    out
}

/// Every start tag, `<name …>` (without comments, end tags or text).
pub fn tags(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        let starts_tag = rest[1..].chars().next().is_some_and(|c| c.is_ascii_alphabetic());
        if !starts_tag {
            rest = &rest[1..];
            continue;
        }
        let end = tag_end(rest);
        out.push(&rest[..end]);
        rest = &rest[end..];
    }
    out
}

/// The end of a tag starting at 0, honouring quoted attribute values.
fn tag_end(tag: &str) -> usize {
    let mut quote = None;
    for (i, c) in tag.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return i + 1,
            _ => {}
        }
    }
    tag.len()
}

/// The attributes of a start tag: (name, decoded value).
pub fn attributes(tag: &str) -> Vec<(String, String)> {
    let body = tag.trim_start_matches('<').trim_end_matches('>').trim_end_matches('/');
    let mut chars = body.char_indices().peekable();
    // Skip the tag name.
    while chars.peek().is_some_and(|(_, c)| !c.is_whitespace()) {
        chars.next();
    }
    let mut out = Vec::new();
    loop {
        while chars.peek().is_some_and(|(_, c)| c.is_whitespace() || *c == '/') {
            chars.next();
        }
        let Some(&(start, _)) = chars.peek() else { break };
        let mut end = start;
        while let Some(&(i, c)) = chars.peek() {
            if c.is_whitespace() || c == '=' {
                break;
            }
            end = i + c.len_utf8();
            chars.next();
        }
        let name = body[start..end].to_owned();
        if name.is_empty() {
            chars.next();
            continue;
        }
        let mut value = String::new();
        if chars.peek().is_some_and(|(_, c)| *c == '=') {
            chars.next();
            match chars.peek().map(|(_, c)| *c) {
                Some(q @ ('"' | '\'')) => {
                    chars.next();
                    for (_, c) in chars.by_ref() {
                        if c == q {
                            break;
                        }
                        value.push(c);
                    }
                }
                _ => {
                    while let Some(&(_, c)) = chars.peek() {
                        if c.is_whitespace() {
                            break;
                        }
                        value.push(c);
                        chars.next();
                    }
                }
            }
        }
        out.push((name, decode(&value)));
    }
    out
}

/// Decodes the entities cairn and ammonia write.
pub fn decode(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The lower-cased name of a start tag.
pub fn tag_name(tag: &str) -> String {
    tag.trim_start_matches('<')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Resolves a relative link from a page to a page path (no `..` above the root).
pub fn resolve(from_page: &str, target: &str) -> Option<String> {
    let path = target.split('#').next().unwrap_or_default();
    if path.is_empty() {
        return Some(from_page.to_owned());
    }
    let mut parts: Vec<&str> = from_page.split('/').collect();
    parts.pop();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}
