//! Reading `cairn policy test` cases: finding them in a directory, parsing a case file with the
//! same bounds and positions as any other YAML, and reading the files a case names (patches,
//! reviews). Checking a case against its schema and running it are not done here.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use super::confined::{read_regular, ReadError};
use super::{parse_file, yaml, Contents, LoadError, Loaded, DEFAULT_MAX_FILE_SIZE};

/// The file a directory-shaped case keeps its case in.
pub const CASE_FILE: &str = "case.yaml";

/// One case found in a test directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFile {
    /// The case's name: its file's stem, or its directory's name.
    pub name: String,
    /// Where the case file is.
    pub path: PathBuf,
    /// The path shown to users, `/`-separated.
    pub shown: Arc<str>,
}

impl CaseFile {
    /// The directory the case's relative paths start from.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }
}

/// The cases of `dir`: every `.yaml`/`.yml` file in it, and `case.yaml` in each directory in
/// it (whose other files belong to that case), ordered by name. Symbolic links are not
/// followed.
pub fn find_policy_tests(dir: &Path) -> Result<Vec<CaseFile>, LoadError> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| LoadError::NotADirectory(format!("{}: {e}", dir.display())))?;
    let prefix = super::source::display_prefix(dir);
    let mut cases = Vec::new();
    for entry in entries.flatten() {
        let Ok(file_type) = entry.file_type() else { continue };
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else { continue };
        if file_type.is_file() {
            if let Some(stem) = name.strip_suffix(".yaml").or_else(|| name.strip_suffix(".yml")) {
                cases.push(CaseFile {
                    name: stem.to_owned(),
                    path: entry.path(),
                    shown: format!("{prefix}{name}").into(),
                });
            }
        } else if file_type.is_dir() {
            let path = entry.path().join(CASE_FILE);
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
                cases.push(CaseFile {
                    name: name.clone(),
                    path,
                    shown: format!("{prefix}{name}/{CASE_FILE}").into(),
                });
            }
        }
    }
    cases.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.shown.cmp(&b.shown)));
    Ok(cases)
}

/// Reads and parses a case file: the file's text (to position findings), what went wrong
/// reading or parsing it, and its first document.
pub fn read_policy_test(case: &CaseFile) -> (Loaded, Option<Value>) {
    let contents = read_bounded(&case.path);
    let (parsed, text) = parse_file(&case.shown, contents, DEFAULT_MAX_FILE_SIZE, &yaml::Limits::default());
    let mut loaded = Loaded { file_count: 1, diagnostics: parsed.diagnostics, ..Loaded::default() };
    if let Some(text) = text {
        loaded.files.insert(case.shown.clone(), text);
    }
    (loaded, parsed.values.into_iter().next().map(|(_, value)| value))
}

/// A file a case names (a patch, a reviews file), at most 16 MiB: a regular file, not read
/// through a symbolic link. `shown` is how messages name it (as the case wrote it). Where it may
/// be is for the caller to check first ([`super::confined::confine`]).
pub fn read_case_input(path: &Path, shown: &str) -> Result<Vec<u8>, String> {
    match read_bounded(path) {
        Contents::Bytes(bytes) => Ok(bytes),
        Contents::TooLarge => Err(format!("`{shown}` is larger than {DEFAULT_MAX_FILE_SIZE} bytes")),
        Contents::Unreadable(e) => Err(format!("cannot read `{shown}`: {e}")),
        Contents::Cached => Err(format!("cannot read `{shown}`")),
    }
}

fn read_bounded(path: &Path) -> Contents {
    match read_regular(path, DEFAULT_MAX_FILE_SIZE) {
        Ok(Some(bytes)) => Contents::Bytes(bytes),
        Ok(None) => Contents::Unreadable("no such file".into()),
        Err(ReadError::TooLarge(_)) => Contents::TooLarge,
        Err(e) => Contents::Unreadable(e.to_string()),
    }
}
