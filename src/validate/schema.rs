//! Schema checking: each cairn document against its kind's JSON Schema, then into typed
//! entities. Every schema error becomes a diagnostic aimed at the exact key or value.
//!
//! The schema decides what is valid; this module decides how to say it: unknown fields point at
//! the key (with the closest known field as a suggestion), missing fields at the mapping that
//! lacks them, and wrong values at the value.

use std::sync::Arc;

use jsonschema::error::ValidationErrorKind;
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::diag::{Code, Diagnostic, Location, Part};
use crate::load::{RawConfig, RawDocument};
use crate::model::*;
use crate::schema::Validators;

/// Documents sorted into typed entities and the ones that failed.
#[derive(Debug, Default)]
pub struct Typed {
    pub entities: Vec<Entity>,
    /// Documents with a valid kind and name whose content failed the schema.
    pub broken: Vec<(EntityRef, Origin)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks every document against its schema, in parallel, and types the valid ones.
pub fn check_documents(documents: Vec<RawDocument>) -> Typed {
    collect(documents.into_par_iter().map(check_document).collect())
}

/// What became of one document: an entity, or its findings (with its kind and name when known).
pub type Checked = Result<Entity, Failure>;

impl crate::load::Relocate for Checked {
    fn relocate(&mut self, file: &Arc<str>) {
        match self {
            Ok(entity) => entity.origin.file = file.clone(),
            Err(failure) => relocate_failure(failure, file),
        }
    }
}

/// [`Checked`] with the entity behind an `Arc`: two trees read through one parse cache then
/// hold each entity of a file they both have once, not twice.
pub type SharedChecked = Result<Arc<Entity>, Failure>;

impl crate::load::Relocate for SharedChecked {
    fn relocate(&mut self, file: &Arc<str>) {
        match self {
            // Only the entities of a file that moved are copied: the other tree keeps its origin.
            Ok(entity) => Arc::make_mut(entity).origin.file = file.clone(),
            Err(failure) => relocate_failure(failure, file),
        }
    }
}

fn relocate_failure((known, diagnostics): &mut Failure, file: &Arc<str>) {
    use crate::load::Relocate;
    if let Some((_, origin)) = known {
        origin.file = file.clone();
    }
    diagnostics.iter_mut().for_each(|d| d.relocate(file));
}

/// [`check_document`], the entity shared.
pub fn check_document_shared(doc: RawDocument) -> SharedChecked {
    check_document(doc).map(Arc::new)
}

/// Sorts checked documents into entities and failures.
pub fn collect(results: Vec<Checked>) -> Typed {
    let entities = Vec::with_capacity(results.iter().filter(|r| r.is_ok()).count());
    let mut typed = Typed { entities, ..Typed::default() };
    for result in results {
        match result {
            Ok(entity) => typed.entities.push(entity),
            Err((known, diagnostics)) => {
                typed.broken.extend(known);
                typed.diagnostics.extend(diagnostics);
            }
        }
    }
    typed
}

/// Checks `cairn.yaml` against its schema and the codes it names.
pub fn check_config(raw: &RawConfig) -> Vec<Diagnostic> {
    let (schema, validator) = Validators::get().config();
    let place = Place { file: raw.file.clone(), doc: 0 };
    let mut out = if validator.is_valid(&raw.value) {
        Vec::new()
    } else {
        schema_diagnostics(schema, validator, &raw.value, &place)
    };
    if let Some(levels) = raw.value.get("diagnostics").and_then(Value::as_object) {
        for name in levels.keys() {
            if Code::from_name(name).is_none() {
                let names: Vec<&str> = Code::ALL.iter().map(|c| c.name()).collect();
                let mut d = Diagnostic::new(
                    Code::InvalidValue,
                    format!("`{name}` is not a diagnostic code"),
                    place.at(&format!("/diagnostics/{}", escape(name)), Part::Key),
                );
                if let Some(close) = closest(name, names.iter().copied()) {
                    d = d.with_note(format!("help: did you mean `{close}`?"));
                }
                out.push(d);
            }
        }
    }
    for (field, globs) in [("include", raw.value.get("include")), ("exclude", raw.value.get("exclude"))] {
        for (i, glob) in globs.and_then(Value::as_array).into_iter().flatten().enumerate() {
            if let Some(text) = glob.as_str() {
                if let Err(e) = globset::Glob::new(text) {
                    out.push(Diagnostic::new(
                        Code::InvalidValue,
                        format!("`{text}` is not a valid glob: {}", e.kind()),
                        place.at(&format!("/{field}/{i}"), Part::Value),
                    ));
                }
            }
        }
    }
    out
}

/// Checks a policy test case (`cairn policy test`) against its schema.
pub fn check_policy_test(file: &Arc<str>, value: &Value) -> Vec<Diagnostic> {
    let (schema, validator) = Validators::get().policy_test();
    if validator.is_valid(value) {
        return Vec::new();
    }
    schema_diagnostics(schema, validator, value, &Place { file: file.clone(), doc: 0 })
}

struct Place {
    file: Arc<str>,
    doc: u32,
}

impl Place {
    fn at(&self, pointer: &str, part: Part) -> Location {
        Location::pointer(self.file.clone(), self.doc, pointer, part)
    }
}

/// A document that failed: its kind and name when known, and its findings.
pub type Failure = (Option<(EntityRef, Origin)>, Vec<Diagnostic>);

/// Checks one document against its kind's schema and types it.
pub fn check_document(doc: RawDocument) -> Checked {
    let (schema, validator) = Validators::get().for_kind(doc.kind);
    let place = Place { file: doc.file.clone(), doc: doc.index };
    let origin = Origin { file: doc.file.clone(), doc: doc.index, line: doc.line };
    let known = doc
        .value
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .filter(|n| is_valid_name(n))
        .map(|n| (EntityRef::new(doc.kind, n), origin.clone()));
    if !validator.is_valid(&doc.value) {
        let diagnostics = schema_diagnostics(schema, validator, &doc.value, &place);
        // Only constraints a cross-file rule reports (with its own code) failed: type the
        // document so that the rule sees it.
        if !diagnostics.is_empty() {
            return Err((known, diagnostics));
        }
    }
    let RawDocument { mut value, kind, body, .. } = doc;
    let metadata: Metadata =
        typed(value["metadata"].take(), "/metadata", &place).map_err(|d| (known.clone(), d))?;
    let spec_value = value.get_mut("spec").map(Value::take).unwrap_or(Value::Object(Default::default()));
    let spec = type_spec(kind, spec_value, body, &place).map_err(|d| (known, d))?;
    Ok(Entity { metadata, spec, origin })
}

fn type_spec(
    kind: Kind,
    value: Value,
    body: Option<(String, u32)>,
    place: &Place,
) -> Result<Spec, Vec<Diagnostic>> {
    Ok(match kind {
        Kind::Team => Spec::Team(typed(value, "/spec", place)?),
        Kind::Service => Spec::Service(typed(value, "/spec", place)?),
        Kind::ConfigurationItem => Spec::ConfigurationItem(typed(value, "/spec", place)?),
        Kind::CatalogItem => Spec::CatalogItem(typed(value, "/spec", place)?),
        Kind::Sla => Spec::Sla(typed(value, "/spec", place)?),
        Kind::ChangeRequest => Spec::ChangeRequest(typed(value, "/spec", place)?),
        Kind::KnowledgeArticle => {
            let (body, body_line) = body.unwrap_or_default();
            Spec::KnowledgeArticle(Article { spec: typed(value, "/spec", place)?, body, body_line })
        }
        Kind::Window => Spec::Window(typed(value, "/spec", place)?),
        Kind::Policy => Spec::Policy(typed(value, "/spec", place)?),
        Kind::Scorecard => Spec::Scorecard(typed(value, "/spec", place)?),
    })
}

/// Deserialises a value the schema accepted. What the schema cannot express (a zero duration, a
/// reference kind) fails here, with the path serde reports.
fn typed<T: DeserializeOwned>(value: Value, base: &str, place: &Place) -> Result<T, Vec<Diagnostic>> {
    super::integral::typed(value).map_err(|e| {
        let pointer = format!("{base}{}", super::integral::pointer(e.path()));
        let code = if pointer.contains("/metadata/name") { Code::InvalidName } else { Code::InvalidValue };
        vec![Diagnostic::new(code, e.into_inner().to_string(), place.at(&pointer, Part::Value))]
    })
}

/// Most schema findings reported for one document; the rest are counted in a note. A document
/// of a million unknown fields would otherwise cost a million findings' memory and output.
const MAX_FINDINGS_PER_DOCUMENT: usize = 1_000;

/// Every schema error of `value`, as diagnostics, deduplicated by place and code (at most
/// [`MAX_FINDINGS_PER_DOCUMENT`]).
fn schema_diagnostics(
    schema: &Value,
    validator: &jsonschema::Validator,
    value: &Value,
    place: &Place,
) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::new();
    // Deduplicated through a set: a document with a million unknown fields must stay linear.
    let mut seen: std::collections::HashSet<(Code, String)> = std::collections::HashSet::new();
    let mut skipped: usize = 0;
    for error in validator.iter_errors(value) {
        let pointer = error.instance_path().as_str().to_owned();
        if let ValidationErrorKind::AdditionalProperties { unexpected } = error.kind() {
            // Described one by one below; past the bound only counted, never built.
            skipped += unexpected.len().saturating_sub(MAX_FINDINGS_PER_DOCUMENT.saturating_sub(out.len()));
        }
        if out.len() >= MAX_FINDINGS_PER_DOCUMENT {
            if !matches!(error.kind(), ValidationErrorKind::AdditionalProperties { .. }) {
                skipped += 1;
            }
            continue;
        }
        let schema_path: Vec<String> = error.schema_path().iter().map(|s| s.to_string()).collect();
        if rule_owned(schema, &schema_path) {
            continue;
        }
        let instance = error.instance();
        let diagnostics =
            describe(schema, &schema_path, &pointer, instance, error.kind(), place, &error.to_string());
        for d in diagnostics.into_iter().take(MAX_FINDINGS_PER_DOCUMENT - out.len()) {
            if seen.insert((d.code, format!("{:?}", d.primary))) {
                out.push(d);
            }
        }
    }
    if skipped > 0 {
        if let Some(last) = out.last_mut() {
            last.notes.push(format!(
                "note: {skipped} more schema findings in this document are not shown (at most \
                 {MAX_FINDINGS_PER_DOCUMENT} per document)"
            ));
        }
    }
    // An error inside an `anyOf` branch is repeated by the branch's parent: keep the deepest.
    out
}

