//! Other revisions to compare with (`cairn conflicts --against`, the gate's `--against`):
//! revisions and ref globs expanded to commits, and the documents a revision holds where it
//! differs from the tree being checked.
//!
//! Only the differing files are read: comparing the two revisions' trees by id (`treediff`,
//! shared with `cairn drift`'s history walk) skips every identical subtree, so comparing with twenty open pull requests costs twenty small diffs, not
//! twenty whole trees. Files that are the same in both hold the same change requests, which
//! are one change.

use std::path::Path;
use std::sync::Arc;

use git2::{ObjectType, Oid, Repository};

use super::source::{display_prefix, resolve_commit, Filter};
use super::treediff::{changed_files, Side, TreeCache};
use super::{parse_file, yaml, Bounds, Contents, LoadError, Loaded, Paths, DEFAULT_MAX_FILE_SIZE};
use crate::diag::{Code, Diagnostic, Location};
use crate::model::Config;

/// A revision to compare with: its name as written (or the ref a glob matched) and its commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub name: String,
    pub commit: Oid,
}

/// Whether `spec` is a ref glob (`refs/remotes/origin/pr/*`) rather than a revision.
fn is_glob(spec: &str) -> bool {
    spec.contains(['*', '?', '['])
}

fn open(path: &Path) -> Result<Repository, LoadError> {
    Repository::discover(path)
        .map_err(|e| LoadError::NotARepository(path.display().to_string(), e.message().to_owned()))
}

/// Expands revisions and ref globs into commits, in the order given (a glob's refs sorted by
/// name), each commit once. A glob may match nothing (no open pull requests); a revision that
/// does not resolve is an error. Refs that do not point at a commit are skipped.
pub fn expand_revisions(path: &Path, specs: &[String]) -> Result<Vec<Revision>, LoadError> {
    if specs.is_empty() {
        return Ok(Vec::new());
    }
    let repo = open(path)?;
    let mut out: Vec<Revision> = Vec::new();
    let mut push = |name: String, commit: Oid| {
        if !out.iter().any(|r| r.commit == commit) {
            out.push(Revision { name, commit });
        }
    };
    for spec in specs {
        if !is_glob(spec) {
            push(spec.clone(), resolve_commit(&repo, spec)?);
            continue;
        }
        let refs = repo
            .references_glob(spec)
            .map_err(|e| LoadError::Revision(spec.clone(), e.message().to_owned()))?;
        let mut found: Vec<(String, Oid)> = Vec::new();
        for reference in refs.flatten() {
            let Some(name) = reference.name().ok().map(str::to_owned) else { continue };
            if let Ok(commit) = reference.peel_to_commit() {
                found.push((name, commit.id()));
            }
        }
        found.sort();
        for (name, commit) in found {
            push(name, commit);
        }
    }
    Ok(out)
}

/// The tree of `commit` at `inside` (a directory of the work tree); `None` when the revision
/// has no such directory.
fn subtree<'r>(
    repo: &'r Repository,
    commit: Oid,
    inside: &Path,
    name: &str,
) -> Result<Option<git2::Tree<'r>>, LoadError> {
    let fail = |e: git2::Error| LoadError::Revision(name.to_owned(), e.message().to_owned());
    let root = repo.find_commit(commit).and_then(|c| c.tree()).map_err(fail)?;
    if inside.as_os_str().is_empty() {
        return Ok(Some(root));
    }
    match root.get_path(inside) {
        Ok(entry) if entry.kind() == Some(ObjectType::Tree) => {
            Ok(Some(repo.find_tree(entry.id()).map_err(fail)?))
        }
        _ => Ok(None),
    }
}

