//! JSON Schemas generated from the model: one per kind, one that dispatches on `kind`, one for
//! `cairn.yaml`, and a SchemaStore-style catalogue for editors.
//!
//! This module owns turning model types into schema documents and compiling them once. It does
//! not map validation errors onto source positions; `crate::validate::schema` does.

use std::sync::OnceLock;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{json, Map, Value};

use crate::model::{
    ArticleSpec, CatalogSpec, ChangeSpec, CiSpec, Config, Kind, Metadata, PolicySpec, ScorecardSpec,
    ServiceSpec, SlaSpec, TeamSpec, WindowSpec, API_VERSION,
};

/// File name of a kind's schema, e.g. `service.schema.json`.
pub fn file_name(kind: Kind) -> String {
    format!("{}.schema.json", kind.short())
}

/// File name of the schema that accepts any entity.
pub const ENTITY_FILE: &str = "entity.schema.json";
/// File name of the schema of `cairn.yaml`.
pub const CONFIG_FILE: &str = "cairn-config.schema.json";
/// File name of the catalogue.
/// The file name of the policy test case schema.
pub const POLICY_TEST_FILE: &str = "policy-test.schema.json";
pub const CATALOG_FILE: &str = "catalog.json";

/// Whether a kind's document must have a `spec` (kinds whose spec fields are all optional may
/// leave it out).
pub fn spec_required(kind: Kind) -> bool {
    !matches!(kind, Kind::Team | Kind::Policy)
}

const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// How a subschema that states a cross-file rule begins its `$comment`, e.g. `cairn-rule:
/// sla-availability-range`. Editors flag what it forbids; `cairn validate` leaves it to the rule,
/// which reports it with its own code, words and help (`crate::validate::schema`).
pub const RULE_MARK: &str = "cairn-rule:";

/// The schema of one kind's documents, self-contained (`$defs` inside).
pub fn kind_schema(kind: Kind) -> Value {
    let mut generator = generator();
    let envelope = envelope(kind, &mut generator);
    let mut schema = json!({
        "$schema": DRAFT,
        "title": format!("cairn {}", kind.name()),
        "description": kind_description(kind),
    });
    merge(&mut schema, envelope);
    schema["$defs"] = Value::Object(sorted(generator.take_definitions(true)));
    finish(schema)
}

/// The schema that accepts a document of any kind, choosing the kind's schema by `kind`.
pub fn entity_schema() -> Value {
    let mut generator = generator();
    let mut branches = Vec::new();
    for kind in Kind::ALL {
        let name = format!("{}Document", kind.name());
        let mut envelope = envelope(kind, &mut generator);
        envelope["description"] = Value::String(kind_description(kind).to_owned());
        generator.definitions_mut().insert(name.clone(), envelope);
        branches.push(json!({
            "if": {"properties": {"kind": {"const": kind.name()}}, "required": ["kind"]},
            "then": {"$ref": format!("#/$defs/{name}")},
        }));
    }
    let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
    let schema = json!({
        "$schema": DRAFT,
        "title": "cairn entity",
        "description": "Any cairn entity (apiVersion cairn/v1); the kind selects the schema.",
        "type": "object",
        "required": ["apiVersion", "kind", "metadata"],
        "properties": {
            "apiVersion": {"const": API_VERSION},
            "kind": {"enum": kinds},
            "metadata": {"type": "object"},
        },
        "allOf": branches,
        "$defs": Value::Object(sorted(generator.take_definitions(true))),
    });
    finish(schema)
}

/// The schema of `cairn.yaml`.
pub fn config_schema() -> Value {
    standalone::<Config>("cairn.yaml")
}

/// The schema of a `cairn policy test` case file.
pub fn policy_test_schema() -> Value {
    standalone::<crate::model::PolicyTest>("cairn policy test case")
}

fn standalone<T: schemars::JsonSchema>(title: &str) -> Value {
    let mut generator = generator();
    let root = generator.root_schema_for::<T>();
    let mut schema = json!({"$schema": DRAFT, "title": title});
    merge(&mut schema, root.to_value());
    if let Some(defs) = schema.get_mut("$defs").and_then(Value::as_object_mut) {
        let taken = std::mem::take(defs);
        *defs = sorted(taken);
    }
    finish(schema)
}

/// The SchemaStore-style catalogue, with schema URLs under `base_url` (a directory URL or a
/// relative path such as `./`).
pub fn catalog(base_url: &str) -> Value {
    let base = if base_url.is_empty() || base_url.ends_with('/') {
        base_url.to_owned()
    } else {
        format!("{base_url}/")
    };
    let mut schemas = vec![
        json!({
            "name": "cairn.yaml",
            "description": "cairn repository configuration",
            "fileMatch": ["cairn.yaml"],
            "url": format!("{base}{CONFIG_FILE}"),
        }),
        json!({
            "name": "cairn policy test",
            "description": "A `cairn policy test` case: a proposed change, its reviews and the expected verdict",
            "fileMatch": ["case.yaml", "*.case.yaml"],
            "url": format!("{base}{POLICY_TEST_FILE}"),
        }),
        json!({
            "name": "cairn entity",
            "description": "Any cairn entity (services, CIs, SLAs, changes, …)",
            "fileMatch": ["*.cairn.yaml", "*.cairn.yml"],
            "url": format!("{base}{ENTITY_FILE}"),
        }),
    ];
    for kind in Kind::ALL {
        schemas.push(json!({
            "name": format!("cairn {}", kind.name()),
            "description": kind_description(kind),
            "fileMatch": [],
            "url": format!("{base}{}", file_name(kind)),
        }));
    }
    json!({"$schema": "https://json.schemastore.org/schema-catalog.json", "version": 1, "schemas": schemas})
}

