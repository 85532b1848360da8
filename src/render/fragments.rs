//! The small pieces of markup every page prints many times: a link to an entity, a list of
//! links, the edges of the dependency lists, a badge. They are template functions written in
//! Rust (`{{ link(service.owner) }}`), in HTML or Markdown after the template's escaping,
//! because as template macros they were a quarter of the time of a page.
//!
//! They print exactly what the templates print: every value through `write_value`, as the
//! templates' formatter does, and the result is marked safe.

use minijinja::value::{Value, ValueKind};
use minijinja::{Environment, Error, State};

use super::templates::{write_value, Escape};

/// Adds the functions to an environment.
pub fn register(env: &mut Environment<'static>) {
    env.add_function("link", link);
    env.add_function("links", links);
    env.add_function("edges", edges);
    env.add_function("badge", badge);
}

/// `link(l)`: a [Link] as a link to its page, or its title alone (HTML: with its reference as a
/// tooltip) when it does not resolve.
fn link(state: &State, l: Value) -> Result<Value, Error> {
    let mut out = Out::new(state);
    if out.markdown() {
        out.markdown_link(&l)?;
    } else if l.get_attr("href")?.is_true() {
        out.html_link(&l)?;
    } else {
        out.raw(r#"<span class="unresolved" title=""#);
        out.print(&l.get_attr("ref")?);
        out.raw(r#"">"#);
        out.print(&l.get_attr("title")?);
        out.raw("</span>");
    }
    Ok(out.finish())
}

/// `links(list)`: links to pages: an inline list in HTML, separated by commas in Markdown;
/// `none` when the list is empty.
fn links(state: &State, list: Value) -> Result<Value, Error> {
    let mut out = Out::new(state);
    let items = items(&list)?;
    if out.markdown() {
        for (i, l) in items.iter().enumerate() {
            if i > 0 {
                out.raw(", ");
            }
            out.markdown_link(l)?;
        }
        if items.is_empty() {
            out.raw("none");
        }
    } else if items.is_empty() {
        out.raw(r#"<span class="muted">none</span>"#);
    } else {
        out.raw(r#"<ul class="inline">"#);
        for l in &items {
            out.raw("<li>");
            out.link_or_title(l)?;
            out.raw("</li>");
        }
        out.raw("</ul>");
    }
    Ok(out.finish())
}

/// `edges(list)`: the entities one depends on (or that depend on it), each with its kind and
/// the relation: a list, or "Nothing." when there are none.
fn edges(state: &State, list: Value) -> Result<Value, Error> {
    let mut out = Out::new(state);
    let items = items(&list)?;
    if out.markdown() {
        for e in &items {
            let l = e.get_attr("link")?;
            out.raw("- ");
            out.markdown_link(&l)?;
            out.raw(" — ");
            out.print(&l.get_attr("kind")?);
            out.raw(", ");
            out.print(&e.get_attr("relation")?);
            out.raw("\n");
        }
        if items.is_empty() {
            out.raw("Nothing.\n");
        }
    } else if items.is_empty() {
        out.raw(r#"<p class="muted">Nothing.</p>"#);
    } else {
        out.raw("<ul>");
        for e in &items {
            let l = e.get_attr("link")?;
            out.raw("<li>");
            out.link_or_title(&l)?;
            out.raw(r#" <span class="muted">"#);
            out.print(&l.get_attr("kind")?);
            out.raw(" · ");
            out.print(&e.get_attr("relation")?);
            out.raw("</span></li>");
        }
        out.raw("</ul>");
    }
    Ok(out.finish())
}

/// `badge(word, kind="")`: a word in a coloured box (`b-WORD` chooses the colour); nothing
/// when the word is empty. Markdown prints the word.
fn badge(state: &State, word: Value, kind: Option<Value>) -> Result<Value, Error> {
    let mut out = Out::new(state);
    if !word.is_true() {
        return Ok(out.finish());
    }
    if out.markdown() {
        out.print(&word);
        return Ok(out.finish());
    }
    out.raw(r#"<span class="badge"#);
    if let Some(kind) = kind.filter(Value::is_true) {
        out.raw(" ");
        out.print(&kind);
    }
    out.raw(" b-");
    out.print(&word);
    out.raw(r#"">"#);
    out.print(&word);
    out.raw("</span>");
    Ok(out.finish())
}

/// The items of a list; none and undefined are empty.
fn items(list: &Value) -> Result<Vec<Value>, Error> {
    match list.kind() {
        ValueKind::None | ValueKind::Undefined => Ok(Vec::new()),
        _ => Ok(list.try_iter()?.collect()),
    }
}

/// Markup being made, in the language of the template that calls.
struct Out {
    text: String,
    escape: Escape,
}

impl Out {
    fn new(state: &State) -> Out {
        Out { text: String::with_capacity(128), escape: Escape::of(state) }
    }

    /// Whether the calling template is Markdown.
    fn markdown(&self) -> bool {
        self.escape == Escape::Markdown
    }

    fn raw(&mut self, markup: &str) {
        self.text.push_str(markup);
    }

    /// A value as `{{ value }}` prints it.
    fn print(&mut self, value: &Value) {
        let text = &mut self.text;
        let _ = write_value(value, self.escape, |s| {
            text.push_str(s);
            Ok::<(), ()>(())
        });
    }

    /// HTML: `<a href="…">title</a>`.
    fn html_link(&mut self, l: &Value) -> Result<(), Error> {
        self.raw(r#"<a href=""#);
        self.print(&l.get_attr("href")?);
        self.raw(r#"">"#);
        self.print(&l.get_attr("title")?);
        self.raw("</a>");
        Ok(())
    }

    /// HTML: a link, or the title alone when it does not resolve.
    fn link_or_title(&mut self, l: &Value) -> Result<(), Error> {
        if l.get_attr("href")?.is_true() {
            self.html_link(l)
        } else {
            self.print(&l.get_attr("title")?);
            Ok(())
        }
    }

    /// Markdown: `[title](href)`, or the title alone when it does not resolve.
    fn markdown_link(&mut self, l: &Value) -> Result<(), Error> {
        let href = l.get_attr("href")?;
        if !href.is_true() {
            self.print(&l.get_attr("title")?);
            return Ok(());
        }
        self.raw("[");
        self.print(&l.get_attr("title")?);
        self.raw("](");
        let destination = match href.as_str() {
            Some(text) => text.to_owned(),
            None => href.to_string(),
        };
        self.print(&super::templates::mdurl(destination));
        self.raw(")");
        Ok(())
    }

    fn finish(self) -> Value {
        Value::from_safe_string(self.text)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use minijinja::context;

    use super::super::templates::{environment, render, Bounds};
    use super::super::SiteFormat;

    /// Renders `source` as the template `t.EXT` of `format`.
    fn run(format: SiteFormat, source: &str, ctx: minijinja::Value) -> String {
        let name = match format {
            SiteFormat::Html => "t.html",
            SiteFormat::Markdown => "t.md",
        };
        let overrides = BTreeMap::from([(name.to_owned(), source.to_owned())]);
        let env = environment(format, &overrides).unwrap_or_else(|e| panic!("{e}"));
        String::from_utf8(render(&env, name, ctx, Bounds::for_site(0)).unwrap_or_else(|e| panic!("{e}")))
            .unwrap_or_default()
    }

    fn sample() -> minijinja::Value {
        let good = context! { ref => "service:a", kind => "Service", title => "<A & B>", href => "a b.html" };
        let missing = context! { ref => "team:<x>", kind => "Team", title => "X_1", href => () };
        context! {
            good => good.clone(),
            missing => missing.clone(),
            list => vec![good.clone(), missing.clone()],
            edge_list => vec![context! { link => good, relation => "runs on" }, context! { link => missing, relation => "depends on" }],
            empty => Vec::<minijinja::Value>::new(),
        }
    }

    #[test]
    fn html_fragments_escape_every_value() {
        let out = run(
            SiteFormat::Html,
            "{{ link(good) }}|{{ link(missing) }}|{{ links(list) }}|{{ links(empty) }}|{{ edges(edge_list) }}|{{ edges(none) }}|{{ badge('live') }}{{ badge('') }}|{{ badge('1', 'tier') }}",
            sample(),
        );
        assert_eq!(
            out,
            concat!(
                r#"<a href="a b.html">&lt;A &amp; B&gt;</a>|<span class="unresolved" title="team:&lt;x&gt;">X_1</span>|"#,
                r#"<ul class="inline"><li><a href="a b.html">&lt;A &amp; B&gt;</a></li><li>X_1</li></ul>|<span class="muted">none</span>|"#,
                r#"<ul><li><a href="a b.html">&lt;A &amp; B&gt;</a> <span class="muted">Service · runs on</span></li><li>X_1 <span class="muted">Team · depends on</span></li></ul>|"#,
                r#"<p class="muted">Nothing.</p>|<span class="badge b-live">live</span>|<span class="badge tier b-1">1</span>"#,
            )
        );
    }

    #[test]
    fn markdown_fragments_escape_every_value() {
        let out = run(
            SiteFormat::Markdown,
            "{{ link(good) }}|{{ link(missing) }}|{{ links(list) }}|{{ links(empty) }}|{{ badge('live') }}\n{{ edges(edge_list) }}{{ edges(empty) }}",
            sample(),
        );
        assert_eq!(
            out,
            concat!(
                r"[\<A \& B\>](<a%20b.html>)|X\_1|[\<A \& B\>](<a%20b.html>), X\_1|none|live",
                "\n",
                r"- [\<A \& B\>](<a%20b.html>) — Service, runs on",
                "\n",
                r"- X\_1 — Team, depends on",
                "\nNothing.\n",
            )
        );
    }
}
