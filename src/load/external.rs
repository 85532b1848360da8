//! Reading the files `cairn import` is given: Backstage descriptor files, the targets of their
//! Locations (globs included), ServiceNow exports, and the files an earlier import wrote.
//!
//! Every read is bounded in size; a directory is walked like a cairn repository (`.gitignore`
//! respected, symbolic links never followed); a Location target is read only when it stays
//! inside the directory the import was pointed at (the source's root), and never through a
//! symbolic link.

use std::path::{Component, Path, PathBuf};

use globset::GlobBuilder;

/// Largest file an import reads (a CMDB export of 100,000 items is some 60 MB).
pub const MAX_IMPORT_FILE: u64 = 1 << 30;

/// Reads a whole file as UTF-8 text (a leading byte-order mark is dropped).
pub fn read_text(path: &Path, max: u64) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if !meta.is_file() {
        return Err(format!("{} is not a file", path.display()));
    }
    if meta.len() > max {
        return Err(format!("{} is larger than {max} bytes", path.display()));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "{} is not UTF-8 text (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    Ok(text)
}

/// The `*.yaml` and `*.yml` files under `dir`, sorted, walked like a repository.
pub fn yaml_files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        walk(dir).into_iter().filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml")).collect();
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    super::source::walker(dir)
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(|e| e.into_path())
        .collect()
}

/// What a Location target names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The files it names (a glob may name none).
    Files(Vec<PathBuf>),
    /// A file that does not exist.
    Missing(PathBuf),
    /// A path that leaves `root` or goes through a symbolic link: not read.
    Outside(PathBuf),
    /// A URL: not fetched.
    Url,
}

/// Resolves `target`, written in a Location in directory `from`, inside `root`.
pub fn resolve_target(root: &Path, from: &Path, target: &str) -> Target {
    if target.contains("://") {
        return Target::Url;
    }
    let joined = lexical(&from.join(target));
    let root = lexical(root);
    if !joined.starts_with(&root) {
        return Target::Outside(joined);
    }
    let is_glob = target.contains(['*', '?', '[', '{']);
    if !is_glob {
        return match std::fs::symlink_metadata(&joined) {
            Ok(meta) if meta.file_type().is_symlink() || through_link(&root, &joined) => {
                Target::Outside(joined)
            }
            Ok(meta) if meta.is_file() => Target::Files(vec![joined]),
            _ => Target::Missing(joined),
        };
    }
    // The walk starts at the longest directory before the first glob character.
    let pattern = joined.to_string_lossy().replace('\\', "/");
    let cut = pattern.find(['*', '?', '[', '{']).unwrap_or(pattern.len());
    let base = match pattern[..cut].rfind('/') {
        Some(slash) => PathBuf::from(&pattern[..slash.max(1)]),
        None => PathBuf::from("."),
    };
    let Ok(glob) = GlobBuilder::new(&pattern).literal_separator(true).build() else {
        return Target::Missing(joined);
    };
    let matcher = glob.compile_matcher();
    if through_link(&root, &base) {
        return Target::Outside(base);
    }
    let mut files: Vec<PathBuf> = walk(&base)
        .into_iter()
        .filter(|p| matcher.is_match(p.to_string_lossy().replace('\\', "/").as_str()))
        .collect();
    files.sort();
    Target::Files(files)
}

/// Whether a directory between `root` and `path` is a symbolic link.
fn through_link(root: &Path, path: &Path) -> bool {
    let Ok(rest) = path.strip_prefix(root) else { return true };
    let mut at = root.to_path_buf();
    for part in rest.components() {
        at.push(part);
        if std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            return true;
        }
    }
    false
}

/// `path` with `.` and `..` resolved as text (no file system access, links not followed).
pub fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() || out.as_os_str().is_empty() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_inside_the_root_only() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::write(root.join("a/one.yaml"), "x").unwrap();
        std::fs::write(root.join("a/b/two.yaml"), "x").unwrap();
        std::fs::write(root.join("a/b/skip.txt"), "x").unwrap();
        let from = root.join("a");
        assert_eq!(resolve_target(root, &from, "./one.yaml"), Target::Files(vec![root.join("a/one.yaml")]));
        assert_eq!(
            resolve_target(root, &from, "./**/*.yaml"),
            Target::Files(vec![root.join("a/b/two.yaml"), root.join("a/one.yaml")])
        );
        assert_eq!(resolve_target(root, &from, "./*.yaml"), Target::Files(vec![root.join("a/one.yaml")]));
        assert_eq!(resolve_target(root, &from, "nope.yaml"), Target::Missing(root.join("a/nope.yaml")));
        assert!(matches!(resolve_target(&from, &from, "../x.yaml"), Target::Outside(_)));
        assert_eq!(resolve_target(root, &from, "https://x/y.yaml"), Target::Url);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.join("a/one.yaml"), root.join("a/link.yaml")).unwrap();
            assert!(matches!(resolve_target(root, &from, "link.yaml"), Target::Outside(_)));
        }
    }
}
