//! cairn entities → Backstage descriptor files (`backstage.io/v1alpha1`), so a Backstage
//! instance shows what git holds.
//!
//! Team → Group (and one User per member login, `github.com/user-login` annotated); technical
//! Service → Component; business Service → System; ConfigurationItem → Resource (its class as
//! the type). Dependencies: a Component's or Resource's `dependsOn` names what the service or
//! CI depends on, runs on, has as members or components; a System's parts carry
//! `spec.system` (or, when they are already part of another System, the System lists them in
//! its `dependsOn`). `cairn import backstage` reads all of it back: importing the export gives
//! the same teams, services and dependency edges (the test `export_round_trip` proves it on
//! examples/acme). Files: `catalog-info.yaml` (a Location naming the others), `groups.yaml`,
//! `users.yaml`, `systems.yaml`, `components.yaml`, `resources.yaml`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use crate::import::{emit, normalise_name};
use crate::model::{Entity, Lifecycle, Metadata, ServiceType, Spec};

const API: &str = "backstage.io/v1alpha1";

/// The descriptor files for `entities` (teams, services and CIs; other kinds have no
/// Backstage counterpart and are left out).
pub fn export(entities: &[Entity]) -> BTreeMap<String, String> {
    let mut business: BTreeSet<&str> = BTreeSet::new();
    for e in entities {
        if let Spec::Service(s) = &e.spec {
            if s.service_type == Some(ServiceType::Business) {
                business.insert(e.name());
            }
        }
    }
    // Each part's System: the first business service (by name) that depends on it.
    let mut system_of: BTreeMap<String, String> = BTreeMap::new();
    let mut system_extra: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for e in entities {
        let Spec::Service(s) = &e.spec else { continue };
        if !business.contains(e.name()) {
            continue;
        }
        let targets = s.depends_on.iter().map(|r| &r.target).chain(s.components.iter().map(|r| &r.target));
        for t in targets {
            let key = format!("{}:{}", t.kind.short(), t.name);
            let is_business = t.kind == crate::model::Kind::Service && business.contains(t.name.as_str());
            if !is_business && !system_of.contains_key(&key) {
                system_of.insert(key, e.name().to_owned());
            } else {
                system_extra.entry(e.name()).or_default().push(backstage_ref(&t.kind, &t.name, &business));
            }
        }
    }
    let mut groups = Vec::new();
    let mut users: BTreeMap<String, (Value, BTreeSet<String>)> = BTreeMap::new();
    let mut children: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in entities {
        if let Spec::Team(t) = &e.spec {
            if let Some(p) = &t.parent {
                children.entry(p.target.name.clone()).or_default().push(e.name().to_owned());
            }
        }
    }
    let mut systems = Vec::new();
    let mut components = Vec::new();
    let mut resources = Vec::new();
    for e in entities {
        match &e.spec {
            Spec::Team(t) => {
                let mut spec = Map::new();
                spec.insert("type".into(), "team".into());
                let mut profile = Map::new();
                if let Some(title) = &e.metadata.title {
                    profile.insert("displayName".into(), title.as_str().into());
                }
                if let Some(email) =
                    t.contacts.iter().find(|c| c.contact_type == crate::model::ContactType::Email)
                {
                    profile.insert("email".into(), email.value.as_str().into());
                }
                if !profile.is_empty() {
                    spec.insert("profile".into(), Value::Object(profile));
                }
                if let Some(p) = &t.parent {
                    spec.insert("parent".into(), format!("group:default/{}", p.target.name).into());
                }
                let kids = children.get(e.name()).cloned().unwrap_or_default();
                spec.insert(
                    "children".into(),
                    kids.iter().map(|k| Value::String(format!("group:default/{k}"))).collect(),
                );
                let mut members = Vec::new();
                for m in &t.members {
                    let user = user_name(&m.login);
                    members.push(Value::String(format!("user:default/{user}")));
                    let entry = users.entry(user.clone()).or_insert_with(|| {
                        let mut profile = Map::new();
                        if let Some(n) = &m.name {
                            profile.insert("displayName".into(), n.as_str().into());
                        }
                        if let Some(mail) = &m.email {
                            profile.insert("email".into(), mail.as_str().into());
                        }
                        let mut u = json!({
                            "apiVersion": API,
                            "kind": "User",
                            "metadata": {"name": user, "annotations": {"github.com/user-login": m.login}},
                            "spec": {}
                        });
                        if !profile.is_empty() {
                            u["spec"]["profile"] = Value::Object(profile);
                        }
                        (u, BTreeSet::new())
                    });
                    entry.1.insert(format!("group:default/{}", e.name()));
                }
                spec.insert("members".into(), Value::Array(members));
                groups.push(descriptor("Group", &e.metadata, spec));
            }
            Spec::Service(s) => {
                let mut spec = Map::new();
                let owner = format!("group:default/{}", s.owner.target.name);
                let lifecycle = match s.lifecycle {
                    Lifecycle::Planned => "experimental",
                    Lifecycle::Live => "production",
                    Lifecycle::Deprecated | Lifecycle::Retired => "deprecated",
                };
                let mut depends: Vec<String> = Vec::new();
                for r in s.depends_on.iter().map(|r| &r.target).chain(s.components.iter().map(|r| &r.target))
                {
                    depends.push(backstage_ref(&r.kind, &r.name, &business));
                }
                if business.contains(e.name()) {
                    spec.insert("owner".into(), owner.into());
                    let extra = system_extra.get(e.name()).cloned().unwrap_or_default();
                    if !extra.is_empty() {
                        spec.insert("dependsOn".into(), dedup(extra));
                    }
                    systems.push(descriptor("System", &e.metadata, spec));
                } else {
                    spec.insert("type".into(), "service".into());
                    spec.insert("lifecycle".into(), lifecycle.into());
                    spec.insert("owner".into(), owner.into());
                    if let Some(system) = system_of.get(&format!("service:{}", e.name())) {
                        spec.insert("system".into(), format!("system:default/{system}").into());
                    }
                    if !depends.is_empty() {
                        spec.insert("dependsOn".into(), dedup(depends));
                    }
                    components.push(descriptor("Component", &e.metadata, spec));
                }
            }
            Spec::ConfigurationItem(c) => {
                let mut spec = Map::new();
                spec.insert("type".into(), c.class.as_str().into());
                spec.insert("owner".into(), format!("group:default/{}", c.owner.target.name).into());
                if let Some(system) = system_of.get(&format!("ci:{}", e.name())) {
                    spec.insert("system".into(), format!("system:default/{system}").into());
                }
                let depends: Vec<String> = c
                    .depends_on
                    .iter()
                    .chain(&c.runs_on)
                    .chain(&c.members)
                    .map(|r| format!("resource:default/{}", r.target.name))
                    .collect();
                if !depends.is_empty() {
                    spec.insert("dependsOn".into(), dedup(depends));
                }
                resources.push(descriptor("Resource", &e.metadata, spec));
            }
            _ => {}
        }
    }
    let users: Vec<Value> = users
        .into_values()
        .map(|(mut u, groups)| {
            u["spec"]["memberOf"] = groups.into_iter().map(Value::String).collect();
            u
        })
        .collect();
    let mut files = BTreeMap::new();
    let mut targets = Vec::new();
    for (name, docs) in [
        ("groups.yaml", groups),
        ("users.yaml", users),
        ("systems.yaml", systems),
        ("components.yaml", components),
        ("resources.yaml", resources),
    ] {
        if docs.is_empty() {
            continue;
        }
        targets.push(Value::String(format!("./{name}")));
        files.insert(name.to_owned(), emit::stream(&docs));
    }
    let location = json!({
        "apiVersion": API,
        "kind": "Location",
        "metadata": {"name": "cairn-export", "description": "Written by `cairn export backstage`: the teams, services and configuration items of a cairn repository."},
        "spec": {"type": "file", "targets": targets}
    });
    files.insert("catalog-info.yaml".to_owned(), emit::stream([&location]));
    files
}

