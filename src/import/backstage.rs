//! Backstage descriptor files (`backstage.io/v1alpha1`) → cairn teams, services and CIs.
//!
//! [`collect`] reads the sources (files, directories, Locations and their targets, through
//! `crate::load::external`) with cairn's own YAML loader, so every descriptor keeps its file and
//! document index and every finding its line:column. [`map`] is pure: descriptors in, entities
//! and findings out. The mapping is SPEC §8's, written out in docs/import.md.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{json, Value};

use super::{finding, normalise_name, Entity, Imported, Kind, Origin, Ownership};
use crate::diag::{Code, Diagnostic, Location};
use crate::load::external::{self, Target, MAX_IMPORT_FILE};
use crate::load::yaml::{self, Limits};

/// What a Backstage import owns (see [`Ownership`]); `spec.tier` and everything a person adds
/// (approvers, maintenance windows, SLAs…) is theirs.
pub const OWNERSHIP: Ownership = Ownership {
    prefix: "backstage/",
    team: &["metadata.title", "metadata.description", "spec.members", "spec.parent"],
    service: &[
        "metadata.title",
        "metadata.description",
        "metadata.tags",
        "metadata.links",
        "spec.owner",
        "spec.type",
        "spec.lifecycle",
        "spec.dependsOn",
        "spec.components",
    ],
    ci: &[
        "metadata.title",
        "metadata.description",
        "metadata.tags",
        "metadata.links",
        "spec.class",
        "spec.owner",
        "spec.status",
        "spec.dependsOn",
    ],
    attributes: &[],
};

/// Label holding the original Backstage reference of an entity.
pub const REF_LABEL: &str = "backstage/ref";
/// Tier given to imported services (Backstage has none); yours to change, a re-import keeps it.
pub const DEFAULT_TIER: u8 = 3;
/// Team that owns what has no owner cairn can use.
pub const UNOWNED: &str = "unowned";

/// One Backstage entity as read: where it is and its whole document.
#[derive(Debug, Clone)]
pub struct Descriptor {
    pub file: Arc<str>,
    pub text: Arc<str>,
    pub doc: u32,
    pub value: Value,
    /// Lower-case kind, namespace and name: the identity Backstage compares refs on.
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

impl Descriptor {
    fn str(&self, pointer: &str) -> Option<&str> {
        self.value.pointer(pointer).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
    }

    fn key(&self) -> (String, String, String) {
        (self.kind.clone(), self.namespace.clone(), self.name.to_lowercase())
    }

    /// `kind:namespace/name` as written (case kept).
    fn reference(&self) -> String {
        format!("{}:{}/{}", self.kind, self.namespace, self.name)
    }

    fn finding(&self, code: Code, message: String, pointer: &str) -> Diagnostic {
        finding(code, message, &self.file, &self.text, self.doc, pointer)
    }

