//! The change policy (one per repository) and the `cairn.yaml` configuration.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::change::{ChangeType, Risk};
use super::kind::Kind;
use super::refs::{Ref, ToTeam};

/// The change policy: who must approve what, and when changes may merge.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PolicySpec {
    /// Teams that must approve any change to the policy, to windows, to teams, to scorecards or to
    /// `cairn.yaml`.
    #[serde(default)]
    pub owners: Vec<Ref<ToTeam>>,
    /// Whether every changed service and CI must be a target of a change request in the same
    /// diff. Default: `required`.
    #[serde(default)]
    pub coverage: Coverage,
    /// Risk rules, tried in order; the first that matches sets the computed risk. The risk a
    /// change request declares can only raise it.
    #[serde(default)]
    pub risk: Vec<RiskRule>,
    /// Approval rules; every rule whose condition holds must be satisfied.
    #[serde(default)]
    pub approvals: Vec<ApprovalRule>,
    /// Pre-approved change models: what a standard change's diff may touch.
    #[serde(default)]
    pub standard_changes: Vec<StandardChange>,
    /// Whether change windows must respect freezes and maintenance windows. Default: `enforce`.
    #[serde(default)]
    pub windows: WindowsMode,
    /// Whether the author of a pull request may approve it. Default: `false`.
    #[serde(default)]
    pub allow_self_approval: bool,
    /// Whether an approval of an older head commit stops counting. Default: `true`.
    #[serde(default = "yes")]
    pub invalidate_stale_approvals: bool,
    /// What the gate does when the diff lowers an entity's scorecard level. Default:
    /// `{regression: warn}`.
    #[serde(default)]
    pub scorecards: super::scorecard::ScorecardGate,
    /// What the gate does when a change request in the diff conflicts with another active
    /// change, a freeze or a maintenance window (`cairn conflicts`). Default: `warn`.
    #[serde(default)]
    pub conflicts: ConflictsMode,
}

fn yes() -> bool {
    true
}

/// Whether change-request coverage is required.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Coverage {
    #[default]
    Required,
    Optional,
}

/// Whether windows are enforced by the gate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum WindowsMode {
    #[default]
    Enforce,
    Ignore,
}

/// What the gate's `conflicts` rule does with the conflicts it finds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ConflictsMode {
    /// The rule fails: the pull request is blocked.
    Block,
    /// The rule passes and its reason lists the conflicts.
    #[default]
    Warn,
    /// The rule is skipped.
    Off,
}

/// One risk rule: when `if` holds (or is absent), the computed risk is `then`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RiskRule {
    /// Condition; all given fields must hold. Absent: always matches.
    #[serde(default, rename = "if", skip_serializing_if = "Option::is_none")]
    pub when: Option<RiskCondition>,
    /// The computed risk when the condition holds.
    pub then: Risk,
}

/// Condition of a risk rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RiskCondition {
    /// The change request's type.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub change_type: Option<ChangeType>,
    /// A changed or reached service has this tier or a more critical one (a lower number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 4))]
    pub impacted_tier: Option<u8>,
    /// How many services are changed or reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impacted_services: Option<AtLeast>,
}

impl RiskCondition {
    /// Whether the condition sets nothing, and so matches every change.
    pub fn is_empty(&self) -> bool {
        self.change_type.is_none() && self.impacted_tier.is_none() && self.impacted_services.is_none()
    }
}

/// A lower bound on a count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AtLeast {
    /// The least count that matches.
    pub at_least: u32,
}

/// An approval rule: when `if` holds, `require` must be met.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApprovalRule {
    /// Name shown in the verdict.
    #[schemars(length(min = 1))]
    pub name: String,
    /// Condition; absent means the rule always applies.
    #[serde(default, rename = "if", skip_serializing_if = "Option::is_none")]
    pub when: Option<ApprovalCondition>,
    /// Who must approve.
    pub require: Requirement,
}

/// Condition of an approval rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApprovalCondition {
    /// The computed risk is one of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub risk: Vec<Risk>,
    /// The change type is one of these.
    #[serde(default, rename = "type", skip_serializing_if = "Vec::is_empty")]
    pub change_type: Vec<ChangeType>,
}

/// Who must approve: the owners of the impacted services, or a team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Requirement {
    /// `impacted`: the owner team of each changed or reached service must approve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owners_of: Option<OwnersOf>,
    /// A team whose members must approve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<Ref<ToTeam>>,
    /// Approvals needed (from each owner team, or from the team). Default: 1.
    #[serde(default = "one")]
    #[schemars(range(min = 1))]
    pub count: u32,
}

fn one() -> u32 {
    1
}

/// Whose owners must approve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum OwnersOf {
    /// Every changed or reached service.
    Impacted,
}

/// A pre-approved change model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StandardChange {
    /// Name referred to by a change request's `template`.
    #[schemars(length(min = 1))]
    pub name: String,
    /// What the model is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// What the diff may touch.
    pub allow: Allow,
}

/// What a standard change's diff may touch. Empty lists allow anything of that dimension.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Allow {
    /// Kinds of entity that may change.
    #[serde(default)]
    pub kinds: Vec<Kind>,
    /// CI class globs, e.g. `k8s/*`.
    #[serde(default)]
    pub classes: Vec<String>,
    /// Field paths (globs) that may change, e.g. `spec.attributes.replicas`.
    #[serde(default)]
    pub fields: Vec<String>,
}

/// The repository configuration, `cairn.yaml` at the root.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Config {
    /// Globs of files to read, relative to the root. Default: every `*.yaml`, `*.yml`, `*.md`.
    #[serde(default)]
    pub include: Vec<String>,
    /// Globs of files never to read, e.g. `vendor/**`.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// The file that holds the policy, relative to the root. A Policy anywhere else is an error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// Severity per diagnostic code: `error`, `warning` or `off`.
    #[serde(default)]
    pub diagnostics: BTreeMap<String, Level>,
    /// Settings of individual checks.
    #[serde(default)]
    pub checks: Checks,
    /// Bounds on what one file may cost to read.
    #[serde(default)]
    pub limits: Limits,
}

/// A configured severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Error,
    Warning,
    Off,
}

/// Settings of individual checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Checks {
    /// A CI whose `lastVerified` is older than this many days is reported. Default: 180.
    #[serde(default = "default_verified_days")]
    pub ci_verified_within_days: u32,
}

impl Default for Checks {
    fn default() -> Checks {
        Checks { ci_verified_within_days: default_verified_days() }
    }
}

fn default_verified_days() -> u32 {
    180
}

/// Bounds on what one file may cost to read. Exceeding one is a diagnostic.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Limits {
    /// Largest file read, in bytes. Default: 16 MiB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_file_size: Option<u64>,
    /// Deepest nesting of mappings and sequences. Default: 64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1000))]
    pub max_depth: Option<u32>,
    /// Most nodes that aliases may expand to in one document. Default: 10000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_alias_nodes: Option<u32>,
    /// Most YAML documents in one file. Default: 100000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_documents: Option<u32>,
    /// Most nodes (mapping, sequence and scalar values; a long scalar counts one more per 64
    /// bytes) that the documents of one file may build together, aliases expanded. Default:
    /// 2000000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_file_nodes: Option<u64>,
    /// Most bytes read in one run (all files of a tree together); the files after, in path
    /// order, are not read. Default: 268435456 (256 MiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_total_size: Option<u64>,
    /// Most nodes that all files of a tree may build together, aliases expanded; handed out to
    /// files in path order. Default: 6000000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_total_nodes: Option<u64>,
}
