//! The data model: every kind of entity as plain Rust types (pure: no I/O).
//!
//! These types are the single source of truth. The JSON Schemas in `schemas/` are generated
//! from them (`crate::schema`), the loader deserialises into them, and every later stage
//! (validation, graph, impact, policy, render) reads them. Fields are camelCase in YAML and
//! unknown fields are errors.

mod case;
mod catalog;
mod change;
mod common;
mod kind;
mod org;
mod policy;
mod refs;
mod scorecard;

use std::sync::Arc;

use serde::Serialize;

pub use case::*;
pub use catalog::*;
pub use change::*;
pub use common::*;
pub use kind::Kind;
pub use org::*;
pub use policy::*;
pub use refs::*;
pub use scorecard::*;

/// The only `apiVersion` cairn reads.
pub const API_VERSION: &str = "cairn/v1";

/// The name rule without anchors, shared by names and references.
pub const NAME_PATTERN_BODY: &str = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
/// The name rule of `metadata.name`.
pub const NAME_PATTERN: &str = "^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$";

/// An entity as loaded: identity, spec and where it was written.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entity {
    pub metadata: Metadata,
    pub spec: Spec,
    #[serde(skip)]
    pub origin: Origin,
}

impl Entity {
    pub fn kind(&self) -> Kind {
        self.spec.kind()
    }

    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    pub fn reference(&self) -> EntityRef {
        EntityRef::new(self.kind(), self.metadata.name.clone())
    }

    /// The title if there is one, else the name.
    pub fn display_name(&self) -> &str {
        self.metadata.title.as_deref().unwrap_or(&self.metadata.name)
    }
}

/// Where an entity was written: file (relative to the repository root, `/`-separated) and
/// the index of its document in that file.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    pub file: Arc<str>,
    pub doc: u32,
    /// Line of the document's first line in the file (1-based).
    pub line: u32,
}

/// The spec of an entity, by kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Spec {
    Team(TeamSpec),
    Service(ServiceSpec),
    ConfigurationItem(CiSpec),
    CatalogItem(CatalogSpec),
    Sla(SlaSpec),
    ChangeRequest(ChangeSpec),
    KnowledgeArticle(Article),
    Window(WindowSpec),
    Policy(PolicySpec),
    Scorecard(ScorecardSpec),
}

impl Spec {
    pub fn kind(&self) -> Kind {
        match self {
            Spec::Team(_) => Kind::Team,
            Spec::Service(_) => Kind::Service,
            Spec::ConfigurationItem(_) => Kind::ConfigurationItem,
            Spec::CatalogItem(_) => Kind::CatalogItem,
            Spec::Sla(_) => Kind::Sla,
            Spec::ChangeRequest(_) => Kind::ChangeRequest,
            Spec::KnowledgeArticle(_) => Kind::KnowledgeArticle,
            Spec::Window(_) => Kind::Window,
            Spec::Policy(_) => Kind::Policy,
            Spec::Scorecard(_) => Kind::Scorecard,
        }
    }
}

/// A knowledge article: its front-matter spec and its Markdown body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Article {
    #[serde(flatten)]
    pub spec: ArticleSpec,
    /// The Markdown after the front matter.
    #[serde(skip)]
    pub body: String,
    /// Line of the body's first line in the file (1-based).
    #[serde(skip)]
    pub body_line: u32,
}