fn describe(
    schema: &Value,
    schema_path: &[String],
    pointer: &str,
    instance: &Value,
    kind: &ValidationErrorKind,
    place: &Place,
    fallback: &str,
) -> Vec<Diagnostic> {
    let field = field_name(pointer);
    let parent_schema = || schema_at(schema, &schema_path[..schema_path.len().saturating_sub(1)]);
    match kind {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let known: Vec<String> = parent_schema()
                .and_then(|s| s.get("properties"))
                .and_then(Value::as_object)
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default();
            unexpected
                .iter()
                .take(MAX_FINDINGS_PER_DOCUMENT)
                .map(|name| {
                    let mut d = Diagnostic::new(
                        Code::UnknownField,
                        format!("unknown field `{name}`{}", within(pointer)),
                        place.at(&format!("{pointer}/{}", escape(name)), Part::Key),
                    );
                    if let Some(close) = closest(name, known.iter().map(String::as_str)) {
                        d = d.with_note(format!("help: did you mean `{close}`?"));
                    } else if !known.is_empty() {
                        d = d.with_note(format!("expected one of: {}", known.join(", ")));
                    }
                    d
                })
                .collect()
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            let location =
                if pointer.is_empty() { place.at("", Part::Value) } else { place.at(pointer, Part::Key) };
            let mut d = Diagnostic::new(
                Code::MissingField,
                format!("missing required field `{name}`{}", within(pointer)),
                location,
            );
            if let Some(description) = parent_schema()
                .and_then(|s| s.pointer(&format!("/properties/{}", escape(name))))
                .and_then(|p| describe_schema(schema, p))
            {
                d = d.with_note(format!("`{name}`: {description}"));
            }
            vec![d]
        }
        ValidationErrorKind::Type { .. } => {
            let expected = parent_schema().and_then(|s| s.get("type")).map(type_names).unwrap_or_default();
            vec![Diagnostic::new(
                Code::InvalidType,
                format!("{field}expected {expected}, found {}", value_kind(instance)),
                place.at(pointer, Part::Value),
            )]
        }
        ValidationErrorKind::Enum { options } => {
            let options: Vec<String> = options.as_array().into_iter().flatten().map(show).collect();
            let mut d = Diagnostic::new(
                Code::InvalidValue,
                format!("{field}{} is not one of: {}", show(instance), options.join(", ")),
                place.at(pointer, Part::Value),
            );
            if let Some(text) = instance.as_str() {
                let plain: Vec<String> = options.iter().map(|o| o.trim_matches('`').to_owned()).collect();
                if let Some(close) = closest(text, plain.iter().map(String::as_str)) {
                    d = d.with_note(format!("help: did you mean `{close}`?"));
                }
            }
            vec![d]
        }
        ValidationErrorKind::Pattern { .. } => {
            vec![pattern_diagnostic(schema, schema_path, pointer, instance, place)]
        }
        ValidationErrorKind::Format { format } => {
            let what = match format.as_str() {
                "date" => "a date written YYYY-MM-DD",
                "date-time" => "an RFC 3339 date-time with an offset, e.g. 2026-11-28T02:00:00+01:00",
                other => other,
            };
            vec![Diagnostic::new(
                Code::InvalidValue,
                format!("{field}{} is not {what}", show(instance)),
                place.at(pointer, Part::Value),
            )]
        }
        ValidationErrorKind::Minimum { limit } | ValidationErrorKind::ExclusiveMinimum { limit } => {
            vec![range(field, instance, &format!("at least {limit}"), place, pointer)]
        }
        ValidationErrorKind::Maximum { limit } | ValidationErrorKind::ExclusiveMaximum { limit } => {
            vec![range(field, instance, &format!("at most {limit}"), place, pointer)]
        }
        ValidationErrorKind::MinItems { limit } => vec![Diagnostic::new(
            Code::InvalidValue,
            format!("{field}needs at least {limit} item{}", if *limit == 1 { "" } else { "s" }),
            place.at(pointer, Part::Value),
        )],
        ValidationErrorKind::MinLength { .. } => vec![Diagnostic::new(
            Code::InvalidValue,
            format!("{field}must not be empty"),
            place.at(pointer, Part::Value),
        )],
        ValidationErrorKind::Constant { expected_value } => vec![Diagnostic::new(
            Code::InvalidValue,
            format!("{field}expected {}, found {}", show(expected_value), show(instance)),
            place.at(pointer, Part::Value),
        )],
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            // `Option<T>` and untagged enums become `anyOf`: when only one branch accepts the
            // value's type, its errors say precisely what is wrong.
            let fitting: Vec<&Vec<jsonschema::ValidationError<'static>>> = context
                .iter()
                .filter(|branch| {
                    !branch.iter().all(|e| {
                        matches!(
                            e.kind(),
                            ValidationErrorKind::Type { .. }
                                | ValidationErrorKind::Constant { .. }
                                | ValidationErrorKind::Enum { .. }
                        ) && e.instance_path().as_str() == pointer
                    })
                })
                .collect();
            if let [branch] = fitting.as_slice() {
                let mut out = Vec::new();
                for e in branch.iter() {
                    let path: Vec<String> = e.schema_path().iter().map(|s| s.to_string()).collect();
                    out.extend(describe(
                        schema,
                        &path,
                        e.instance_path().as_str(),
                        e.instance(),
                        e.kind(),
                        place,
                        &e.to_string(),
                    ));
                }
                if !out.is_empty() {
                    return out;
                }
            }
            let wanted = parent_schema()
                .and_then(|s| describe_schema(schema, s))
                .unwrap_or_else(|| "a value of another form".to_owned());
            vec![Diagnostic::new(
                Code::InvalidValue,
                format!("{field}{} does not fit: expected {wanted}", show(instance)),
                place.at(pointer, Part::Value),
            )]
        }
        _ => vec![Diagnostic::new(
            Code::InvalidValue,
            format!("{field}{fallback}"),
            place.at(pointer, Part::Value),
        )],
    }
}

