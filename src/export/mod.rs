//! Getting out: the repository as descriptors another tool reads. Pure: typed entities in,
//! files (relative path → text) out; the caller writes them through the guarded writer.

pub mod backstage;
