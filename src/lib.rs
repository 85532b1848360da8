//! cairn: IT service management as code.
//!
//! The library behind the `cairn` binary. Modules depend downward only:
//! `model` (types) → `load` (files and git objects → documents with positions) → `schema` and
//! `validate` → `report` (the only module that formats output). See `docs/architecture.md`.

pub mod cli;
pub mod diag;
pub mod graph;
pub mod health;
pub mod impact;
pub mod load;
pub mod model;
pub mod policy;
pub mod render;
pub mod report;
pub mod schema;
pub mod validate;
