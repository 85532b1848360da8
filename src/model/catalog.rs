//! What users see: catalog items, service level agreements and knowledge articles.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::Duration;
use super::refs::{Ref, ToCatalog, ToCi, ToService, ToSla, ToTeam};

/// Something users can request from the service catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CatalogSpec {
    /// The service that fulfils the request.
    pub service: Ref<ToService>,
    /// Catalog category, e.g. `Access`, `Databases`.
    #[schemars(length(min = 1))]
    pub category: String,
    /// Team that owns the catalog entry (default: the service's owner).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Ref<ToTeam>>,
    /// What kind of request this is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_type: Option<RequestType>,
    /// How the request is fulfilled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fulfillment: Option<Fulfillment>,
    /// Whether a request needs approval, and from whom.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<Approval>,
    /// The fields of the request form.
    #[serde(default)]
    pub form: Vec<FormField>,
    /// The SLA that applies to requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla: Option<Ref<ToSla>>,
    /// Teams that may request the item; empty means everyone.
    #[serde(default)]
    pub audience: Vec<Ref<ToTeam>>,
    /// Whether the item can be requested now. Default: `true`.
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// Kind of catalog request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RequestType {
    ServiceRequest,
    Access,
    Incident,
    Change,
}

/// How a catalog request is fulfilled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Fulfillment {
    /// Degree of automation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automation: Option<Automation>,
    /// Usual time to deliver, e.g. `2d` or `PT4H`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_delivery: Option<Duration>,
}

/// Degree of automation of a fulfilment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Automation {
    Manual,
    SemiAutomated,
    Automated,
}

/// Approval of catalog requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Approval {
    /// Whether a request must be approved before fulfilment.
    pub required: bool,
    /// Teams that approve requests.
    #[serde(default)]
    pub approvers: Vec<Ref<ToTeam>>,
}

/// One field of a request form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FormField {
    /// Field name.
    #[schemars(length(min = 1))]
    pub name: String,
    /// Field type. Default: `string`.
    #[serde(default, rename = "type")]
    pub field_type: FieldType,
    /// Whether the requester must fill it in.
    #[serde(default)]
    pub required: bool,
    /// The choices of a `choice` field.
    #[serde(default)]
    pub options: Vec<String>,
    /// Help text shown beside the field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

/// Type of a request form field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FieldType {
    #[default]
    String,
    Number,
    Boolean,
    Choice,
    Date,
}

/// A service level agreement, operational level agreement or underpinning contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SlaSpec {
    /// The service the agreement covers.
    pub service: Ref<ToService>,
    /// SLA (with a customer), OLA (between teams) or UC (with a supplier). Default: `sla`.
    #[serde(default, rename = "type")]
    pub sla_type: SlaType,
    /// Who the service is provided to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    /// The team that provides the service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<Ref<ToTeam>>,
    /// The targets. At least one.
    #[schemars(length(min = 1))]
    pub objectives: Vec<Objective>,
    /// When the targets apply: `24x7` or a weekly schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_hours: Option<SupportHours>,
    /// The period in which the agreement is in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective: Option<Effective>,
    /// When the agreement is next reviewed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_date: Option<NaiveDate>,
}

/// Kind of agreement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SlaType {
    #[default]
    Sla,
    Ola,
    Uc,
}

/// One target of an agreement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Objective {
    /// What is measured.
    pub metric: Metric,
    /// The target value: a percentage for availability, a time for response and resolution.
    pub target: f64,
    /// Unit of the target. Default: `percent` for availability, `minutes` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Unit>,
    /// Incident priority the target applies to (response and resolution targets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
}

/// A measured quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Metric {
    Availability,
    Response,
    Resolution,
}

/// Unit of an objective's target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Unit {
    Percent,
    Minutes,
    Hours,
}

/// Incident priority, P1 the most urgent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
pub enum Priority {
    P1,
    P2,
    P3,
    P4,
}

/// When an agreement's targets apply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum SupportHours {
    /// Always: the string `24x7`.
    Always(AlwaysOn),
    /// A weekly schedule.
    Schedule(Schedule),
}

/// The literal `24x7`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum AlwaysOn {
    #[serde(rename = "24x7")]
    Always,
}