fn pattern_diagnostic(
    schema: &Value,
    schema_path: &[String],
    pointer: &str,
    instance: &Value,
    place: &Place,
) -> Diagnostic {
    let text = instance.as_str().unwrap_or_default();
    let field = field_name(pointer);
    if pointer == "/metadata/name" {
        return Diagnostic::new(
            Code::InvalidName,
            format!("name `{text}` is not valid: use lower-case letters, digits and inner hyphens, at most 63 characters"),
            place.at(pointer, Part::Value),
        )
        .with_note(suggest_name(text).map_or_else(
            || "help: names look like `checkout`, `pg-main`, `chg-2026-0042`".to_owned(),
            |s| format!("help: try `{s}`"),
        ));
    }
    // The definition the value was checked against tells what it was meant to be.
    let definition = ref_target(schema, schema_path);
    let message = match definition.as_deref() {
        Some("TeamRef") => reference_error::<ToTeam>(text),
        Some("ServiceRef") => reference_error::<ToService>(text),
        Some("CiRef") => reference_error::<ToCi>(text),
        Some("CatalogRef") => reference_error::<ToCatalog>(text),
        Some("SlaRef") => reference_error::<ToSla>(text),
        Some("ChangeRef") => reference_error::<ToChange>(text),
        Some("WindowRef") => reference_error::<ToWindow>(text),
        Some("ServiceOrCiRef") => reference_error::<ToServiceOrCi>(text),
        _ => None,
    };
    if let Some(message) = message {
        return Diagnostic::new(
            Code::InvalidReference,
            format!("invalid reference: {message}"),
            place.at(pointer, Part::Value),
        );
    }
    let what = match definition.as_deref() {
        Some("Duration") => "a duration such as `4h`, `90m`, `2d`, `1h30m` or `PT4H`".to_owned(),
        _ => match pointer.rsplit('/').next() {
            Some("class") => "a class path such as `database/postgres`".to_owned(),
            Some("from" | "to") => "a time written HH:MM".to_owned(),
            _ => schema_at(schema, &schema_path[..schema_path.len().saturating_sub(1)])
                .and_then(|s| s.get("pattern"))
                .and_then(Value::as_str)
                .map(|p| format!("text matching `{p}`"))
                .unwrap_or_else(|| "another form".to_owned()),
        },
    };
    Diagnostic::new(
        Code::InvalidValue,
        format!("{field}`{text}` is not {what}"),
        place.at(pointer, Part::Value),
    )
}

