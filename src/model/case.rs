//! A policy test case (`cairn policy test`): a proposed change, its reviews and the time, and
//! the verdict the policy must give. Not an entity: case files live outside the organisation's
//! tree and have their own schema (`schemas/policy-test.json`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::change::Risk;

/// One declarative test of the change policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PolicyTest {
    /// What the case shows, for the report.
    #[serde(default)]
    pub description: Option<String>,
    /// The tree the pull request starts from, a directory relative to the case file. Default:
    /// the repository the tests run in (`cairn policy test --repo`, at `--rev` when given).
    #[serde(default)]
    pub base: Option<String>,
    /// The pull request as a unified diff in `git diff` format, a file relative to the case
    /// file, applied to the base exactly (no fuzz).
    #[serde(default)]
    pub patch: Option<String>,
    /// Files the pull request writes, after the patch: path relative to the base's root → the
    /// new contents, or `null` to delete the file.
    #[serde(default)]
    pub files: BTreeMap<String, Option<String>>,
    /// The pull request's whole tree instead: a directory relative to the case file. Not with
    /// `patch` or `files`.
    #[serde(default)]
    pub head: Option<String>,
    /// Trees of other revisions (open pull requests): directories relative to the case file,
    /// whose active change requests the gate's `conflicts` rule compares with, as `cairn gate
    /// --against` does. Each is named as written.
    #[serde(default)]
    pub against: Vec<String>,
    /// The pull request's reviews in the GitHub REST "list reviews" format, inline or as a JSON
    /// file relative to the case file. The case's head commit is called `head`: a review whose
    /// `commit_id` is anything else approves an older commit.
    #[serde(default)]
    pub reviews: Option<CaseReviews>,
    /// The pull request's author (a login).
    #[serde(default)]
    pub author: Option<String>,
    /// The merge time, RFC 3339 (`2026-11-24T10:00:00Z`).
    pub now: String,
    /// What the gate must answer.
    pub expect: Expectation,
}

/// Reviews written in the case, or the file that holds them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum CaseReviews {
    /// A JSON file relative to the case file.
    File(String),
    /// The reviews themselves.
    Inline(Vec<Value>),
}

/// The verdict a case expects. Only what is written is compared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Expectation {
    /// `allow` or `block`.
    pub verdict: ExpectedVerdict,
    /// The verdict's risk.
    #[serde(default)]
    pub risk: Option<Risk>,
    /// Rule name → `pass`, `fail` or `skipped`; rules not listed are not compared.
    #[serde(default)]
    pub rules: BTreeMap<String, ExpectedStatus>,
    /// Rule name → the logins who could still satisfy it, in any order.
    #[serde(default)]
    pub eligible: BTreeMap<String, Vec<String>>,
    /// Logins whose reviews must be among those that did not count.
    #[serde(default)]
    pub ignored: Vec<String>,
}

/// The expected verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ExpectedVerdict {
    Allow,
    Block,
}

/// The expected status of one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ExpectedStatus {
    Pass,
    Fail,
    Skipped,
}
