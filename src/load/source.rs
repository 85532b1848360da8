//! Where files come from: a directory on disk, or the tree of a git revision read straight
//! from the object database (no checkout). Both yield the same list of candidate files, so
//! everything after this module cannot tell them apart.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use git2::{ObjectType, Oid, Repository};
use globset::{Glob, GlobSet, GlobSetBuilder};

use super::LoadError;

/// A file to read, named by its display path.
pub(crate) struct Candidate {
    /// Path shown to users: the root as given, then the path inside it, `/`-separated, with
    /// control characters and bytes that are not UTF-8 escaped (see [`shown_name`]).
    pub path: Arc<str>,
    /// Whether the path had to be escaped to be shown: reported, since it is not the file's
    /// exact name.
    pub escaped: bool,
    pub size: u64,
    location: Place,
}

impl Candidate {
    /// Reads a candidate that lives on disk (from any thread).
    pub fn read_from_disk(&self, max: u64) -> Contents {
        match &self.location {
            Place::Disk(path) => read_disk(path, self.size, max),
            Place::Memory(bytes) => read_memory(bytes, max),
            Place::Blob(_) => Contents::Unreadable("not on disk".into()),
        }
    }

    /// The git blob id, when the file was read from git objects.
    pub fn blob(&self) -> Option<Oid> {
        match self.location {
            Place::Blob(id) => Some(id),
            Place::Disk(_) | Place::Memory(_) => None,
        }
    }
}

enum Place {
    Disk(PathBuf),
    Blob(Oid),
    /// A proposed change held in memory ([`super::Changes`]).
    Memory(Arc<[u8]>),
}

/// A symbolic link whose target leaves the root.
pub(crate) struct EscapingLink {
    pub path: Arc<str>,
    pub target: String,
}

/// The contents of a candidate, or why it was not read.
pub(crate) enum Contents {
    Bytes(Vec<u8>),
    /// Not read: identical content was parsed before and is in the cache.
    Cached,
    TooLarge,
    Unreadable(String),
}

/// A tree of files: a directory, or a revision's tree.
pub(crate) enum Source {
    Dir {
        root: PathBuf,
        prefix: String,
    },
    /// `inside`: where the root is in the work tree.
    Revision {
        repo: Repository,
        tree: Oid,
        prefix: String,
        inside: PathBuf,
    },
}

impl Source {
    /// A directory on disk. `shown` is the root as the user wrote it.
    pub fn dir(root: &Path) -> Result<Source, LoadError> {
        if !root.is_dir() {
            return Err(LoadError::NotADirectory(root.display().to_string()));
        }
        Ok(Source::Dir { root: root.to_path_buf(), prefix: display_prefix(root) })
    }

    /// The subtree at `path` (inside a git work tree) of revision `rev`.
    pub fn revision(path: &Path, rev: &str) -> Result<Source, LoadError> {
        let repo = Repository::discover(path)
            .map_err(|e| LoadError::NotARepository(path.display().to_string(), e.message().to_owned()))?;
        let commit = resolve_commit(&repo, rev)?;
        let inside = relative_to_workdir(&repo, path)?;
        let tree = subtree(&repo, commit, &inside, rev)?;
        Ok(Source::Revision { tree, prefix: display_prefix(path), repo, inside })
    }

    /// Reads one file at the root (e.g. `cairn.yaml`), if present.
    pub fn read_root_file(&self, name: &str, max: u64) -> Option<(Arc<str>, Contents)> {
        let shown: Arc<str> = format!("{}{name}", self.prefix()).into();
        Some((shown, self.read_relative(name, max)?))
    }

