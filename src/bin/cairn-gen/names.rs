//! Names: unique per kind, following the DNS-label rule.

use super::*;

/// Hands out names unique within one kind, following the DNS-label rule.
#[derive(Default)]
pub(crate) struct Names {
    used: HashSet<String>,
}

/// `text` made into a name: lower case, hyphens for anything else, at most 56 characters.
pub(crate) fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' };
        if c == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push(c);
    }
    out.truncate(56);
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        "x".to_owned()
    } else {
        out
    }
}

impl Names {
    /// `base` if free, else `None`.
    pub(crate) fn try_take(&mut self, base: &str) -> Option<String> {
        let base = slug(base);
        self.used.insert(base.clone()).then_some(base)
    }

    /// `base`, or `base-2`, `base-3`… whichever is free first.
    pub(crate) fn take(&mut self, base: &str) -> String {
        let base = slug(base);
        if self.used.insert(base.clone()) {
            return base;
        }
        let mut n = 2;
        loop {
            let candidate = format!("{base}-{n}");
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

pub(crate) fn title_case(slug: &str) -> String {
    slug.split('-')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
