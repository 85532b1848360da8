//! Writing files under one directory for a command that makes them (`render` writes a site,
//! `import` and `init` write entity files), and knowing afterwards which files it made.
//!
//! A [`Writer`] is given a root directory and the name of its manifest there (`render` uses
//! `.cairn-site`; each command its own name). Then:
//!
//! - [`Writer::write`] writes one file, by a plain relative path (`services/checkout.html`):
//!   never outside the root, never into `.git`, never through a symbolic link (no directory
//!   below the root may be one, nor the file itself), never over a special file. A file that
//!   already holds the very bytes is left untouched, time stamp included. Any other existing
//!   file is replaced only when the writer can prove it wrote it: the manifest lists it with the
//!   SHA-256 of the bytes it wrote, and the file still holds exactly those bytes. Otherwise it
//!   stops with [`Error::Refused`], unless `force`. A path given to [`Writer::protect`] is never
//!   written, not even with `force`.
//! - [`Writer::finish`], after a run that succeeded: deletes the files an earlier run listed
//!   that this run did not write (pages of entities since removed) — only those still holding
//!   the listed bytes, outside hidden folders and files (`.github`, `.gitignore`), not
//!   protected, of a shape the command writes ([`Writer::prune_only`]), not through a link —
//!   and the folders that leaves empty; then writes the manifest: what this run wrote.
//! - [`Writer::keep`], after a run that failed half way: writes the manifest without deleting
//!   anything (what this run wrote, plus what the earlier manifest claimed), so a later run can
//!   still clean up.
//! - [`Writer::discard`], after a run that failed before it mattered (typically refused):
//!   deletes the files this run created, the folders it created for them, and the root if it
//!   created it; files it replaced stay replaced.
//!
//! The manifest is input, not authority (see [`manifest`]): a line naming a path outside the
//! root or inside `.git`, or a file whose bytes changed since, gives the writer no right over
//! that file. What it could not believe or did not delete is reported by
//! [`Writer::take_warnings`], for the command to print.
//!
//! The root is created, resolved and its manifest read on the first write, so a run that fails
//! before its first file leaves nothing behind. One writer is used from one thread at a time.

pub mod manifest;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};

pub use manifest::Digest;

