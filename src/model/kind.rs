//! The ten kinds of entity and their short names.

use std::fmt;

use serde::Serialize;

/// A kind of entity, as written in `kind:` (long name) and in references (short name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Team,
    Service,
    ConfigurationItem,
    CatalogItem,
    Sla,
    ChangeRequest,
    KnowledgeArticle,
    Window,
    Policy,
    Scorecard,
}

impl Kind {
    pub const ALL: [Kind; 10] = [
        Kind::Team,
        Kind::Service,
        Kind::ConfigurationItem,
        Kind::CatalogItem,
        Kind::Sla,
        Kind::ChangeRequest,
        Kind::KnowledgeArticle,
        Kind::Window,
        Kind::Policy,
        Kind::Scorecard,
    ];

    /// The name written in `kind:`.
    pub const fn name(self) -> &'static str {
        match self {
            Kind::Team => "Team",
            Kind::Service => "Service",
            Kind::ConfigurationItem => "ConfigurationItem",
            Kind::CatalogItem => "CatalogItem",
            Kind::Sla => "SLA",
            Kind::ChangeRequest => "ChangeRequest",
            Kind::KnowledgeArticle => "KnowledgeArticle",
            Kind::Window => "Window",
            Kind::Policy => "Policy",
            Kind::Scorecard => "Scorecard",
        }
    }

    /// The short name used in references (`ci:pg-main`) and in schema file names.
    pub const fn short(self) -> &'static str {
        match self {
            Kind::Team => "team",
            Kind::Service => "service",
            Kind::ConfigurationItem => "ci",
            Kind::CatalogItem => "catalog",
            Kind::Sla => "sla",
            Kind::ChangeRequest => "change",
            Kind::KnowledgeArticle => "kb",
            Kind::Window => "window",
            Kind::Policy => "policy",
            Kind::Scorecard => "scorecard",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    pub fn from_short(short: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.short() == short)
    }

    /// A kind whose name differs from `name` only by case or by being the short form: used to
    /// suggest a fix for `kind: service`.
    pub fn suggest(name: &str) -> Option<Kind> {
        let lower = name.to_ascii_lowercase();
        Kind::ALL.into_iter().find(|k| k.name().to_ascii_lowercase() == lower || k.short() == lower)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for Kind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = std::borrow::Cow::<str>::deserialize(d)?;
        Kind::from_name(&name).ok_or_else(|| serde::de::Error::custom(format!("`{name}` is not a kind")))
    }
}

impl schemars::JsonSchema for Kind {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("Kind")
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
        schemars::json_schema!({
            "type": "string",
            "enum": names,
            "description": "A kind of entity.",
        })
    }
}
