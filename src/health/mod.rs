//! Service health (SPEC §9): what the entities of one tree say about how ready and how sound the
//! services are, beyond whether the files are valid. One file per idea:
//!
//! - `score`: scorecards — the level each entity earns and the checks it fails;
//! - `ceiling`: SLA achievability, the availability ceiling of each service's dependency
//!   closure (the `sla-unachievable` rule and the SLA page read it);
//! - `drift`: knowledge drift, published articles whose entities changed after the article
//!   was last edited, found by walking git history (`cairn drift` and the article pages).
//!
//! Pure logic over typed entities, except `drift::find`, which asks `crate::load` for the
//! history it needs.

pub mod ceiling;
pub mod drift;
pub mod score;