    /// Reads the regular file at `relative` (`/`-separated, inside the root), if there is one;
    /// never through a symbolic link.
    pub fn read_relative(&self, relative: &str, max: u64) -> Option<Contents> {
        if relative.split('/').any(|p| p.is_empty() || p == "." || p == "..") {
            return None;
        }
        match self {
            Source::Dir { root, .. } => {
                let mut path = root.clone();
                for part in relative.split('/') {
                    path.push(part);
                    if std::fs::symlink_metadata(&path).ok()?.file_type().is_symlink() {
                        return None;
                    }
                }
                let meta = std::fs::symlink_metadata(&path).ok()?;
                if !meta.is_file() {
                    return None;
                }
                Some(read_disk(&path, meta.len(), max))
            }
            Source::Revision { repo, tree, .. } => {
                let tree = repo.find_tree(*tree).ok()?;
                let entry = tree.get_path(Path::new(relative)).ok()?;
                if entry.kind() != Some(ObjectType::Blob) || entry.filemode() == 0o120000 {
                    return None;
                }
                let size = blob_size(repo, entry.id());
                Some(read_blob(repo, entry.id(), size, max))
            }
        }
    }

    /// Whether the files are on disk (readable from any thread).
    pub fn is_dir(&self) -> bool {
        matches!(self, Source::Dir { .. })
    }

    pub fn prefix(&self) -> &str {
        match self {
            Source::Dir { prefix, .. } | Source::Revision { prefix, .. } => prefix,
        }
    }

    /// Where the root is inside its repository, `/`-terminated (`examples/acme/`), or nothing:
    /// the root of the git work tree it is in, or the root itself outside git.
    pub fn repository_prefix(&self) -> String {
        let inside = match self {
            Source::Dir { root, .. } => Repository::discover(root)
                .ok()
                .and_then(|repo| relative_to_workdir(&repo, root).ok())
                .unwrap_or_default(),
            Source::Revision { inside, .. } => inside.clone(),
        };
        match slash_path(&inside) {
            Some(p) if !p.is_empty() => format!("{p}/"),
            _ => String::new(),
        }
    }

