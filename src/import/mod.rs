//! Getting in: Backstage catalogs and ServiceNow CMDB exports → cairn entities.
//!
//! Pure: bytes in, entities and findings out. Each source has its reader (`backstage`,
//! `servicenow`); reading the files (Location targets, globs) is `crate::load::external`'s, and
//! writing them is the caller's, through a guarded writer. What this module owns besides the
//! readers:
//!
//! - [`normalise_name`]: the one way a foreign name becomes a cairn name;
//! - [`Imported::files`]: one file per entity (`teams/`, `services/`, `cis/`), and on a
//!   re-import the merge with the file the last import wrote there: the fields the import owns
//!   ([`Ownership`]) come from the source, every other field keeps what the file says, so hand
//!   edits to them survive;
//! - [`emit`]: the YAML text of the written files.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::diag::{Code, Diagnostic, Location, Span};
use crate::load::yaml::{self, Limits};

pub mod backstage;
pub mod emit;
pub mod servicenow;

/// The kinds an import writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Team,
    Service,
    Ci,
}

impl Kind {
    /// The `kind:` of the written document.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Team => "Team",
            Kind::Service => "Service",
            Kind::Ci => "ConfigurationItem",
        }
    }

    /// The short kind of references (`team:x`).
    pub fn short(self) -> &'static str {
        match self {
            Kind::Team => "team",
            Kind::Service => "service",
            Kind::Ci => "ci",
        }
    }

    /// The folder of DIR its files go to.
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Team => "teams",
            Kind::Service => "services",
            Kind::Ci => "cis",
        }
    }

    fn from_document(kind: &str) -> Option<Kind> {
        match kind {
            "Team" => Some(Kind::Team),
            "Service" => Some(Kind::Service),
            "ConfigurationItem" => Some(Kind::Ci),
            _ => None,
        }
    }
}

/// One imported entity: its cairn document (`apiVersion`, `kind`, `metadata`, `spec`).
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub kind: Kind,
    pub name: String,
    pub document: Value,
}

impl Entity {
    /// A document with the envelope filled in and empty `metadata.labels`/`spec`.
    pub fn new(kind: Kind, name: &str) -> Entity {
        let mut metadata = Map::new();
        metadata.insert("name".into(), Value::String(name.to_owned()));
        let mut document = Map::new();
        document.insert("apiVersion".into(), "cairn/v1".into());
        document.insert("kind".into(), kind.name().into());
        document.insert("metadata".into(), Value::Object(metadata));
        document.insert("spec".into(), Value::Object(Map::new()));
        Entity { kind, name: name.to_owned(), document: Value::Object(document) }
    }

    pub fn metadata(&mut self) -> &mut Map<String, Value> {
        self.document["metadata"].as_object_mut().expect("built by Entity::new")
    }

    pub fn spec(&mut self) -> &mut Map<String, Value> {
        self.document["spec"].as_object_mut().expect("built by Entity::new")
    }

    /// Sets a metadata field unless `value` is empty.
    pub fn set_meta(&mut self, key: &str, value: Option<&str>) {
        if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) {
            self.metadata().insert(key.into(), v.into());
        }
    }

    pub fn label(&mut self, key: &str, value: &str) {
        let labels = self.metadata().entry("labels").or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(labels) = labels {
            labels.insert(key.into(), value.into());
        }
    }

    /// Appends `reference` to the list at `spec.<field>` unless it is there already.
    pub fn push_ref(&mut self, field: &str, reference: String) {
        let list = self.spec().entry(field).or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(items) = list {
            if !items.iter().any(|v| v.as_str() == Some(&reference)) {
                items.push(Value::String(reference));
            }
        }
    }

    /// The path of its file under DIR.
    pub fn path(&self) -> String {
        format!("{}/{}.yaml", self.kind.folder(), self.name)
    }

    /// Sorts the reference lists (`dependsOn`, ...) and labels, and puts the keys in one
    /// order, so the output does not depend on the order the sources were read in.
    fn tidy(&mut self) {
        for (_, value) in self.spec().iter_mut() {
            if let Value::Array(items) = value {
                if items.iter().all(Value::is_string) {
                    items.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                    items.dedup();
                }
            }
        }
        if let Some(Value::Object(labels)) = self.metadata().get_mut("labels") {
            *labels = sorted(std::mem::take(labels));
        }
        if let Some(Value::Object(attributes)) = self.spec().get_mut("attributes") {
            *attributes = sorted(std::mem::take(attributes));
        }
        let metadata = std::mem::take(self.metadata());
        *self.metadata() = ordered(metadata, METADATA_ORDER);
        let spec = std::mem::take(self.spec());
        *self.spec() = ordered(spec, SPEC_ORDER);
    }
}

