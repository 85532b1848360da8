//! Which files differ between two git trees, found by comparing object ids: a subtree whose id
//! is the same on both sides is the same, whatever it holds, so it is skipped without being
//! read, and a file whose id is the same was not changed. Shared by `cairn drift`'s history
//! walk (`history`: one comparison per commit, a thousand in a row) and by the revisions that
//! `cairn conflicts --against` and the gate compare with (`against`).
//!
//! Ours rather than libgit2's `diff_tree_to_tree`: libgit2 builds a delta (paths, both sides'
//! details) for its iterator over every entry of each changed folder, which on the generator's
//! folders of thousands of files was most of a commit's cost; here both folders' entries, already
//! sorted in git's order, are merged in one pass, with no allocation for entries that are equal.
//! Iterative (no recursion on the repository's depth), by bytes (names need not be UTF-8), and
//! `.git` folders and submodules are never entered.

use std::cmp::Ordering;
use std::collections::HashMap;

use git2::{ObjectType, Oid, Repository, Tree};

/// A regular or executable file of one side of a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Side {
    pub id: Oid,
    /// Git's file mode (`0o100644`, `0o100755`, `0o120000` for a symbolic link).
    pub mode: i32,
}

impl Side {
    /// A regular or executable file (not a symbolic link): what cairn reads.
    pub fn readable(&self) -> bool {
        matches!(self.mode, 0o100644 | 0o100755)
    }
}

/// A file (blob) path at which two trees differ: added (`old` is `None`), removed (`new` is
/// `None`), or changed in content or mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Changed {
    /// The path's bytes from the compared trees' root, `/`-separated.
    pub path: Vec<u8>,
    pub old: Option<Side>,
    pub new: Option<Side>,
}

/// Trees read by earlier comparisons, kept for the next one: walking a history, each commit's
/// tree is the new side of one comparison and the old side of the next, and the large folders
/// are read once instead of twice. Holds the trees of the last comparison only.
pub(crate) struct TreeCache<'r> {
    repo: &'r Repository,
    previous: HashMap<Oid, Tree<'r>>,
    current: HashMap<Oid, Tree<'r>>,
}

impl<'r> TreeCache<'r> {
    pub fn new(repo: &'r Repository) -> TreeCache<'r> {
        TreeCache { repo, previous: HashMap::new(), current: HashMap::new() }
    }

    /// The repository the trees are read from.
    pub fn repo(&self) -> &'r Repository {
        self.repo
    }

    fn get(&mut self, id: Oid) -> Result<Tree<'r>, git2::Error> {
        if let Some(tree) = self.current.get(&id) {
            return Ok(tree.clone());
        }
        let tree = match self.previous.remove(&id) {
            Some(tree) => tree,
            None => self.repo.find_tree(id)?,
        };
        self.current.insert(id, tree.clone());
        Ok(tree)
    }

    /// Ends one comparison: what it read is kept for the next, the rest dropped.
    fn turn(&mut self) {
        self.previous = std::mem::take(&mut self.current);
    }
}

/// Whether an entry is a folder to compare (not a `.git` folder, not a submodule).
fn is_dir(entry: &git2::TreeEntry) -> bool {
    entry.kind() == Some(ObjectType::Tree) && entry.name_bytes() != b".git"
}

fn entry_at<'t>(tree: &'t Option<Tree<'_>>, k: usize) -> Option<git2::TreeEntry<'t>> {
    tree.as_ref()?.get(k)
}

/// Git's order of tree entries: by name, a folder's name read as if it ended in `/`.
fn git_order(a: &[u8], a_dir: bool, b: &[u8], b_dir: bool) -> Ordering {
    let common = a.len().min(b.len());
    match a[..common].cmp(&b[..common]) {
        Ordering::Equal => {}
        other => return other,
    }
    let next = |name: &[u8], dir: bool| match name.get(common) {
        Some(&byte) => byte,
        None if dir => b'/',
        None => 0,
    };
    next(a, a_dir).cmp(&next(b, b_dir)).then(a.len().cmp(&b.len()))
}

