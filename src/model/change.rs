//! Change: change requests and the windows that allow or forbid them.

use chrono::{DateTime, FixedOffset};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{Duration, Environment};
use super::refs::{Ref, ToChange, ToService, ToServiceOrCi};

/// A proposed change, raised in the same pull request as the edits it describes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChangeSpec {
    /// Standard (a pre-approved model from the policy), normal, or emergency.
    #[serde(rename = "type")]
    pub change_type: ChangeType,
    /// Name of the standard change model in the policy. Required for standard changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// Where the change is in its life-cycle. Default: `new`.
    #[serde(default)]
    pub state: ChangeState,
    /// Login of the person asking for the change.
    #[schemars(length(min = 1))]
    pub requested_by: String,
    /// The services (`service:NAME`) and configuration items (`ci:NAME`) the change touches.
    #[schemars(length(min = 1))]
    pub targets: Vec<Ref<ToServiceOrCi>>,
    /// When the change will be made. Required unless the change is an emergency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Interval>,
    /// Why the change is needed (Markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// How the change will be made (Markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub implementation_plan: Option<String>,
    /// How the change will be undone if it fails (Markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backout_plan: Option<String>,
    /// How the change will be verified (Markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_plan: Option<String>,
    /// Risk as declared by the requester; the policy may compute a higher one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<Risk>,
    /// Whether users will notice an outage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outage: Option<Outage>,
    /// Related records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related: Option<Related>,
    /// How the change ended. Required once the change is `closed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closure: Option<Closure>,
}

/// Type of change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeType {
    Standard,
    Normal,
    Emergency,
}

/// Life-cycle state of a change, in order.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeState {
    #[default]
    New,
    Assess,
    Authorize,
    Scheduled,
    Implement,
    Review,
    Closed,
    Cancelled,
}

/// Risk level, from lowest to highest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Risk {
    Low,
    Moderate,
    High,
    VeryHigh,
}

/// A period with a start and an end, RFC 3339 with an offset (`2026-11-28T02:00:00+01:00`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Interval {
    /// Start, RFC 3339 with an offset.
    pub start: DateTime<FixedOffset>,
    /// End, RFC 3339 with an offset; after `start`.
    pub end: DateTime<FixedOffset>,
}

/// Expected outage of a change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Outage {
    /// Whether users will notice an outage.
    pub expected: bool,
    /// How long it lasts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Duration>,
}

/// Records related to a change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Related {
    /// Incident ids in the incident tool.
    #[serde(default)]
    pub incidents: Vec<String>,
    /// Problem ids in the problem tool.
    #[serde(default)]
    pub problems: Vec<String>,
    /// Other change requests.
    #[serde(default)]
    pub changes: Vec<Ref<ToChange>>,
}

/// How a change ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Closure {
    /// Outcome.
    pub code: ClosureCode,
    /// What happened (Markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// Outcome of a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ClosureCode {
    Successful,
    SuccessfulWithIssues,
    Unsuccessful,
}

/// A maintenance window (changes allowed) or a freeze (changes denied): either one-off
/// (`start` and `end`) or recurring (`cron`, `duration`, `timezone`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WindowSpec {
    /// Maintenance window or freeze.
    #[serde(rename = "type")]
    pub window_type: WindowType,
    /// Start of a one-off window, RFC 3339 with an offset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<DateTime<FixedOffset>>,
    /// End of a one-off window, RFC 3339 with an offset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<DateTime<FixedOffset>>,
    /// Start times of a recurring window: five-field cron (`0 2 * * SAT`), read in `timezone`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cron: Option<String>,
    /// Length of each occurrence of a recurring window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Duration>,
    /// IANA time zone of a recurring window, e.g. `Europe/Berlin`. Default: `UTC`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// What the window applies to. Default: everything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
    /// Freezes only: whether emergency changes may go ahead during the freeze.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_emergency: Option<bool>,
    /// Why the window exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Maintenance window or freeze.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum WindowType {
    Maintenance,
    Freeze,
}

/// What a window applies to. A service is covered when `all` is true, or it is listed, or its
/// tier is listed; a configuration item when its environment is listed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Scope {
    /// Applies to everything.
    #[serde(default)]
    pub all: bool,
    /// Services covered.
    #[serde(default)]
    pub services: Vec<Ref<ToService>>,
    /// Service tiers covered.
    #[serde(default)]
    #[schemars(inner(range(min = 1, max = 4)))]
    pub tiers: Vec<u8>,
    /// Environments covered.
    #[serde(default)]
    pub environments: Vec<Environment>,
}