const METADATA_ORDER: &[&str] = &["name", "title", "description", "labels", "tags", "links"];
const SPEC_ORDER: &[&str] = &[
    "class",
    "owner",
    "tier",
    "type",
    "lifecycle",
    "environment",
    "status",
    "parent",
    "members",
    "contacts",
    "dependsOn",
    "runsOn",
    "components",
    "redundancy",
    "attributes",
];

fn sorted(map: Map<String, Value>) -> Map<String, Value> {
    let mut entries: Vec<(String, Value)> = map.into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries.into_iter().collect()
}

/// `map` with the keys of `order` first, in that order, then the others as they were.
fn ordered(mut map: Map<String, Value>, order: &[&str]) -> Map<String, Value> {
    let mut out = Map::new();
    for key in order {
        if let Some(v) = map.remove(*key) {
            out.insert((*key).to_owned(), v);
        }
    }
    out.extend(map);
    out
}

/// Which fields of each kind an import owns: on a re-import they are taken from the source
/// (a field the source no longer has is removed); every other field keeps the value of the
/// file already there, so hand edits to it survive. Of `metadata.labels` and
/// `spec.attributes` the import owns only the keys that start with its `prefix`
/// (`backstage/`, `servicenow/`) or are listed in `attributes`.
#[derive(Debug, Clone, Copy)]
pub struct Ownership {
    pub prefix: &'static str,
    pub team: &'static [&'static str],
    pub service: &'static [&'static str],
    pub ci: &'static [&'static str],
    pub attributes: &'static [&'static str],
}

impl Ownership {
    fn fields(&self, kind: Kind) -> &'static [&'static str] {
        match kind {
            Kind::Team => self.team,
            Kind::Service => self.service,
            Kind::Ci => self.ci,
        }
    }
}

/// What an import produced.
pub struct Imported<'a> {
    /// The kind and name of each entity, sorted by kind and name; names are unique per kind.
    pub entities: Vec<(Kind, String)>,
    /// Makes the document of entity `i` (tidied). An import may keep its sources and make each
    /// document only when its file is written, from any thread, so that a large one never
    /// holds all of them at once.
    make: Box<dyn Fn(usize) -> Entity + Send + Sync + 'a>,
    /// Findings about the sources, located in them.
    pub diagnostics: Vec<Diagnostic>,
    /// The text of each source file that has a finding, for printing the finding.
    pub sources: BTreeMap<String, Arc<str>>,
}

impl std::fmt::Debug for Imported<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Imported")
            .field("entities", &self.entities)
            .field("diagnostics", &self.diagnostics)
            .finish_non_exhaustive()
    }
}

