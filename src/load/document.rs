//! From file text to cairn documents: the text check (UTF-8, no NUL), Markdown front matter,
//! and which YAML documents are cairn entities.

use std::ops::Range;

use serde_json::Value;

use super::yaml::{self, ProblemKind};
use super::{ParsedFile, RawDocument};
use crate::diag::{Code, Diagnostic, Location, Part, Span};
use crate::model::{Kind, API_VERSION};

/// Checks that bytes are text: valid UTF-8 without NUL bytes. On failure, where and why.
pub(super) fn text(bytes: Vec<u8>) -> Result<String, (Span, String)> {
    let valid = match std::str::from_utf8(&bytes) {
        Ok(_) => bytes.len(),
        Err(e) => e.valid_up_to(),
    };
    let nul = bytes[..valid].iter().position(|&b| b == 0);
    if let Some(at) = nul {
        let (line, col) = position(&bytes[..at]);
        return Err((Span::point(line, col), "file contains NUL bytes: it is binary, not YAML text".into()));
    }
    if valid < bytes.len() {
        let (line, col) = position(&bytes[..valid]);
        return Err((
            Span::point(line, col),
            format!("file is not valid UTF-8 (byte 0x{:02x} at offset {valid})", bytes[valid]),
        ));
    }
    String::from_utf8(bytes).map_err(|_| (Span::point(1, 1), "file is not valid UTF-8".into()))
}

/// Line and column (1-based, in characters) just after `prefix`, which is valid UTF-8.
fn position(prefix: &[u8]) -> (u32, u32) {
    let text = std::str::from_utf8(prefix).unwrap_or_default();
    let line = text.matches('\n').count() + 1;
    let last = text.rfind('\n').map_or(text, |i| &text[i + 1..]);
    (line as u32, last.chars().count() as u32 + 1)
}

/// Markdown front matter: where its YAML is and where the body starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatter {
    /// Byte range of the YAML between the fences.
    pub yaml: Range<usize>,
    /// Line (1-based) of the YAML's first line.
    pub yaml_line: u32,
    /// Byte offset where the body starts.
    pub body: usize,
    /// Line (1-based) of the body's first line.
    pub body_line: u32,
}

/// Finds the front matter of a Markdown text: an opening `---` line, then YAML, then a closing
/// `---` (or `...`) line. `Ok(None)` when the text has none. An opening fence that is never
/// closed is an error only if the text looks like a cairn article (it mentions `cairn/v1`):
/// other Markdown may begin with a horizontal rule.
pub fn front_matter(text: &str) -> Result<Option<FrontMatter>, Span> {
    let start = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let rest = &text[start..];
    let first_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    if rest[..first_end].trim_end() != "---" {
        return Ok(None);
    }
    let yaml_start = start + first_end;
    let mut offset = yaml_start;
    let mut line = 2u32;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i + 1);
        let content = text[offset..end].trim_end();
        if content == "---" || content == "..." {
            return Ok(Some(FrontMatter {
                yaml: yaml_start..offset,
                yaml_line: 2,
                body: end,
                body_line: line + 1,
            }));
        }
        offset = end;
        line += 1;
    }
    if text.contains(API_VERSION) {
        Err(Span::new(1, 1, 1, 4))
    } else {
        Ok(None)
    }
}