    /// Lists the files to read: `.yaml`, `.yml` and `.md` files passing the globs, never
    /// `.git`, never `.gitignore`d files (directories), never through a symbolic link.
    pub fn list(&self, filter: &Filter) -> Result<(Vec<Candidate>, Vec<EscapingLink>), LoadError> {
        let mut files = Vec::new();
        let mut links = Vec::new();
        match self {
            Source::Dir { root, prefix } => {
                // The walk runs on every core, as reading does; results are sorted below.
                let found: std::sync::Mutex<(Vec<Candidate>, Vec<EscapingLink>)> = Default::default();
                walker(root).build_parallel().run(|| {
                    Box::new(|entry| {
                        if let Ok(entry) = entry {
                            if let Some(item) = walked(root, prefix, filter, entry) {
                                if let Ok(mut found) = found.lock() {
                                    match item {
                                        Ok(file) => found.0.push(file),
                                        Err(link) => found.1.push(link),
                                    }
                                }
                            }
                        }
                        ignore::WalkState::Continue
                    })
                });
                let (mut walked_files, mut walked_links) = found.into_inner().unwrap_or_default();
                tracked_but_ignored(root, prefix, filter, &mut walked_files, &mut walked_links);
                files.append(&mut walked_files);
                links.append(&mut walked_links);
            }
            Source::Revision { repo, tree, prefix, .. } => {
                let blobs = tree_blobs(repo, *tree)?;
                for (relative, id, mode) in blobs {
                    let (relative, escaped) = shown_name(&relative);
                    if !filter.wants(&relative) {
                        continue;
                    }
                    let shown: Arc<str> = format!("{prefix}{relative}").into();
                    if mode == 0o120000 {
                        let target =
                            repo.find_blob(id).map(|b| String::from_utf8_lossy(b.content()).into_owned());
                        if let Ok(target) = target {
                            if link_escapes(&relative, &target) {
                                links.push(EscapingLink { path: shown, target });
                            }
                        }
                        continue;
                    }
                    let size = blob_size(repo, id);
                    files.push(Candidate { path: shown, escaped, size, location: Place::Blob(id) });
                }
            }
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        links.sort_by(|a, b| a.path.cmp(&b.path));
        Ok((files, links))
    }

    /// Reads one candidate on this thread (git blobs: a repository handle is not shared across
    /// threads, and inflating a blob is cheap next to parsing it).
    pub fn read_one(&self, file: &Candidate, max: u64) -> Contents {
        match (self, &file.location) {
            (Source::Revision { repo, .. }, Place::Blob(id)) => read_blob(repo, *id, file.size, max),
            (_, Place::Disk(path)) => read_disk(path, file.size, max),
            (_, Place::Memory(bytes)) => read_memory(bytes, max),
            (Source::Dir { .. }, Place::Blob(_)) => Contents::Unreadable("not on disk".into()),
        }
    }
}

/// Lays `changes` over a listed tree: a changed file replaces the tree's (or a link of that
/// name), a removed one disappears, a new one joins; the order stays by path.
pub(crate) fn overlay(
    files: &mut Vec<Candidate>,
    links: &mut Vec<EscapingLink>,
    changes: &super::Changes,
    prefix: &str,
    filter: &Filter,
) {
    let changed = |shown: &str| shown.strip_prefix(prefix).is_some_and(|r| changes.contains_key(r));
    files.retain(|f| !changed(&f.path));
    links.retain(|l| !changed(&l.path));
    for (relative, contents) in changes {
        let Some(bytes) = contents else { continue };
        if filter.wants(relative) {
            files.push(Candidate {
                path: format!("{prefix}{relative}").into(),
                escaped: false,
                size: bytes.len() as u64,
                location: Place::Memory(bytes.clone()),
            });
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
}

/// One entry of a directory walk: a file to read, a link leading out of the root, or nothing.
fn walked(
    root: &Path,
    prefix: &str,
    filter: &Filter,
    entry: ignore::DirEntry,
) -> Option<Result<Candidate, EscapingLink>> {
    let (relative, escaped) = shown_name(&path_bytes(entry.path().strip_prefix(root).ok()?));
    if relative.is_empty() || !filter.wants(&relative) {
        return None;
    }
    let shown: Arc<str> = format!("{prefix}{relative}").into();
    if entry.path_is_symlink() {
        return escaping_disk_link(root, entry.path())
            .map(|target| Err(EscapingLink { path: shown, target }));
    }
    if !entry.file_type().is_some_and(|t| t.is_file()) {
        return None;
    }
    let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
    Some(Ok(Candidate { path: shown, escaped, size, location: Place::Disk(entry.into_path()) }))
}

/// Adds the files git tracks under `root` that the walk left out because an ignore rule
/// matches them: in a git work tree, `.gitignore` and `info/exclude` only decide about
/// untracked files, as they do for git itself. A tracked path is read only when every part of
/// it on disk is a real directory and the file a regular file (no link is followed); an index
/// entry that is not a plain relative path is not used.
fn tracked_but_ignored(
    root: &Path,
    prefix: &str,
    filter: &Filter,
    files: &mut Vec<Candidate>,
    links: &mut Vec<EscapingLink>,
) {
    let Ok(repo) = Repository::discover(root) else { return };
    let Ok(inside) = relative_to_workdir(&repo, root) else { return };
    let Ok(index) = repo.index() else { return };
    let mut inside = path_bytes(&inside);
    if !inside.is_empty() {
        inside.push(b'/');
    }
    let known: std::collections::HashSet<Arc<str>> =
        files.iter().map(|f| f.path.clone()).chain(links.iter().map(|l| l.path.clone())).collect();
    for entry in index.iter() {
        // Regular files and links only (not submodules), from stage 0 or a conflict's stages.
        let mode = entry.mode & 0o170000;
        if mode != 0o100000 && mode != 0o120000 {
            continue;
        }
        let Some(relative) = entry.path.strip_prefix(inside.as_slice()) else { continue };
        let parts: Vec<&[u8]> = relative.split(|&b| b == b'/').collect();
        let plain =
            parts.iter().all(|p| !matches!(*p, b"" | b"." | b"..") && !p.eq_ignore_ascii_case(b".git"));
        if !plain {
            continue;
        }
        let (shown_relative, escaped) = shown_name(relative);
        if !filter.wants(&shown_relative) {
            continue;
        }
        let shown: Arc<str> = format!("{prefix}{shown_relative}").into();
        if known.contains(&shown) {
            continue;
        }
        let mut path = root.to_path_buf();
        let mut through_link = false;
        for (i, part) in parts.iter().enumerate() {
            path.push(os_str(part));
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                through_link = true; // deleted on disk: nothing to read
                break;
            };
            if meta.file_type().is_symlink() && i + 1 < parts.len() {
                through_link = true;
                break;
            }
        }
        if through_link {
            continue;
        }
        let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
        if meta.file_type().is_symlink() {
            if let Some(target) = escaping_disk_link(root, &path) {
                links.push(EscapingLink { path: shown, target });
            }
            continue;
        }
        if meta.is_file() {
            files.push(Candidate { path: shown, escaped, size: meta.len(), location: Place::Disk(path) });
        }
    }
}

/// Every blob of a git tree with its path (exact bytes, `/`-separated), id and mode; `.git`
/// directories are skipped. Iterative, and by bytes: libgit2's own walk gives up on a folder
/// name that is not UTF-8.
fn tree_blobs(repo: &Repository, tree: Oid) -> Result<Vec<(Vec<u8>, Oid, i32)>, LoadError> {
    let git = |e: git2::Error| LoadError::Git(e.message().to_owned());
    let mut blobs = Vec::new();
    let mut pending: Vec<(Vec<u8>, Oid)> = vec![(Vec::new(), tree)];
    while let Some((dir, id)) = pending.pop() {
        let tree = repo.find_tree(id).map_err(git)?;
        for entry in tree.iter() {
            let mut path = dir.clone();
            path.extend_from_slice(entry.name_bytes());
            match entry.kind() {
                Some(ObjectType::Tree) if entry.name_bytes() != b".git" => {
                    path.push(b'/');
                    pending.push((path, entry.id()));
                }
                Some(ObjectType::Blob) => blobs.push((path, entry.id(), entry.filemode())),
                _ => {} // `.git` folders, submodules
            }
        }
    }
    Ok(blobs)
}

/// A path's bytes as the operating system holds them.
fn path_bytes(path: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, c) in path.components().enumerate() {
        if i > 0 {
            out.push(b'/');
        }
        out.extend_from_slice(c.as_os_str().as_encoded_bytes());
    }
    out
}

#[cfg(unix)]
fn os_str(bytes: &[u8]) -> &std::ffi::OsStr {
    std::os::unix::ffi::OsStrExt::from_bytes(bytes)
}

#[cfg(not(unix))]
fn os_str(bytes: &[u8]) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(std::str::from_utf8(bytes).unwrap_or("\u{fffd}"))
}

