//! The template engine: embedded templates (from `templates/`), overrides by file name,
//! escaping (HTML for `*.html`, Markdown for `*.md`) and the few filters templates use.

use std::collections::BTreeMap;

use minijinja::{AutoEscape, Environment, Error, Output, State, UndefinedBehavior, Value};

use super::markdown::escape_inline;
use super::{RenderError, SiteFormat};

macro_rules! embedded {
    ($dir:literal: $($name:literal),+ $(,)?) => {
        &[$(($name, include_str!(concat!("../../templates/", $dir, "/", $name)))),+]
    };
}

/// The HTML site's templates.
pub const HTML: &[(&str, &str)] = embedded!("html":
    "base.html", "macros.html", "index.html", "list.html", "catalog.html", "calendar.html",
    "service.html", "ci.html", "team.html", "catalog-item.html", "sla.html", "change.html",
    "article.html", "window.html", "policy.html", "scorecard.html",
);

/// The Markdown site's templates.
pub const MARKDOWN: &[(&str, &str)] = embedded!("markdown":
    "base.md", "macros.md", "index.md", "list.md", "catalog.md", "calendar.md",
    "service.md", "ci.md", "team.md", "catalog-item.md", "sla.md", "change.md",
    "article.md", "window.md", "policy.md", "scorecard.md",
);

/// Files copied as they are into the HTML site's `assets/` (overridable too).
pub const ASSETS: &[(&str, &str)] = embedded!("assets": "style.css", "site.js");

/// The escaping of Markdown templates.
const MARKDOWN_ESCAPE: &str = "markdown";

fn templates(format: SiteFormat) -> &'static [(&'static str, &'static str)] {
    match format {
        SiteFormat::Html => HTML,
        SiteFormat::Markdown => MARKDOWN,
    }
}

/// An asset: the override if there is one, else the embedded file.
pub fn asset<'o>(name: &str, overrides: &'o BTreeMap<String, String>) -> &'o str {
    match overrides.get(name) {
        Some(text) => text,
        None => ASSETS.iter().find(|(n, _)| *n == name).map_or("", |(_, t)| t),
    }
}

/// Hands `text` escaped for HTML content and attribute values to `write`, in runs (no copy
/// of the text first: every value a page prints goes through here).
fn write_html_escaped<E>(text: &str, mut write: impl FnMut(&str) -> Result<(), E>) -> Result<(), E> {
    if !text.bytes().any(|b| matches!(b, b'<' | b'>' | b'&' | b'"' | b'\'')) {
        return write(text);
    }
    let mut plain = 0;
    for (i, b) in text.bytes().enumerate() {
        let replacement = match b {
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'&' => "&amp;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        if plain < i {
            write(&text[plain..i])?;
        }
        write(replacement)?;
        plain = i + 1;
    }
    if plain < text.len() {
        write(&text[plain..])?;
    }
    Ok(())
}

/// How printed values are escaped: after the template's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Escape {
    Html,
    Markdown,
    None,
}

impl Escape {
    pub(super) fn of(state: &State) -> Escape {
        match state.auto_escape() {
            AutoEscape::Html => Escape::Html,
            AutoEscape::Custom(name) if name == MARKDOWN_ESCAPE => Escape::Markdown,
            _ => Escape::None,
        }
    }
}

/// Hands `value` to `write` as templates print it: nothing for none and undefined; strings
/// not marked safe escaped by `escape`.
pub(super) fn write_value<E>(
    value: &Value,
    escape: Escape,
    mut write: impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    if value.is_none() || value.is_undefined() {
        return Ok(());
    }
    let owned;
    let text = match value.as_str() {
        Some(text) => text,
        None => {
            owned = value.to_string();
            &owned
        }
    };
    match escape {
        _ if value.is_safe() => write(text),
        Escape::Html => write_html_escaped(text, write),
        Escape::Markdown => write(&escape_inline(text)),
        Escape::None => write(text),
    }
}

/// Prints values (see [`write_value`]).
fn formatter(out: &mut Output, state: &mut State, value: &Value) -> Result<(), Error> {
    write_value(value, Escape::of(state), |s| out.write_str(s).map_err(Error::from))
}

