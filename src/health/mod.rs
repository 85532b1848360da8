//! Service health: what the entities of one tree say about how ready and how sound the services
//! are (SPEC §9). Pure functions over typed entities, one file per idea:
//!
//! - `score`: scorecards — the level each entity earns and the checks it fails.

pub mod score;
