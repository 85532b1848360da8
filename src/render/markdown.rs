//! Rich text (descriptions, plans, knowledge article bodies): Markdown rendered to sanitised
//! HTML for the HTML site, or neutralised Markdown for the Markdown site.
//!
//! Links are decided by a [`Links`] policy: references written `kind:name` and relative links
//! to other entity files become relative links to their pages; a link that would not resolve,
//! or whose scheme is not http, https or mailto, is dropped (its text stays). Images from
//! elsewhere become plain links (the site loads nothing from outside); local images are shown
//! as their alternative text. Raw HTML is kept only as far as ammonia allows: no script, no
//! event handler, no `javascript:` URL survives. Headings move one level down, below the page's.

use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::Arc;

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

use super::paths;
use super::sanitise::{self, scheme, SCHEMES};

/// What becomes of a link destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    /// Keep the link, with this destination.
    Keep(String),
    /// Drop the link; its text stays.
    Drop,
}

/// Decides link destinations for one page.
pub struct Links<'a> {
    /// The page the text is rendered into.
    pub from_page: &'a str,
    /// Every page of the site (paths from the root).
    pub pages: &'a Arc<BTreeSet<String>>,
    /// Resolves `kind:name` or a relative file path (already joined to the entity's file) to
    /// a page path from the root.
    pub resolve: &'a dyn Fn(Target<'_>) -> Option<String>,
    /// The file the text was written in, for relative links between entity files.
    pub base_file: &'a str,
}

/// A link destination that may name another entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'t> {
    /// `kind:name`.
    Reference(&'t str),
    /// A path from the repository root (a relative link joined to the file it is written in).
    File(&'t str),
}

fn is_external(dest: &str) -> bool {
    scheme(dest).is_some_and(|s| s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https"))
}

impl Links<'_> {
    /// The fate of a link destination written in the text.
    pub fn fate(&self, dest: &str) -> Fate {
        let dest = dest.trim();
        if dest.starts_with('#') {
            return Fate::Keep(dest.to_owned());
        }
        if dest.starts_with("//") {
            return Fate::Drop;
        }
        if let Some(s) = scheme(dest) {
            if let Some(page) = (self.resolve)(Target::Reference(dest)) {
                return Fate::Keep(paths::relative(self.from_page, &page));
            }
            return if SCHEMES.iter().any(|k| k.eq_ignore_ascii_case(s)) {
                Fate::Keep(dest.to_owned())
            } else {
                Fate::Drop
            };
        }
        let (path, fragment) = match dest.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (dest, None),
        };
        let with_fragment = |page: String| match fragment {
            Some(f) => format!("{}#{f}", paths::relative(self.from_page, &page)),
            None => paths::relative(self.from_page, &page),
        };
        if let Some(page) = paths::join(self.base_file, path).and_then(|f| (self.resolve)(Target::File(&f))) {
            return Fate::Keep(with_fragment(page));
        }
        match paths::join(self.from_page, path) {
            Some(page) if self.pages.contains(&page) => Fate::Keep(with_fragment(page)),
            _ => Fate::Drop,
        }
    }
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

fn lower(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        HeadingLevel::H5 | HeadingLevel::H6 => HeadingLevel::H6,
    }
}

/// What an open link or image became.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    Link,
    Dropped,
}

/// Whether `text` is one line of words that Markdown reads as one paragraph of exactly that
/// text: it starts with a letter, does not end with a space, and holds no character that could
/// start markup, an entity, HTML or a line break. Most descriptions are such a line, and
/// parsing, rendering and sanitising them is most of what their pages cost.
fn is_plain(text: &str) -> bool {
    text.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && !text.ends_with(' ')
        && text.chars().all(|c| c.is_alphanumeric() || " .,;:()'/-?%+=@".contains(c))
}

/// Markdown to sanitised HTML.
pub fn to_html(text: &str, links: &Links) -> String {
    if is_plain(text) {
        // What the parser and the sanitiser make of it (tests compare).
        return format!("<p>{text}</p>\n");
    }
    parsed_html(text, links)
}