/// Every schema file `cairn schema` writes, as (file name, contents), in a fixed order.
pub fn files(base_url: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> =
        Kind::ALL.iter().map(|&k| (file_name(k), pretty(&kind_schema(k)))).collect();
    out.push((ENTITY_FILE.to_owned(), pretty(&entity_schema())));
    out.push((CONFIG_FILE.to_owned(), pretty(&config_schema())));
    out.push((POLICY_TEST_FILE.to_owned(), pretty(&policy_test_schema())));
    out.push((CATALOG_FILE.to_owned(), pretty(&catalog(base_url))));
    out
}

/// Compiled validators, built once per process and shared across threads.
pub struct Validators {
    kinds: Vec<(Value, jsonschema::Validator)>,
    config: (Value, jsonschema::Validator),
    policy_test: OnceLock<(Value, jsonschema::Validator)>,
}

impl Validators {
    /// The validators, compiled on first use.
    pub fn get() -> &'static Validators {
        static CELL: OnceLock<Validators> = OnceLock::new();
        CELL.get_or_init(|| Validators {
            kinds: Kind::ALL.iter().map(|&k| compiled(kind_schema(k))).collect(),
            config: compiled(config_schema()),
            policy_test: OnceLock::new(),
        })
    }

    /// A kind's schema document and its compiled validator.
    pub fn for_kind(&self, kind: Kind) -> (&Value, &jsonschema::Validator) {
        let index = Kind::ALL.iter().position(|&k| k == kind).unwrap_or(0);
        let (schema, validator) = &self.kinds[index];
        (schema, validator)
    }

    /// The schema of `cairn.yaml` and its compiled validator.
    pub fn config(&self) -> (&Value, &jsonschema::Validator) {
        (&self.config.0, &self.config.1)
    }

    /// The schema of policy test cases and its compiled validator (compiled when first asked:
    /// only `cairn policy test` reads cases).
    pub fn policy_test(&self) -> (&Value, &jsonschema::Validator) {
        let (schema, validator) = self.policy_test.get_or_init(|| compiled(policy_test_schema()));
        (schema, validator)
    }
}

fn compiled(schema: Value) -> (Value, jsonschema::Validator) {
    let validator = compile(&schema);
    (schema, validator)
}

fn compile(schema: &Value) -> jsonschema::Validator {
    // The schemas are generated from our own types: failing to compile one is a bug in cairn,
    // caught by the test suite, not something a user's input can cause.
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(schema)
        .expect("generated schema compiles")
}

fn generator() -> SchemaGenerator {
    SchemaSettings::draft2020_12()
        .with(|s| {
            s.meta_schema = None;
        })
        .for_deserialize()
        .into_generator()
}

fn envelope(kind: Kind, generator: &mut SchemaGenerator) -> Value {
    let metadata = generator.subschema_for::<Metadata>().to_value();
    let spec = match kind {
        Kind::Team => subschema::<TeamSpec>(generator),
        Kind::Service => subschema::<ServiceSpec>(generator),
        Kind::ConfigurationItem => subschema::<CiSpec>(generator),
        Kind::CatalogItem => subschema::<CatalogSpec>(generator),
        Kind::Sla => subschema::<SlaSpec>(generator),
        Kind::ChangeRequest => subschema::<ChangeSpec>(generator),
        Kind::KnowledgeArticle => subschema::<ArticleSpec>(generator),
        Kind::Window => subschema::<WindowSpec>(generator),
        Kind::Policy => subschema::<PolicySpec>(generator),
        Kind::Scorecard => subschema::<ScorecardSpec>(generator),
    };
    let mut required = vec!["apiVersion", "kind", "metadata"];
    if spec_required(kind) {
        required.push("spec");
    }
    json!({
        "type": "object",
        "required": required,
        "additionalProperties": false,
        "properties": {
            "apiVersion": {"const": API_VERSION, "description": "Always `cairn/v1`."},
            "kind": {"const": kind.name()},
            "metadata": metadata,
            "spec": spec,
        },
    })
}

fn subschema<T: JsonSchema>(generator: &mut SchemaGenerator) -> Value {
    generator.subschema_for::<T>().to_value()
}

