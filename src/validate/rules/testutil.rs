//! Helpers for the rules' unit tests: entities built from JSON specs, and a run of every rule.

use std::sync::Arc;

use chrono::NaiveDate;
use serde_json::{json, Value};

use super::{check, RuleInput};
use crate::diag::{Anchor, Code, Diagnostic, Part};
use crate::model::{Config, Entity, EntityRef, Kind, Origin};

/// The day the tests run on.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 15).unwrap_or_default()
}

pub fn origin(file: &str, doc: u32) -> Origin {
    Origin { file: Arc::from(file), doc, line: 1 }
}

/// An entity of `kind` (long name) named `name`, written in `file` as document `doc`.
pub fn entity(kind: &str, name: &str, file: &str, doc: u32, spec: Value) -> Entity {
    crate::graph::testutil::entity_in(kind, json!({ "name": name }), spec, file, doc)
}

pub fn team(name: &str, file: &str, doc: u32) -> Entity {
    entity("Team", name, file, doc, json!({}))
}

pub fn service(name: &str, spec: Value) -> Entity {
    let mut full = json!({ "owner": "sre", "tier": 3 });
    merge(&mut full, spec);
    entity("Service", name, &format!("services/{name}.yaml"), 0, full)
}

pub fn ci(name: &str, spec: Value) -> Entity {
    let mut full = json!({ "owner": "sre", "class": "server/linux" });
    merge(&mut full, spec);
    entity("ConfigurationItem", name, &format!("cis/{name}.yaml"), 0, full)
}

pub fn policy(file: &str, spec: Value) -> Entity {
    entity("Policy", "change-policy", file, 0, spec)
}

fn merge(base: &mut Value, extra: Value) {
    if let (Some(base), Value::Object(extra)) = (base.as_object_mut(), extra) {
        base.extend(extra);
    }
}

/// Runs every rule over `entities` (plus a team `sre` and a policy in `policy.yaml`) with the
/// default configuration.
pub fn run(entities: Vec<Entity>) -> Vec<Diagnostic> {
    run_with(entities, &[], &Config::default())
}

pub fn run_with(
    mut entities: Vec<Entity>,
    broken: &[(EntityRef, Origin)],
    config: &Config,
) -> Vec<Diagnostic> {
    if !entities.iter().any(|e| e.kind() == Kind::Team && e.name() == "sre") {
        entities.push(team("sre", "teams/sre.yaml", 0));
    }
    if !entities.iter().any(|e| e.kind() == Kind::Policy) {
        entities.push(policy("policy.yaml", json!({})));
    }
    run_bare(entities, broken, config)
}

/// Runs every rule over exactly these documents.
pub fn run_bare(
    mut entities: Vec<Entity>,
    broken: &[(EntityRef, Origin)],
    config: &Config,
) -> Vec<Diagnostic> {
    entities.sort_by(|a, b| (a.kind(), a.name(), &a.origin).cmp(&(b.kind(), b.name(), &b.origin)));
    let input = RuleInput { entities: &entities, broken, config, today: today() };
    let mut out = check(&input);
    out.sort();
    out
}

/// The findings of one code.
pub fn only(diagnostics: &[Diagnostic], code: Code) -> Vec<Diagnostic> {
    diagnostics.iter().filter(|d| d.code == code).cloned().collect()
}

/// `file#pointer` of a finding's primary location, with `!key` when it points at a key.
pub fn place(d: &Diagnostic) -> String {
    match &d.primary.anchor {
        Some(Anchor { pointer, part: Part::Key, .. }) => format!("{}#{}!key", d.primary.file, pointer),
        Some(Anchor { pointer, .. }) => format!("{}#{}", d.primary.file, pointer),
        None => d.primary.file.to_string(),
    }
}

/// The places of the findings of one code, sorted.
pub fn places(diagnostics: &[Diagnostic], code: Code) -> Vec<String> {
    let mut places: Vec<String> = only(diagnostics, code).iter().map(place).collect();
    places.sort();
    places
}

/// Asserts the findings of `code` are at exactly these places (in any order).
#[track_caller]
pub fn assert_places(diagnostics: &[Diagnostic], code: Code, expected: &[&str]) {
    let mut expected: Vec<String> = expected.iter().map(|s| (*s).to_owned()).collect();
    expected.sort();
    assert_eq!(places(diagnostics, code), expected, "all findings: {diagnostics:#?}");
}

/// Every code reported, to check a valid input stays quiet.
pub fn codes(diagnostics: &[Diagnostic]) -> Vec<Code> {
    diagnostics.iter().map(|d| d.code).collect()
}