/// The cairn documents of revision `rev` in the files (under `path`) where it differs from
/// `relative_to` (a revision; default `HEAD`): added, modified, renamed or copied files the
/// tree's `cairn.yaml` globs admit (`config`; when `None`, the one at `relative_to`), symbolic
/// links never followed. Files are named `REV:path`, so that they never pass for the tree's
/// own files.
pub fn load_differing(
    path: &Path,
    rev: &Revision,
    relative_to: Option<&str>,
    config: Option<&Config>,
) -> Result<Loaded, LoadError> {
    let repo = open(path)?;
    let inside = match repo.workdir() {
        Some(workdir) => {
            let canon = |p: &Path| {
                p.canonicalize().map_err(|e| LoadError::NotADirectory(format!("{}: {e}", p.display())))
            };
            let (workdir, path) = (canon(workdir)?, canon(path)?);
            path.strip_prefix(&workdir).map(Path::to_path_buf).unwrap_or_default()
        }
        None => std::path::PathBuf::new(),
    };
    let base_name = relative_to.unwrap_or("HEAD");
    // An unborn HEAD (a new repository) has no tree: everything in the revision differs.
    let base_commit = match resolve_commit(&repo, base_name) {
        Ok(commit) => Some(commit),
        Err(_) if relative_to.is_none() => None,
        Err(e) => return Err(e),
    };
    let base_tree = match base_commit {
        Some(commit) => subtree(&repo, commit, &inside, base_name)?,
        None => None,
    };
    let rev_tree = subtree(&repo, rev.commit, &inside, &rev.name)?;
    let read_config;
    let config = match config {
        Some(config) => config,
        None => {
            read_config = base_tree.as_ref().map(|tree| config_at(&repo, tree)).unwrap_or_default();
            &read_config
        }
    };
    let prefix = display_prefix(path);
    let mut loaded = Loaded {
        paths: Paths { prefix: prefix.clone(), repository_prefix: String::new() },
        config: config.clone(),
        ..Loaded::default()
    };
    let Some(rev_tree) = rev_tree else { return Ok(loaded) };
    let filter = Filter::new(&config.include, &config.exclude)
        .or_else(|_| Filter::new(&[], &[]))
        .map_err(|(_, _, e)| LoadError::Git(e))?;
    let mut cache = TreeCache::new(&repo);
    let changed = changed_files(&mut cache, base_tree.as_ref().map(git2::Tree::id), Some(rev_tree.id()))
        .map_err(|e| LoadError::Git(e.message().to_owned()))?;
    let mut files: Vec<(String, Oid)> = Vec::new();
    // Added or modified files (a file only the base has is no change request of `rev`'s).
    for change in changed {
        let Some(new) = change.new.filter(Side::readable) else { continue };
        let Ok(relative) = String::from_utf8(change.path) else { continue };
        if !filter.wants(&relative) {
            continue;
        }
        files.push((relative, new.id));
    }
    files.sort();
    // The base's bounds, for the whole revision as for a tree: another pull request's branch is
    // as hostile as this one's, and twenty of them are read in one run.
    let Bounds { max_size, yaml: limits, max_total_size, max_total_nodes } = Bounds::of(&config.limits);
    let (mut bytes_left, mut nodes_left) = (max_total_size, max_total_nodes);
    loaded.file_count = files.len();
    for (relative, id) in files {
        let shown: Arc<str> = format!("{}:{prefix}{relative}", rev.name).into();
        let blob = repo.find_blob(id);
        let size = blob.as_ref().map_or(0, |b| b.size() as u64);
        if size <= max_size && (size > bytes_left || nodes_left == 0) {
            loaded.diagnostics.push(
                Diagnostic::new(
                    Code::InputTooLarge,
                    format!(
                        "not read: the files of {} that differ hold more than {max_total_size} bytes or \
                         build more than {max_total_nodes} nodes in all (limits.maxTotalSize, \
                         limits.maxTotalNodes of the tree it is compared with)",
                        rev.name
                    ),
                    Location::file(shown),
                )
                .with_note("its change requests past this file are not compared"),
            );
            bytes_left = 0;
            continue;
        }
        let contents = match blob {
            Ok(_) if size > max_size => Contents::TooLarge,
            Ok(blob) => {
                bytes_left -= size;
                Contents::Bytes(blob.content().to_vec())
            }
            Err(e) => Contents::Unreadable(e.message().to_owned()),
        };
        let file_limits = yaml::Limits { max_file_nodes: nodes_left.min(limits.max_file_nodes), ..limits };
        let (mut file, text) = parse_file(&shown, contents, max_size, &file_limits);
        nodes_left = nodes_left.saturating_sub(file.nodes);
        if file_limits.max_file_nodes < limits.max_file_nodes {
            // Cut short by the revision's budget, not by its own bound: say so.
            for d in file.diagnostics.iter_mut().filter(|d| d.code == Code::FileTooComplex) {
                d.code = Code::InputTooLarge;
            }
        }
        if let Some(text) = text {
            loaded.files.insert(shown.clone(), text);
        }
        loaded.diagnostics.extend(file.diagnostics);
        loaded.documents.extend(file.documents);
    }
    Ok(loaded)
}

/// The `cairn.yaml` at the root of `tree`, or the defaults when there is none (or it does not
/// read: `cairn validate` says why).
fn config_at(repo: &Repository, tree: &git2::Tree) -> Config {
    let Some(entry) = tree.get_name(super::CONFIG_FILE) else { return Config::default() };
    let Ok(blob) = repo.find_blob(entry.id()) else { return Config::default() };
    if blob.size() as u64 > DEFAULT_MAX_FILE_SIZE {
        return Config::default();
    }
    let name: Arc<str> = super::CONFIG_FILE.into();
    let (parsed, _) = parse_file(
        &name,
        Contents::Bytes(blob.content().to_vec()),
        DEFAULT_MAX_FILE_SIZE,
        &yaml::Limits::default(),
    );
    parsed
        .values
        .into_iter()
        .next()
        .and_then(|(_, value)| serde_json::from_value::<Config>(value).ok())
        .unwrap_or_default()
}