/// A walk of the files under `root` as cairn reads a directory: hidden files included, ignore
/// rules of the tree applied (not the user's global ones), links not followed, `.git` skipped.
pub(crate) fn walker(root: &Path) -> ignore::WalkBuilder {
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .hidden(false)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|e| e.file_name() != ".git");
    builder
}

/// A file name as shown in every report: the name itself when it is printable UTF-8, else with
/// each control character (a newline would split a report's lines), each bidirectional
/// formatting character (it would reorder what a reader sees) and each byte that is not UTF-8
/// escaped (`\n`, `\u{202e}`, `\xe9`). The second value says whether anything was escaped.
/// The file is still read by its exact name.
pub(crate) fn shown_name(bytes: &[u8]) -> (String, bool) {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len());
    let mut escaped = false;
    for chunk in bytes.utf8_chunks() {
        let shown = crate::diag::printable(chunk.valid());
        escaped |= matches!(shown, std::borrow::Cow::Owned(_));
        out.push_str(&shown);
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
            escaped = true;
        }
    }
    (out, escaped)
}

/// Include and exclude globs from `cairn.yaml`, over paths relative to the root.
pub(crate) struct Filter {
    include: Option<GlobSet>,
    exclude: GlobSet,
}

impl Filter {
    /// Builds the filter; a bad glob is reported by its index and message.
    pub fn new(include: &[String], exclude: &[String]) -> Result<Filter, (bool, usize, String)> {
        let build = |globs: &[String], is_include: bool| -> Result<GlobSet, (bool, usize, String)> {
            let mut builder = GlobSetBuilder::new();
            for (i, g) in globs.iter().enumerate() {
                let glob = globset::GlobBuilder::new(g)
                    .literal_separator(true)
                    .build()
                    .or_else(|_| Glob::new(g))
                    .map_err(|e| (is_include, i, e.kind().to_string()))?;
                builder.add(glob);
            }
            builder.build().map_err(|e| (is_include, 0, e.to_string()))
        };
        let include = if include.is_empty() { None } else { Some(build(include, true)?) };
        Ok(Filter { include, exclude: build(exclude, false)? })
    }