    fn origin(&self) -> Origin {
        let span = super::span_of(&self.text, self.doc, "/metadata/name");
        Origin::new(&self.file, span, format!("{} in {}", self.reference(), self.file))
    }
}

/// Descriptors read from the sources, and what went wrong reading them.
#[derive(Debug, Default)]
pub struct Collected {
    pub descriptors: Vec<Descriptor>,
    pub diagnostics: Vec<Diagnostic>,
    pub sources: BTreeMap<String, Arc<str>>,
}

/// Reads every source: a file, or a directory (its `*.yaml`/`*.yml` files), following the
/// targets of Location entities (relative to the Location's file, globs included) inside the
/// directory of the source that led to them. Each file is read once. An unreadable source
/// named on the command line is an `Err` (the tool cannot run); everything else is a finding.
pub fn collect(sources: &[PathBuf]) -> Result<Collected, String> {
    let mut out = Collected::default();
    let mut queue: VecDeque<(PathBuf, PathBuf)> = VecDeque::new();
    for source in sources {
        let meta = std::fs::metadata(source).map_err(|e| format!("cannot read {}: {e}", source.display()))?;
        if meta.is_dir() {
            for file in external::yaml_files_under(source) {
                queue.push_back((source.clone(), file));
            }
        } else {
            let root = source.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
            let root = if root.as_os_str().is_empty() { PathBuf::from(".") } else { root };
            external::read_text(source, MAX_IMPORT_FILE)?;
            queue.push_back((root, source.clone()));
        }
    }
    let mut seen = BTreeSet::new();
    while let Some((root, path)) = queue.pop_front() {
        let shown = external::lexical(&path);
        if !seen.insert(shown.clone()) {
            continue;
        }
        let file: Arc<str> = shown.to_string_lossy().replace('\\', "/").into();
        let text: Arc<str> = match external::read_text(&path, MAX_IMPORT_FILE) {
            Ok(text) => text.into(),
            Err(message) => {
                out.diagnostics.push(Diagnostic::new(Code::IoError, message, Location::file(file.clone())));
                continue;
            }
        };
        out.sources.insert(file.to_string(), text.clone());
        let parsed = yaml::parse(&text, &Limits::default());
        for problem in &parsed.problems {
            let code = problem.kind.code();
            out.diagnostics.push(Diagnostic::new(
                code,
                problem.message.clone(),
                Location::at(file.clone(), problem.span),
            ));
        }
        for document in parsed.documents {
            let Some(d) = descriptor(&file, &text, document.index, document.value, &mut out.diagnostics)
            else {
                continue;
            };
            if d.kind == "location" {
                let from = path.parent().map(Path::to_path_buf).unwrap_or_default();
                for (pointer, target) in location_targets(&d) {
                    match external::resolve_target(&root, &from, &target) {
                        Target::Files(files) => {
                            if files.is_empty() {
                                let message = format!("the Location target `{target}` matches no file");
                                out.diagnostics.push(d.finding(
                                    Code::ImportLocationTarget,
                                    message,
                                    &pointer,
                                ));
                            }
                            queue.extend(files.into_iter().map(|f| (root.clone(), f)));
                        }
                        Target::Missing(p) => {
                            let message =
                                format!("the Location target `{target}` does not exist ({})", p.display());
                            out.diagnostics.push(d.finding(Code::ImportLocationTarget, message, &pointer));
                        }
                        Target::Outside(p) => {
                            let message = format!(
                                "the Location target `{target}` ({}) is outside {} or behind a symbolic link: not read",
                                p.display(),
                                root.display()
                            );
                            out.diagnostics.push(d.finding(Code::ImportLocationTarget, message, &pointer));
                        }
                        Target::Url => {
                            let message = format!(
                                "the Location target `{target}` is a URL: cairn does not fetch it; download the file and import it"
                            );
                            out.diagnostics.push(d.finding(Code::ImportLocationTarget, message, &pointer));
                        }
                    }
                }
            }
            out.descriptors.push(d);
        }
    }
    Ok(out)
}

/// A document as a descriptor, when it is one (`apiVersion: backstage.io/…`); other YAML
/// (CI files, Kubernetes manifests, templates of other tools) is not Backstage's catalog.
fn descriptor(
    file: &Arc<str>,
    text: &Arc<str>,
    doc: u32,
    value: Value,
    out: &mut Vec<Diagnostic>,
) -> Option<Descriptor> {
    let api = value.get("apiVersion")?.as_str()?;
    if !api.starts_with("backstage.io/") && !api.contains(".backstage.io/") {
        return None;
    }
    let at = |code, message: String, pointer: &str| finding(code, message, file, text, doc, pointer);
    let Some(kind) = value.get("kind").and_then(Value::as_str) else {
        out.push(at(
            Code::ImportUnmapped,
            "a Backstage descriptor without a `kind`: not imported".into(),
            "",
        ));
        return None;
    };
    let Some(name) = value.pointer("/metadata/name").and_then(Value::as_str).filter(|n| !n.trim().is_empty())
    else {
        out.push(at(
            Code::ImportUnmapped,
            format!("a {kind} without `metadata.name`: not imported"),
            "/metadata",
        ));
        return None;
    };
    let namespace = value.pointer("/metadata/namespace").and_then(Value::as_str).unwrap_or("default");
    Some(Descriptor {
        file: file.clone(),
        text: text.clone(),
        doc,
        kind: kind.to_lowercase(),
        namespace: namespace.to_lowercase(),
        name: name.trim().to_owned(),
        value,
    })
}

/// `spec.target` and `spec.targets` of a Location, with their pointers.
fn location_targets(d: &Descriptor) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(t) = d.str("/spec/target") {
        out.push(("/spec/target".to_owned(), t.to_owned()));
    }
    if let Some(items) = d.value.pointer("/spec/targets").and_then(Value::as_array) {
        for (i, t) in items.iter().enumerate() {
            if let Some(t) = t.as_str() {
                out.push((format!("/spec/targets/{i}"), t.to_owned()));
            }
        }
    }
    out
}

