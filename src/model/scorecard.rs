//! Scorecards: cumulative levels of named checks that say how ready an entity is (SPEC §9).
//!
//! The shape lives here, with what addresses a check (its kind, its path, its pattern, the
//! entities in scope) since both validation and evaluation need it; what a check means and how
//! a level is earned is `crate::health::score`, and what makes a check malformed is reported by
//! `validate::rules::scorecards`.

use regex::{Regex, RegexBuilder};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::{ContactType, SortedMap};
use super::kind::Kind;
use super::org::Lifecycle;
use super::policy::AtLeast;
use super::{Entity, Spec};

/// A scorecard: which entities it grades and the levels they can earn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScorecardSpec {
    /// Which entities the scorecard grades. Default: every service.
    #[serde(default)]
    pub applies_to: AppliesTo,
    /// The levels, lowest first (e.g. bronze, silver, gold). Levels are cumulative: an entity
    /// earns a level when every check of that level and of every level below passes.
    #[schemars(length(min = 1))]
    pub levels: Vec<ScoreLevel>,
}

/// Which entities a scorecard grades. Every given field must hold.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppliesTo {
    /// Kinds graded, by name as in the policy (`Service`, `ConfigurationItem`). Default:
    /// `[Service]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<Kind>,
    /// Only services of these tiers (entities without a tier never match).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(inner(range(min = 1, max = 4)))]
    pub tiers: Vec<u8>,
    /// Only services in these life-cycle stages (entities without a life-cycle never match).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lifecycle: Vec<Lifecycle>,
    /// Only entities carrying every one of these labels with these values.
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub labels: SortedMap<String, String>,
}

/// One level of a scorecard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScoreLevel {
    /// The level's name, e.g. `bronze`; unique in the scorecard, and not `none`.
    #[schemars(length(min = 1))]
    pub name: String,
    /// What the level asks for, over and above the levels below it.
    #[serde(default)]
    pub checks: Vec<ScoreCheck>,
}

/// One named check: exactly one of `field`, `related`, `link`, `contact` and `owner`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScoreCheck {
    /// The check's name, shown with what an entity lacks; unique in the scorecard.
    #[schemars(length(min = 1))]
    pub name: String,
    /// What the check is for, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A value of the entity's own document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<FieldCheck>,
    /// Entities of a kind that reference this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related: Option<RelatedCheck>,
    /// A link of a type in `metadata.links`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<LinkCheck>,
    /// A contact of a type, on the entity or on its owner team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<ContactCheck>,
    /// The entity's owner team exists and has what is asked of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<OwnerCheck>,
}

/// A condition on one value of a document, found by a dotted path from `metadata` or `spec`
/// (`spec.maintenanceWindows`, `metadata.labels.domain`, `spec.objectives.0.target`). Every
/// condition given must hold; with none, the value must exist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FieldCheck {
    /// Dotted path from `metadata` or `spec`; a number picks an item of a list.
    #[schemars(length(min = 1))]
    pub path: String,
    /// Whether the value is there: present, not null and not an empty string, list or map.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exists: Option<bool>,
    /// The value equals this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<serde_json::Value>,
    /// The value is one of these.
    #[serde(default, rename = "in", skip_serializing_if = "Option::is_none")]
    pub one_of: Option<Vec<serde_json::Value>>,
    /// The value is a string matching this regular expression (Rust `regex` syntax, unanchored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matches: Option<String>,
    /// The value is a number at least this large.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<f64>,
    /// The value is a number at most this large.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_most: Option<f64>,
}

/// Entities of `kind` that reference the graded entity (an SLA's `service`, an article's
/// `services`, a service's `dependsOn`…).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RelatedCheck {
    /// The kind, short (`sla`) or by name (`SLA`).
    #[schemars(length(min = 1))]
    pub kind: String,
    /// Only those of them for which every condition holds.
    #[serde(default, rename = "where", skip_serializing_if = "Vec::is_empty")]
    pub filter: Vec<FieldCheck>,
    /// How many there must be. Default: 1.
    #[serde(default = "one")]
    pub at_least: u32,
}

fn one() -> u32 {
    1
}

/// A link of this type in `metadata.links`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LinkCheck {
    /// The link's `type`, e.g. `runbook`, `dashboard`, `repository`.
    #[serde(rename = "type")]
    #[schemars(length(min = 1))]
    pub link_type: String,
}

/// A contact of this type, on the entity itself (a service's `contacts`) or on its owner team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContactCheck {
    /// The contact's type.
    #[serde(rename = "type")]
    pub contact_type: ContactType,
}

/// What the entity's owner team must have. With neither field, the owner team must exist.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OwnerCheck {
    /// A contact of this type on the owner team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<ContactType>,
    /// At least this many members in the owner team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<AtLeast>,
}

/// The policy's `scorecards` key: what the gate does about scorecard levels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScorecardGate {
    /// When the diff lowers an entity's level under a scorecard of the base revision:
    /// `block` fails the gate, `warn` passes and lists them, `off` does not look. Default: `warn`.
    #[serde(default)]
    pub regression: GateMode,
}

/// How a gate rule that finds something acts on it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum GateMode {
    /// Fail the gate.
    Block,
    /// Pass, listing what was found in the reason.
    #[default]
    Warn,
    /// Do not look.
    Off,
}

/// What summaries call having no level; no level may take the name.
pub const NO_LEVEL: &str = "none";

