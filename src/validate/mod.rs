//! Validation: the schema of each document, then the cross-file rules.

pub mod rules;