/// The files at which `old` and `new` differ (either may be absent: everything in the other is
/// added or removed), sorted by path. Submodules, `.git` folders and entries that are neither
/// files nor folders are left out; symbolic links are listed (their `Side` is not readable).
/// Trees that are not sorted as git sorts them (only a hostile repository has those) give a
/// bounded, possibly redundant answer, never a wrong skip of a differing subtree.
pub(crate) fn changed_files(
    cache: &mut TreeCache,
    old: Option<Oid>,
    new: Option<Oid>,
) -> Result<Vec<Changed>, git2::Error> {
    let mut out = Vec::new();
    let mut pending: Vec<(Vec<u8>, Option<Oid>, Option<Oid>)> = vec![(Vec::new(), old, new)];
    while let Some((dir, old, new)) = pending.pop() {
        if old == new {
            continue;
        }
        let old_tree = old.map(|id| cache.get(id)).transpose()?;
        let new_tree = new.map(|id| cache.get(id)).transpose()?;
        let (mut i, mut j) = (0, 0);
        let (old_len, new_len) =
            (old_tree.as_ref().map_or(0, Tree::len), new_tree.as_ref().map_or(0, Tree::len));
        while i < old_len || j < new_len {
            let a = if i < old_len { entry_at(&old_tree, i) } else { None };
            let b = if j < new_len { entry_at(&new_tree, j) } else { None };
            let order = match (&a, &b) {
                (Some(a), Some(b)) => git_order(a.name_bytes(), is_dir(a), b.name_bytes(), is_dir(b)),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => break,
            };
            let (a, b) = match order {
                Ordering::Less => {
                    i += 1;
                    (a, None)
                }
                Ordering::Greater => {
                    j += 1;
                    (None, b)
                }
                Ordering::Equal => {
                    i += 1;
                    j += 1;
                    (a, b)
                }
            };
            if let (Some(a), Some(b)) = (&a, &b) {
                if a.id() == b.id() && a.filemode() == b.filemode() {
                    continue;
                }
            }
            let name = a.as_ref().or(b.as_ref()).map(|e| e.name_bytes().to_vec()).unwrap_or_default();
            let mut path = dir.clone();
            path.extend_from_slice(&name);
            let dir_of =
                |e: &Option<git2::TreeEntry>| e.as_ref().filter(|e| is_dir(e)).map(git2::TreeEntry::id);
            let file_of = |e: &Option<git2::TreeEntry>| {
                e.as_ref()
                    .filter(|e| e.kind() == Some(ObjectType::Blob))
                    .map(|e| Side { id: e.id(), mode: e.filemode() })
            };
            // With git's order a folder and a file of the same name never meet here, so each
            // side is one or the other (or nothing we read).
            let (old_dir, new_dir) = (dir_of(&a), dir_of(&b));
            if old_dir.is_some() || new_dir.is_some() {
                let mut sub = path.clone();
                sub.push(b'/');
                pending.push((sub, old_dir, new_dir));
            }
            let (old_file, new_file) = (file_of(&a), file_of(&b));
            if old_file.is_some() || new_file.is_some() {
                out.push(Changed { path, old: old_file, new: new_file });
            }
        }
    }
    cache.turn();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_sort_as_if_they_ended_in_a_slash() {
        // git: `a.b` (file) < `a` (folder, `a/`) < `a0`; a file `a` comes before `a.b`.
        assert_eq!(git_order(b"a.b", false, b"a", true), Ordering::Less);
        assert_eq!(git_order(b"a", true, b"a0", false), Ordering::Less);
        assert_eq!(git_order(b"a", false, b"a.b", false), Ordering::Less);
        assert_eq!(git_order(b"a", false, b"a", true), Ordering::Less);
        assert_eq!(git_order(b"a", true, b"a", true), Ordering::Equal);
    }
}