/// Markdown to sanitised HTML, the long way.
fn parsed_html(text: &str, links: &Links) -> String {
    let mut open: Vec<Open> = Vec::new();
    let events = Parser::new_ext(text, options()).filter_map(move |event| {
        Some(match event {
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => match links.fate(&dest_url) {
                Fate::Keep(dest) => {
                    open.push(Open::Link);
                    Event::Start(Tag::Link { link_type, dest_url: dest.into(), title, id })
                }
                Fate::Drop => {
                    open.push(Open::Dropped);
                    return None;
                }
            },
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                if is_external(&dest_url) {
                    open.push(Open::Link);
                    Event::Start(Tag::Link { link_type, dest_url, title, id })
                } else {
                    open.push(Open::Dropped);
                    return None;
                }
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if open.pop() != Some(Open::Link) {
                    return None;
                }
                Event::End(TagEnd::Link)
            }
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                Event::Start(Tag::Heading { level: lower(level), id, classes, attrs })
            }
            Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(lower(level))),
            other => other,
        })
    });
    sanitise::clean(events, links.pages, links.from_page)
}

/// Markdown to Markdown that a wiki can render safely: raw HTML is escaped to text, link
/// destinations follow the same policy as HTML (dropped links keep their text), images from
/// elsewhere become links, local images their alternative text, headings move one level down.
pub fn to_markdown(text: &str, links: &Links) -> String {
    if is_plain(text) {
        return text.to_owned(); // Nothing to neutralise (tests compare).
    }
    parsed_markdown(text, links)
}

/// Markdown neutralised, the long way.
fn parsed_markdown(text: &str, links: &Links) -> String {
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let parser = Parser::new_ext(text, options());
    for (_, def) in parser.reference_definitions().iter() {
        let span = def.span.clone();
        match links.fate(&def.dest) {
            Fate::Keep(dest) if dest == def.dest.as_ref() => {}
            Fate::Keep(dest) => match text[span.clone()].rfind(def.dest.as_ref()) {
                Some(at) => {
                    let start = span.start + at;
                    edits.push((start..start + def.dest.len(), dest));
                }
                None => edits.push((span, String::new())),
            },
            Fate::Drop => edits.push((span, String::new())),
        }
    }
    // Each open link or image: where it starts, whether it was replaced as a whole, its text.
    let mut open: Vec<(Range<usize>, bool, String)> = Vec::new();
    for (event, range) in parser.into_offset_iter() {
        match event {
            // Raw HTML becomes text, with everything Markdown could read escaped, so that
            // escaping it cannot turn what it contained into live Markdown.
            Event::Start(Tag::HtmlBlock) | Event::Html(_) | Event::InlineHtml(_) => {
                edits.push((range.clone(), escape_text(&text[range], false)));
            }
            Event::Start(Tag::Heading { .. }) if text[range.clone()].starts_with('#') => {
                edits.push((range.start..range.start, "#".to_owned()));
            }
            Event::Start(Tag::Link { link_type, dest_url, .. }) => {
                let whole = link_edit(text, &range, link_type, &dest_url, links, &mut edits);
                open.push((range, whole, String::new()));
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                let whole = if is_external(&dest_url) {
                    if text[range.clone()].starts_with('!') {
                        edits.push((range.start..range.start + 1, String::new()));
                    }
                    false
                } else {
                    true
                };
                open.push((range, whole, String::new()));
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if let Some((range, true, words)) = open.pop() {
                    edits.push((range, escape_inline(&words)));
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, words)) = open.last_mut() {
                    words.push_str(&t);
                }
            }
            _ => {}
        }
    }
    apply(text, edits)
}