/// A reference to the descriptor a cairn entity becomes.
fn backstage_ref(kind: &crate::model::Kind, name: &str, business: &BTreeSet<&str>) -> String {
    match kind {
        crate::model::Kind::Service if business.contains(name) => format!("system:default/{name}"),
        crate::model::Kind::Service => format!("component:default/{name}"),
        _ => format!("resource:default/{name}"),
    }
}

fn dedup(mut refs: Vec<String>) -> Value {
    refs.sort();
    refs.dedup();
    refs.into_iter().map(Value::String).collect()
}

/// A Backstage name for a login (`[a-zA-Z0-9]` joined by `-_.`, at most 63 characters).
fn user_name(login: &str) -> String {
    let ok = |c: char| c.is_ascii_alphanumeric() || "-_.".contains(c);
    let valid = !login.is_empty()
        && login.len() <= 63
        && login.chars().all(ok)
        && login.starts_with(|c: char| c.is_ascii_alphanumeric())
        && login.ends_with(|c: char| c.is_ascii_alphanumeric());
    if valid {
        login.to_owned()
    } else {
        normalise_name(login).unwrap_or_else(|| "user".to_owned())
    }
}

/// Backstage's tag rule: `[a-z0-9:+#]` words joined by `-`, at most 63 characters.
fn valid_tag(tag: &str) -> bool {
    tag.len() <= 63
        && tag.split('-').all(|w| {
            !w.is_empty()
                && w.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ":+#".contains(c))
        })
}

/// Backstage's label rule for keys (`[prefix/]name`) and values.
fn valid_label_part(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.ends_with(|c: char| c.is_ascii_alphanumeric())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

fn descriptor(kind: &str, m: &Metadata, spec: Map<String, Value>) -> Value {
    let mut metadata = Map::new();
    metadata.insert("name".into(), m.name.as_str().into());
    if let Some(t) = &m.title {
        metadata.insert("title".into(), t.as_str().into());
    }
    if let Some(d) = &m.description {
        metadata.insert("description".into(), d.as_str().into());
    }
    let labels: Map<String, Value> = m
        .labels
        .iter()
        .filter(|(k, v)| {
            let name = k.rsplit_once('/').map_or(k.as_str(), |(_, n)| n);
            !k.starts_with("backstage/") && valid_label_part(name) && valid_label_part(v)
        })
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    if !labels.is_empty() {
        metadata.insert("labels".into(), Value::Object(labels));
    }
    let tags: Vec<Value> = m.tags.iter().filter(|t| valid_tag(t)).map(|t| Value::String(t.clone())).collect();
    if !tags.is_empty() {
        metadata.insert("tags".into(), Value::Array(tags));
    }
    let links: Vec<Value> = m
        .links
        .iter()
        .map(|l| {
            let mut out = Map::new();
            out.insert("url".into(), l.url.as_str().into());
            if let Some(t) = &l.title {
                out.insert("title".into(), t.as_str().into());
            }
            if let Some(t) = &l.link_type {
                out.insert("type".into(), t.as_str().into());
            }
            Value::Object(out)
        })
        .collect();
    if !links.is_empty() {
        metadata.insert("links".into(), Value::Array(links));
    }
    json!({"apiVersion": API, "kind": kind, "metadata": metadata, "spec": spec})
}
