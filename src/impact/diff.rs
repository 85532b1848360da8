//! What changed between two sets of entities, entity by entity and field by field.
//!
//! Entities are matched by (kind, name) and compared as their typed values serialised to JSON
//! (`{"metadata": …, "spec": …}`, plus `body` for a knowledge article's Markdown). Defaults are
//! filled in and key order does not matter, so reformatting, reordering keys, moving an entity to
//! another file, splitting or merging files, or writing a default out explicitly is no change.
//!
//! Field paths are dotted, with indexes in brackets: `spec.objectives[1].target`. A key that is
//! not a plain word (letters, digits, `_`, `-`) is quoted: `spec.attributes["eu.region"]`.
//! Objects are compared key by key. Arrays are compared item by item only when both sides have the
//! same length and hold objects or arrays (`spec.objectives[1].target`); otherwise (lists of
//! references, tags, a list that grew or shrank) the whole array is one change at its path, which
//! reads best for `dependsOn: [a, b]` → `[a, b, c]` and never shows items shifted by an insertion
//! as changed. Text on either side with a newline or longer than 80 characters also gets a unified
//! diff.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Map, Value};
use similar::TextDiff;

use super::{Change, ChangeKind, FieldChange};
use crate::model::{Entity, EntityRef, Spec};
use crate::validate::rules::index::written_order;

/// Text longer than this (in characters) gets a unified diff.
const LONG_TEXT: usize = 80;

/// The changes from `base` to `head`, sorted by (kind, name). When several documents share a
/// kind and name, the first written one is compared (as in validation).
pub fn diff<E: Borrow<Entity>>(base: &[E], head: &[E]) -> Vec<Change> {
    let base = by_reference(base);
    let head = by_reference(head);
    let mut out = Vec::new();
    let mut b = base.into_iter().peekable();
    let mut h = head.into_iter().peekable();
    loop {
        let order = match (b.peek(), h.peek()) {
            (None, None) => break,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some((br, _)), Some((hr, _))) => br.cmp(hr),
        };
        match order {
            Ordering::Less => {
                if let Some((reference, entity)) = b.next() {
                    out.push(whole(reference, ChangeKind::Removed, entity));
                }
            }
            Ordering::Greater => {
                if let Some((reference, entity)) = h.next() {
                    out.push(whole(reference, ChangeKind::Added, entity));
                }
            }
            Ordering::Equal => {
                if let (Some((reference, before)), Some((_, after))) = (b.next(), h.next()) {
                    let fields = field_changes(&document(before), &document(after));
                    if !fields.is_empty() {
                        out.push(Change {
                            reference,
                            change: ChangeKind::Modified,
                            file: Arc::clone(&after.origin.file),
                            fields,
                        });
                    }
                }
            }
        }
    }
    out
}

/// One entity per (kind, name): the first written.
fn by_reference<E: Borrow<Entity>>(entities: &[E]) -> BTreeMap<EntityRef, &Entity> {
    let mut map: BTreeMap<EntityRef, &Entity> = BTreeMap::new();
    for entity in entities.iter().map(Borrow::borrow) {
        map.entry(entity.reference())
            .and_modify(|kept| {
                if written_order(&entity.origin, &kept.origin) == Ordering::Less {
                    *kept = entity;
                }
            })
            .or_insert(entity);
    }
    map
}

fn whole(reference: EntityRef, change: ChangeKind, entity: &Entity) -> Change {
    Change { reference, change, file: Arc::clone(&entity.origin.file), fields: Vec::new() }
}

/// What is compared of an entity: its typed value as JSON, and a knowledge article's body.
pub fn document(entity: &Entity) -> Value {
    let mut value = serde_json::to_value(entity).unwrap_or(Value::Null);
    if let (Spec::KnowledgeArticle(article), Value::Object(map)) = (&entity.spec, &mut value) {
        map.insert("body".to_owned(), Value::String(article.body.clone()));
    }
    value
}

/// Field-level differences between two documents, in document order (head's key order, then
/// keys only at base). Walks with an explicit stack.
pub fn field_changes(before: &Value, after: &Value) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let mut stack: Vec<(String, Option<&Value>, Option<&Value>)> =
        vec![(String::new(), Some(before), Some(after))];
    while let Some((path, b, a)) = stack.pop() {
        if b == a {
            continue;
        }
        match (b, a) {
            (Some(Value::Object(bm)), Some(Value::Object(am))) => {
                let children = keys(bm, am).map(|key| (child_path(&path, key), bm.get(key), am.get(key)));
                let children: Vec<_> = children.collect();
                stack.extend(children.into_iter().rev());
            }
            (Some(Value::Array(ba)), Some(Value::Array(aa))) if by_item(ba, aa) => {
                for (i, (bv, av)) in ba.iter().zip(aa).enumerate().rev() {
                    stack.push((format!("{path}[{i}]"), Some(bv), Some(av)));
                }
            }
            _ => out.push(field(path, b, a)),
        }
    }
    out
}

