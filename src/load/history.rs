//! The first-parent history of a revision, newest commit first: which files of the tree each
//! commit changed (trees compared by id, so unchanged directories cost nothing and unchanged
//! files are never read) and the cairn documents of those files before and after. For
//! `cairn drift`, which must not parse the whole tree once per commit.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{FixedOffset, TimeZone};
use git2::{FileMode, ObjectType, Oid, Repository};
use rayon::prelude::*;

use super::source::{self, Contents, Filter};
use super::{parse_file, yaml, LoadError, RawDocument, DEFAULT_MAX_FILE_SIZE};
use crate::model::Config;

/// One commit, as people name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// The full id.
    pub id: String,
    /// The first seven hex digits.
    pub short: String,
    /// The committer's date, in the committer's offset (`2026-11-30`).
    pub date: String,
    /// The first line of the message.
    pub summary: String,
}

/// What one commit changed in the tree: the documents of each changed file before (in the
/// first parent) and after.
#[derive(Debug)]
pub struct CommitChanges {
    pub commit: CommitInfo,
    /// Files (as shown) the commit added, removed or modified, sorted.
    pub files: Vec<Arc<str>>,
    pub before: Vec<RawDocument>,
    pub after: Vec<RawDocument>,
    /// The commit adds the whole tree (the first commit, or the first where the root exists):
    /// its files are neither listed nor read, since everything in it is new.
    pub adds_everything: bool,
}

/// A first-parent walk back from a revision.
pub struct History {
    repo: Repository,
    /// Where the root is inside the work tree (empty: the whole tree).
    inside: PathBuf,
    prefix: String,
    filter: Filter,
    max_size: u64,
    limits: yaml::Limits,
    next: Option<Oid>,
}

impl History {
    /// The history of revision `rev` of the repository around `path`, read with the include
    /// and exclude globs and the limits of `config` (the tree's `cairn.yaml`).
    pub fn open(path: &Path, rev: &str, config: &Config) -> Result<History, LoadError> {
        let repo = Repository::discover(path)
            .map_err(|e| LoadError::NotARepository(path.display().to_string(), e.message().to_owned()))?;
        let start = source::resolve_commit(&repo, rev)?;
        let inside = source::relative_to_workdir(&repo, path)?;
        let filter = Filter::new(&config.include, &config.exclude)
            .or_else(|_| Filter::new(&[], &[]))
            .map_err(|(_, _, e)| LoadError::Git(e))?;
        let limits = yaml::Limits {
            max_depth: config.limits.max_depth.map_or(yaml::Limits::default().max_depth, |d| d as usize),
            max_alias_nodes: config
                .limits
                .max_alias_nodes
                .map_or(yaml::Limits::default().max_alias_nodes, |n| n as usize),
            ..yaml::Limits::default()
        };
        Ok(History {
            repo,
            inside,
            prefix: source::display_prefix(path),
            filter,
            max_size: config.limits.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE),
            limits,
            next: Some(start),
        })
    }

    /// The next commit back (the first parent of the last one), with what it changed; `None`
    /// past the first commit (or where a shallow clone's history ends: that commit then counts
    /// as adding everything it holds).
    pub fn next_commit(&mut self) -> Result<Option<CommitChanges>, LoadError> {
        let Some(id) = self.next.take() else { return Ok(None) };
        let git = |e: git2::Error| LoadError::Git(e.message().to_owned());
        let commit = self.repo.find_commit(id).map_err(git)?;
        let parent = commit.parent(0).ok();
        self.next = parent.as_ref().map(git2::Commit::id);
        let new_tree = self.subtree(&commit)?;
        let old_tree = match &parent {
            Some(p) => self.subtree(p)?,
            None => None,
        };
        let info = describe(&commit);
        let unchanged = old_tree.as_ref().map(git2::Tree::id) == new_tree.as_ref().map(git2::Tree::id);
        if unchanged || old_tree.is_none() {
            return Ok(Some(CommitChanges {
                commit: info,
                files: Vec::new(),
                before: Vec::new(),
                after: Vec::new(),
                adds_everything: !unchanged,
            }));
        }
        let diff = self.repo.diff_tree_to_tree(old_tree.as_ref(), new_tree.as_ref(), None).map_err(git)?;
        let mut old_blobs: Vec<(Arc<str>, Oid)> = Vec::new();
        let mut new_blobs: Vec<(Arc<str>, Oid)> = Vec::new();
        let mut files: Vec<Arc<str>> = Vec::new();
        let readable = |mode: FileMode| matches!(mode, FileMode::Blob | FileMode::BlobExecutable);
        for delta in diff.deltas() {
            for (side, out) in [(delta.old_file(), &mut old_blobs), (delta.new_file(), &mut new_blobs)] {
                let Some(relative) = side.path().and_then(Path::to_str) else { continue };
                let relative = relative.replace('\\', "/");
                if side.id().is_zero() || !readable(side.mode()) || !self.filter.wants(&relative) {
                    continue;
                }
                let shown: Arc<str> = format!("{}{relative}", self.prefix).into();
                out.push((shown.clone(), side.id()));
                if !files.contains(&shown) {
                    files.push(shown);
                }
            }
        }
        files.sort();
        let before = self.documents(old_blobs);
        let after = self.documents(new_blobs);
        Ok(Some(CommitChanges { commit: info, files, before, after, adds_everything: false }))
    }

    /// The tree at the root's place in `commit`, if the root exists there as a directory.
    fn subtree<'r>(&'r self, commit: &git2::Commit<'r>) -> Result<Option<git2::Tree<'r>>, LoadError> {
        let tree = commit.tree().map_err(|e| LoadError::Git(e.message().to_owned()))?;
        if self.inside.as_os_str().is_empty() {
            return Ok(Some(tree));
        }
        let Ok(entry) = tree.get_path(&self.inside) else { return Ok(None) };
        if entry.kind() != Some(ObjectType::Tree) {
            return Ok(None);
        }
        Ok(self.repo.find_tree(entry.id()).ok())
    }

    /// The cairn documents of these blobs: inflated here (the repository handle stays on this
    /// thread), parsed on every core. Unreadable or malformed files give no documents.
    fn documents(&self, mut blobs: Vec<(Arc<str>, Oid)>) -> Vec<RawDocument> {
        blobs.sort();
        let contents: Vec<(Arc<str>, Contents)> = blobs
            .into_iter()
            .map(|(path, id)| {
                let size = source::blob_size(&self.repo, id);
                let contents = source::read_blob(&self.repo, id, size, self.max_size);
                (path, contents)
            })
            .collect();
        let (max_size, limits) = (self.max_size, &self.limits);
        let parsed: Vec<Vec<RawDocument>> = contents
            .into_par_iter()
            .map(|(path, contents)| parse_file(&path, contents, max_size, limits).0.documents)
            .collect();
        parsed.into_iter().flatten().collect()
    }
}

fn describe(commit: &git2::Commit) -> CommitInfo {
    let id = commit.id().to_string();
    let time = commit.committer().when();
    let date = FixedOffset::east_opt(time.offset_minutes() * 60)
        .and_then(|offset| offset.timestamp_opt(time.seconds(), 0).single())
        .map_or_else(String::new, |t| t.format("%Y-%m-%d").to_string());
    let summary = commit.summary_bytes().map(|s| String::from_utf8_lossy(s).into_owned()).unwrap_or_default();
    CommitInfo { short: id.chars().take(7).collect(), id, date, summary }
}