    pub(crate) fn wants(&self, relative: &str) -> bool {
        let readable = [".yaml", ".yml", ".md"].iter().any(|ext| relative.ends_with(ext));
        readable
            && relative != super::CONFIG_FILE
            && self.include.as_ref().is_none_or(|set| set.is_match(relative))
            && !self.exclude.is_match(relative)
    }
}

fn subtree(repo: &Repository, commit: Oid, inside: &Path, rev: &str) -> Result<Oid, LoadError> {
    let root_tree = repo
        .find_commit(commit)
        .and_then(|c| c.tree())
        .map_err(|e| LoadError::Revision(rev.to_owned(), e.message().to_owned()))?;
    if inside.as_os_str().is_empty() {
        return Ok(root_tree.id());
    }
    let entry = root_tree.get_path(inside).map_err(|_| {
        LoadError::Revision(rev.to_owned(), format!("`{}` does not exist at this revision", inside.display()))
    })?;
    if entry.kind() != Some(ObjectType::Tree) {
        return Err(LoadError::Revision(
            rev.to_owned(),
            format!("`{}` is not a directory", inside.display()),
        ));
    }
    Ok(entry.id())
}

/// Resolves a revision as git does, including `A...B` (the merge base of A and B).
pub(crate) fn resolve_commit(repo: &Repository, rev: &str) -> Result<Oid, LoadError> {
    let fail = |e: git2::Error| LoadError::Revision(rev.to_owned(), e.message().to_owned());
    if let Some((a, b)) = rev.split_once("...") {
        let a = repo
            .revparse_single(if a.is_empty() { "HEAD" } else { a })
            .and_then(|o| o.peel_to_commit())
            .map_err(fail)?;
        let b = repo
            .revparse_single(if b.is_empty() { "HEAD" } else { b })
            .and_then(|o| o.peel_to_commit())
            .map_err(fail)?;
        return repo.merge_base(a.id(), b.id()).map_err(fail);
    }
    let object = repo.revparse_single(rev).map_err(fail)?;
    object.peel_to_commit().map(|c| c.id()).map_err(fail)
}

pub(crate) fn relative_to_workdir(repo: &Repository, path: &Path) -> Result<PathBuf, LoadError> {
    let Some(workdir) = repo.workdir() else { return Ok(PathBuf::new()) };
    let canon =
        |p: &Path| p.canonicalize().map_err(|e| LoadError::NotADirectory(format!("{}: {e}", p.display())));
    let (workdir, path) = (canon(workdir)?, canon(path)?);
    Ok(path.strip_prefix(&workdir).map(Path::to_path_buf).unwrap_or_default())
}

