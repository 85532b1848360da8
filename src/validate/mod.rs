//! Cross-file rules.
