//! From file text to cairn documents: the text check (UTF-8, no NUL), Markdown front matter,
//! and which YAML documents are cairn entities.

use std::ops::Range;

use serde_json::Value;

use super::yaml;
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
    out.nodes = out.nodes.saturating_add(parsed.nodes);
    let mut broken_docs = Vec::new();
    for problem in parsed.problems {
        let code = problem.kind.code();
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
            Class::Problem(code, pointer, part, message, note) => {
                let mut d = Diagnostic::new(
                    code,
                    message,
                    Location::pointer(out.path.clone(), doc.index, pointer, part),
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
    /// Code, JSON pointer, which part of the node, message, help.
    Problem(Code, String, Part, String, Option<String>),
}

/// A key spelled like `apiVersion` once case, `_`, `-`, blanks and byte-order marks are set
/// aside (`apiversion`, `api_version`, `\u{feff}apiVersion`).
fn is_api_version_key(key: &str) -> bool {
    let folded: String = key
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | '\u{feff}' | '\u{200b}') && !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    folded == "apiversion"
}

/// Whether a value mentions cairn anywhere (a string, or a string inside a list or mapping):
/// `[cairn/v1]`, `{version: cairn/v1}`. Bounded: values are at most `maxDepth` deep and this
/// only looks at the top two levels.
fn mentions_cairn(value: &Value) -> bool {
    let text = |v: &Value| v.as_str().is_some_and(|s| s.to_lowercase().contains("cairn"));
    match value {
        Value::Array(items) => items.iter().any(text),
        Value::Object(map) => map.iter().any(|(k, v)| k.to_lowercase().contains("cairn") || text(v)),
        other => text(other),
    }
}

/// The cairn kind a document's `kind` names, allowing for case and short names (`service`,
/// `ci`), when the document is shaped like an entity (`metadata` or `spec` is a mapping).
fn entity_shaped(map: &serde_json::Map<String, Value>) -> Option<Kind> {
    let kind = map.get("kind")?.as_str()?;
    let shaped = ["metadata", "spec"].iter().any(|k| map.get(*k).is_some_and(Value::is_object));
    shaped.then(|| Kind::from_name(kind).or_else(|| Kind::suggest(kind.trim()))).flatten()
}

fn escape_pointer(key: &str) -> String {
    format!("/{}", key.replace('~', "~0").replace('/', "~1"))
}

/// Whether a YAML document is a cairn entity, someone else's YAML, or a cairn entity gone wrong
/// (SPEC §1: a document that looks like an entity but is malformed is an error). Near misses
/// are errors: the key spelled differently (`apiversion`), a value that is not a plain string
/// (`[cairn/v1]`), a wrong spelling of the version (`Cairn/V1`, ` cairn/v1 `), and a cairn kind
/// with `metadata` or `spec` but no `apiVersion` at all. Other tools' YAML (Kubernetes manifests,
/// GitHub workflows, Compose files) names another apiVersion or none and no cairn kind.
fn classify(value: &Value) -> Class {
    let Some(map) = value.as_object() else { return Class::Ignored };
    let help = Some(format!("help: cairn reads `apiVersion: {API_VERSION}`"));
    let Some(api) = map.get("apiVersion") else {
        // A near-miss key, if any, decides; else a cairn kind without any apiVersion.
        if let Some((key, value)) = map.iter().find(|(k, _)| is_api_version_key(k)) {
            if mentions_cairn(value) || entity_shaped(map).is_some() {
                return Class::Problem(
                    Code::UnknownApiVersion,
                    escape_pointer(key),
                    Part::Key,
                    format!("`{}` is not `apiVersion`: the key is spelled differently", key.escape_debug()),
                    Some(format!("help: write the key as `apiVersion: {API_VERSION}`")),
                );
            }
            return Class::Ignored;
        }
        return match entity_shaped(map) {
            Some(kind) => Class::Problem(
                Code::MissingField,
                String::new(),
                Part::Value,
                format!("missing required field `apiVersion` in what looks like a cairn {kind}"),
                help,
            ),
            None => Class::Ignored,
        };
    };
    let api_text = match api {
        Value::String(s) => s.as_str(),
        other if mentions_cairn(other) || entity_shaped(map).is_some() => {
            return Class::Problem(
                Code::UnknownApiVersion,
                "/apiVersion".into(),
                Part::Value,
                format!("apiVersion must be the string `{API_VERSION}`, not {}", json_type(other)),
                help,
            )
        }
        _ => return Class::Ignored,
    };
    if api_text != API_VERSION {
        return if api_text.to_lowercase().contains("cairn") {
            Class::Problem(
                Code::UnknownApiVersion,
                "/apiVersion".into(),
                Part::Value,
                format!("apiVersion `{}` is not `{API_VERSION}`", api_text.escape_debug()),
                help,
            )
        } else {
            Class::Ignored
        };
    }
    match map.get("kind") {
        None => Class::Problem(
            Code::MissingField,
            String::new(),
            Part::Value,
            "missing required field `kind`".into(),
            Some(format!("help: add `kind:` with one of: {}", kind_list())),
        ),
        Some(Value::String(k)) => match Kind::from_name(k) {
            Some(kind) => Class::Entity(kind),
            None => Class::Problem(
                Code::UnknownKind,
                "/kind".into(),
                Part::Value,
                format!("`{k}` is not a kind"),
                Some(match Kind::suggest(k.trim()) {
                    Some(s) => format!("help: did you mean `{}`?", s.name()),
                    None => format!("help: the kinds are: {}", kind_list()),
                }),
            ),
        },
        Some(_) => Class::Problem(
            Code::InvalidType,
            "/kind".into(),
            Part::Value,
            "`kind` must be a string".into(),
            Some(format!("help: the kinds are: {}", kind_list())),
        ),
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
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

    fn class_of(yaml: &str) -> Option<(Code, String)> {
        let parsed = super::yaml::parse(yaml, &yaml::Limits::default());
        match classify(&parsed.documents[0].value) {
            Class::Problem(code, pointer, ..) => Some((code, pointer)),
            Class::Entity(_) | Class::Ignored => None,
        }
    }

    #[test]
    fn near_misses_are_problems_and_other_yaml_is_not() {
        let bad = |yaml: &str, code: Code, pointer: &str| {
            assert_eq!(class_of(yaml), Some((code, pointer.to_owned())), "{yaml}");
        };
        bad("apiversion: cairn/v1\nkind: Team\n", Code::UnknownApiVersion, "/apiversion");
        bad("API-VERSION: cairn/v1\n", Code::UnknownApiVersion, "/API-VERSION");
        bad(
            "\"\u{feff}apiVersion\": x\nkind: Team\nmetadata: {name: a}\n",
            Code::UnknownApiVersion,
            "/\u{feff}apiVersion",
        );
        bad("apiVersion: [cairn/v1]\nkind: Team\n", Code::UnknownApiVersion, "/apiVersion");
        bad("apiVersion: {v: cairn/v1}\n", Code::UnknownApiVersion, "/apiVersion");
        bad("apiVersion: 1\nkind: team\nspec: {}\n", Code::UnknownApiVersion, "/apiVersion");
        bad("apiVersion: Cairn/V1\nkind: Team\n", Code::UnknownApiVersion, "/apiVersion");
        bad("apiVersion: \" cairn/v1 \"\nkind: Team\n", Code::UnknownApiVersion, "/apiVersion");
        bad("kind: service\nmetadata: {name: a}\n", Code::MissingField, "");
        bad("kind: ConfigurationItem\nspec: {class: x}\n", Code::MissingField, "");
        bad("apiVersion: cairn/v1\nkind: \" Team\"\n", Code::UnknownKind, "/kind");
        for other in [
            "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {}\n",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n",
            "name: ci\non: [push]\njobs: {}\n",
            "services: {web: {image: nginx}}\n",
            "kind: Service\n",
            "apiversion: v1\nkind: Pod\nmetadata: {name: x}\n",
            "- kind: Team\n  metadata: {name: a}\n",
        ] {
            assert_eq!(class_of(other), None, "{other}");
        }
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
