//! Reading files that a command was pointed at by something it does not trust (a policy test
//! case naming its inputs, a templates directory, a manifest in the output directory): only
//! regular files, never through a symbolic link, never a special file (a FIFO, `/proc`
//! entries), never more than a bound, and for paths a file names, never outside the
//! directories it is confined to.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Why [`read_regular`] read nothing. It never carries the file's contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// The path is a symbolic link.
    Link,
    /// A folder, a FIFO, a device, a socket.
    NotRegular,
    /// Larger than the bound, which it carries.
    TooLarge(u64),
    Io(String),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Link => f.write_str("it is a symbolic link, and cairn does not follow it"),
            ReadError::NotRegular => f.write_str("it is not a regular file"),
            ReadError::TooLarge(max) => write!(f, "it is larger than {max} bytes"),
            ReadError::Io(e) => f.write_str(e),
        }
    }
}

/// Reads a regular file, not through a symbolic link in its last component (opened with
/// `O_NOFOLLOW`, and without blocking on a FIFO), at most `max` bytes; `None` when there is no
/// file. The error says why, without the file's contents.
pub fn read_regular(path: &Path, max: u64) -> Result<Option<Vec<u8>>, ReadError> {
    let mut file = match open_no_follow(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(_) if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) => {
            return Err(ReadError::Link)
        }
        Err(e) => return Err(ReadError::Io(e.to_string())),
    };
    let meta = file.metadata().map_err(|e| ReadError::Io(e.to_string()))?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    if meta.len() > max {
        return Err(ReadError::TooLarge(max));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    (&mut file).take(max + 1).read_to_end(&mut bytes).map_err(|e| ReadError::Io(e.to_string()))?;
    if bytes.len() as u64 > max {
        return Err(ReadError::TooLarge(max));
    }
    Ok(Some(bytes))
}

/// Opens `path` for reading; fails on a symbolic link in its last component, and does not
/// block on a FIFO.
pub fn open_no_follow(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    #[cfg(not(unix))]
    if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Err(std::io::Error::other("a symbolic link"));
    }
    options.open(path)
}

/// The path `relative` names from the directory `from`, if it stays inside one of `inside`
/// (directories; `from` is usually the first) without passing through a symbolic link below
/// it. `..` is resolved by name, before anything is looked up, so a link cannot lead it
/// elsewhere. The error says why, naming only `relative`.
pub fn confine(relative: &str, from: &Path, inside: &[&Path]) -> Result<PathBuf, String> {
    if relative.is_empty() || relative.contains('\0') {
        return Err(format!("`{}` is not a path", relative.escape_debug()));
    }
    if Path::new(relative).is_absolute() || Path::new(relative).has_root() {
        return Err(format!(
            "`{}` is an absolute path: name a file inside the case's directory, relative to it",
            relative.escape_debug()
        ));
    }
    let from = from.canonicalize().map_err(|e| format!("cannot resolve {}: {e}", from.display()))?;
    let mut target = from.clone();
    for component in Path::new(relative).components() {
        match component {
            Component::Normal(part) => target.push(part),
            Component::ParentDir => {
                target.pop();
            }
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => {
                return Err(format!("`{}` is an absolute path", relative.escape_debug()))
            }
        }
    }
    for dir in inside {
        let Ok(dir) = dir.canonicalize() else { continue };
        let Ok(below) = target.strip_prefix(&dir) else { continue };
        // Every component below the directory must be what it says, not a link elsewhere.
        let mut walked = dir.clone();
        for part in below.components() {
            walked.push(part);
            match std::fs::symlink_metadata(&walked) {
                Ok(meta) if meta.file_type().is_symlink() => {
                    return Err(format!(
                        "`{}` leads through a symbolic link ({}); cairn does not follow links out of \
                         the case's directory",
                        relative.escape_debug(),
                        walked.strip_prefix(&dir).unwrap_or(&walked).display()
                    ))
                }
                Ok(_) => {}
                // Nothing further exists: reading it will say so.
                Err(_) => break,
            }
        }
        return Ok(target);
    }
    Err(format!(
        "`{}` leads outside the case's directory; a case may only name files inside it (or inside \
         the repository given by --repo)",
        relative.escape_debug()
    ))
}

/// The templates in `dir`, by file name: every regular file directly in it whose name does not
/// start with a dot, at most `max` bytes each, UTF-8. A symbolic link or a special file there
/// is an error (its target is not read); folders are skipped.
pub fn read_templates(dir: &Path, max: u64) -> Result<BTreeMap<String, String>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read templates in {}: {e}", dir.display()))?;
    let mut templates = BTreeMap::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read templates in {}: {e}", dir.display()))?;
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else { continue };
        if name.starts_with('.') {
            continue;
        }
        let file_type = entry.file_type().map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if file_type.is_dir() {
            continue;
        }
        if file_type.is_symlink() {
            return Err(format!(
                "template {} is a symbolic link: templates are read only as regular files inside {}",
                path.display(),
                dir.display()
            ));
        }
        let bytes = match read_regular(&path, max) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => continue,
            Err(ReadError::TooLarge(max)) => {
                return Err(format!("template {} is larger than {max} bytes", path.display()))
            }
            Err(why) => return Err(format!("cannot read template {}: {why}", path.display())),
        };
        let text =
            String::from_utf8(bytes).map_err(|_| format!("template {} is not UTF-8 text", path.display()))?;
        templates.insert(name, text);
    }
    Ok(templates)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confine_keeps_paths_inside_and_off_links() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let case = dir.path().join("case");
        std::fs::create_dir_all(case.join("base")).unwrap();
        std::fs::write(case.join("p.patch"), "x").unwrap();
        std::os::unix::fs::symlink(outside.path(), case.join("out")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", case.join("passwd")).unwrap();
        let inside = [case.as_path()];
        assert_eq!(confine("p.patch", &case, &inside).unwrap(), case.canonicalize().unwrap().join("p.patch"));
        assert!(confine("base/../p.patch", &case, &inside).is_ok());
        assert!(confine("missing/x", &case, &inside).is_ok());
        for bad in ["../x", "/etc/passwd", "out/x", "passwd", "base/../../x", ""] {
            assert!(confine(bad, &case, &inside).is_err(), "{bad}");
        }
        // A second directory it may lead into.
        std::fs::create_dir(dir.path().join("repo")).unwrap();
        assert!(confine("../repo", &case, &[&case, &dir.path().join("repo")]).is_ok());
    }

    #[test]
    fn only_regular_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a"), "abc").unwrap();
        std::os::unix::fs::symlink(dir.path().join("a"), dir.path().join("l")).unwrap();
        assert_eq!(read_regular(&dir.path().join("a"), 3).unwrap().unwrap(), b"abc");
        assert!(read_regular(&dir.path().join("a"), 2).is_err());
        assert_eq!(read_regular(&dir.path().join("l"), 3).unwrap_err(), ReadError::Link);
        assert!(read_regular(dir.path(), 3).is_err());
        assert!(read_regular(&dir.path().join("none"), 3).unwrap().is_none());
        assert!(read_regular(Path::new("/dev/zero"), 3).is_err());
    }
}