/// The root as shown before every path: `examples/acme/` for `examples/acme`, nothing for `.`.
pub(crate) fn display_prefix(root: &Path) -> String {
    let mut parts = Vec::new();
    for c in root.components() {
        match c {
            Component::CurDir => {}
            Component::RootDir => parts.push(String::new()),
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    let joined = parts.join("/");
    if joined.is_empty() {
        joined
    } else {
        format!("{}/", joined.trim_end_matches('/'))
    }
}

fn slash_path(path: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = path.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

fn escaping_disk_link(root: &Path, link: &Path) -> Option<String> {
    let target = std::fs::read_link(link).ok()?;
    let root = root.canonicalize().ok()?;
    let inside = match link.canonicalize() {
        Ok(resolved) => resolved.starts_with(&root),
        // A dangling link: judge it by its text.
        Err(_) => {
            let relative = link.strip_prefix(&root).ok().and_then(slash_path).unwrap_or_default();
            !link_escapes(&relative, &target.to_string_lossy())
        }
    };
    (!inside).then(|| target.display().to_string())
}

/// Whether a link at `relative` (inside the root) with text `target` points outside the root.
fn link_escapes(relative: &str, target: &str) -> bool {
    if target.starts_with('/') {
        return true;
    }
    let mut depth: i64 = relative.matches('/').count() as i64;
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                depth -= 1;
                if depth < 0 {
                    return true;
                }
            }
            _ => depth += 1,
        }
    }
    false
}

fn read_disk(path: &Path, size: u64, max: u64) -> Contents {
    if size > max {
        return Contents::TooLarge;
    }
    match std::fs::read(path) {
        // The file may have grown since it was listed.
        Ok(bytes) if bytes.len() as u64 > max => Contents::TooLarge,
        Ok(bytes) => Contents::Bytes(bytes),
        Err(e) => Contents::Unreadable(e.to_string()),
    }
}

fn read_memory(bytes: &[u8], max: u64) -> Contents {
    match bytes.len() as u64 > max {
        true => Contents::TooLarge,
        false => Contents::Bytes(bytes.to_vec()),
    }
}

pub(crate) fn blob_size(repo: &Repository, id: Oid) -> u64 {
    repo.odb().and_then(|odb| odb.read_header(id)).map(|(size, _)| size as u64).unwrap_or(0)
}

pub(crate) fn read_blob(repo: &Repository, id: Oid, size: u64, max: u64) -> Contents {
    if size > max {
        return Contents::TooLarge;
    }
    match repo.find_blob(id) {
        // The header's size is a claim of the object database; the blob's own length bounds
        // what is copied.
        Ok(blob) if blob.size() as u64 > max => Contents::TooLarge,
        Ok(blob) => Contents::Bytes(blob.content().to_vec()),
        Err(e) => Contents::Unreadable(e.message().to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_that_climb_out_escape() {
        assert!(link_escapes("a.yaml", "../x.yaml"));
        assert!(link_escapes("d/a.yaml", "../../x.yaml"));
        assert!(!link_escapes("d/a.yaml", "../x.yaml"));
        assert!(link_escapes("a.yaml", "/etc/passwd"));
        assert!(!link_escapes("a.yaml", "b/../c.yaml"));
    }

    #[test]
    fn names_are_shown_printable() {
        assert_eq!(shown_name(b"services/checkout.yaml"), ("services/checkout.yaml".into(), false));
        assert_eq!(shown_name("caf\u{e9}/t.yaml".as_bytes()), ("caf\u{e9}/t.yaml".into(), false));
        assert_eq!(shown_name(b"caf\xe9/t.yaml"), ("caf\\xe9/t.yaml".into(), true));
        assert_eq!(shown_name(b"a\nb\r\t\x1b.yaml"), ("a\\nb\\r\\t\\u{1b}.yaml".into(), true));
        assert_eq!(shown_name("x\u{202e}lmth.yaml".as_bytes()), ("x\\u{202e}lmth.yaml".into(), true));
    }

    #[test]
    fn prefixes_follow_the_root_as_written() {
        assert_eq!(display_prefix(Path::new(".")), "");
        assert_eq!(display_prefix(Path::new("./examples/acme/")), "examples/acme/");
        assert_eq!(display_prefix(Path::new("examples")), "examples/");
    }
}