fn reference_error<T: Targets>(text: &str) -> Option<String> {
    Ref::<T>::parse(text).err()
}

fn range(field: String, instance: &Value, bound: &str, place: &Place, pointer: &str) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidValue,
        format!("{field}{} is out of range: must be {bound}", show(instance)),
        place.at(pointer, Part::Value),
    )
}

/// Whether an error at `schema_path` comes from a constraint that a cross-file rule also checks
/// and reports with its own code and words (a subschema marked [`crate::schema::RULE_MARK`]):
/// the schema carries it for editors, the rule for cairn.
fn rule_owned(root: &Value, schema_path: &[String]) -> bool {
    (1..schema_path.len()).any(|end| {
        schema_at(root, &schema_path[..end])
            .and_then(|node| node.get("$comment"))
            .and_then(Value::as_str)
            .is_some_and(|c| c.starts_with(crate::schema::RULE_MARK))
    })
}

/// Follows a schema path (keyword location) through the schema, `$ref`s included.
fn schema_at<'a>(root: &'a Value, path: &[String]) -> Option<&'a Value> {
    let mut node = root;
    for segment in path {
        if segment == "$ref" {
            let target = node.get("$ref")?.as_str()?;
            node = root.pointer(target.strip_prefix('#')?)?;
        } else {
            node = match node {
                Value::Object(map) => map.get(segment.as_str())?,
                Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
    }
    Some(node)
}

/// The name of the last `$defs` definition a schema path went through (the validator writes
/// the path either through `$ref` or straight into `$defs`).
fn ref_target(root: &Value, path: &[String]) -> Option<String> {
    let mut node = root;
    let mut last = None;
    let mut after_defs = false;
    for segment in path {
        if after_defs {
            last = Some(segment.clone());
        }
        after_defs = segment == "$defs";
        if segment == "$ref" {
            let target = node.get("$ref")?.as_str()?;
            last = target.rsplit('/').next().map(str::to_owned);
            node = root.pointer(target.strip_prefix('#')?)?;
        } else {
            node = match node {
                Value::Object(map) => map.get(segment.as_str())?,
                Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
                _ => return last,
            };
        }
    }
    last
}

/// A one-line description of what a schema accepts.
fn describe_schema(root: &Value, node: &Value) -> Option<String> {
    if let Some(description) = node.get("description").and_then(Value::as_str) {
        return Some(description.lines().collect::<Vec<_>>().join(" "));
    }
    let target = node.get("$ref")?.as_str()?;
    let node = root.pointer(target.strip_prefix('#')?)?;
    node.get("description").and_then(Value::as_str).map(|d| d.lines().collect::<Vec<_>>().join(" "))
}

fn within(pointer: &str) -> String {
    if pointer.is_empty() {
        " at the top level".to_owned()
    } else {
        format!(" in `{}`", dotted(pointer))
    }
}

fn field_name(pointer: &str) -> String {
    if pointer.is_empty() {
        String::new()
    } else {
        format!("`{}`: ", dotted(pointer))
    }
}

/// `/spec/objectives/0/target` → `spec.objectives[0].target`.
fn dotted(pointer: &str) -> String {
    let mut out = String::new();
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        if segment.parse::<usize>().is_ok() {
            out.push_str(&format!("[{segment}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&segment);
        }
    }
    out
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn show(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}

fn value_kind(value: &Value) -> String {
    match value {
        Value::Null => "nothing (null)".to_owned(),
        Value::Bool(b) => format!("a boolean (`{b}`)"),
        Value::Number(n) => format!("a number (`{n}`)"),
        Value::String(s) => format!("a string (`{s}`)"),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "a mapping".to_owned(),
    }
}

fn type_names(types: &Value) -> String {
    fn one(t: &str) -> &str {
        match t {
            "string" => "a string",
            "integer" => "a whole number",
            "number" => "a number",
            "boolean" => "a boolean (`true` or `false`)",
            "array" => "a list",
            "object" => "a mapping",
            "null" => "nothing",
            other => other,
        }
    }
    match types {
        Value::String(t) => one(t).to_owned(),
        Value::Array(ts) => {
            let names: Vec<&str> =
                ts.iter().filter_map(Value::as_str).filter(|t| *t != "null").map(one).collect();
            names.join(" or ")
        }
        _ => "another type".to_owned(),
    }
}

/// A valid name close to an invalid one: lower-cased, with other characters turned to `-`.
fn suggest_name(text: &str) -> Option<String> {
    let mut s: String =
        text.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    while s.contains("--") {
        s = s.replace("--", "-");
    }
    let s = s.trim_matches('-').chars().take(63).collect::<String>().trim_end_matches('-').to_owned();
    (is_valid_name(&s) && s != text).then_some(s)
}

/// The candidate closest to `word` within an edit distance of 2 (or a case-insensitive match).
pub fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let distance = if candidate.eq_ignore_ascii_case(word) { 0 } else { edit_distance(word, candidate) };
        let limit = if word.len() <= 3 { 1 } else { 2 };
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 2 {
        return usize::MAX;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut row = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            row[j + 1] = (prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(row[j] + 1);
        }
        prev = row;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_read_as_paths() {
        assert_eq!(dotted("/spec/objectives/0/target"), "spec.objectives[0].target");
        assert_eq!(dotted("/spec/attributes/a~1b"), "spec.attributes.a/b");
    }

    #[test]
    fn suggestions_are_close() {
        assert_eq!(closest("dependOn", ["dependsOn", "owner"].into_iter()), Some("dependsOn"));
        assert_eq!(closest("zzz", ["dependsOn"].into_iter()), None);
        assert_eq!(suggest_name("Checkout_API"), Some("checkout-api".to_owned()));
    }
}