/// An entity reference `[kind:][namespace/]name`, lower-cased for comparison.
fn parse_ref(
    text: &str,
    default_kind: Option<&str>,
    default_namespace: &str,
) -> Option<(String, String, String)> {
    let text = text.trim();
    let (kind, rest) = match text.split_once(':') {
        Some((k, r)) if !k.contains('/') => (Some(k), r),
        _ => (None, text),
    };
    let kind = kind.or(default_kind)?.to_lowercase();
    let (namespace, name) = match rest.split_once('/') {
        Some((ns, n)) => (ns.to_lowercase(), n),
        None => (default_namespace.to_owned(), rest),
    };
    if name.is_empty() || kind.is_empty() {
        return None;
    }
    Some((kind, namespace, name.to_lowercase()))
}

/// The cairn name of a Backstage entity: its name, after its namespace unless `default`.
fn cairn_name(namespace: &str, name: &str) -> Option<String> {
    if namespace == "default" {
        normalise_name(name)
    } else {
        normalise_name(&format!("{namespace}-{name}"))
    }
}

/// Which cairn kind a Backstage kind becomes.
fn target_kind(kind: &str) -> Option<Kind> {
    match kind {
        "group" => Some(Kind::Team),
        "component" | "system" => Some(Kind::Service),
        "api" | "resource" => Some(Kind::Ci),
        _ => None,
    }
}

struct Mapper<'a> {
    descriptors: &'a [Descriptor],
    index: HashMap<(String, String, String), usize>,
    /// cairn name of each descriptor that becomes an entity (or a user-owned team).
    names: Vec<Option<String>>,
    /// Entities in progress, by descriptor index.
    entities: BTreeMap<usize, Entity>,
    /// One-person teams made for users who own something: user index → team.
    user_teams: BTreeMap<usize, Entity>,
    diagnostics: Vec<Diagnostic>,
    unowned: bool,
}

