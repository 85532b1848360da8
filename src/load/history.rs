//! The first-parent history of a revision, newest commit first: which files of the tree each
//! commit changed (trees compared by id with `treediff`, so unchanged directories cost nothing
//! and unchanged files are never read) and the cairn documents of those files before and after.
//! For `cairn drift`, which must not parse the whole tree once per commit. Commits are read in
//! batches on every core, each core walking a run of consecutive commits with its own
//! repository handle, and handed on in commit order.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{FixedOffset, TimeZone};
use git2::{ObjectType, Oid, Repository};
use rayon::prelude::*;

use super::source::{self, Filter};
use super::treediff::{self, TreeCache};
use super::{parse_file, yaml, LoadError, RawDocument};
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
    reader: Reader,
    start: Oid,
}

/// How each commit is read: shared by the threads of a walk.
struct Reader {
    /// Where the root is inside the work tree (empty: the whole tree).
    inside: PathBuf,
    prefix: String,
    filter: Filter,
    max_size: u64,
    limits: yaml::Limits,
}

/// Commits read in the first batch; each later batch is twice as large, up to [`MOST_BATCH`]:
/// a walk that ends a few commits back reads few more, a long one keeps every core busy.
const FIRST_BATCH: usize = 8;
const MOST_BATCH: usize = 256;

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
        // The same bounds as reading the tree itself (`load::Bounds`).
        let bounds = super::Bounds::of(&config.limits);
        let reader = Reader {
            inside,
            prefix: source::display_prefix(path),
            filter,
            max_size: bounds.max_size,
            limits: bounds.yaml,
        };
        Ok(History { repo, reader, start })
    }

    /// Walks back from the revision along first parents, newest commit first: each commit's
    /// changes are made into a `T` by `digest` and handed to `visit`, in order, until `visit`
    /// returns `false` or the history ends (past the first commit, or where a shallow clone's
    /// history ends: that commit then counts as adding everything it holds).
    ///
    /// Commits are read in batches, each cut into one run of consecutive commits per core, read
    /// and digested there with a repository handle of its own (a handle is not `Sync`); the
    /// results are visited in commit order, so what `visit` sees does not depend on the thread
    /// count. A batch may read a few commits past where `visit` stops.
    pub fn walk<T: Send>(
        &self,
        digest: impl Fn(CommitChanges) -> T + Sync,
        mut visit: impl FnMut(T) -> bool,
    ) -> Result<(), LoadError> {
        let git = |e: git2::Error| LoadError::Git(e.message().to_owned());
        let _unverified = Unverified::new();
        let threads = rayon::current_num_threads().max(1);
        let reader = &self.reader;
        let mut handles: Vec<Repository> = Vec::new();
        let mut next = Some(self.start);
        let mut batch_size = FIRST_BATCH;
        while next.is_some() {
            // The ids of the batch's commits, each with its first parent (when readable).
            let mut batch: Vec<(Oid, Option<Oid>)> = Vec::with_capacity(batch_size);
            while batch.len() < batch_size {
                let Some(id) = next.take() else { break };
                let commit = self.repo.find_commit(id).map_err(git)?;
                let parent = commit.parent(0).ok().map(|p| p.id());
                batch.push((id, parent));
                next = parent;
            }
            batch_size = (batch_size * 2).min(MOST_BATCH);
            let runs: Vec<&[(Oid, Option<Oid>)]> =
                batch.chunks(batch.len().div_ceil(threads).max(1)).collect();
            while handles.len() < runs.len() {
                handles.push(Repository::open(self.repo.path()).map_err(git)?);
            }
            let digested: Vec<Result<Vec<T>, LoadError>> = runs
                .into_par_iter()
                .zip(handles.par_iter_mut())
                .map(|(run, repo)| {
                    let mut cache = TreeCache::new(repo);
                    run.iter()
                        .map(|&(id, parent)| reader.changes(&mut cache, id, parent).map(&digest))
                        .collect()
                })
                .collect();
            for run in digested {
                for item in run? {
                    if !visit(item) {
                        return Ok(());
                    }
                }
            }
        }
        Ok(())
    }
}