/// A weekly support schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Schedule {
    /// IANA time zone of `from` and `to`.
    pub timezone: String,
    /// Days of the week: a list (`[mon, tue]`, `[Monday]`) or a range (`mon-fri`).
    pub days: Days,
    /// Start of support, `HH:MM`.
    #[schemars(regex(pattern = r"^(?:[01]?[0-9]|2[0-3]):[0-5][0-9]$"))]
    pub from: String,
    /// End of support, `HH:MM` (`24:00` for midnight).
    #[schemars(regex(pattern = r"^(?:(?:[01]?[0-9]|2[0-3]):[0-5][0-9]|24:00)$"))]
    pub to: String,
}

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    pub const ALL: [Weekday; 7] =
        [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];

    /// `mon`, `Mon`, `monday`, `MONDAY`…
    pub fn parse(text: &str) -> Option<Weekday> {
        let lower = text.trim().to_ascii_lowercase();
        const FULL: [&str; 7] =
            ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
        FULL.iter()
            .position(|full| lower == *full || (lower.len() == 3 && full.starts_with(&lower)))
            .map(|i| Weekday::ALL[i])
    }
}

/// Days of the week, written as a list of days or as a range such as `mon-fri`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Days(pub Vec<Weekday>);

/// The schema pattern of one day name.
const DAY: &str =
    "(?:[Mm][Oo][Nn]|[Tt][Uu][Ee]|[Ww][Ee][Dd]|[Tt][Hh][Uu]|[Ff][Rr][Ii]|[Ss][Aa][Tt]|[Ss][Uu][Nn])[A-Za-z]*";

impl Days {
    /// Parses one entry: a day, or a range of days (`mon-fri`, wrapping past Sunday).
    fn parse_entry(text: &str, out: &mut Vec<Weekday>) -> Result<(), String> {
        let bad = || format!("`{text}` is not a day or a range of days such as `mon-fri`");
        match text.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (Weekday::parse(a).ok_or_else(bad)?, Weekday::parse(b).ok_or_else(bad)?);
                let mut i = a as usize;
                loop {
                    out.push(Weekday::ALL[i]);
                    if i == b as usize {
                        break;
                    }
                    i = (i + 1) % 7;
                }
            }
            None => out.push(Weekday::parse(text).ok_or_else(bad)?),
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Days {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            One(String),
            Many(Vec<String>),
        }
        let entries = match Raw::deserialize(d)? {
            Raw::One(s) => vec![s],
            Raw::Many(v) => v,
        };
        let mut days = Vec::new();
        for entry in &entries {
            Days::parse_entry(entry, &mut days).map_err(serde::de::Error::custom)?;
        }
        if days.is_empty() {
            return Err(serde::de::Error::custom("name at least one day"));
        }
        days.sort();
        days.dedup();
        Ok(Days(days))
    }
}

impl JsonSchema for Days {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("Days")
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let entry = format!("^{DAY}(?:-{DAY})?$");
        schemars::json_schema!({
            "description": "Days of the week: `mon`…`sun` or full names, any case, or ranges such as `mon-fri`; one or a list.",
            "anyOf": [
                {"type": "string", "pattern": entry},
                {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": entry}},
            ],
        })
    }
}

/// The period an agreement is in force.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Effective {
    /// First day in force.
    pub from: NaiveDate,
    /// Last day in force; open-ended when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
}

/// A knowledge article: a Markdown file whose front matter carries these fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ArticleSpec {
    /// What kind of article this is.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub article_type: Option<ArticleType>,
    /// The team that keeps the article up to date.
    pub owner: Ref<ToTeam>,
    /// Publication state. Default: `published`.
    #[serde(default)]
    pub state: ArticleState,
    /// Services the article is about.
    #[serde(default)]
    pub services: Vec<Ref<ToService>>,
    /// Configuration items the article is about.
    #[serde(default)]
    pub cis: Vec<Ref<ToCi>>,
    /// Catalog items the article is about.
    #[serde(default)]
    pub catalog_items: Vec<Ref<ToCatalog>>,
    /// When the article must next be reviewed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_by: Option<NaiveDate>,
    /// Last day the article is valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<NaiveDate>,
}

/// Kind of knowledge article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ArticleType {
    Howto,
    Runbook,
    KnownError,
    Faq,
    Reference,
}

/// Publication state of an article.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ArticleState {
    Draft,
    #[default]
    Published,
    Retired,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(v: serde_json::Value) -> Result<Vec<Weekday>, String> {
        serde_json::from_value::<Days>(v).map(|d| d.0).map_err(|e| e.to_string())
    }

    #[test]
    fn days_are_read_leniently() {
        use Weekday::*;
        assert_eq!(days(serde_json::json!("mon-fri")).unwrap(), [Mon, Tue, Wed, Thu, Fri]);
        assert_eq!(days(serde_json::json!(["Monday", "TUE", "sun"])).unwrap(), [Mon, Tue, Sun]);
        assert_eq!(days(serde_json::json!("fri-mon")).unwrap(), [Mon, Fri, Sat, Sun]);
        assert!(days(serde_json::json!(["funday"])).is_err());
        assert!(days(serde_json::json!([])).is_err());
    }
}