/// Edits one link's destination; returns whether the whole link is to be replaced by its text.
fn link_edit(
    text: &str,
    range: &Range<usize>,
    link_type: LinkType,
    dest: &CowStr,
    links: &Links,
    edits: &mut Vec<(Range<usize>, String)>,
) -> bool {
    if matches!(link_type, LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut) {
        return false; // The definition was handled.
    }
    match links.fate(dest) {
        Fate::Keep(new) if new == dest.as_ref() => false,
        Fate::Keep(new) if link_type == LinkType::Inline => match text[range.clone()].rfind(dest.as_ref()) {
            Some(at) => {
                let start = range.start + at;
                edits.push((start..start + dest.len(), new));
                false
            }
            None => true,
        },
        Fate::Keep(_) | Fate::Drop => true,
    }
}

/// Applies non-overlapping edits (sorted by start; an edit overlapping an earlier one is
/// skipped: the earlier one replaces a whole link).
fn apply(text: &str, mut edits: Vec<(Range<usize>, String)>) -> String {
    edits.sort_by(|a, b| {
        (a.0.start, std::cmp::Reverse(a.0.end)).cmp(&(b.0.start, std::cmp::Reverse(b.0.end)))
    });
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for (range, replacement) in edits {
        if range.start < at || range.end > text.len() {
            continue;
        }
        out.push_str(&text[at..range.start]);
        out.push_str(&replacement);
        at = range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Plain text escaped for inline Markdown: every character that could start emphasis, code,
/// a link, HTML, an entity, a table cell or a heading is backslash-escaped; line breaks become
/// spaces.
pub fn escape_inline(text: &str) -> String {
    escape_text(text, true)
}

/// Text escaped for Markdown; line breaks kept, or made spaces when `inline`.
fn escape_text(text: &str, inline: bool) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' if inline => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// A description (Markdown, maybe none) as plain text on one line, cut after `limit` characters;
/// empty when there is none.
pub fn plain_description(description: Option<&str>, limit: usize) -> String {
    description.map(|d| plain_text(d, limit)).unwrap_or_default()
}

/// Markdown as plain text on one line (for summaries and the search index), cut after `limit`
/// characters with an ellipsis.
pub fn plain_text(text: &str, limit: usize) -> String {
    if is_plain(text) {
        return cut(text, limit); // What the parser would give (tests compare).
    }
    // The parser holds a tree of the whole text (some 15 times its size), and the first
    // `limit` characters of a long text come from its beginning: parse only a beginning that
    // ends at a blank line. A reference defined further down may then stay unresolved, which
    // changes no word of a search index.
    let room = limit.saturating_mul(PREFIX_PER_CHAR);
    let text = if text.len() > room {
        let end = (0..=room).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
        text[..end].rfind("\n\n").map_or(&text[..end], |blank| &text[..blank])
    } else {
        text
    };
    parsed_plain_text(text, limit)
}

/// How many bytes of Markdown [`plain_text`] parses per character it may return.
const PREFIX_PER_CHAR: usize = 16;

/// Markdown as plain text, the long way.
fn parsed_plain_text(text: &str, limit: usize) -> String {
    let mut out = String::new();
    for event in Parser::new_ext(text, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(_) if !out.ends_with(' ') && !out.is_empty() => {
                out.push(' ');
            }
            _ => {}
        }
        if out.len() >= limit {
            break;
        }
    }
    cut(out.trim_end(), limit)
}

/// The first `limit` characters of `text`, with an ellipsis when there were more.
fn cut(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_links<T>(f: impl FnOnce(&Links) -> T) -> T {
        let pages: Arc<BTreeSet<String>> =
            Arc::new(["services/checkout.html", "kb/other.html", "kb/this.html"].map(String::from).into());
        let resolve = |t: Target| match t {
            Target::Reference("service:checkout") => Some("services/checkout.html".to_owned()),
            Target::File("kb/other.md") => Some("kb/other.html".to_owned()),
            _ => None,
        };
        f(&Links { from_page: "kb/this.html", pages: &pages, resolve: &resolve, base_file: "kb/this.md" })
    }

    #[test]
    fn html_is_sanitised_and_links_resolve() {
        let html = with_links(|l| {
            to_html(
                "# T\n\n[c](service:checkout) [o](other.md#x) [gone](service:nope) [js](javascript:alert(1)) \
                 [w](https://x.example) ![i](https://x.example/i.png) ![l](local.png)\n\n\
                 <script>alert(1)</script><img src=x onerror=alert(1)><a href=\"nowhere.html\">n</a>\n\n\
                 | a | b |\n|---|---|\n| 1 | ~~2~~ |\n",
                l,
            )
        });
        assert!(html.contains("<h2>T</h2>"), "{html}");
        assert!(
            html.contains(r#"<a href="../services/checkout.html" rel="noopener noreferrer">c</a>"#),
            "{html}"
        );
        assert!(html.contains(r#"<a href="other.html#x" rel="noopener noreferrer">o</a>"#), "{html}");
        assert!(html.contains(" gone ") && html.contains(" js "), "{html}");
        assert!(
            html.contains(r#"<a href="https://x.example/i.png" rel="noopener noreferrer">i</a>"#),
            "{html}"
        );
        assert!(html.contains(" l"), "{html}");
        for bad in ["<script", "onerror", "javascript:", "<img", "nowhere.html"] {
            assert!(!html.contains(bad), "{bad} in {html}");
        }
        assert!(html.contains("<table>") && html.contains("<del>2</del>"), "{html}");
    }

    #[test]
    fn markdown_is_neutralised() {
        let md = with_links(|l| {
            to_markdown(
                "# T\n\n[c](service:checkout) [gone](service:nope) <javascript:alert(1)> [r][d] ![i](https://x/i.png)\n\n\
                 <script>alert(1)</script>\n\n<div>\n[m](javascript:alert(3)) <a href=\"javascript:alert(4)\">a</a>\n</div>\n\n\
                 [d]: javascript:alert(2)\n",
                l,
            )
        });
        assert!(md.starts_with("## T\n"), "{md}");
        assert!(md.contains("[c](../services/checkout.html)"), "{md}");
        assert!(md.contains(" gone ") && md.contains("[i](https://x/i.png)"), "{md}");
        assert!(md.contains("\\<script\\>alert(1)\\</script\\>"), "{md}");
        assert!(!md.contains("javascript:alert(2)") && !md.contains("<javascript"), "{md}");
        for event in Parser::new_ext(&md, options()) {
            match event {
                Event::Start(Tag::Link { dest_url, .. }) => assert!(!dest_url.contains("javascript"), "{md}"),
                Event::Html(h) | Event::InlineHtml(h) => panic!("raw HTML {h} in {md}"),
                _ => {}
            }
        }
    }

    /// Lines that take the short way, and a few that must not.
    const LINES: [&str; 12] = [
        "Ask for a configuration change to invoicing-v2. The owning team picks it up.",
        "Tier 1 (revenue): 99.95% uptime, p99 under 300ms",
        "Runs on k8s-prd-fra-11; owner team:payments-ibis, see kb:restart/checkout?x=1+2=3 @sre",
        "O'Brien's  double  spaced, ümlauts and 2026-11-22",
        "x",
        "1. a list",
        "- a list",
        "A line\nand another",
        "Trailing space ",
        "Some *emphasis* and <b>html</b> & entities",
        "    indented",
        "Non\u{a0}breaking",
    ];

    #[test]
    fn plain_lines_take_the_short_way_to_the_same_result() {
        let mut short = 0;
        for line in LINES {
            with_links(|l| {
                assert_eq!(to_html(line, l), parsed_html(line, l), "{line:?}");
                assert_eq!(to_markdown(line, l), parsed_markdown(line, l), "{line:?}");
                for limit in [5, 30, 200] {
                    assert_eq!(plain_text(line, limit), parsed_plain_text(line, limit), "{line:?}");
                }
            });
            short += usize::from(is_plain(line));
        }
        assert_eq!(short, 5);
    }

    #[test]
    fn plain_text_is_short() {
        assert_eq!(
            plain_text("Takes *payment*\nfor a `basket`.\n\nMore.", 100),
            "Takes payment for a basket. More."
        );
        assert_eq!(plain_text("abcdef", 3), "abc…");
        assert_eq!(escape_inline("a*b\n<c>"), "a\\*b \\<c\\>");
    }
}