/// Maps descriptors to cairn entities (SPEC §8).
pub fn map(collected: Collected) -> Imported<'static> {
    let Collected { descriptors, diagnostics, sources } = collected;
    let mut index = HashMap::new();
    for (i, d) in descriptors.iter().enumerate() {
        index.entry(d.key()).or_insert(i);
    }
    let mut m = Mapper {
        descriptors: &descriptors,
        index,
        names: Vec::new(),
        entities: BTreeMap::new(),
        user_teams: BTreeMap::new(),
        diagnostics,
        unowned: false,
    };
    m.names = descriptors
        .iter()
        .map(|d| match d.kind.as_str() {
            "group" | "component" | "system" | "api" | "resource" | "user" => {
                cairn_name(&d.namespace, &d.name)
            }
            _ => None,
        })
        .collect();
    for (i, d) in descriptors.iter().enumerate() {
        match d.kind.as_str() {
            "location" | "user" | "domain" => continue,
            _ => {}
        }
        let Some(kind) = target_kind(&d.kind) else {
            let kind = d.value.get("kind").and_then(Value::as_str).unwrap_or_default();
            let message = format!(
                "Backstage kind `{kind}` has no cairn counterpart: {} is not imported",
                d.reference()
            );
            m.diagnostics.push(d.finding(Code::ImportUnmapped, message, "/kind"));
            continue;
        };
        let Some(name) = m.names[i].clone() else {
            let message =
                format!("`{}` has no letter or digit cairn can use as a name: not imported", d.name);
            m.diagnostics.push(d.finding(Code::ImportUnmapped, message, "/metadata/name"));
            continue;
        };
        let mut e = Entity::new(kind, &name);
        common_metadata(&mut e, d);
        m.entities.insert(i, e);
    }
    let indices: Vec<usize> = m.entities.keys().copied().collect();
    for i in indices {
        match m.descriptors[i].kind.as_str() {
            "group" => m.group(i),
            "component" => m.component(i),
            "system" => m.system(i),
            "api" => m.api(i),
            "resource" => m.resource(i),
            _ => {}
        }
    }
    m.memberships();
    m.domains();
    let mut entities: Vec<(Entity, Origin)> = Vec::new();
    for (i, e) in std::mem::take(&mut m.entities) {
        entities.push((e, descriptors[i].origin()));
    }
    for (i, e) in std::mem::take(&mut m.user_teams) {
        entities.push((e, descriptors[i].origin()));
    }
    if m.unowned {
        let mut team = Entity::new(Kind::Team, UNOWNED);
        team.set_meta("title", Some("Unowned"));
        team.set_meta(
            "description",
            Some("Made by `cairn import backstage` for entities whose owner could not be imported. Give them real owners."),
        );
        team.spec().insert("members".into(), json!([]));
        team.label("backstage/placeholder", "true");
        let origin = Origin::new(&Arc::from("(import)"), None, "the placeholder for missing owners".into());
        entities.push((team, origin));
    }
    Imported::built(entities, m.diagnostics, sources)
}

/// title, description, labels, annotations, tags and links, and the original reference.
fn common_metadata(e: &mut Entity, d: &Descriptor) {
    e.set_meta("title", d.str("/metadata/title"));
    e.set_meta("description", d.str("/metadata/description"));
    if let Some(tags) = d.value.pointer("/metadata/tags").and_then(Value::as_array) {
        let tags: Vec<Value> =
            tags.iter().filter_map(Value::as_str).map(|t| Value::String(t.to_owned())).collect();
        if !tags.is_empty() {
            e.metadata().insert("tags".into(), Value::Array(tags));
        }
    }
    let mut links = Vec::new();
    if let Some(items) = d.value.pointer("/metadata/links").and_then(Value::as_array) {
        for link in items {
            let Some(url) = link.get("url").and_then(Value::as_str).filter(|u| !u.is_empty()) else {
                continue;
            };
            let mut out = serde_json::Map::new();
            out.insert("url".into(), url.into());
            if let Some(t) = link.get("title").and_then(Value::as_str) {
                out.insert("title".into(), t.into());
            }
            if let Some(t) = link.get("type").and_then(Value::as_str) {
                out.insert("type".into(), t.into());
            }
            links.push(Value::Object(out));
        }
    }
    let annotation =
        |key: &str| d.value.pointer("/metadata/annotations").and_then(|a| a.get(key)).and_then(Value::as_str);
    if let Some(source) = annotation("backstage.io/source-location") {
        let url = source.strip_prefix("url:").unwrap_or(source);
        if !links.iter().any(|l| l["url"] == url) {
            links.push(json!({"url": url, "title": "Source", "type": "repository"}));
        }
    }
    if !links.is_empty() {
        e.metadata().insert("links".into(), Value::Array(links));
    }
    if let Some(labels) = d.value.pointer("/metadata/labels").and_then(Value::as_object) {
        for (k, v) in labels {
            if let Some(v) = v.as_str() {
                e.label(k, v);
            }
        }
    }
    if let Some(annotations) = d.value.pointer("/metadata/annotations").and_then(Value::as_object) {
        for (k, v) in annotations {
            // Where Backstage keeps its own bookkeeping, or what became a link or a login.
            let skip = k.starts_with("backstage.io/managed-by")
                || matches!(
                    k.as_str(),
                    "backstage.io/source-location"
                        | "backstage.io/edit-url"
                        | "backstage.io/view-url"
                        | "github.com/user-login"
                );
            if let (false, Some(v)) = (skip, v.as_str()) {
                e.label(k, v);
            }
        }
    }
    e.label(REF_LABEL, &d.reference());
    if let Some(t) = d.str("/spec/type") {
        e.label("backstage/type", t);
    }
}