/// Why a file could not be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A file is in the way that the writer may not replace: it did not write it, or it
    /// changed since, or it is protected. The user decides (move it, or `force`).
    Refused(String),
    /// A path that would leave the root, enter `.git` or go through a symbolic link.
    Unsafe(String),
    /// The file system failed.
    Io(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Refused(m) | Error::Unsafe(m) | Error::Io(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

/// What [`Writer::finish`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Finished {
    /// Files this run wrote or found already holding their bytes.
    pub written: usize,
    /// Files of an earlier run deleted.
    pub removed: usize,
}

/// Writes files under one root and keeps its manifest; see the module documentation.
pub struct Writer {
    out: PathBuf,
    manifest: String,
    force: bool,
    /// The root, created and resolved on the first write.
    root: Option<Result<PathBuf, Error>>,
    /// Directories (as joined to the root) already found to be real directories below it: each
    /// is checked once per run, not once per file.
    checked: HashSet<PathBuf>,
    /// What the manifest claimed when the run began.
    earlier: BTreeMap<String, Digest>,
    /// What this run wrote (or found holding its bytes), with the digest of those bytes.
    written: BTreeMap<String, Digest>,
    protected: HashSet<PathBuf>,
    /// Which paths `finish` may delete at all (by default, any).
    prunable: fn(&str) -> bool,
    /// Files this run created where there was none, folders it created, and whether it
    /// created the root.
    created: Vec<PathBuf>,
    created_dirs: BTreeSet<PathBuf>,
    created_out: bool,
    /// Whether the run replaced a file that was there.
    replaced: bool,
    refused: bool,
    warnings: Vec<String>,
}

/// Largest existing file read to compare with the bytes to write; a larger one is not one the
/// writer can prove it wrote.
const MAX_COMPARED: u64 = 1 << 30;

impl Writer {
    /// A writer for files under `out`, keeping its manifest in `out/manifest` (a plain file
    /// name, e.g. `.cairn-site`). With `force`, files it cannot prove it wrote are replaced.
    pub fn new(out: &Path, manifest: &str, force: bool) -> Writer {
        Writer {
            out: out.to_owned(),
            manifest: manifest.to_owned(),
            force,
            root: None,
            checked: HashSet::new(),
            earlier: BTreeMap::new(),
            written: BTreeMap::new(),
            protected: HashSet::new(),
            prunable: |_| true,
            created: Vec::new(),
            created_dirs: BTreeSet::new(),
            created_out: false,
            replaced: false,
            refused: false,
            warnings: Vec::new(),
        }
    }

    /// Never writes, replaces or deletes the file at `path` (absolute, symbolic links
    /// resolved), whatever the manifest says, even with `force`: e.g. the files a command
    /// read its input from, when it writes into the same directory.
    pub fn protect(&mut self, path: PathBuf) {
        self.protected.insert(path);
    }

    /// Lets [`Writer::finish`] delete only paths that pass `rule`: the paths the command can
    /// write at all (for `render`, the paths of a site). A manifest line naming another path is
    /// left alone, whatever its digest: anyone who can write the manifest knows the digest of
    /// a file they can read.
    pub fn prune_only(&mut self, rule: fn(&str) -> bool) {
        self.prunable = rule;
    }

    /// Whether the run stopped rather than replace a file that is not the writer's.
    pub fn refused(&self) -> bool {
        self.refused
    }

    /// What the writer ignored or left alone so far (manifest lines it could not believe,
    /// files it did not delete), for the command to print.
    pub fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    /// The files written so far, by path, with the SHA-256 of their bytes.
    pub fn written(&self) -> &BTreeMap<String, Digest> {
        &self.written
    }

    /// Writes `bytes` at `path` (relative, `/`-separated) under the root.
    pub fn write(&mut self, path: &str, bytes: &[u8]) -> Result<(), Error> {
        self.write_changed(path, bytes).map(|_| ())
    }

    /// [`Writer::write`], saying whether the file changed (`false`: it held these bytes).
    pub fn write_changed(&mut self, path: &str, bytes: &[u8]) -> Result<bool, Error> {
        let root = self.root()?;
        if !manifest::is_plain(path) || manifest::in_git(path) || path == self.manifest {
            return Err(Error::Unsafe(format!(
                "refusing to write `{}`: not a plain path inside the output directory (or inside .git)",
                path.escape_debug()
            )));
        }
        let target = self.checked_target(&root, path, true)?;
        if self.protected.contains(&target) {
            self.refused = true;
            return Err(Error::Refused(format!(
                "refusing to replace {}: it is one of the files this command reads",
                target.display()
            )));
        }
        let digest = Digest::of(bytes);
        let changed = self.put(&target, path, bytes)?;
        self.written.insert(path.to_owned(), digest);
        Ok(changed)
    }

    /// Writes the file at `target` (checked to lie in a real directory below the root);
    /// `false` when it already held `bytes`.
    fn put(&mut self, target: &Path, path: &str, bytes: &[u8]) -> Result<bool, Error> {
        let cannot = |e: std::io::Error| Error::Io(format!("cannot write {}: {e}", target.display()));
        // A new file cannot be a link (creating it fails on anything already there, links
        // included); only a file that exists needs looking at, and most runs write new files.
        let mut file = match std::fs::OpenOptions::new().write(true).create_new(true).open(target) {
            Ok(file) => {
                self.created.push(target.to_owned());
                file
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let meta = std::fs::symlink_metadata(target).map_err(cannot)?;
                if meta.file_type().is_symlink() {
                    return Err(Error::Unsafe(format!("refusing to write `{path}`: it is a symbolic link")));
                }
                if !meta.is_file() {
                    self.refused = true;
                    return Err(Error::Refused(format!(
                        "refusing to replace {}: it is not a regular file",
                        target.display()
                    )));
                }
                // Read only what is needed: a file of another size differs, and only a file
                // the manifest claims is worth hashing.
                let claimed = if path == self.manifest { None } else { self.earlier.get(path).copied() };
                let held = if meta.len() == bytes.len() as u64 || claimed.is_some() {
                    read_existing(target)
                } else {
                    None
                };
                // A file that has not changed is left as it is, time stamp included: copying
                // the directory by time stamp (rsync, most deploys) then moves only what changed.
                if held.as_deref() == Some(bytes) {
                    return Ok(false);
                }
                let ours = path == self.manifest
                    || claimed.is_some_and(|d| held.as_deref().is_some_and(|h| Digest::of(h) == d));
                if !ours && !self.force {
                    self.refused = true;
                    let why = if claimed.is_some() {
                        "it changed since an earlier run of cairn wrote it"
                    } else {
                        "an earlier run of cairn did not write it"
                    };
                    return Err(Error::Refused(format!(
                        "refusing to replace {}: {why} (per {}); move it, write into another directory, \
                         or pass --force",
                        target.display(),
                        self.manifest
                    )));
                }
                if path != self.manifest {
                    self.replaced = true;
                }
                // A new file renamed over the old one, not the old one rewritten: a file with
                // another name (a hard link to `.git/config`, say) keeps its bytes.
                replace(target, bytes).map_err(cannot)?;
                return Ok(true);
            }
            Err(e) => return Err(cannot(e)),
        };
        file.write_all(bytes).map_err(cannot)?;
        Ok(true)
    }

    /// The root: created and resolved, and its manifest read, on first use.
    fn root(&mut self) -> Result<PathBuf, Error> {
        if self.root.is_none() {
            let made = self.open_root();
            self.root = Some(made);
        }
        self.root.clone().unwrap_or_else(|| Err(Error::Io("no root".into())))
    }

    fn open_root(&mut self) -> Result<PathBuf, Error> {
        let out = &self.out;
        self.created_out = std::fs::symlink_metadata(out).is_err();
        std::fs::create_dir_all(out)
            .map_err(|e| Error::Io(format!("cannot create {}: {e}", out.display())))?;
        let root =
            out.canonicalize().map_err(|e| Error::Io(format!("cannot resolve {}: {e}", out.display())))?;
        let claims = manifest::read(&root.join(&self.manifest), &self.manifest);
        self.earlier = claims.files;
        self.warnings.extend(claims.warnings);
        Ok(root)
    }

    /// `root/path`, after checking (and with `create`, making) each directory on the way as a
    /// real directory: not a symbolic link, so the path stays below the root.
    fn checked_target(&mut self, root: &Path, path: &str, create: bool) -> Result<PathBuf, Error> {
        let target = root.join(path);
        let mut dir = root.to_owned();
        let parts: Vec<&str> = path.split('/').collect();
        for part in &parts[..parts.len() - 1] {
            dir.push(part);
            if self.checked.contains(&dir) {
                continue;
            }
            match std::fs::symlink_metadata(&dir) {
                Ok(meta) if meta.is_dir() => {}
                Ok(_) => {
                    return Err(Error::Unsafe(format!(
                        "refusing to write `{path}`: {} is a symbolic link or not a folder, and may lead \
                         outside {}",
                        dir.display(),
                        root.display()
                    )))
                }
                Err(e) if create && e.kind() == std::io::ErrorKind::NotFound => {
                    std::fs::create_dir(&dir)
                        .map_err(|e| Error::Io(format!("cannot create {}: {e}", dir.display())))?;
                    self.created_dirs.insert(dir.clone());
                }
                Err(e) => return Err(Error::Io(format!("cannot read {}: {e}", dir.display()))),
            }
            self.checked.insert(dir.clone());
        }
        Ok(target)
    }

    /// After a run that succeeded: deletes what an earlier run wrote and this one did not (see
    /// the module documentation), then writes the manifest.
    pub fn finish(&mut self) -> Result<Finished, Error> {
        if self.root.is_none() && std::fs::symlink_metadata(&self.out).is_err() {
            return Ok(Finished::default());
        }
        let root = self.root()?;
        let earlier = std::mem::take(&mut self.earlier);
        let mut removed = 0;
        let mut kept = Vec::new();
        let mut emptied: BTreeSet<PathBuf> = BTreeSet::new();
        let stale: Vec<(&String, &Digest)> =
            earlier.iter().filter(|(p, _)| !self.written.contains_key(*p)).collect();
        for (path, digest) in stale {
            match self.prune(&root, path, *digest) {
                Ok(true) => {
                    removed += 1;
                    let parents = Path::new(path).ancestors().skip(1).filter(|a| !a.as_os_str().is_empty());
                    emptied.extend(parents.map(|a| root.join(a)));
                }
                Ok(false) => {}
                Err(why) => kept.push(format!("`{}` ({why})", path.escape_debug())),
            }
        }
        if !kept.is_empty() {
            let count = kept.len();
            kept.truncate(5);
            let more =
                if count > kept.len() { format!("; and {} more", count - kept.len()) } else { "".into() };
            self.warnings.push(format!(
                "left {count} file(s) that {} lists and this run did not write: {}{more}",
                self.manifest,
                kept.join("; ")
            ));
        }
        remove_empty(&emptied);
        self.write_manifest(&root)?;
        Ok(Finished { written: self.written.len(), removed })
    }

    /// Deletes `root/path` if it is provably the file an earlier run wrote: `Ok(false)` when
    /// it is already gone, `Err` with the reason it was left.
    fn prune(&mut self, root: &Path, path: &str, digest: Digest) -> Result<bool, String> {
        if manifest::is_hidden(path) {
            return Err("cairn does not delete hidden files".into());
        }
        if !(self.prunable)(path) {
            return Err("not a path this command writes".into());
        }
        let target = match self.checked_target(root, path, false) {
            Ok(target) => target,
            Err(Error::Io(_)) => return Ok(false),
            Err(_) => return Err("a folder on its way is a symbolic link".into()),
        };
        if self.protected.contains(&target) {
            return Err("it is one of the files this command reads".into());
        }
        match std::fs::symlink_metadata(&target) {
            Err(_) => return Ok(false),
            Ok(meta) if !meta.is_file() => return Err("not a regular file".into()),
            Ok(_) => {}
        }
        match read_existing(&target) {
            Some(held) if Digest::of(&held) == digest => {}
            _ => return Err("its bytes changed since cairn wrote it".into()),
        }
        std::fs::remove_file(&target).map_err(|e| format!("cannot remove it: {e}"))?;
        Ok(true)
    }

    /// After a run that failed half way: records what it wrote and what the earlier manifest
    /// claimed, deleting nothing.
    pub fn keep(&mut self) -> Result<(), Error> {
        let Some(Ok(root)) = self.root.clone() else { return Ok(()) };
        for (path, digest) in std::mem::take(&mut self.earlier) {
            self.written.entry(path).or_insert(digest);
        }
        self.write_manifest(&root)
    }

    /// After a run that failed before it mattered: deletes the files this run created and the
    /// folders it created (each was created here as a plain file or folder, below the root).
    /// Files it had replaced by then stay replaced, and are recorded as its own.
    pub fn discard(&mut self) {
        let Some(Ok(root)) = self.root.clone() else { return };
        let created: HashSet<PathBuf> = std::mem::take(&mut self.created).into_iter().collect();
        for file in &created {
            if std::fs::symlink_metadata(file).is_ok_and(|m| m.is_file()) {
                let _ = std::fs::remove_file(file);
            }
        }
        remove_empty(&std::mem::take(&mut self.created_dirs));
        self.written.retain(|path, _| !created.contains(&root.join(path)));
        if self.created_out {
            let _ = std::fs::remove_dir(&root);
        } else if self.replaced {
            let _ = self.keep();
        }
        self.written.clear();
    }

    fn write_manifest(&mut self, root: &Path) -> Result<(), Error> {
        let text = manifest::text(&self.written);
        let target = root.join(&self.manifest);
        let name = self.manifest.clone();
        self.put(&target, &name, &text).map(|_| ())
    }
}

/// The bytes of an existing regular file (not through a link), if it is small enough to be
/// compared.
fn read_existing(path: &Path) -> Option<Vec<u8>> {
    crate::load::confined::read_regular(path, MAX_COMPARED).ok().flatten()
}

/// Replaces the file at `path` with `bytes`: written to a new hidden file beside it, then
/// renamed over it, so the old file's other names (hard links) keep their bytes and a reader
/// never sees half a file. The new file is removed again when anything fails.
fn replace(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static COUNT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = format!(".cairn-new-{}-{n}", std::process::id());
    let temporary = path.with_file_name(name);
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temporary)
        .and_then(|mut file| file.write_all(bytes))
        .and_then(|()| std::fs::rename(&temporary, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

/// Removes the folders that are empty, deepest first (removing one that is not empty fails,
/// and that is fine).
fn remove_empty(dirs: &BTreeSet<PathBuf>) {
    for dir in dirs.iter().rev() {
        let _ = std::fs::remove_dir(dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const M: &str = ".cairn-test";

    fn read(root: &Path, path: &str) -> Option<String> {
        std::fs::read_to_string(root.join(path)).ok()
    }

    #[test]
    fn a_second_run_replaces_and_prunes_only_what_the_first_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("out");
        let mut first = Writer::new(&root, M, false);
        first.write("a/one.txt", b"1").unwrap();
        first.write("two.txt", b"2").unwrap();
        first.write("gone.txt", b"x").unwrap();
        assert_eq!(first.finish().unwrap(), Finished { written: 3, removed: 0 });
        std::fs::write(root.join("mine.txt"), "mine").unwrap();

        let mut second = Writer::new(&root, M, false);
        second.write("a/one.txt", b"one").unwrap();
        second.write("two.txt", b"2").unwrap();
        assert_eq!(second.finish().unwrap(), Finished { written: 2, removed: 1 });
        assert_eq!(read(&root, "a/one.txt").as_deref(), Some("one"));
        assert_eq!(read(&root, "gone.txt"), None);
        assert_eq!(read(&root, "mine.txt").as_deref(), Some("mine"));
        assert!(second.take_warnings().is_empty());
        // A file of the user's is not replaced without force.
        let mut third = Writer::new(&root, M, false);
        assert!(matches!(third.write("mine.txt", b"page"), Err(Error::Refused(_))));
        assert!(third.refused());
        third.discard();
        assert_eq!(read(&root, "mine.txt").as_deref(), Some("mine"));
        let mut forced = Writer::new(&root, M, true);
        forced.write("mine.txt", b"page").unwrap();
        forced.finish().unwrap();
        assert_eq!(read(&root, "mine.txt").as_deref(), Some("page"));
    }

    #[test]
    fn replacing_a_file_leaves_its_other_names_alone() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("out");
        let mut first = Writer::new(&root, M, false);
        first.write("page.txt", b"first").unwrap();
        first.finish().unwrap();
        // Another name for the same file (as `.git/config` could be).
        std::fs::hard_link(root.join("page.txt"), dir.path().join("other-name")).unwrap();
        let mut forced = Writer::new(&root, M, true);
        forced.write("page.txt", b"second").unwrap();
        forced.finish().unwrap();
        assert_eq!(read(&root, "page.txt").as_deref(), Some("second"));
        assert_eq!(read(dir.path(), "other-name").as_deref(), Some("first"));
        let names: Vec<_> = std::fs::read_dir(&root).unwrap().flatten().map(|e| e.file_name()).collect();
        assert!(!names.iter().any(|n| n.to_string_lossy().starts_with(".cairn-new")), "{names:?}");
    }

    #[test]
    fn unsafe_paths_links_and_protected_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("link")).unwrap();
        std::fs::write(root.join("source.yaml"), "kept").unwrap();
        let mut writer = Writer::new(&root, M, true);
        writer.protect(root.join("source.yaml"));
        for bad in ["../x", "/etc/x", ".git/config", "a/.GIT/x", "a//b", "", M, "a\nb"] {
            assert!(matches!(writer.write(bad, b"x"), Err(Error::Unsafe(_))), "{bad:?}");
        }
        assert!(matches!(writer.write("link/x", b"x"), Err(Error::Unsafe(_))));
        assert!(matches!(writer.write("source.yaml", b"x"), Err(Error::Refused(_))));
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
        assert_eq!(read(&root, "source.yaml").as_deref(), Some("kept"));
    }

    #[test]
    fn discard_removes_what_the_run_created_and_only_that() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("new");
        let mut writer = Writer::new(&root, M, false);
        writer.write("deep/er/file.txt", b"x").unwrap();
        writer.discard();
        assert!(!root.exists(), "the root it created stayed");

        std::fs::create_dir(&root).unwrap();
        std::fs::write(root.join("kept.txt"), "k").unwrap();
        let mut writer = Writer::new(&root, M, false);
        writer.write("deep/file.txt", b"x").unwrap();
        writer.discard();
        assert!(!root.join("deep").exists());
        assert_eq!(read(&root, "kept.txt").as_deref(), Some("k"));
    }

    #[test]
    fn prune_only_limits_what_a_manifest_can_have_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(root.join("README.md"), "readme").unwrap();
        std::fs::write(root.join("page.html"), "page").unwrap();
        let lines =
            format!("{}  README.md\n{}  page.html\n", Digest::of(b"readme").hex(), Digest::of(b"page").hex());
        std::fs::write(root.join(M), lines).unwrap();
        let mut writer = Writer::new(&root, M, false);
        writer.prune_only(|path| path.ends_with(".html"));
        writer.write("index.html", b"home").unwrap();
        assert_eq!(writer.finish().unwrap().removed, 1);
        assert_eq!(read(&root, "README.md").as_deref(), Some("readme"));
        assert_eq!(read(&root, "page.html"), None);
        let warnings = writer.take_warnings();
        assert!(warnings.len() == 1 && warnings[0].contains("README.md"), "{warnings:?}");
    }
}