/// `{{ url|mdurl }}`: a link destination for Markdown: as it is when it has no character that
/// could end it, else `<…>` with those percent-encoded.
pub(super) fn mdurl(value: String) -> Value {
    let plain = |c: char| !(c.is_whitespace() || c.is_control() || "<>()\\".contains(c));
    if !value.is_empty() && value.chars().all(plain) {
        return Value::from_safe_string(value);
    }
    let mut out = String::from("<");
    for c in value.chars() {
        match c {
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            ' ' => out.push_str("%20"),
            '\\' => out.push_str("%5C"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('>');
    Value::from_safe_string(out)
}

fn template_error(name: &str, e: &Error) -> RenderError {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        message.push_str(": ");
        message.push_str(&inner.to_string());
        source = inner.source();
    }
    RenderError::Template { name: name.to_owned(), message }
}

/// The engine for one format: the embedded templates, replaced by the overrides of the same
/// name; other overrides are added too (partials that overriding templates include).
pub fn environment(
    format: SiteFormat,
    overrides: &BTreeMap<String, String>,
) -> Result<Environment<'static>, RenderError> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".md") {
            AutoEscape::Custom(MARKDOWN_ESCAPE.into())
        } else if name.ends_with(".html") || name.ends_with(".svg") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env.set_formatter(formatter);
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .map_err(|e| template_error("(syntax)", &e))?;
    env.set_syntax(syntax);
    env.add_filter("mdurl", mdurl);
    super::fragments::register(&mut env);
    let other = match format {
        SiteFormat::Html => MARKDOWN,
        SiteFormat::Markdown => HTML,
    };
    for (name, source) in templates(format) {
        if overrides.contains_key(*name) {
            continue;
        }
        env.add_template(name, source).map_err(|e| template_error(name, &e))?;
    }
    for (name, source) in overrides {
        let skip = other.iter().chain(ASSETS).any(|(n, _)| n == name);
        if !skip {
            env.add_template_owned(name.clone(), source.clone()).map_err(|e| template_error(name, &e))?;
        }
    }
    Ok(env)
}

/// What one page may cost, so that a template (one from a pull request's `--templates`
/// folder, say) cannot render for ever or fill the disk: MiniJinja's fuel counts the
/// instructions a render runs, and the page's bytes are counted as they are written. Both grow
/// with the organisation, since a list page grows with it; the built-in templates use a small
/// fraction of either.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// Instructions one page may run.
    pub fuel: u64,
    /// Bytes one page may hold.
    pub page_bytes: usize,
}

impl Bounds {
    /// The bounds for a site of `entities` entities.
    pub fn for_site(entities: usize) -> Bounds {
        let entities = entities as u64;
        Bounds {
            fuel: 20_000_000u64.saturating_add(entities.saturating_mul(5_000)),
            page_bytes: (64usize << 20).saturating_add((entities as usize).saturating_mul(4 << 10)),
        }
    }
}

/// Sets the fuel of `bounds` on the engine.
pub fn bound(env: &mut Environment<'static>, bounds: Bounds) {
    env.set_fuel(Some(bounds.fuel));
}

/// Renders one template, within `bounds` (the engine's fuel is set by [`bound`]).
pub fn render(
    env: &Environment<'static>,
    name: &str,
    context: Value,
    bounds: Bounds,
) -> Result<Vec<u8>, RenderError> {
    let template = env.get_template(name).map_err(|e| template_error(name, &e))?;
    // Room for most pages at once: growing the output as it is written cost more than
    // writing it.
    let mut out = Capped { bytes: Vec::with_capacity(16 * 1024), limit: bounds.page_bytes };
    template.render_captured_to(context, &mut out).map_err(|e| match e.kind() {
        minijinja::ErrorKind::OutOfFuel => RenderError::Template {
            name: name.to_owned(),
            message: format!(
                "the page took more than {} steps to render; a template must not loop without bound",
                bounds.fuel
            ),
        },
        // The only writer that fails is the cap.
        minijinja::ErrorKind::WriteFailure => RenderError::Template {
            name: name.to_owned(),
            message: format!("the page is larger than {} bytes", bounds.page_bytes),
        },
        _ => template_error(name, &e),
    })?;
    Ok(out.bytes)
}

/// A page's bytes, refusing to grow past `limit`.
struct Capped {
    bytes: Vec<u8>,
    limit: usize,
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len().saturating_add(buf.len()) > self.limit {
            return Err(std::io::Error::other(format!("the page is larger than {} bytes", self.limit)));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_template_name() {
        let mut overrides = BTreeMap::new();
        overrides.insert("t.html".to_owned(), "{{ x }}|{{ n }}|{{ s }}".to_owned());
        overrides.insert("t.md".to_owned(), "{{ x }}|{{ u|mdurl }}".to_owned());
        let html = environment(SiteFormat::Html, &overrides).unwrap_or_else(|e| panic!("{e}"));
        let ctx = minijinja::context! { x => "<a href='/'>&", n => (), s => Value::from_safe_string("<b>".into()), u => "a b>" };
        assert_eq!(
            render(&html, "t.html", ctx.clone(), Bounds::for_site(0)).ok().as_deref(),
            Some(&b"&lt;a href=&#39;/&#39;&gt;&amp;||<b>"[..])
        );
        assert_eq!(
            render(&html, "t.md", ctx, Bounds::for_site(0)).ok().as_deref(),
            Some(&br"\<a href='/'\>\&|<a%20b%3E>"[..])
        );
    }

    #[test]
    fn a_broken_override_names_itself() {
        let mut overrides = BTreeMap::new();
        overrides.insert("service.html".to_owned(), "{% if %}".to_owned());
        let Err(RenderError::Template { name, message }) = environment(SiteFormat::Html, &overrides) else {
            panic!("accepted a broken template")
        };
        assert_eq!(name, "service.html");
        assert!(message.contains("syntax error"), "{message}");
    }
}