/// libgit2 hashes every object it reads again to check it against its id (SHA-1 with collision
/// detection): that was a third of a long walk's time, spent on the same large folders commit
/// after commit. The walk compares ids as git recorded them and parses what it reads as
/// untrusted text, as always, so it reads without that check; git itself checks objects when
/// they are fetched, not when they are read. Turned back on (libgit2's default) when the walk
/// ends. The setting is libgit2's, for the whole process: `cairn drift` reads nothing else
/// meanwhile.
struct Unverified;

impl Unverified {
    fn new() -> Unverified {
        git2::opts::strict_hash_verification(false);
        Unverified
    }
}

impl Drop for Unverified {
    fn drop(&mut self) {
        git2::opts::strict_hash_verification(true);
    }
}

impl Reader {
    /// What commit `id` changed against its first parent `parent`.
    fn changes(
        &self,
        cache: &mut TreeCache,
        id: Oid,
        parent: Option<Oid>,
    ) -> Result<CommitChanges, LoadError> {
        let git = |e: git2::Error| LoadError::Git(e.message().to_owned());
        let repo = cache.repo();
        let commit = repo.find_commit(id).map_err(git)?;
        let info = describe(&commit);
        let new_tree = self.subtree(repo, &commit)?;
        let old_tree = match parent.map(|p| repo.find_commit(p)) {
            Some(Ok(p)) => self.subtree(repo, &p)?,
            Some(Err(e)) => return Err(git(e)),
            None => None,
        };
        let unchanged = old_tree == new_tree;
        if unchanged || old_tree.is_none() {
            return Ok(CommitChanges {
                commit: info,
                files: Vec::new(),
                before: Vec::new(),
                after: Vec::new(),
                adds_everything: !unchanged,
            });
        }
        let changed = treediff::changed_files(cache, old_tree, new_tree).map_err(git)?;
        let mut old_blobs: Vec<(Arc<str>, Oid)> = Vec::new();
        let mut new_blobs: Vec<(Arc<str>, Oid)> = Vec::new();
        let mut files: Vec<Arc<str>> = Vec::new();
        for change in changed {
            let (relative, _) = source::shown_name(&change.path);
            if !self.filter.wants(&relative) {
                continue;
            }
            let shown: Arc<str> = format!("{}{relative}", self.prefix).into();
            let mut listed = false;
            for (side, out) in [(change.old, &mut old_blobs), (change.new, &mut new_blobs)] {
                if let Some(side) = side.filter(treediff::Side::readable) {
                    out.push((shown.clone(), side.id));
                    listed = true;
                }
            }
            if listed {
                files.push(shown);
            }
        }
        files.sort();
        let before = self.documents(repo, old_blobs);
        let after = self.documents(repo, new_blobs);
        Ok(CommitChanges { commit: info, files, before, after, adds_everything: false })
    }

    /// The id of the tree at the root's place in `commit`, if the root exists there as a
    /// directory.
    fn subtree(&self, repo: &Repository, commit: &git2::Commit) -> Result<Option<Oid>, LoadError> {
        let tree = commit.tree().map_err(|e| LoadError::Git(e.message().to_owned()))?;
        if self.inside.as_os_str().is_empty() {
            return Ok(Some(tree.id()));
        }
        let Ok(entry) = tree.get_path(&self.inside) else { return Ok(None) };
        if entry.kind() != Some(ObjectType::Tree) || repo.find_tree(entry.id()).is_err() {
            return Ok(None);
        }
        Ok(Some(entry.id()))
    }

    /// The cairn documents of these blobs, read and parsed on this thread (the walk runs one
    /// per core). Unreadable or malformed files give no documents.
    fn documents(&self, repo: &Repository, mut blobs: Vec<(Arc<str>, Oid)>) -> Vec<RawDocument> {
        blobs.sort();
        let mut out = Vec::new();
        for (path, id) in blobs {
            let size = source::blob_size(repo, id);
            let contents = source::read_blob(repo, id, size, self.max_size);
            out.extend(parse_file(&path, contents, self.max_size, &self.limits).0.documents);
        }
        out
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