/// Parses the YAML of a file (or of its front matter, `line_offset` lines down) and keeps the
/// cairn documents.
pub(super) fn parse_documents(
    out: &mut ParsedFile,
    yaml_text: &str,
    line_offset: u32,
    limits: &yaml::Limits,
    front: Option<&FrontMatter>,
) {
    let parsed = yaml::parse(yaml_text, limits);
    let mut broken_docs = Vec::new();
    for problem in parsed.problems {
        let code = match problem.kind {
            ProblemKind::Syntax => Code::YamlSyntax,
            ProblemKind::DuplicateKey => Code::DuplicateKey,
            ProblemKind::TooDeep => Code::YamlTooDeep,
            ProblemKind::AliasLimit => Code::YamlAliasLimit,
            ProblemKind::UnsupportedKey | ProblemKind::UnsupportedValue => Code::YamlUnsupported,
            ProblemKind::TooManyDocuments => Code::TooManyDocuments,
        };
        let span = problem.span.shifted(line_offset);
        broken_docs.push(span.line);
        let mut d = Diagnostic::new(code, problem.message, Location::at(out.path.clone(), span));
        if let Some((related, message)) = problem.related {
            d = d.with_label(Location::at(out.path.clone(), related.shifted(line_offset)), message);
        }
        out.diagnostics.push(d);
    }
    for doc in parsed.documents {
        let span = doc.span.shifted(line_offset);
        // A document with a parse problem inside is reported once, by that problem: checking
        // its (partial) value against the schema would only add noise.
        let broken = broken_docs.iter().any(|&l| l >= span.line && l <= span.end_line);
        if broken {
            continue;
        }
        if front.is_some() && doc.index > 0 {
            continue;
        }
        match classify(&doc.value) {
            Class::Ignored => {}
            Class::Problem(code, pointer, message, note) => {
                let mut d = Diagnostic::new(
                    code,
                    message,
                    Location::pointer(out.path.clone(), doc.index, pointer, Part::Value),
                );
                if let Some(note) = note {
                    d = d.with_note(note);
                }
                out.diagnostics.push(d);
            }
            Class::Entity(kind) => {
                if front.is_some() && kind != Kind::KnowledgeArticle {
                    out.diagnostics.push(
                        Diagnostic::new(
                            Code::InvalidValue,
                            format!("a Markdown file holds a knowledge article, not a {kind}"),
                            Location::pointer(out.path.clone(), doc.index, "/kind", Part::Value),
                        )
                        .with_note("help: write other kinds in `.yaml` files"),
                    );
                    continue;
                }
                let body = front.map(|fm| (String::new(), fm.body_line));
                out.documents.push(RawDocument {
                    file: out.path.clone(),
                    index: doc.index,
                    line: span.line,
                    kind,
                    value: doc.value,
                    body,
                });
                continue;
            }
        }
        out.values.push((doc.index, doc.value));
    }
}

enum Class {
    Ignored,
    Entity(Kind),
    Problem(Code, &'static str, String, Option<String>),
}

/// Whether a YAML document is a cairn entity, someone else's YAML, or a cairn entity gone wrong.
fn classify(value: &Value) -> Class {
    let Some(map) = value.as_object() else { return Class::Ignored };
    let Some(api) = map.get("apiVersion") else { return Class::Ignored };
    let api_text = match api {
        Value::String(s) => s.as_str(),
        _ => return Class::Ignored,
    };
    if api_text != API_VERSION {
        return if api_text.to_ascii_lowercase().contains("cairn") {
            Class::Problem(
                Code::UnknownApiVersion,
                "/apiVersion",
                format!("apiVersion `{api_text}` is not `{API_VERSION}`"),
                Some(format!("help: cairn reads `apiVersion: {API_VERSION}`")),
            )
        } else {
            Class::Ignored
        };
    }
    match map.get("kind") {
        None => Class::Problem(
            Code::MissingField,
            "",
            "missing required field `kind`".into(),
            Some(format!("help: add `kind:` with one of: {}", kind_list())),
        ),
        Some(Value::String(k)) => match Kind::from_name(k) {
            Some(kind) => Class::Entity(kind),
            None => Class::Problem(
                Code::UnknownKind,
                "/kind",
                format!("`{k}` is not a kind"),
                Some(match Kind::suggest(k) {
                    Some(s) => format!("help: did you mean `{}`?", s.name()),
                    None => format!("help: the kinds are: {}", kind_list()),
                }),
            ),
        },
        Some(_) => Class::Problem(
            Code::InvalidType,
            "/kind",
            "`kind` must be a string".into(),
            Some(format!("help: the kinds are: {}", kind_list())),
        ),
    }
}

fn kind_list() -> String {
    Kind::ALL.iter().map(|k| k.name()).collect::<Vec<_>>().join(", ")
}

/// Fills in the body of a Markdown article from its file text.
pub(super) fn body_of(text: &str, fm: &FrontMatter) -> String {
    text.get(fm.body..).unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_found_and_measured() {
        let fm = front_matter("---\nkind: x\n---\n# Title\n").unwrap().unwrap();
        assert_eq!(fm.yaml, 4..12);
        assert_eq!(fm.body_line, 4);
        assert_eq!(front_matter("# no front matter\n").unwrap(), None);
        assert_eq!(front_matter("---\nrule, not front matter\n").unwrap(), None);
        assert!(front_matter("---\napiVersion: cairn/v1\n").is_err());
    }

    #[test]
    fn text_check_names_the_first_bad_byte() {
        let (span, msg) = text(b"a: 1\nb: caf\xe9\n".to_vec()).unwrap_err();
        assert_eq!((span.line, span.col), (2, 7));
        assert!(msg.contains("0xe9"));
        let (span, msg) = text(b"a: \0".to_vec()).unwrap_err();
        assert_eq!((span.line, span.col), (1, 4));
        assert!(msg.contains("NUL"));
    }
}