impl<'a> Imported<'a> {
    /// An import of `entities` made whole. Sorts them and the findings; reports two entities
    /// of one kind and name as a collision (the first, in source order, is kept).
    pub(crate) fn built(
        mut entities: Vec<(Entity, Origin)>,
        mut diagnostics: Vec<Diagnostic>,
        sources: BTreeMap<String, Arc<str>>,
    ) -> Imported<'static> {
        let mut seen: HashMap<(Kind, String), Origin> = HashMap::new();
        let mut kept = Vec::with_capacity(entities.len());
        for (mut entity, origin) in entities.drain(..) {
            match seen.get(&(entity.kind, entity.name.clone())) {
                Some(first) => diagnostics.push(collision(entity.kind, &entity.name, first, &origin)),
                None => {
                    entity.tidy();
                    seen.insert((entity.kind, entity.name.clone()), origin);
                    kept.push(entity);
                }
            }
        }
        kept.sort_by(|a, b| (a.kind, &a.name).cmp(&(b.kind, &b.name)));
        let names = kept.iter().map(|e| (e.kind, e.name.clone())).collect();
        Imported::lazy(names, Box::new(move |i| kept[i].clone()), diagnostics, sources)
    }

    /// An import whose entity `i` (named `entities[i]`, sorted, unique per kind) is made by
    /// `make`. Sorts the findings.
    pub(crate) fn lazy(
        entities: Vec<(Kind, String)>,
        make: Box<dyn Fn(usize) -> Entity + Send + Sync + 'a>,
        mut diagnostics: Vec<Diagnostic>,
        sources: BTreeMap<String, Arc<str>>,
    ) -> Imported<'a> {
        diagnostics.sort();
        diagnostics.dedup();
        Imported { entities, make, diagnostics, sources }
    }

    /// The document of entity `i`.
    pub fn entity(&self, i: usize) -> Entity {
        (self.make)(i)
    }

    /// The path of entity `i`'s file under DIR.
    pub fn path(&self, i: usize) -> String {
        let (kind, name) = &self.entities[i];
        format!("{}/{name}.yaml", kind.folder())
    }

    /// The text of entity `i`'s file. `previous` gives the text of a file the last import
    /// wrote at that path (`None` when there is none); its fields the import does not own are
    /// kept.
    pub fn text(&self, i: usize, ownership: &Ownership, previous: &dyn Fn(&str) -> Option<String>) -> String {
        let entity = self.entity(i);
        let path = entity.path();
        match previous(&path).and_then(|text| earlier_document(&text, entity.kind)) {
            Some(earlier) => emit::document(&merge(&entity.document, &earlier, ownership, entity.kind), None),
            None => emit::document(&entity.document, None),
        }
    }
}

/// Two entities of one kind and name: the second is not imported.
pub(crate) fn collision(kind: Kind, name: &str, first: &Origin, second: &Origin) -> Diagnostic {
    let message = format!(
        "{} `{}` comes from two sources: {} and {}; only the first is imported",
        kind.name(),
        name,
        first.describe,
        second.describe
    );
    Diagnostic::new(Code::ImportNameCollision, message, second.location.clone())
        .with_label(first.location.clone(), "the first has this name")
        .with_note("rename one of them at the source, or map it to another name")
}

/// Where an entity came from: a location for findings and words for messages.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    pub location: Location,
    pub describe: String,
}

impl Origin {
    pub fn new(file: &Arc<str>, span: Option<Span>, describe: String) -> Origin {
        let location = match span {
            Some(span) => Location::at(file.clone(), span),
            None => Location::file(file.clone()),
        };
        Origin { location, describe }
    }
}

/// A foreign name as a cairn name (`[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?`): lower case, every
/// run of other characters (`_`, `.`, `/`, blanks…) one `-`, no `-` at either end, at most 63
/// characters. Letters with accents lose them when they are Latin-1 letters; other characters
/// become `-`. `None` when nothing is left.
pub fn normalise_name(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        let c = fold(c);
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_matches('-');
    if trimmed.is_empty() {
        return None;
    }
    let mut name = trimmed.to_owned();
    if name.len() > 63 {
        name.truncate(63);
        while name.ends_with('-') {
            name.pop();
        }
    }
    Some(name)
}

fn fold(c: char) -> char {
    match c {
        'à'..='å' | 'À'..='Å' => 'a',
        'ç' | 'Ç' => 'c',
        'è'..='ë' | 'È'..='Ë' => 'e',
        'ì'..='ï' | 'Ì'..='Ï' => 'i',
        'ñ' | 'Ñ' => 'n',
        'ò'..='ö' | 'ø' | 'Ò'..='Ö' | 'Ø' => 'o',
        'ù'..='ü' | 'Ù'..='Ü' => 'u',
        'ý' | 'ÿ' | 'Ý' => 'y',
        'ß' => 's',
        c => c,
    }
}

/// The entity document of a file the last import wrote, when it still is one of `kind`.
fn earlier_document(text: &str, kind: Kind) -> Option<Value> {
    let parsed = yaml::parse(text, &Limits::default());
    let document = parsed.documents.into_iter().next()?.value;
    let same_kind = document.get("kind").and_then(Value::as_str).and_then(Kind::from_document) == Some(kind);
    (same_kind && document.get("metadata").is_some_and(Value::is_object)).then_some(document)
}