impl Mapper<'_> {
    fn d(&self, i: usize) -> &Descriptor {
        &self.descriptors[i]
    }

    /// Resolves the reference at `pointer` of descriptor `i`: the descriptor it names, or a
    /// finding (a reference to nothing, or without the kind Backstage requires there).
    fn resolve(&mut self, i: usize, text: &str, default_kind: Option<&str>, pointer: &str) -> Option<usize> {
        let d = self.d(i);
        let Some(key) = parse_ref(text, default_kind, &d.namespace) else {
            let message = format!("`{text}` is not a reference Backstage can read here (write `kind:name`)");
            let f = d.finding(Code::ImportUnresolved, message, pointer);
            self.diagnostics.push(f);
            return None;
        };
        match self.index.get(&key) {
            Some(&j) => Some(j),
            None => {
                let message =
                    format!("`{text}` names no entity in the imported files ({}:{}/{})", key.0, key.1, key.2);
                let f = self.d(i).finding(Code::ImportUnresolved, message, pointer);
                self.diagnostics.push(f);
                None
            }
        }
    }

    /// The cairn reference (`service:x`, `ci:y`, `team:z`) of descriptor `j`, if it became one.
    fn cairn_ref(&self, j: usize) -> Option<String> {
        let kind = target_kind(&self.d(j).kind)?;
        self.entities.get(&j).map(|e| format!("{}:{}", kind.short(), e.name))
    }

    fn entity(&mut self, i: usize) -> &mut Entity {
        self.entities.get_mut(&i).expect("mapped entity")
    }

    /// `spec.owner`: a Group → its team; a User → a one-person team made for them; nothing
    /// usable → the `unowned` team, with a finding.
    fn owner(&mut self, i: usize) {
        let Some(text) = self.d(i).str("/spec/owner").map(str::to_owned) else {
            let message = format!("{} has no owner: it is given to team `{UNOWNED}`", self.d(i).reference());
            let f = self.d(i).finding(Code::ImportUnmapped, message, "/spec");
            self.diagnostics.push(f);
            self.set_owner(i, UNOWNED.to_owned());
            return;
        };
        let owner = match self.resolve(i, &text, Some("group"), "/spec/owner") {
            Some(j) if self.d(j).kind == "group" => self.entities.get(&j).map(|e| e.name.clone()),
            Some(j) if self.d(j).kind == "user" => self.user_team(j),
            Some(j) => {
                let message = format!("the owner `{text}` is a {}, not a Group or User", self.d(j).kind);
                let f = self.d(i).finding(Code::ImportUnmapped, message, "/spec/owner");
                self.diagnostics.push(f);
                None
            }
            None => None,
        };
        let owner = owner.unwrap_or_else(|| UNOWNED.to_owned());
        self.set_owner(i, owner);
    }

    fn set_owner(&mut self, i: usize, team: String) {
        if team == UNOWNED {
            self.unowned = true;
        }
        self.entity(i).spec().insert("owner".into(), Value::String(format!("team:{team}")));
    }

    /// A team of one for a User who owns something (cairn's owners are teams).
    fn user_team(&mut self, j: usize) -> Option<String> {
        let name = self.names[j].clone()?;
        if !self.user_teams.contains_key(&j) {
            let d = self.d(j);
            let mut team = Entity::new(Kind::Team, &name);
            team.set_meta("title", d.str("/spec/profile/displayName").or(d.str("/metadata/title")));
            team.set_meta(
                "description",
                Some(&format!("The Backstage user {} (an owner of imported entities).", d.reference())),
            );
            let member = member(d);
            team.spec().insert("members".into(), json!([member]));
            team.label(REF_LABEL, &d.reference());
            self.user_teams.insert(j, team);
        }
        Some(name)
    }

    fn group(&mut self, i: usize) {
        let d = self.d(i);
        let display = d.str("/spec/profile/displayName").map(str::to_owned);
        let email = d.str("/spec/profile/email").map(str::to_owned);
        let parent = d.str("/spec/parent").map(str::to_owned);
        if d.str("/metadata/title").is_none() {
            self.entity(i).set_meta("title", display.as_deref());
        }
        if let Some(email) = email {
            self.entity(i).spec().insert("contacts".into(), json!([{"type": "email", "value": email}]));
        }
        self.entity(i).spec().insert("members".into(), json!([]));
        if let Some(parent) = parent {
            if let Some(j) = self.resolve(i, &parent, Some("group"), "/spec/parent") {
                if let Some(r) = self.cairn_ref(j).filter(|_| self.d(j).kind == "group") {
                    self.entity(i).spec().insert("parent".into(), Value::String(r));
                }
            }
        }
    }

    /// Members from Groups' `spec.members` and Users' `spec.memberOf`; parents from Groups'
    /// `spec.children` where the child names none.
    fn memberships(&mut self) {
        let mut members: BTreeMap<usize, BTreeMap<String, Value>> = BTreeMap::new();
        let mut parents: Vec<(usize, String)> = Vec::new();
        for i in 0..self.descriptors.len() {
            let kind = self.d(i).kind.clone();
            if kind == "group" && self.entities.contains_key(&i) {
                for (n, text) in strings(&self.d(i).value, "/spec/members") {
                    if let Some(j) = self.resolve(i, &text, Some("user"), &format!("/spec/members/{n}")) {
                        let m = member(self.d(j));
                        members
                            .entry(i)
                            .or_default()
                            .insert(m["login"].as_str().unwrap_or_default().to_owned(), m);
                    }
                }
                for (n, text) in strings(&self.d(i).value, "/spec/children") {
                    if let Some(j) = self.resolve(i, &text, Some("group"), &format!("/spec/children/{n}")) {
                        if let Some(r) = self.cairn_ref(i) {
                            parents.push((j, r));
                        }
                    }
                }
            }
            if kind == "user" {
                for (n, text) in strings(&self.d(i).value, "/spec/memberOf") {
                    if let Some(j) = self.resolve(i, &text, Some("group"), &format!("/spec/memberOf/{n}")) {
                        if self.entities.contains_key(&j) && self.d(j).kind == "group" {
                            let m = member(self.d(i));
                            members
                                .entry(j)
                                .or_default()
                                .insert(m["login"].as_str().unwrap_or_default().to_owned(), m);
                        }
                    }
                }
            }
        }
        for (i, list) in members {
            let list: Vec<Value> = list.into_values().collect();
            self.entity(i).spec().insert("members".into(), Value::Array(list));
        }
        for (j, parent) in parents {
            if let Some(e) = self.entities.get_mut(&j) {
                e.spec().entry("parent").or_insert(Value::String(parent));
            }
        }
    }

    fn lifecycle(&mut self, i: usize) -> Option<&'static str> {
        let text = self.d(i).str("/spec/lifecycle")?.to_owned();
        let mapped = match text.to_lowercase().as_str() {
            "production" => "live",
            "experimental" => "planned",
            "deprecated" => "deprecated",
            _ => {
                let message = format!(
                    "lifecycle `{text}` is not one of Backstage's (production, experimental, deprecated): imported as `live`"
                );
                let f = self.d(i).finding(Code::ImportUnmapped, message, "/spec/lifecycle");
                self.diagnostics.push(f);
                "live"
            }
        };
        let original = text.clone();
        self.entity(i).label("backstage/lifecycle", &original);
        Some(mapped)
    }

    fn component(&mut self, i: usize) {
        self.owner(i);
        let lifecycle = self.lifecycle(i);
        {
            let spec = self.entity(i).spec();
            spec.insert("tier".into(), json!(DEFAULT_TIER));
            spec.insert("type".into(), "technical".into());
            if let Some(l) = lifecycle {
                spec.insert("lifecycle".into(), l.into());
            }
        }
        self.depends_on(i);
        for (n, text) in strings(&self.d(i).value, "/spec/consumesApis") {
            if let Some(r) = self
                .resolve(i, &text, Some("api"), &format!("/spec/consumesApis/{n}"))
                .and_then(|j| self.cairn_ref(j))
            {
                self.entity(i).push_ref("dependsOn", r);
            }
        }
        for (n, text) in strings(&self.d(i).value, "/spec/providesApis") {
            if let Some(r) = self
                .resolve(i, &text, Some("api"), &format!("/spec/providesApis/{n}"))
                .and_then(|j| self.cairn_ref(j))
            {
                self.entity(i).push_ref("components", r);
            }
        }
        if let Some(text) = self.d(i).str("/spec/subcomponentOf").map(str::to_owned) {
            if let Some(j) = self.resolve(i, &text, Some("component"), "/spec/subcomponentOf") {
                self.add_dependency(j, i, "/spec/subcomponentOf");
            }
        }
        self.part_of_system(i);
    }

    fn system(&mut self, i: usize) {
        self.owner(i);
        let spec = self.entity(i).spec();
        spec.insert("tier".into(), json!(DEFAULT_TIER));
        spec.insert("type".into(), "business".into());
        self.depends_on(i);
    }

    fn api(&mut self, i: usize) {
        self.owner(i);
        let class = match self.d(i).str("/spec/type").and_then(normalise_name) {
            Some(t) => format!("api/{t}"),
            None => "api".to_owned(),
        };
        let status = match self.lifecycle(i) {
            Some("planned") => "planned",
            _ => "operational",
        };
        let spec = self.entity(i).spec();
        spec.insert("class".into(), class.into());
        spec.insert("status".into(), status.into());
        self.depends_on(i);
        self.part_of_system(i);
    }

    fn resource(&mut self, i: usize) {
        self.owner(i);
        let class = self.d(i).str("/spec/type").and_then(class_name).unwrap_or_else(|| "resource".to_owned());
        self.entity(i).spec().insert("class".into(), class.into());
        self.depends_on(i);
        self.part_of_system(i);
    }

    /// `spec.dependsOn` and `spec.dependencyOf` (each ref must carry its kind).
    fn depends_on(&mut self, i: usize) {
        for (n, text) in strings(&self.d(i).value, "/spec/dependsOn") {
            if let Some(j) = self.resolve(i, &text, None, &format!("/spec/dependsOn/{n}")) {
                self.add_dependency(i, j, &format!("/spec/dependsOn/{n}"));
            }
        }
        for (n, text) in strings(&self.d(i).value, "/spec/dependencyOf") {
            if let Some(j) = self.resolve(i, &text, None, &format!("/spec/dependencyOf/{n}")) {
                self.add_dependency(j, i, &format!("/spec/dependencyOf/{n}"));
            }
        }
    }

    /// `from` depends on `to` (descriptor indices); the finding, at `pointer` of whichever
    /// wrote it, when cairn cannot say so.
    fn add_dependency(&mut self, from: usize, to: usize, pointer: &str) {
        let (Some(from_kind), Some(to_ref)) = (target_kind(&self.d(from).kind), self.cairn_ref(to)) else {
            let message = format!("a dependency on {} cannot be imported: only Components, Systems, APIs and Resources become services and CIs", self.d(to).reference());
            self.diagnostics.push(self.d(from.min(to)).finding(Code::ImportUnmapped, message, pointer));
            return;
        };
        if !self.entities.contains_key(&from) {
            return;
        }
        if from_kind == Kind::Ci && !to_ref.starts_with("ci:") {
            let message = format!(
                "{} (a configuration item in cairn) cannot depend on {} (a service): this dependency is not imported",
                self.d(from).reference(),
                self.d(to).reference()
            );
            let at = if self.d(from).file == self.d(to).file && pointer.starts_with("/spec/dependencyOf") {
                to
            } else {
                from
            };
            self.diagnostics.push(self.d(at).finding(Code::ImportUnmapped, message, pointer));
            return;
        }
        if from == to {
            return;
        }
        self.entity(from).push_ref("dependsOn", to_ref);
    }

    /// `spec.system`: the System (a business service) depends on its parts.
    fn part_of_system(&mut self, i: usize) {
        if let Some(text) = self.d(i).str("/spec/system").map(str::to_owned) {
            if let Some(j) = self.resolve(i, &text, Some("system"), "/spec/system") {
                if self.d(j).kind == "system" {
                    self.add_dependency(j, i, "/spec/system");
                }
            }
        }
    }

    /// Domains become a `backstage/domain` label on their Systems.
    fn domains(&mut self) {
        for i in 0..self.descriptors.len() {
            if self.d(i).kind != "system" || !self.entities.contains_key(&i) {
                continue;
            }
            if let Some(text) = self.d(i).str("/spec/domain").map(str::to_owned) {
                let name = match self.resolve(i, &text, Some("domain"), "/spec/domain") {
                    Some(j) => self.d(j).name.clone(),
                    None => text.rsplit(['/', ':']).next().unwrap_or(&text).to_owned(),
                };
                self.entity(i).label("backstage/domain", &name);
            }
        }
    }
}

