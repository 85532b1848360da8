//! Who and what: teams, services and configuration items (the CMDB).

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{Contact, Environment, SortedMap};
use super::refs::{Ref, ToCi, ToServiceOrCi, ToTeam, ToWindow};

/// A team: who owns entities and who approves changes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TeamSpec {
    /// The people in the team. Approvals count by `login`, as read at the base revision.
    #[serde(default)]
    pub members: Vec<Member>,
    /// The team this one belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Ref<ToTeam>>,
    /// How to reach the team.
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// IANA time zone of the team, e.g. `Europe/Berlin`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
}

/// A member of a team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Member {
    /// Login on the forge (e.g. the GitHub user name): the identity approvals are matched on.
    pub login: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// E-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Role in the team. Default: `member`.
    #[serde(default)]
    pub role: Role,
}

/// A member's role in a team.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    #[default]
    Member,
    Lead,
    Approver,
}

/// A business or technical service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceSpec {
    /// The team that owns the service.
    pub owner: Ref<ToTeam>,
    /// Criticality from 1 (most critical) to 4.
    #[schemars(range(min = 1, max = 4))]
    pub tier: u8,
    /// Business service (what customers use) or technical service (what other services use).
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub service_type: Option<ServiceType>,
    /// Where the service is in its life. Default: `live`.
    #[serde(default)]
    pub lifecycle: Lifecycle,
    /// Services (`service:NAME`) and configuration items (`ci:NAME`) this service needs.
    #[serde(default)]
    pub depends_on: Vec<Ref<ToServiceOrCi>>,
    /// Configuration items that make up the service.
    #[serde(default)]
    pub components: Vec<Ref<ToCi>>,
    /// Teams that must also approve changes to this service.
    #[serde(default)]
    pub approvers: Vec<Ref<ToTeam>>,
    /// Windows in which changes to this service may be made.
    #[serde(default)]
    pub maintenance_windows: Vec<Ref<ToWindow>>,
    /// How to reach the people running the service.
    #[serde(default)]
    pub contacts: Vec<Contact>,
}

/// Business or technical service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ServiceType {
    Business,
    Technical,
}

/// Life-cycle of a service.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Lifecycle {
    Planned,
    #[default]
    Live,
    Deprecated,
    Retired,
}

/// A configuration item of the CMDB: a host, cluster, database, queue, deployment…
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CiSpec {
    /// Hierarchical class, e.g. `database/postgres`, `k8s/cluster`, `server/linux`.
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9-]*(?:/[a-z0-9][a-z0-9-]*)*$"))]
    pub class: String,
    /// The team that owns the item.
    pub owner: Ref<ToTeam>,
    /// The environment the item belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<Environment>,
    /// Operational status. Default: `operational`.
    #[serde(default)]
    pub status: CiStatus,
    /// Items this one needs to work.
    #[serde(default)]
    pub depends_on: Vec<Ref<ToCi>>,
    /// Items that host this one (a VM on a hypervisor, a deployment on a cluster).
    #[serde(default)]
    pub runs_on: Vec<Ref<ToCi>>,
    /// Members of a cluster or pool.
    #[serde(default)]
    pub members: Vec<Ref<ToCi>>,
    /// How many members must stay up for the cluster to work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redundancy: Option<Redundancy>,
    /// Free attributes: version, region, size, replicas…
    #[serde(default)]
    pub attributes: SortedMap<String, serde_json::Value>,
    /// When the record was last checked against reality.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_verified: Option<NaiveDate>,
}

/// Redundancy of a cluster or pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Redundancy {
    /// The least number of members that must be up for the cluster to serve.
    #[schemars(range(min = 1))]
    pub min_up: u32,
}

/// Operational status of a configuration item.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CiStatus {
    Planned,
    Installed,
    #[default]
    Operational,
    Maintenance,
    Retired,
}
