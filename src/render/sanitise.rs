//! Cleaning the HTML that Markdown renders to, with ammonia: allowed tags only, no event
//! handlers or scripts, link schemes http, https and mailto, relative links only to pages that
//! exist, no images from anywhere. `markdown` decides links and headings; this module only
//! cleans, and bounds what cleaning holds in memory.
//!
//! ammonia parses the HTML into a tree (html5ever) that takes some thirty times the HTML's size:
//! one article of 16 MiB of nested lists and tables needed 1.2 GB. So the HTML is cleaned a piece
//! at a time. A piece ends after a top-level Markdown block, once no raw HTML element opened in
//! the piece is left open (a `<details>` around several paragraphs stays in one piece), or once
//! the piece holds [`PIECE`] bytes (an element that is never closed cannot make a piece grow
//! without end). ammonia gives each piece back balanced, so the pieces together are as safe as
//! each one; an article of ordinary size is one piece and comes out exactly as before.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::fmt;
use std::rc::Rc;
use std::sync::Arc;

use pulldown_cmark::Event;

use super::paths;

/// Schemes a link may use.
pub(super) const SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// The scheme of a link destination, if it has one.
pub(super) fn scheme(dest: &str) -> Option<&str> {
    let end = dest.find([':', '/', '?', '#'])?;
    (dest.as_bytes()[end] == b':').then(|| &dest[..end])
}

/// The HTML a piece may hold before it is cleaned even with raw HTML elements left open.
const PIECE: usize = 256 * 1024;

thread_local! {
    /// This thread's sanitiser: building one costs more than cleaning most texts.
    static SANITISER: ammonia::Builder<'static> = sanitiser();
    /// The pages of the site and the page being rendered, for the sanitiser's link filter
    /// (which must be `'static`); set around each use.
    static LINK_TARGETS: RefCell<Option<(Arc<BTreeSet<String>>, String)>> = const { RefCell::new(None) };
}

/// Renders Markdown events to HTML and cleans it, a piece at a time (see the module docs).
pub(super) fn clean<'e>(
    events: impl Iterator<Item = Event<'e>>,
    pages: &Arc<BTreeSet<String>>,
    from_page: &str,
) -> String {
    clean_in_pieces(events, pages, from_page, PIECE)
}

fn clean_in_pieces<'e>(
    events: impl Iterator<Item = Event<'e>>,
    pages: &Arc<BTreeSet<String>>,
    from_page: &str,
    piece: usize,
) -> String {
    LINK_TARGETS.with(|t| *t.borrow_mut() = Some((Arc::clone(pages), from_page.to_owned())));
    let boundary = Rc::new(Cell::new(None));
    let mut sink =
        Pieces { done: String::new(), pending: String::new(), boundary: Rc::clone(&boundary), piece };
    let blocks = Blocks { events, depth: 0, open_raw: 0, boundary, at_top: false };
    // Writing to a String cannot fail.
    let _ = pulldown_cmark::html::write_html_fmt(&mut sink, blocks);
    sink.flush();
    LINK_TARGETS.with(|t| *t.borrow_mut() = None);
    sink.done
}

/// The HTML writer's sink: collects a piece and cleans it when a boundary allows.
struct Pieces {
    /// Cleaned HTML.
    done: String,
    /// HTML not yet cleaned.
    pending: String,
    /// Set by [`Blocks`] between two top-level blocks: whether every raw HTML element opened
    /// so far is closed.
    boundary: Rc<Cell<Option<bool>>>,
    piece: usize,
}

impl Pieces {
    fn flush(&mut self) {
        if !self.pending.is_empty() {
            let cleaned = SANITISER.with(|builder| builder.clean(&self.pending).to_string());
            self.done.push_str(&cleaned);
            self.pending.clear();
        }
    }
}

impl fmt::Write for Pieces {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        // The writer asks for the next event after writing all of a block, so a boundary seen
        // here comes after the whole block is in `pending`.
        if let Some(balanced) = self.boundary.take() {
            if balanced || self.pending.len() >= self.piece {
                self.flush();
            }
        }
        self.pending.push_str(s);
        Ok(())
    }
}

/// The events, marking the boundaries between top-level blocks for [`Pieces`].
struct Blocks<I> {
    events: I,
    depth: usize,
    /// Raw HTML elements opened and not yet closed (an estimate: it only decides where pieces
    /// end, never what is kept).
    open_raw: usize,
    boundary: Rc<Cell<Option<bool>>>,
    /// Whether the last event ended a top-level block.
    at_top: bool,
}

impl<'e, I: Iterator<Item = Event<'e>>> Iterator for Blocks<I> {
    type Item = Event<'e>;