/// The roots a field path may start from.
pub const PATH_ROOTS: [&str; 2] = ["metadata", "spec"];

/// Largest compiled pattern: a hostile pattern costs at most this much memory.
const PATTERN_SIZE_LIMIT: usize = 1 << 20;

/// The one kind of check a [`ScoreCheck`] sets.
#[derive(Debug, Clone, Copy)]
pub enum CheckKind<'c> {
    Field(&'c FieldCheck),
    Related(&'c RelatedCheck),
    Link(&'c LinkCheck),
    Contact(&'c ContactCheck),
    Owner(&'c OwnerCheck),
}

impl ScoreCheck {
    /// The kind of check this sets, or, when it sets none or several (a malformed check), the
    /// names of those it sets.
    pub fn kind(&self) -> Result<CheckKind<'_>, Vec<&'static str>> {
        let mut set: Vec<(&'static str, CheckKind)> = Vec::new();
        if let Some(c) = &self.field {
            set.push(("field", CheckKind::Field(c)));
        }
        if let Some(c) = &self.related {
            set.push(("related", CheckKind::Related(c)));
        }
        if let Some(c) = &self.link {
            set.push(("link", CheckKind::Link(c)));
        }
        if let Some(c) = &self.contact {
            set.push(("contact", CheckKind::Contact(c)));
        }
        if let Some(c) = &self.owner {
            set.push(("owner", CheckKind::Owner(c)));
        }
        match set.as_slice() {
            [(_, one)] => Ok(*one),
            _ => Err(set.iter().map(|(name, _)| *name).collect()),
        }
    }
}

impl FieldCheck {
    /// Why the path is not one a check can follow, if it is not.
    pub fn path_problem(&self) -> Option<String> {
        let path = &self.path;
        let root = path.split('.').next().unwrap_or_default();
        if !PATH_ROOTS.contains(&root) {
            return Some(format!("path `{path}` does not start at `metadata` or `spec`"));
        }
        if path.split('.').any(str::is_empty) {
            return Some(format!("path `{path}` has an empty segment"));
        }
        None
    }

    /// The value at the path in `document` ([`document_of`]): keys into maps, numbers into
    /// lists.
    pub fn value_in<'v>(&self, document: &'v Value) -> Option<&'v Value> {
        let mut at = document;
        for segment in self.path.split('.') {
            at = match at {
                Value::Object(map) => map.get(segment)?,
                Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(at)
    }

    /// Whether the check compares numbers (`atLeast`, `atMost`).
    pub fn compares(&self) -> bool {
        self.at_least.is_some() || self.at_most.is_some()
    }
}

impl RelatedCheck {
    /// The kind named, short (`sla`) or by name (`SLA`).
    pub fn target_kind(&self) -> Option<Kind> {
        Kind::from_short(&self.kind).or_else(|| Kind::from_name(&self.kind))
    }
}

impl ScorecardSpec {
    /// Every field condition of the scorecard with where it is written (a JSON pointer under
    /// `/spec`): `field` checks and the `where` of `related` checks.
    pub fn fields(&self) -> Vec<(String, &FieldCheck)> {
        let mut out = Vec::new();
        for (l, level) in self.levels.iter().enumerate() {
            for (c, check) in level.checks.iter().enumerate() {
                let at = format!("/spec/levels/{l}/checks/{c}");
                if let Some(field) = &check.field {
                    out.push((format!("{at}/field"), field));
                }
                for (w, field) in check.related.iter().flat_map(|r| r.filter.iter().enumerate()) {
                    out.push((format!("{at}/related/where/{w}"), field));
                }
            }
        }
        out
    }
}

impl AppliesTo {
    /// Whether the scorecard grades `entity`: its kind is listed (no list: services), and, when
    /// given, its tier, life-cycle (services only) and labels match.
    pub fn covers(&self, entity: &Entity) -> bool {
        let kind_ok = if self.kinds.is_empty() {
            entity.kind() == Kind::Service
        } else {
            self.kinds.contains(&entity.kind())
        };
        let service = match &entity.spec {
            Spec::Service(s) => Some(s),
            _ => None,
        };
        kind_ok
            && (self.tiers.is_empty() || service.is_some_and(|s| self.tiers.contains(&s.tier)))
            && (self.lifecycle.is_empty() || service.is_some_and(|s| self.lifecycle.contains(&s.lifecycle)))
            && self.labels.iter().all(|(k, v)| entity.metadata.labels.get(k.as_str()) == Some(v))
    }
}

/// Compiles a `matches` pattern as checks do (size-bounded: patterns are user input). The error
/// is the regex crate's last line, which says what is wrong.
pub fn compile_pattern(pattern: &str) -> Result<Regex, String> {
    RegexBuilder::new(pattern)
        .size_limit(PATTERN_SIZE_LIMIT)
        .dfa_size_limit(PATTERN_SIZE_LIMIT)
        .build()
        .map_err(|e| {
            let text = e.to_string();
            let last = text.lines().last().unwrap_or_default().trim();
            last.strip_prefix("error: ").unwrap_or(last).to_owned()
        })
}

/// The document field paths address: `metadata` and `spec` as written, defaults filled in.
pub fn document_of(entity: &Entity) -> Value {
    let mut map = serde_json::Map::new();
    map.insert("metadata".to_owned(), serde_json::to_value(&entity.metadata).unwrap_or(Value::Null));
    map.insert("spec".to_owned(), serde_json::to_value(&entity.spec).unwrap_or(Value::Null));
    Value::Object(map)
}