/// Keys of `after` in order, then keys only in `before`.
fn keys<'v>(before: &'v Map<String, Value>, after: &'v Map<String, Value>) -> impl Iterator<Item = &'v str> {
    after.keys().chain(before.keys().filter(|k| !after.contains_key(*k))).map(String::as_str)
}

/// Whether two arrays are compared item by item rather than as a whole.
fn by_item(before: &[Value], after: &[Value]) -> bool {
    before.len() == after.len() && before.iter().chain(after).any(|v| v.is_object() || v.is_array())
}

fn child_path(parent: &str, key: &str) -> String {
    let plain = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let key = if plain { key.to_owned() } else { format!("[{}]", Value::String(key.to_owned())) };
    match (parent.is_empty(), plain) {
        (true, _) => key,
        (false, true) => format!("{parent}.{key}"),
        (false, false) => format!("{parent}{key}"),
    }
}

fn field(path: String, before: Option<&Value>, after: Option<&Value>) -> FieldChange {
    let before = before.cloned().unwrap_or(Value::Null);
    let after = after.cloned().unwrap_or(Value::Null);
    let diff = text_diff(&before, &after);
    FieldChange { path, before, after, diff }
}

/// A unified diff when either side is long or multi-line text (a missing side counts as empty).
fn text_diff(before: &Value, after: &Value) -> Option<String> {
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Null => Some(String::new()),
        _ => None,
    };
    let (b, a) = (text(before)?, text(after)?);
    let long = |s: &str| s.contains('\n') || s.chars().count() > LONG_TEXT;
    if !long(&b) && !long(&a) {
        return None;
    }
    Some(TextDiff::from_lines(b.as_str(), a.as_str()).unified_diff().header("before", "after").to_string())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::graph::testutil::*;
    use crate::model::Kind;

    fn moved(mut e: Entity, file: &str, doc: u32) -> Entity {
        e.origin.file = Arc::from(file);
        e.origin.doc = doc;
        e
    }

    fn paths(change: &Change) -> Vec<&str> {
        change.fields.iter().map(|f| f.path.as_str()).collect()
    }

    fn sla(name: &str, spec: serde_json::Value) -> Entity {
        entity("SLA", name, spec)
    }

    #[test]
    fn reordering_moving_and_explicit_defaults_are_no_change() {
        let base = vec![
            service("checkout", json!({"dependsOn": ["ci:pg"], "tier": 2})),
            ci("pg", json!({"attributes": {"version": 16, "region": "eu"}})),
            entity_in(
                "Team",
                json!({"name": "sre", "labels": {"a": "1", "b": "2"}}),
                json!({}),
                "teams.yaml",
                0,
            ),
        ];
        let head = vec![
            // Moved into one file, keys in another order, defaults spelled out.
            moved(
                ci(
                    "pg",
                    json!({"attributes": {"region": "eu", "version": 16}, "status": "operational",
                                    "members": [], "dependsOn": []}),
                ),
                "all.yaml",
                2,
            ),
            moved(
                service("checkout", json!({"tier": 2, "lifecycle": "live", "dependsOn": ["ci:pg"]})),
                "all.yaml",
                0,
            ),
            entity_in(
                "Team",
                json!({"labels": {"b": "2", "a": "1"}, "name": "sre"}),
                json!({"members": []}),
                "all.yaml",
                1,
            ),
        ];
        assert_eq!(diff(&base, &head), []);
    }

    #[test]
    fn added_removed_and_modified_sorted_by_kind_and_name() {
        let base = vec![ci("b", json!({})), service("gone", json!({})), ci("a", json!({}))];
        let head = vec![
            moved(ci("a", json!({"class": "database/postgres"})), "db.yaml", 0),
            ci("b", json!({})),
            ci("new", json!({})),
        ];
        let changes = diff(&base, &head);
        let summary: Vec<(String, ChangeKind, &str)> =
            changes.iter().map(|c| (c.reference.to_string(), c.change, &*c.file)).collect();
        assert_eq!(
            summary,
            [
                ("service:gone".to_owned(), ChangeKind::Removed, "Service/gone.yaml"),
                ("ci:a".to_owned(), ChangeKind::Modified, "db.yaml"),
                ("ci:new".to_owned(), ChangeKind::Added, "ConfigurationItem/new.yaml"),
            ]
        );
        assert_eq!(
            changes[1].fields,
            [FieldChange {
                path: "spec.class".into(),
                before: json!("server/linux"),
                after: json!("database/postgres"),
                diff: None,
            }]
        );
        assert!(changes[0].fields.is_empty() && changes[2].fields.is_empty());
    }

    #[test]
    fn field_paths_recurse_objects_and_same_length_object_arrays() {
        let objectives = |t: f64| {
            json!({"service": "checkout", "objectives": [
                {"metric": "availability", "target": 99.9},
                {"metric": "response", "target": t, "priority": "P1"}]})
        };
        let base = vec![
            sla("gold", objectives(15.0)),
            service("checkout", json!({"dependsOn": ["ci:a", "ci:b"]})),
            ci("pg", json!({"attributes": {"version": 15, "eu.region": "x"}, "environment": "staging"})),
        ];
        let head = vec![
            sla("gold", objectives(30.0)),
            service("checkout", json!({"dependsOn": ["ci:a", "ci:b", "ci:c"]})),
            ci("pg", json!({"attributes": {"version": 16}, "lastVerified": "2026-01-01"})),
        ];
        let changes = diff(&base, &head);
        let by: BTreeMap<String, &Change> = changes.iter().map(|c| (c.reference.to_string(), c)).collect();
        assert_eq!(paths(by["sla:gold"]), ["spec.objectives[1].target"]);
        assert_eq!(by["sla:gold"].fields[0].before, json!(15.0));
        assert_eq!(by["sla:gold"].fields[0].after, json!(30.0));
        // A list of references is one change as a whole.
        assert_eq!(paths(by["service:checkout"]), ["spec.dependsOn"]);
        assert_eq!(by["service:checkout"].fields[0].before, json!(["ci:a", "ci:b"]));
        assert_eq!(by["service:checkout"].fields[0].after, json!(["ci:a", "ci:b", "ci:c"]));
        let pg = by["ci:pg"];
        assert_eq!(
            paths(pg),
            [
                "spec.attributes.version",
                r#"spec.attributes["eu.region"]"#,
                "spec.lastVerified",
                "spec.environment"
            ]
        );
        assert_eq!(pg.fields[1].before, json!("x"));
        assert_eq!(pg.fields[1].after, serde_json::Value::Null);
        assert_eq!(pg.fields[2].before, serde_json::Value::Null);
        assert_eq!(pg.fields[3].after, serde_json::Value::Null);
    }

    #[test]
    fn long_text_gets_a_unified_diff() {
        let long_a = "Take payment for a basket. ".repeat(4);
        let long_b = format!("{long_a}Now with refunds.");
        let meta = |d: &str| json!({"name": "checkout", "description": d});
        let spec = json!({"owner": "sre", "tier": 3});
        let base = vec![entity_in("Service", meta(&long_a), spec.clone(), "s.yaml", 0)];
        let head = vec![entity_in("Service", meta(&long_b), spec.clone(), "s.yaml", 0)];
        let changes = diff(&base, &head);
        let field = &changes[0].fields[0];
        assert_eq!(field.path, "metadata.description");
        let text = field.diff.as_deref().unwrap_or_default();
        assert!(text.starts_with("--- before\n+++ after\n@@"), "{text}");
        assert!(text.contains(&format!("+{long_b}")), "{text}");
        // Short single-line text: no diff.
        let base = vec![entity_in("Service", meta("short"), spec.clone(), "s.yaml", 0)];
        let head = vec![entity_in("Service", meta("shorter"), spec, "s.yaml", 0)];
        assert_eq!(diff(&base, &head)[0].fields[0].diff, None);
    }

    #[test]
    fn a_knowledge_article_body_is_compared() {
        let kb = |body: &str| {
            let mut e = entity("KnowledgeArticle", "restore", json!({"owner": "sre"}));
            if let Spec::KnowledgeArticle(article) = &mut e.spec {
                article.body = body.to_owned();
                article.body_line = 7;
            }
            e
        };
        let same =
            diff(&[kb("# Restore\n\nStep one.\n")], &[moved(kb("# Restore\n\nStep one.\n"), "kb/x.md", 0)]);
        assert_eq!(same, []);
        let changes = diff(&[kb("# Restore\n\nStep one.\n")], &[kb("# Restore\n\nStep one.\nStep two.\n")]);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].reference.kind, Kind::KnowledgeArticle);
        assert_eq!(paths(&changes[0]), ["body"]);
        let text = changes[0].fields[0].diff.as_deref().unwrap_or_default();
        assert!(text.contains("+Step two.\n"), "{text}");
        assert!(text.contains(" Step one.\n"), "{text}");
    }

    #[test]
    fn explicit_null_versus_absent_is_still_reported() {
        let before = json!({"spec": {"attributes": {}}});
        let after = json!({"spec": {"attributes": {"x": null}}});
        let fields = field_changes(&before, &after);
        assert_eq!(fields.len(), 1);
        assert_eq!(fields[0].path, "spec.attributes.x");
    }

    #[test]
    fn type_changes_and_nested_arrays() {
        let before = json!({"a": [[1, 2], [3]], "b": {"c": 1}, "d": [{"x": 1}]});
        let after = json!({"a": [[1, 2], [4]], "b": "flat", "d": [{"x": 1}, {"x": 2}]});
        let fields = field_changes(&before, &after);
        let got: Vec<&str> = fields.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(got, ["a[1]", "b", "d"]);
    }
}