/// A Resource's type as a cairn class: each `/`-separated part normalised (`k8s/cluster`
/// stays, `Object Storage` becomes `object-storage`).
fn class_name(kind: &str) -> Option<String> {
    let parts: Option<Vec<String>> =
        kind.split('/').filter(|p| !p.trim().is_empty()).map(normalise_name).collect();
    parts.filter(|p| !p.is_empty()).map(|p| p.join("/"))
}

/// A team member from a User: login from `github.com/user-login`, else the User's name.
fn member(user: &Descriptor) -> Value {
    let login = user
        .value
        .pointer("/metadata/annotations/github.com~1user-login")
        .and_then(Value::as_str)
        .filter(|l| !l.trim().is_empty())
        .unwrap_or(&user.name);
    let mut m = serde_json::Map::new();
    m.insert("login".into(), login.trim().into());
    if let Some(name) = user.str("/spec/profile/displayName").or(user.str("/metadata/title")) {
        m.insert("name".into(), name.into());
    }
    if let Some(email) = user.str("/spec/profile/email") {
        m.insert("email".into(), email.into());
    }
    Value::Object(m)
}

/// The strings of the list at `pointer`, with their indices.
fn strings(value: &Value, pointer: &str) -> Vec<(usize, String)> {
    match value.pointer(pointer) {
        Some(Value::Array(items)) => {
            items.iter().enumerate().filter_map(|(n, v)| v.as_str().map(|s| (n, s.to_owned()))).collect()
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_parse_with_defaults() {
        assert_eq!(
            parse_ref("team-a", Some("group"), "default"),
            Some(("group".into(), "default".into(), "team-a".into()))
        );
        assert_eq!(
            parse_ref("User:Ops/Jane", Some("group"), "default"),
            Some(("user".into(), "ops".into(), "jane".into()))
        );
        assert_eq!(parse_ref("x", None, "default"), None);
        assert_eq!(
            parse_ref("resource:db", None, "prod"),
            Some(("resource".into(), "prod".into(), "db".into()))
        );
    }

    #[test]
    fn namespaces_become_part_of_the_name() {
        assert_eq!(cairn_name("default", "Artist_Lookup").as_deref(), Some("artist-lookup"));
        assert_eq!(cairn_name("ops", "db.main").as_deref(), Some("ops-db-main"));
    }
}