/// `new` (from the source) laid over `earlier` (the file): owned fields from `new`, the rest
/// from `earlier`. Key order: `new`'s, then the keys only `earlier` has, in its order.
fn merge(new: &Value, earlier: &Value, ownership: &Ownership, kind: Kind) -> Value {
    let mut out = new.clone();
    for section in ["metadata", "spec"] {
        let (Some(Value::Object(target)), Some(Value::Object(before))) =
            (out.get_mut(section), earlier.get(section))
        else {
            continue;
        };
        for (key, value) in before {
            let pointer = format!("{section}.{key}");
            let owned = pointer == "metadata.name" || ownership.fields(kind).contains(&pointer.as_str());
            let keyed = pointer == "metadata.labels" || pointer == "spec.attributes";
            if keyed {
                let own_key = |k: &str| {
                    k.starts_with(ownership.prefix)
                        || (section == "spec" && ownership.attributes.contains(&k))
                };
                let mut merged = target.get(key).and_then(Value::as_object).cloned().unwrap_or_default();
                if let Value::Object(before_map) = value {
                    for (k, v) in before_map {
                        if !own_key(k) && !merged.contains_key(k) {
                            merged.insert(k.clone(), v.clone());
                        }
                    }
                }
                if !merged.is_empty() {
                    let mut sorted: Vec<(String, Value)> = merged.into_iter().collect();
                    sorted.sort_by(|a, b| a.0.cmp(&b.0));
                    target.insert(key.clone(), Value::Object(sorted.into_iter().collect()));
                }
            } else if !owned {
                target.insert(key.clone(), value.clone());
            }
        }
    }
    // Top-level keys other than the envelope's (a hand-added comment-like field) are kept too.
    if let (Value::Object(target), Value::Object(before)) = (&mut out, earlier) {
        for (key, value) in before {
            if !target.contains_key(key) {
                target.insert(key.clone(), value.clone());
            }
        }
    }
    out
}

/// The span of the node at `pointer` in document `doc` of `text` (the key's span for a
/// mapping entry, so a finding points at the field), or of its nearest ancestor.
pub(crate) fn span_of(text: &str, doc: u32, pointer: &str) -> Option<Span> {
    let (_, located) = yaml::locate_nearest(text, doc, pointer)?;
    Some(located.key.unwrap_or(located.value))
}

/// A finding at `pointer` of document `doc` of `file`.
pub(crate) fn finding(
    code: Code,
    message: String,
    file: &Arc<str>,
    text: &str,
    doc: u32,
    pointer: &str,
) -> Diagnostic {
    let location = match span_of(text, doc, pointer) {
        Some(span) => Location::at(file.clone(), span),
        None => Location::file(file.clone()),
    };
    Diagnostic::new(code, message, location)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalised() {
        assert_eq!(normalise_name("Foo_Bar.baz").as_deref(), Some("foo-bar-baz"));
        assert_eq!(normalise_name("--a__b--").as_deref(), Some("a-b"));
        assert_eq!(normalise_name("Café Crème").as_deref(), Some("cafe-creme"));
        assert_eq!(normalise_name("___"), None);
        assert_eq!(normalise_name(&"a".repeat(70)).map(|n| n.len()), Some(63));
        assert_eq!(
            normalise_name(&format!("{}-b", "a".repeat(62))).as_deref(),
            Some("a".repeat(62).as_str())
        );
    }

    #[test]
    fn a_merge_keeps_fields_the_import_does_not_own() {
        let ownership = Ownership {
            prefix: "src/",
            team: &[],
            service: &["spec.owner", "spec.dependsOn"],
            ci: &[],
            attributes: &[],
        };
        let new = serde_json::json!({"apiVersion": "cairn/v1", "kind": "Service",
            "metadata": {"name": "a", "labels": {"src/ref": "new"}},
            "spec": {"owner": "team:b", "tier": 3}});
        let earlier = serde_json::json!({"apiVersion": "cairn/v1", "kind": "Service",
            "metadata": {"name": "a", "labels": {"src/ref": "old", "src/gone": "x", "mine": "y"}, "title": "Mine"},
            "spec": {"owner": "team:a", "tier": 1, "dependsOn": ["ci:x"], "approvers": ["team:c"]}});
        let merged = merge(&new, &earlier, &ownership, Kind::Service);
        assert_eq!(
            merged,
            serde_json::json!({"apiVersion": "cairn/v1", "kind": "Service",
                "metadata": {"name": "a", "labels": {"mine": "y", "src/ref": "new"}, "title": "Mine"},
                "spec": {"owner": "team:b", "tier": 1, "approvers": ["team:c"]}})
        );
    }
}