fn kind_description(kind: Kind) -> &'static str {
    match kind {
        Kind::Team => "A team: who owns entities and who approves changes.",
        Kind::Service => "A business or technical service.",
        Kind::ConfigurationItem => "A configuration item of the CMDB (short kind `ci`).",
        Kind::CatalogItem => "Something users can request (short kind `catalog`).",
        Kind::Sla => "A service level agreement, OLA or underpinning contract.",
        Kind::ChangeRequest => "A proposed change (short kind `change`).",
        Kind::KnowledgeArticle => {
            "A knowledge article: the front matter of a Markdown file (short kind `kb`)."
        }
        Kind::Window => "A maintenance window (changes allowed) or a freeze (changes denied).",
        Kind::Policy => "The change policy: exactly one per repository.",
        Kind::Scorecard => "A scorecard: cumulative levels of checks that say how ready an entity is.",
    }
}

/// What every generated schema gets before it is written: the rules in [`rules`], and only
/// formats that JSON Schema validators know ([`portable`]).
fn finish(mut schema: Value) -> Value {
    if let Some(defs) = schema.get_mut("$defs").and_then(Value::as_object_mut) {
        rules(defs);
    }
    portable(&mut schema);
    schema
}

/// The rules a schema can state that cairn checks as cross-file rules with their own codes,
/// added to their definitions so that editors flag them as you type. Each is marked with
/// [`RULE_MARK`] and its code.
fn rules(defs: &mut Map<String, Value>) {
    let mut add = |name: &str, rule: Value| {
        if let Some(Value::Object(def)) = defs.get_mut(name) {
            if let Value::Array(all) = def.entry("allOf").or_insert_with(|| json!([])) {
                all.push(rule);
            }
        }
    };
    add(
        "Objective",
        json!({
            "$comment": format!("{RULE_MARK} sla-availability-range"),
            "if": {
                "properties": {"metric": {"const": "availability"}, "unit": {"const": "percent"}},
                "required": ["metric"],
            },
            "then": {"properties": {"target": {"type": "number", "exclusiveMinimum": 0, "maximum": 100}}},
        }),
    );
    add(
        "Objective",
        json!({
            "$comment": format!("{RULE_MARK} sla-unit-mismatch"),
            "if": {"properties": {"metric": {"const": "availability"}}, "required": ["metric"]},
            "then": {"properties": {"unit": {"const": "percent"}}},
            "else": {"properties": {"unit": {"enum": ["minutes", "hours"]}}},
        }),
    );
    add(
        "FormField",
        json!({
            "$comment": format!("{RULE_MARK} form-choice-without-options"),
            "if": {"properties": {"type": {"const": "choice"}}, "required": ["type"]},
            "then": {"properties": {"options": {"type": "array", "minItems": 1}}, "required": ["options"]},
        }),
    );
    add(
        "WindowSpec",
        json!({
            "$comment": format!("{RULE_MARK} window-schedule"),
            "description": "One-off (`start` and `end`) or recurring (`cron`, `duration`, optional `timezone`).",
            "oneOf": [
                {
                    "properties": {"start": true, "end": true, "cron": false, "duration": false, "timezone": false},
                    "required": ["start", "end"],
                },
                {
                    "properties": {"cron": true, "duration": true, "start": false, "end": false},
                    "required": ["cron", "duration"],
                },
            ],
        }),
    );
    add(
        "WindowSpec",
        json!({
            "$comment": format!("{RULE_MARK} window-schedule"),
            "if": {"properties": {"type": {"const": "maintenance"}}, "required": ["type"]},
            "then": {"properties": {"allowEmergency": false}},
        }),
    );
}

/// Replaces the integer formats schemars writes (`uint8`, `uint32`, …), which no JSON Schema
/// validator knows (Ajv's strict mode refuses them), by the bounds they stand for.
fn portable(value: &mut Value) {
    let mut stack = vec![value];
    while let Some(node) = stack.pop() {
        match node {
            Value::Object(map) => {
                let bounds = match map.get("format").and_then(Value::as_str) {
                    Some("uint8") => Some((json!(0), json!(u8::MAX))),
                    Some("uint16") => Some((json!(0), json!(u16::MAX))),
                    Some("uint32") => Some((json!(0), json!(u32::MAX))),
                    Some("uint64" | "uint") => Some((json!(0), json!(u64::MAX))),
                    Some("int8") => Some((json!(i8::MIN), json!(i8::MAX))),
                    Some("int16") => Some((json!(i16::MIN), json!(i16::MAX))),
                    Some("int32") => Some((json!(i32::MIN), json!(i32::MAX))),
                    Some("int64" | "int") => Some((json!(i64::MIN), json!(i64::MAX))),
                    _ => None,
                };
                if let Some((min, max)) = bounds {
                    map.remove("format");
                    map.entry("minimum").or_insert(min);
                    map.entry("maximum").or_insert(max);
                }
                stack.extend(map.values_mut());
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
}

fn merge(into: &mut Value, from: Value) {
    if let (Value::Object(into), Value::Object(from)) = (into, from) {
        for (k, v) in from {
            into.insert(k, v);
        }
    }
}

fn sorted(map: Map<String, Value>) -> Map<String, Value> {
    let mut entries: Vec<(String, Value)> = map.into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries.into_iter().collect()
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}
