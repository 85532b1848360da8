//! Applying a unified diff (as `git diff` writes it) to a tree in memory, for proposed changes
//! that exist only as a patch (`cairn policy test`). Strict, like `git apply` without fuzz:
//! every context and removed line must match the tree exactly, or nothing is applied.

use std::fmt;
use std::sync::Arc;

use git2::{Delta, Diff, Patch};

use super::Changes;

/// Why a patch could not be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchError(pub String);

impl fmt::Display for PatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where the first NUL byte of `patch` is (line and column, 1-based, columns in characters),
/// if it has one. A patch is text: libgit2 reads its lines as C strings and stops at a NUL
/// while reporting the line's full length, so bytes past the patch would be read; such a
/// patch is refused before libgit2 sees it.
pub fn nul_position(patch: &[u8]) -> Option<(u32, u32)> {
    let at = patch.iter().position(|&b| b == 0)?;
    let line_start = patch[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let line = patch[..line_start].iter().filter(|&&b| b == b'\n').count() + 1;
    let column = String::from_utf8_lossy(&patch[line_start..at]).chars().count() + 1;
    Some((u32::try_from(line).unwrap_or(u32::MAX), u32::try_from(column).unwrap_or(u32::MAX)))
}

/// The files `patch` changes, as [`Changes`] over the tree `read` reads (by path relative to
/// the root; `None` when the file does not exist there).
pub fn apply_patch(patch: &[u8], read: &dyn Fn(&str) -> Option<Vec<u8>>) -> Result<Changes, PatchError> {
    if let Some((line, column)) = nul_position(patch) {
        return Err(PatchError(format!(
            "the patch holds a NUL byte at line {line}, column {column}: it is binary, not a unified diff"
        )));
    }
    let diff =
        Diff::from_buffer(patch).map_err(|e| PatchError(format!("not a unified diff: {}", e.message())))?;
    let mut changes = Changes::new();
    for (index, delta) in diff.deltas().enumerate() {
        let old = delta.old_file().path().map(slash);
        let new = delta.new_file().path().map(slash);
        let status = delta.status();
        let shown = new.clone().or_else(|| old.clone()).unwrap_or_default();
        if delta.old_file().is_binary() || delta.new_file().is_binary() || delta.flags().is_binary() {
            return Err(PatchError(format!("`{shown}`: binary patches are not applied")));
        }
        for path in [&old, &new].into_iter().flatten() {
            if !safe(path) {
                return Err(PatchError(format!("`{path}`: a patch may only name paths inside the tree")));
            }
        }
        // A file changed earlier in the same patch is read as changed.
        let current = |path: &str| -> Option<Vec<u8>> {
            match changes.get(path) {
                Some(contents) => contents.as_ref().map(|b: &Arc<[u8]>| b.to_vec()),
                None => read(path),
            }
        };
        let before = match status {
            Delta::Added => {
                if let Some(path) = &new {
                    if current(path).is_some() {
                        return Err(PatchError(format!("`{path}` is added by the patch but already exists")));
                    }
                }
                Vec::new()
            }
            _ => {
                let path = old.as_deref().unwrap_or_default();
                current(path).ok_or_else(|| {
                    PatchError(format!("`{path}` is changed by the patch but does not exist"))
                })?
            }
        };
        let patch =
            Patch::from_diff(&diff, index).map_err(|e| PatchError(format!("`{shown}`: {}", e.message())))?;
        let after = match patch {
            Some(patch) => apply_hunks(&shown, &before, &patch)?,
            None => before,
        };
        match status {
            Delta::Deleted => {
                if !after.is_empty() {
                    return Err(PatchError(format!(
                        "`{shown}` is deleted by the patch but has lines it does not remove"
                    )));
                }
                changes.insert(old.unwrap_or_default(), None);
            }
            Delta::Renamed => {
                changes.insert(old.unwrap_or_default(), None);
                changes.insert(new.unwrap_or_default(), Some(after.into()));
            }
            _ => {
                changes.insert(new.or(old).unwrap_or_default(), Some(after.into()));
            }
        }
    }
    Ok(changes)
}

fn apply_hunks(path: &str, before: &[u8], patch: &Patch) -> Result<Vec<u8>, PatchError> {
    let lines: Vec<&[u8]> = before.split_inclusive(|b| *b == b'\n').collect();
    let mut out: Vec<u8> = Vec::with_capacity(before.len());
    let mut next = 0usize; // the next line of `before` not yet copied
    for h in 0..patch.num_hunks() {
        let (hunk, count) = patch.hunk(h).map_err(|e| PatchError(format!("`{path}`: {}", e.message())))?;
        // A hunk that removes nothing starts after its `old_start` line; any other at it.
        let start = if hunk.old_lines() == 0 {
            hunk.old_start() as usize
        } else {
            (hunk.old_start() as usize).saturating_sub(1)
        };
        if start < next || start > lines.len() {
            return Err(PatchError(format!(
                "`{path}`: hunk {} starts at line {} but the file has {} lines",
                h + 1,
                hunk.old_start(),
                lines.len()
            )));
        }
        for line in &lines[next..start] {
            out.extend_from_slice(line);
        }
        next = start;
        let mut last = ' ';
        for l in 0..count {
            let line =
                patch.line_in_hunk(h, l).map_err(|e| PatchError(format!("`{path}`: {}", e.message())))?;
            let origin = line.origin();
            let previous = std::mem::replace(&mut last, origin);
            match origin {
                '+' => out.extend_from_slice(line.content()),
                origin @ (' ' | '-') => {
                    let mut expected = line.content();
                    let found = lines.get(next).copied();
                    // The file's last line may lack its newline ("\ No newline at end of file").
                    if found.is_some_and(|f| !f.ends_with(b"\n")) {
                        expected = expected.strip_suffix(b"\n").unwrap_or(expected);
                    }
                    if found != Some(expected) {
                        return Err(PatchError(format!(
                            "`{path}` does not match the patch at line {}: expected `{}`, found `{}`",
                            next + 1,
                            shown_line(expected),
                            found.map(shown_line).unwrap_or_else(|| "end of file".into())
                        )));
                    }
                    if origin == ' ' {
                        out.extend_from_slice(expected);
                    }
                    next += 1;
                }
                // "\ No newline at end of file" is about the line before it, whatever libgit2
                // calls it: when the new file keeps that line, it ends without a newline.
                '>' | '=' | '<' if matches!(previous, '+' | ' ') && out.ends_with(b"\n") => {
                    out.pop();
                }
                _ => {}
            }
        }
    }
    for line in &lines[next..] {
        out.extend_from_slice(line);
    }
    Ok(out)
}

fn shown_line(line: &[u8]) -> String {
    let text = String::from_utf8_lossy(line);
    let text = text.trim_end_matches(['\n', '\r']);
    let mut shown: String = text.chars().take(80).map(|c| if c.is_control() { ' ' } else { c }).collect();
    if text.chars().count() > 80 {
        shown.push('…');
    }
    shown
}

fn slash(path: &std::path::Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Relative, without `..`, `.git` or an empty segment.
fn safe(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && path.split('/').all(|part| !part.is_empty() && part != "." && part != ".." && part != ".git")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> impl Fn(&str) -> Option<Vec<u8>> {
        let files: Vec<(String, Vec<u8>)> =
            files.iter().map(|(p, t)| (p.to_string(), t.as_bytes().to_vec())).collect();
        move |path| files.iter().find(|(p, _)| p == path).map(|(_, t)| t.clone())
    }

    fn text(changes: &Changes, path: &str) -> Option<String> {
        changes
            .get(path)
            .map(|c| c.as_ref().map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default())
    }

    const BASE: &str = "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\ng: 7\n";

    #[test]
    fn modifies_adds_removes_and_renames() {
        let patch = "diff --git a/x.yaml b/x.yaml\n--- a/x.yaml\n+++ b/x.yaml\n@@ -3,3 +3,3 @@ b: 2\n c: 3\n-d: 4\n+d: 40\n e: 5\n\
diff --git a/new.yaml b/new.yaml\nnew file mode 100644\n--- /dev/null\n+++ b/new.yaml\n@@ -0,0 +1,2 @@\n+x: 1\n+y: 2\n\
diff --git a/gone.yaml b/gone.yaml\ndeleted file mode 100644\n--- a/gone.yaml\n+++ /dev/null\n@@ -1 +0,0 @@\n-z: 1\n\
diff --git a/old.yaml b/moved.yaml\nsimilarity index 100%\nrename from old.yaml\nrename to moved.yaml\n";
        let read = tree(&[("x.yaml", BASE), ("gone.yaml", "z: 1\n"), ("old.yaml", "o: 1\n")]);
        let changes = apply_patch(patch.as_bytes(), &read).unwrap();
        assert_eq!(text(&changes, "x.yaml").unwrap(), BASE.replace("d: 4", "d: 40"));
        assert_eq!(text(&changes, "new.yaml").unwrap(), "x: 1\ny: 2\n");
        assert_eq!(changes.get("gone.yaml"), Some(&None));
        assert_eq!(changes.get("old.yaml"), Some(&None));
        assert_eq!(text(&changes, "moved.yaml").unwrap(), "o: 1\n");
    }

    #[test]
    fn a_mismatched_context_is_refused_with_the_line() {
        let patch = "diff --git a/x.yaml b/x.yaml\n--- a/x.yaml\n+++ b/x.yaml\n@@ -3,2 +3,2 @@\n c: 3\n-d: 44\n+d: 40\n";
        let err = apply_patch(patch.as_bytes(), &tree(&[("x.yaml", BASE)])).unwrap_err();
        assert!(err.0.contains("line 4") && err.0.contains("expected `d: 44`, found `d: 4`"), "{err}");
    }

    #[test]
    fn a_missing_newline_at_the_end_is_kept_missing() {
        let patch = "diff --git a/x.yaml b/x.yaml\n--- a/x.yaml\n+++ b/x.yaml\n@@ -1 +1 @@\n-a: 1\n+a: 2\n\\ No newline at end of file\n";
        let changes = apply_patch(patch.as_bytes(), &tree(&[("x.yaml", "a: 1\n")])).unwrap();
        assert_eq!(text(&changes, "x.yaml").unwrap(), "a: 2");
    }

    #[test]
    fn paths_outside_the_tree_and_missing_files_are_refused() {
        let escape = "diff --git a/../x.yaml b/../x.yaml\n--- a/../x.yaml\n+++ b/../x.yaml\n@@ -1 +1 @@\n-a: 1\n+a: 2\n";
        assert!(apply_patch(escape.as_bytes(), &tree(&[])).is_err());
        let missing = "diff --git a/y.yaml b/y.yaml\n--- a/y.yaml\n+++ b/y.yaml\n@@ -1 +1 @@\n-a: 1\n+a: 2\n";
        let err = apply_patch(missing.as_bytes(), &tree(&[])).unwrap_err();
        assert!(err.0.contains("does not exist"), "{err}");
        assert!(apply_patch(b"hello\n", &tree(&[])).map(|c| c.is_empty()).unwrap_or(true));
    }
}
