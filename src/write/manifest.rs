//! The manifest a [`Writer`](super::Writer) keeps in its root: one line per file it wrote, the
//! SHA-256 of the bytes it wrote and the file's path, in the format `sha256sum` writes and
//! checks (`sha256sum -c .cairn-site` in the root verifies a site):
//!
//! ```text
//! 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08  services/checkout.html
//! ```
//!
//! The manifest is input like any other file in the tree: anyone who can write the directory
//! can write it. So a line is only a claim. It is believed only for a plain path inside the
//! root, outside `.git`, and only while the file there still holds the bytes whose digest the
//! line records (see [`super::Writer`]). Every other line is ignored, with a warning.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest as _, Sha256};

use crate::load::confined::read_regular;

/// The SHA-256 of a file's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Digest(pub [u8; 32]);

impl Digest {
    pub fn of(bytes: &[u8]) -> Digest {
        Digest(Sha256::digest(bytes).into())
    }

    /// Lower-case hexadecimal, as `sha256sum` prints it.
    pub fn hex(&self) -> String {
        let mut text = String::with_capacity(64);
        for byte in self.0 {
            text.push(char::from(HEX[usize::from(byte >> 4)]));
            text.push(char::from(HEX[usize::from(byte & 15)]));
        }
        text
    }

    fn parse(hex: &str) -> Option<Digest> {
        let bytes = hex.as_bytes();
        if bytes.len() != 64 {
            return None;
        }
        let mut digest = [0u8; 32];
        for (i, pair) in bytes.chunks(2).enumerate() {
            let nibble = |b: u8| match b {
                b'0'..=b'9' => Some(b - b'0'),
                b'a'..=b'f' => Some(b - b'a' + 10),
                _ => None,
            };
            digest[i] = (nibble(pair[0])? << 4) | nibble(pair[1])?;
        }
        Some(Digest(digest))
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Largest manifest read: a site of a million pages fits; a larger file is not cairn's.
pub const MAX_MANIFEST: u64 = 256 * 1024 * 1024;

/// Warnings listed one by one at most; the rest are counted.
const SHOWN_WARNINGS: usize = 5;

/// The claims a manifest makes, and what was wrong with the lines that were ignored.
#[derive(Debug, Default)]
pub struct Claims {
    pub files: BTreeMap<String, Digest>,
    pub warnings: Vec<String>,
}

/// Reads the manifest at `path` (not through a link, at most [`MAX_MANIFEST`] bytes); `name`
/// is how warnings call it. A missing manifest claims nothing.
pub fn read(path: &Path, name: &str) -> Claims {
    let mut claims = Claims::default();
    let text = match read_regular(path, MAX_MANIFEST) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return claims,
        Err(why) => {
            claims
                .warnings
                .push(format!("ignored {name}: {why}; no file in the directory is taken as cairn's"));
            return claims;
        }
    };
    let mut ignored = Vec::new();
    let mut ignored_count = 0usize;
    for (number, line) in text.split(|b| *b == b'\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        match parse_line(line, name) {
            Ok((path, digest)) => {
                if claims.files.insert(path.clone(), digest).is_some_and(|earlier| earlier != digest) {
                    // Two digests for one file: neither can be believed.
                    claims.files.remove(&path);
                    ignored_count += 1;
                    if ignored.len() < SHOWN_WARNINGS {
                        ignored.push(format!(
                            "line {}: `{}` is listed twice",
                            number + 1,
                            shown(path.as_bytes())
                        ));
                    }
                }
            }
            Err(why) => {
                ignored_count += 1;
                if ignored.len() < SHOWN_WARNINGS {
                    ignored.push(format!("line {}: {why}", number + 1));
                }
            }
        }
    }
    if ignored_count > 0 {
        let more = ignored_count - ignored.len();
        let mut warning = format!(
            "ignored {ignored_count} line(s) of {name} that do not name a file cairn wrote \
             (`<sha256>  <path>` inside the directory, outside .git): {}",
            ignored.join("; ")
        );
        if more > 0 {
            warning.push_str(&format!("; and {more} more"));
        }
        claims.warnings.push(warning);
    }
    claims
}