    fn next(&mut self) -> Option<Event<'e>> {
        if self.at_top {
            self.boundary.set(Some(self.open_raw == 0));
        }
        let event = self.events.next()?;
        match &event {
            Event::Start(_) => self.depth += 1,
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            Event::Html(html) | Event::InlineHtml(html) => self.open_raw = balance(self.open_raw, html),
            _ => {}
        }
        self.at_top = self.depth == 0;
        Some(event)
    }
}

/// Elements that have no end tag.
const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
    "wbr",
];

/// `open` after the tags in a fragment of raw HTML: each start tag of a non-void element opens
/// one, each end tag closes one.
fn balance(mut open: usize, html: &str) -> usize {
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let (closing, name_from) = match rest.strip_prefix('/') {
            Some(r) => (true, r),
            None => (false, rest),
        };
        let name: String = name_from
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        if closing {
            open = open.saturating_sub(1);
        } else if !VOID.contains(&name.as_str()) {
            let tag_end = name_from.find('>').map_or(name_from, |e| &name_from[..e]);
            if !tag_end.ends_with('/') {
                open += 1;
            }
        }
    }
    open
}

fn sanitiser() -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::default();
    builder
        .url_schemes(SCHEMES.into_iter().collect())
        .link_rel(Some("noopener noreferrer"))
        .add_tag_attributes("code", &["class"])
        // Images written as raw HTML go as a whole: an `<img>` without its source is noise.
        .rm_tags(["img"])
        .attribute_filter(|_, attribute, value| match attribute {
            "class" => {
                let language = value.strip_prefix("language-").unwrap_or_default();
                let ok = !language.is_empty()
                    && language
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'+');
                ok.then_some(Cow::Borrowed(value))
            }
            "href" if !value.starts_with('#') && scheme(value).is_none() => {
                let path = value.split('#').next().unwrap_or_default();
                let exists = LINK_TARGETS.with(|t| match &*t.borrow() {
                    Some((pages, from_page)) => {
                        paths::join(from_page, path).is_some_and(|p| pages.contains(&p))
                    }
                    None => false,
                });
                exists.then_some(Cow::Borrowed(value))
            }
            _ => Some(Cow::Borrowed(value)),
        });
    builder
}

#[cfg(test)]
mod tests {
    use pulldown_cmark::{Options, Parser};

    use super::*;

    fn html(text: &str, piece: usize) -> String {
        let pages = Arc::new(BTreeSet::from(["kb/a.html".to_owned()]));
        let events = Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH);
        clean_in_pieces(events, &pages, "kb/b.html", piece)
    }

    const TEXTS: [&str; 6] = [
        "# T\n\npara *one*\n\n- a\n  - b\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n---\n\n> quote\n",
        "<details><summary>More</summary>\n\nHidden *text*.\n\n- a list\n\n</details>\n\nAfter.\n",
        "<div>\n\nnever closed\n\npara\n\n<script>alert(1)</script>\n\n<a href=\"a.html\">a</a> <a href=\"x.html\">x</a>\n",
        "text <b>bold\n\nstill <i>open</i>\n\n</b> closed\n\n<br> <hr/> <img src=x onerror=alert(1)>\n",
        "```rust\nfn main() {}\n```\n\n    indented\n\n<!-- a comment <div> -->\n\nend\n",
        "",
    ];

    #[test]
    fn pieces_clean_to_what_the_whole_cleans_to() {
        for text in TEXTS {
            assert_eq!(html(text, PIECE), html(text, usize::MAX), "{text:?}");
        }
    }

    #[test]
    fn pieces_cut_by_size_are_still_clean() {
        for text in TEXTS {
            let cut = html(text, 1);
            for bad in ["<script", "onerror", "<img", "x.html"] {
                assert!(!cut.contains(bad), "{bad} in {cut}");
            }
        }
        // An element never closed: cut by size, every piece balanced.
        let text = format!("<div>\n\n{}", "para *x*\n\n".repeat(50));
        let cut = html(&text, 64);
        assert_eq!(cut.matches("<div>").count(), cut.matches("</div>").count(), "{cut}");
        // The cut closed the `<div>` before the last paragraph: more than one piece.
        assert!(cut.find("</div>") < cut.rfind("<p>"), "one piece: {cut}");
        assert_eq!(cut.matches("<em>x</em>").count(), 50);
    }

    #[test]
    fn raw_html_balance() {
        assert_eq!(balance(0, "<div class=\"a\">"), 1);
        assert_eq!(balance(1, "</div>"), 0);
        assert_eq!(balance(0, "</div>"), 0);
        assert_eq!(balance(0, "<br><hr/><img src=x><x-y/>"), 0);
        assert_eq!(balance(0, "<details><summary>s</summary>"), 1);
        assert_eq!(balance(0, "a < b and <3"), 0);
    }
}