fn parse_line(line: &[u8], name: &str) -> Result<(String, Digest), String> {
    let text = std::str::from_utf8(line).map_err(|_| "not UTF-8".to_owned())?;
    let Some((hex, path)) = text.split_once("  ") else {
        return Err(format!("`{}` has no SHA-256 (a manifest of an older cairn)", shown(line)));
    };
    let digest = Digest::parse(hex).ok_or_else(|| format!("`{}` is not a SHA-256", shown(hex.as_bytes())))?;
    if !is_plain(path) || path == name {
        return Err(format!("`{}` is not a plain path inside the directory", shown(path.as_bytes())));
    }
    if in_git(path) {
        return Err(format!("`{}` is inside .git", shown(path.as_bytes())));
    }
    Ok((path.to_owned(), digest))
}

/// The manifest's text for `files`.
pub fn text(files: &BTreeMap<String, Digest>) -> Vec<u8> {
    let mut text = String::with_capacity(files.keys().map(|p| p.len() + 67).sum());
    for (path, digest) in files {
        text.push_str(&digest.hex());
        text.push_str("  ");
        text.push_str(path);
        text.push('\n');
    }
    text.into_bytes()
}

/// A relative, `/`-separated path of normal components (no `.`, `..`, root or empty part) and
/// no control character: it stays inside any directory and fits on a manifest line.
pub fn is_plain(path: &str) -> bool {
    !path.is_empty()
        && !path.chars().any(char::is_control)
        && !path.contains('\\')
        && path.split('/').all(|part| !part.is_empty() && part != "." && part != "..")
        && !Path::new(path).is_absolute()
}

/// Whether a component of `path` is `.git` (in any case: some file systems ignore it).
pub fn in_git(path: &str) -> bool {
    path.split('/').any(|part| part.eq_ignore_ascii_case(".git"))
}

/// Whether a component of `path` starts with a dot.
pub fn is_hidden(path: &str) -> bool {
    path.split('/').any(|part| part.starts_with('.'))
}

fn shown(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut shown: String = text.chars().take(80).map(|c| if c.is_control() { '?' } else { c }).collect();
    if text.chars().count() > 80 {
        shown.push('…');
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_round_trip_and_bad_lines_are_ignored_with_a_warning() {
        let mut files = BTreeMap::new();
        files.insert("index.html".to_owned(), Digest::of(b"<p>hi</p>"));
        files.insert("services/a b.html".to_owned(), Digest::of(b""));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m");
        let mut text = text(&files);
        let expected = format!(
            "{}  index.html\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  services/a b.html\n",
            Digest::of(b"<p>hi</p>").hex()
        );
        assert_eq!(String::from_utf8_lossy(&text), expected);
        let h = Digest::of(b"x").hex();
        for bad in [
            "index.html".to_owned(),
            format!("{h}  ../outside"),
            format!("{h}  /etc/passwd"),
            format!("{h}  .git/HEAD"),
            format!("{h}  a/.GIT/config"),
            format!("{h}  a//b"),
            format!("{h}  ./a"),
            format!("{}  a", &h[..63]),
            format!("{}  a", h.to_uppercase()),
            format!("{h}  m"),
        ] {
            text.extend_from_slice(bad.as_bytes());
            text.push(b'\n');
        }
        std::fs::write(&path, &text).unwrap();
        let claims = read(&path, "m");
        assert_eq!(claims.files, files);
        assert_eq!(claims.warnings.len(), 1, "{:?}", claims.warnings);
        assert!(claims.warnings[0].contains("ignored 10 line(s)"), "{:?}", claims.warnings);
    }

    #[test]
    fn a_link_or_a_special_file_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("real"), format!("{}  a\n", Digest::of(b"").hex())).unwrap();
        std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("link")).unwrap();
        let claims = read(&dir.path().join("link"), "link");
        assert!(claims.files.is_empty() && claims.warnings.len() == 1, "{claims:?}");
        assert!(read(Path::new("/dev/null"), "null").files.is_empty());
        assert!(read(&dir.path().join("missing"), "missing").warnings.is_empty());
    }
}
