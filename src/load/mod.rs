//! Loading: files on disk or in git objects → YAML documents with positions → the cairn
//! documents among them, each tagged with its kind.
//!
//! This is the only module that reads files or git. It owns the hostile-input bounds (file
//! size, nesting, alias expansion) and turns JSON-pointer locations back into line and column
//! ([`Loaded::resolve`]). It does not check documents against schemas or each other: that is
//! `crate::validate`.

mod against;
mod cases;
pub mod confined;
mod document;
pub mod external;
mod history;
mod patch;
mod source;
mod treediff;
pub mod yaml;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use serde_json::Value;

use crate::diag::{Code, Diagnostic, Location};
use crate::model::{Config, Kind, Limits};

pub use against::{expand_revisions, load_differing, Revision};
pub use cases::{find_policy_tests, read_case_input, read_policy_test, CaseFile, CASE_FILE};
pub use document::{front_matter, FrontMatter};
pub use history::{CommitChanges, CommitInfo, History};
pub use patch::{apply_patch, nul_position, PatchError};
use source::{Candidate, Contents, Filter, Source};

/// The configuration file at the repository root.
pub const CONFIG_FILE: &str = "cairn.yaml";

/// Default largest file read: 16 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// Default most bytes read in one run: 256 MiB.
pub const DEFAULT_MAX_TOTAL_SIZE: u64 = 256 * 1024 * 1024;

/// Default most nodes built in one run, aliases expanded.
pub const DEFAULT_MAX_TOTAL_NODES: u64 = 6_000_000;

/// Files are parsed in groups, in path order, so that the run's node budget is handed out the
/// same way whatever the thread count: a group holds files up to this many bytes...
const GROUP_BYTES: u64 = 256 * 1024;
/// ... or this many files.
const GROUP_FILES: usize = 256;

/// Why loading could not even start: exit code 2, not findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    NotADirectory(String),
    NotARepository(String, String),
    Revision(String, String),
    Git(String),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::NotADirectory(p) => write!(f, "`{p}` is not a directory"),
            LoadError::NotARepository(p, e) => write!(f, "`{p}` is not inside a git repository: {e}"),
            LoadError::Revision(r, e) => write!(f, "cannot read revision `{r}`: {e}"),
            LoadError::Git(e) => write!(f, "git: {e}"),
        }
    }
}

impl std::error::Error for LoadError {}

/// What to read.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The directory (for a revision: any directory of the work tree; its subtree is read).
    pub path: &'a Path,
    /// Read this git revision instead of the files on disk.
    pub rev: Option<&'a str>,
    /// Files that replace (or, when `None`, remove) the tree's own, by path relative to the
    /// root: a proposed change that exists only in memory (`cairn policy test`).
    pub changes: Option<&'a Changes>,
    /// Bounds the tree may not raise: a pull request's head is read under its own `limits`,
    /// but none above the base's, so that a pull request cannot lift the bounds that keep its
    /// own files cheap to read (see [`limits_of`]).
    pub ceiling: Option<Limits>,
}

impl<'a> Request<'a> {
    /// The files under `path` on disk, or at revision `rev` of its repository.
    pub fn new(path: &'a Path, rev: Option<&'a str>) -> Request<'a> {
        Request { path, rev, changes: None, ceiling: None }
    }

    /// This request, read under no bounds above `ceiling`'s.
    pub fn capped(&self, ceiling: Limits) -> Request<'a> {
        Request { ceiling: Some(ceiling), ..self.clone() }
    }
}

/// What a tree's bounds come to: its `cairn.yaml`'s `limits`, the defaults where it sets none,
/// and none above the request's ceiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Bounds {
    max_size: u64,
    yaml: yaml::Limits,
    max_total_size: u64,
    max_total_nodes: u64,
}

impl Bounds {
    fn of(limits: &Limits) -> Bounds {
        let defaults = yaml::Limits::default();
        Bounds {
            max_size: limits.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE),
            yaml: yaml::Limits {
                max_depth: limits.max_depth.map_or(defaults.max_depth, |d| d as usize),
                max_alias_nodes: limits.max_alias_nodes.map_or(defaults.max_alias_nodes, |n| n as usize),
                max_documents: limits.max_documents.map_or(defaults.max_documents, |n| n as usize),
                max_file_nodes: limits.max_file_nodes.unwrap_or(defaults.max_file_nodes),
            },
            max_total_size: limits.max_total_size.unwrap_or(DEFAULT_MAX_TOTAL_SIZE),
            max_total_nodes: limits.max_total_nodes.unwrap_or(DEFAULT_MAX_TOTAL_NODES),
        }
    }

    fn under(self, ceiling: Option<&Limits>) -> Bounds {
        let Some(ceiling) = ceiling else { return self };
        let c = Bounds::of(ceiling);
        Bounds {
            max_size: self.max_size.min(c.max_size),
            yaml: yaml::Limits {
                max_depth: self.yaml.max_depth.min(c.yaml.max_depth),
                max_alias_nodes: self.yaml.max_alias_nodes.min(c.yaml.max_alias_nodes),
                max_documents: self.yaml.max_documents.min(c.yaml.max_documents),
                max_file_nodes: self.yaml.max_file_nodes.min(c.yaml.max_file_nodes),
            },
            max_total_size: self.max_total_size.min(c.max_total_size),
            max_total_nodes: self.max_total_nodes.min(c.max_total_nodes),
        }
    }
}

/// Replacement contents by path relative to the root; `None` removes the file.
pub type Changes = BTreeMap<String, Option<Arc<[u8]>>>;

/// A cairn document (its apiVersion is `cairn/v1` and its kind is known), not yet checked
/// against its schema.
#[derive(Debug, Clone)]
pub struct RawDocument {
    pub file: Arc<str>,
    /// Index of the document in its file's YAML stream.
    pub index: u32,
    /// Line of the document's start in the file (1-based).
    pub line: u32,
    pub kind: Kind,
    pub value: Value,
    /// For Markdown articles: the body and the line it starts on.
    pub body: Option<(String, u32)>,
}

/// The text of a file that was read, kept to locate findings and show snippets.
#[derive(Debug, Clone)]
pub struct FileText {
    /// The whole file.
    pub text: Arc<str>,
    /// Where the YAML is: the whole file, or the front matter of a Markdown file.
    pub yaml: std::ops::Range<usize>,
    /// Lines before the YAML starts (1 for front matter after the opening `---`).
    pub line_offset: u32,
}

/// The result of loading a tree.
#[derive(Debug, Default)]
pub struct Loaded {
    pub config: Config,
    /// Number of files read.
    pub file_count: usize,
    pub files: BTreeMap<Arc<str>, FileText>,
    /// Cairn documents, ordered by file then position.
    pub documents: Vec<RawDocument>,
    /// Problems found while reading and parsing.
    pub diagnostics: Vec<Diagnostic>,
    /// How files are named: as shown, and from the repository root.
    pub paths: Paths,
    /// The config document, for the validator to check against its schema.
    pub config_document: Option<RawConfig>,
    /// Blob id of each file read (only when loaded with a [`ParseCache`]).
    pub blobs: BTreeMap<Arc<str>, git2::Oid>,
}

/// How the files of a tree are named.
#[derive(Debug, Clone, Default)]
pub struct Paths {
    /// The root as shown before every path (`examples/acme/`, or nothing for `.`).
    pub prefix: String,
    /// Where the root is in its repository (the git work tree it is in, else itself):
    /// `examples/acme/`, or nothing. Machine-readable reports name files from there.
    pub repository_prefix: String,
}

impl Paths {
    /// A file as shown (`examples/acme/x.yaml`, `/tmp/org/x.yaml`) as its path from the
    /// repository root (`examples/acme/x.yaml`, `x.yaml`).
    pub fn repository_path(&self, shown: &str) -> String {
        match shown.strip_prefix(self.prefix.as_str()) {
            Some(rest) => format!("{}{rest}", self.repository_prefix),
            None => shown.to_owned(),
        }
    }

    /// The inverse of [`Paths::repository_path`].
    pub fn shown_path(&self, from_repository: &str) -> String {
        match from_repository.strip_prefix(self.repository_prefix.as_str()) {
            Some(rest) => format!("{}{rest}", self.prefix),
            None => from_repository.to_owned(),
        }
    }
}

/// `cairn.yaml` as parsed, before its schema is checked.
#[derive(Debug, Clone)]
pub struct RawConfig {
    pub file: Arc<str>,
    pub value: Value,
}

/// What becomes of a document can be moved to another file: a cached result for one path is
/// reused for identical content at another.
pub trait Relocate {
    fn relocate(&mut self, file: &Arc<str>);
}

impl Relocate for RawDocument {
    fn relocate(&mut self, file: &Arc<str>) {
        self.file = file.clone();
    }
}

impl Relocate for Diagnostic {
    fn relocate(&mut self, file: &Arc<str>) {
        self.primary.file = file.clone();
        for label in &mut self.labels {
            label.location.file = file.clone();
        }
    }
}

/// Files already read, by content (git blob id) and kind (YAML or Markdown), with what their
/// documents became: a tree read after another reuses what is identical in both instead of
/// parsing and checking it again.
pub struct ParseCache<T> {
    files: Mutex<HashMap<ContentKey, Arc<Processed<T>>>>,
    /// Hand entries over instead of copying them (for the last tree read with this cache).
    consume: std::sync::atomic::AtomicBool,
}

/// A file's content: its blob id, whether it is read as Markdown, and the bounds it is read
/// under (`maxFileSize` and the YAML limits): each tree is read under its own `cairn.yaml`, so
/// the same blob read under other limits is another entry.
type ContentKey = (git2::Oid, bool, u64, yaml::Limits);

impl<T> Default for ParseCache<T> {
    fn default() -> Self {
        ParseCache { files: Mutex::new(HashMap::new()), consume: Default::default() }
    }
}

impl<T> ParseCache<T> {
    /// From now on, a hit takes the entry out of the cache instead of copying it: for the last
    /// tree read, so the cache keeps no copy of its own of what both trees share (outputs that
    /// share their contents, such as `Arc`s, are then held once).
    pub fn consume_on_hit(&self) {
        self.consume.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// One file, parsed, its documents processed.
struct Processed<T> {
    path: Arc<str>,
    outputs: Vec<T>,
    diagnostics: Vec<Diagnostic>,
    text: Option<FileText>,
    /// Nodes its documents built (charged to the run's budget).
    nodes: u64,
    /// Whether the outcome depends on this file alone (not cut short by the run's budget), so
    /// that another tree may reuse it.
    shareable: bool,
}

impl<T: Relocate + Clone> Processed<T> {
    fn moved_into(mut self, path: &Arc<str>) -> Processed<T> {
        if *path != self.path {
            self.outputs.iter_mut().for_each(|o| o.relocate(path));
            self.diagnostics.iter_mut().for_each(|d| d.relocate(path));
            self.path = path.clone();
        }
        self
    }

    fn moved_to(&self, path: &Arc<str>) -> Processed<T> {
        let mut outputs = self.outputs.clone();
        let mut diagnostics = self.diagnostics.clone();
        if *path != self.path {
            outputs.iter_mut().for_each(|o| o.relocate(path));
            diagnostics.iter_mut().for_each(|d| d.relocate(path));
        }
        Processed {
            path: path.clone(),
            outputs,
            diagnostics,
            text: self.text.clone(),
            nodes: self.nodes,
            shareable: self.shareable,
        }
    }
}

/// Reads the tree the request names.
pub fn load(request: &Request) -> Result<Loaded, LoadError> {
    let (mut loaded, documents) = load_with(request, None, &|d| d)?;
    loaded.documents = documents;
    Ok(loaded)
}

/// Reads the tree the request names and hands every cairn document to `process` on the thread
/// that parsed it, so documents do not all wait in memory at once. Returns the tree (without
/// `documents`) and what `process` made of them, in file order. With a cache, identical files
/// seen before are reused, and `blobs` records each file's blob id, so two trees can tell which
/// files differ.
pub fn load_with<T>(
    request: &Request,
    cache: Option<&ParseCache<T>>,
    process: &(dyn Fn(RawDocument) -> T + Sync),
) -> Result<(Loaded, Vec<T>), LoadError>
where
    T: Relocate + Clone + Send + Sync,
{
    let source = match request.rev {
        Some(rev) => Source::revision(request.path, rev)?,
        None => Source::dir(request.path)?,
    };
    let no_changes = Changes::new();
    let changes = request.changes.unwrap_or(&no_changes);
    let mut loaded = Loaded {
        paths: Paths { prefix: source.prefix().to_owned(), repository_prefix: source.repository_prefix() },
        ..Loaded::default()
    };

    // The configuration first: it sets the bounds and globs for everything else.
    let config = read_config(&source, changes, &mut loaded);
    let bounds = Bounds::of(&config.limits).under(request.ceiling.as_ref());
    let Bounds { max_size, yaml: limits, max_total_size, max_total_nodes } = bounds;
    // A bad glob is reported by the config check; the walk then falls back to the defaults.
    let filter = Filter::new(&config.include, &config.exclude)
        .or_else(|_| Filter::new(&[], &[]))
        .map_err(|(_, _, e)| LoadError::Git(e))?;

    let (mut candidates, mut links) = source.list(&filter)?;
    if !changes.is_empty() {
        source::overlay(&mut candidates, &mut links, changes, source.prefix(), &filter);
    }
    for link in links {
        loaded.diagnostics.push(Diagnostic::new(
            Code::SymlinkOutsideRepository,
            format!("symbolic link to `{}` points outside the repository; not followed", link.target),
            Location::file(link.path),
        ));
    }
    for c in candidates.iter().filter(|c| c.escaped) {
        loaded.diagnostics.push(
            Diagnostic::new(
                Code::UnprintablePath,
                "the file's path holds control characters or bytes that are not UTF-8; it is shown \
                 escaped, and read by its exact name",
                Location::file(c.path.clone()),
            )
            .with_note("help: rename the file with printable UTF-8 characters"),
        );
    }
    loaded.file_count = candidates.len();
    crate::progress::start("reading", Some(candidates.len()));

    // The run's byte budget, in path order: files past it are not read at all. Files over
    // `maxFileSize` are not read either, so they do not count.
    let mut total: u64 = 0;
    let readable = candidates
        .iter()
        .position(|c| {
            total = total.saturating_add(if c.size > max_size { 0 } else { c.size });
            total > max_total_size
        })
        .unwrap_or(candidates.len());
    for c in &candidates[readable..] {
        loaded.diagnostics.push(
            Diagnostic::new(
                Code::InputTooLarge,
                format!(
                    "not read: the files before this one (in path order) hold more than {max_total_size} \
                     bytes in all (limits.maxTotalSize)"
                ),
                Location::file(c.path.clone()),
            )
            .with_note("help: leave generated or vendored files out with `exclude` in cairn.yaml"),
        );
    }
    candidates.truncate(readable);

    // Files on disk are read by the worker that parses them, so reading and parsing overlap;
    // git blobs are inflated here first, a group at a time (a repository handle is not shared
    // across threads). A blob whose parse is already cached (the other tree of a comparison has
    // it) is not even inflated, unless this tree holds it twice.
    let cached: HashSet<ContentKey> = match cache {
        Some(cache) if !source.is_dir() => {
            let known: HashSet<ContentKey> =
                cache.files.lock().map(|m| m.keys().copied().collect()).unwrap_or_default();
            let mut seen: HashMap<ContentKey, usize> = HashMap::new();
            for c in &candidates {
                if let Some(id) = c.blob() {
                    *seen.entry((id, c.path.ends_with(".md"), max_size, limits)).or_default() += 1;
                }
            }
            seen.into_iter().filter(|(k, n)| *n == 1 && known.contains(k)).map(|(k, _)| k).collect()
        }
        _ => HashSet::new(),
    };

    let run = |path: &Arc<str>, contents: Contents, allowance: u64| -> Processed<T> {
        let file_limits = yaml::Limits { max_file_nodes: allowance.min(limits.max_file_nodes), ..limits };
        let (mut file, text) = parse_file(path, contents, max_size, &file_limits);
        // Stopped by its share of the run's budget, not by its own bound: say so.
        let by_run = allowance < limits.max_file_nodes;
        let mut limited = false;
        for d in file.diagnostics.iter_mut().filter(|d| d.code == Code::FileTooComplex) {
            limited = true;
            if by_run {
                d.code = Code::InputTooLarge;
                d.message = format!(
                    "reading stopped here: the files of this tree build more than {max_total_nodes} nodes \
                     in all, aliases expanded (limits.maxTotalNodes)"
                );
            }
        }
        // Not collected in place: that would keep the documents' larger, half-empty allocation
        // for as long as the parse cache holds the outputs.
        let mut outputs = Vec::with_capacity(file.documents.len());
        outputs.extend(file.documents.into_iter().map(process));
        let (nodes, shareable) = (file.nodes, !(limited && by_run));
        Processed { path: file.path, outputs, diagnostics: file.diagnostics, text, nodes, shareable }
    };
    let one = |candidate: &Candidate, contents: Option<Contents>, allowance: u64| {
        let contents = contents.unwrap_or_else(|| candidate.read_from_disk(max_size));
        let Some(cache) = cache else { return (run(&candidate.path, contents, allowance), None) };
        let id = candidate.blob().or_else(|| match &contents {
            Contents::Bytes(bytes) => git2::Oid::hash_object(git2::ObjectType::Blob, bytes).ok(),
            _ => None,
        });
        let Some(id) = id else { return (run(&candidate.path, contents, allowance), None) };
        let key = (id, candidate.path.ends_with(".md"), max_size, limits);
        let consume = cache.consume.load(std::sync::atomic::Ordering::Relaxed);
        let hit = cache.files.lock().ok().and_then(|mut map| match consume {
            true => map.remove(&key),
            false => map.get(&key).cloned(),
        });
        // Taken out of the cache, an entry nobody else holds is moved, not copied.
        let hit = match hit.map(Arc::try_unwrap) {
            Some(Ok(taken)) => return (taken.moved_into(&candidate.path), Some(id)),
            Some(Err(shared)) => Some(shared),
            None => None,
        };
        let entry = match hit {
            Some(entry) => entry,
            None if consume => return (run(&candidate.path, contents, allowance), Some(id)),
            None => {
                let entry = Arc::new(run(&candidate.path, contents, allowance));
                // What the run's budget cut short depends on the other files of this tree.
                if entry.shareable {
                    if let Ok(mut map) = cache.files.lock() {
                        map.insert(key, entry.clone());
                    }
                }
                entry
            }
        };
        (entry.moved_to(&candidate.path), Some(id))
    };

    // The run's node budget, handed out group by group in path order: each file of a group may
    // build half the remaining budget shared by size plus half shared by count, so a group
    // never builds more than what remains, and every file of a group gets its share whatever
    // the thread count (the outcome never depends on which file a thread finished first).
    let mut outputs = Vec::new();
    let mut spent: u64 = 0;
    let mut start = 0;
    while start < candidates.len() {
        let mut end = start;
        let mut group_bytes: u64 = 0;
        while end < candidates.len() && end - start < GROUP_FILES && group_bytes < GROUP_BYTES {
            group_bytes += candidates[end].size.min(max_size) + 1;
            end += 1;
        }
        let group = &candidates[start..end];
        let remaining = max_total_nodes.saturating_sub(spent);
        let count = group.len() as u64;
        let allowance = |c: &Candidate| -> u64 {
            let by_size = (remaining / 2) as u128 * (c.size.min(max_size) + 1) as u128 / group_bytes as u128;
            (by_size as u64).saturating_add(remaining / 2 / count)
        };
        let contents: Vec<Option<Contents>> = match source.is_dir() {
            true => group.iter().map(|_| None).collect(),
            false => group
                .iter()
                .map(|c| match c.blob() {
                    Some(id) if cached.contains(&(id, c.path.ends_with(".md"), max_size, limits)) => {
                        Some(Contents::Cached)
                    }
                    _ => Some(source.read_one(c, max_size)),
                })
                .collect(),
        };
        let parsed: Vec<(Processed<T>, Option<git2::Oid>)> = group
            .par_iter()
            .zip(contents.into_par_iter())
            .map(|(candidate, contents)| {
                crate::progress::step();
                one(candidate, contents, allowance(candidate))
            })
            .collect();
        for (file, id) in parsed {
            spent = spent.saturating_add(file.nodes);
            if let Some(id) = id {
                loaded.blobs.insert(file.path.clone(), id);
            }
            if let Some(text) = file.text {
                loaded.files.insert(file.path.clone(), text);
            }
            loaded.diagnostics.extend(file.diagnostics);
            outputs.extend(file.outputs);
        }
        start = end;
    }
    crate::progress::finish();
    loaded.config = config;
    Ok((loaded, outputs))
}

impl Loaded {
    /// Turns every JSON-pointer location of `diagnostics` into a line-and-column span, parsing
    /// each file with findings once. A pointer that does not exist (a missing field) lands on
    /// its deepest existing ancestor.
    pub fn resolve(&self, diagnostics: &mut [Diagnostic]) {
        let mut wanted: BTreeMap<Arc<str>, Vec<(u32, String)>> = BTreeMap::new();
        let each_location = |d: &mut Diagnostic, f: &mut dyn FnMut(&mut Location)| {
            f(&mut d.primary);
            for label in &mut d.labels {
                f(&mut label.location);
            }
        };
        for d in diagnostics.iter_mut() {
            each_location(d, &mut |loc| {
                if let (None, Some(anchor)) = (loc.span, &loc.anchor) {
                    wanted.entry(loc.file.clone()).or_default().push((anchor.doc, anchor.pointer.clone()));
                }
            });
        }
        let located: BTreeMap<Arc<str>, Vec<Option<yaml::Located>>> = wanted
            .into_par_iter()
            .filter_map(|(file, queries)| {
                let text = self.files.get(&file)?;
                let yaml_text = text.text.get(text.yaml.clone())?;
                let mut found = yaml::locate_many(yaml_text, &queries);
                for l in found.iter_mut().flatten() {
                    l.key = l.key.map(|s| s.shifted(text.line_offset));
                    l.value = l.value.shifted(text.line_offset);
                }
                Some((file, found))
            })
            .collect();
        let mut cursor: BTreeMap<Arc<str>, usize> = BTreeMap::new();
        for d in diagnostics.iter_mut() {
            each_location(d, &mut |loc| {
                let (None, Some(anchor)) = (loc.span, &loc.anchor) else { return };
                let i = cursor.entry(loc.file.clone()).or_default();
                let found = located.get(&loc.file).and_then(|v| v.get(*i)).cloned().flatten();
                *i += 1;
                loc.span = match (found, anchor.part) {
                    (Some(l), crate::diag::Part::Key) => Some(l.key.unwrap_or(l.value)),
                    (Some(l), crate::diag::Part::Value) => Some(l.value),
                    (None, _) => None,
                };
            });
        }
    }
}

/// One file, parsed: its cairn documents and its problems.
struct ParsedFile {
    path: Arc<str>,
    /// Nodes its YAML built, aliases expanded.
    nodes: u64,
    documents: Vec<RawDocument>,
    /// Every YAML document's value with its index (for the config file).
    values: Vec<(u32, Value)>,
    diagnostics: Vec<Diagnostic>,
}

fn parse_file(
    path: &Arc<str>,
    contents: Contents,
    max_size: u64,
    limits: &yaml::Limits,
) -> (ParsedFile, Option<FileText>) {
    let mut out = ParsedFile {
        path: path.clone(),
        nodes: 0,
        documents: Vec::new(),
        values: Vec::new(),
        diagnostics: Vec::new(),
    };
    let bytes = match contents {
        Contents::Bytes(bytes) => bytes,
        Contents::TooLarge => {
            out.diagnostics.push(Diagnostic::new(
                Code::FileTooLarge,
                format!("file is larger than {max_size} bytes (limits.maxFileSize); not read"),
                Location::file(path.clone()),
            ));
            return (out, None);
        }
        Contents::Cached => {
            // Only skipped when a unique cached copy exists, so this cannot happen; say so
            // rather than guess.
            out.diagnostics.push(Diagnostic::new(
                Code::IoError,
                "cannot read file: its content was expected in the parse cache",
                Location::file(path.clone()),
            ));
            return (out, None);
        }
        Contents::Unreadable(e) => {
            out.diagnostics.push(Diagnostic::new(
                Code::IoError,
                format!("cannot read file: {e}"),
                Location::file(path.clone()),
            ));
            return (out, None);
        }
    };
    let text = match document::text(bytes) {
        Ok(text) => text,
        Err((span, message)) => {
            out.diagnostics.push(Diagnostic::new(
                Code::InvalidUtf8,
                message,
                Location::at(path.clone(), span),
            ));
            return (out, None);
        }
    };
    let text: Arc<str> = text.into();
    let file_text = if path.ends_with(".md") {
        match document::front_matter(&text) {
            Ok(Some(fm)) => {
                document::parse_documents(
                    &mut out,
                    &text[fm.yaml.clone()],
                    fm.yaml_line - 1,
                    limits,
                    Some(&fm),
                );
                for doc in &mut out.documents {
                    doc.body = Some((document::body_of(&text, &fm), fm.body_line));
                }
                FileText { text: text.clone(), yaml: fm.yaml, line_offset: fm.yaml_line - 1 }
            }
            Ok(None) => return (out, None),
            Err(span) => {
                out.diagnostics.push(
                    Diagnostic::new(
                        Code::FrontMatterUnterminated,
                        "front matter opened with `---` is never closed",
                        Location::at(path.clone(), span),
                    )
                    .with_note("help: end the front matter with a line holding only `---`"),
                );
                FileText { text: text.clone(), yaml: 0..0, line_offset: 0 }
            }
        }
    } else {
        document::parse_documents(&mut out, &text, 0, limits, None);
        FileText { text: text.clone(), yaml: 0..text.len(), line_offset: 0 }
    };
    (out, Some(file_text))
}

/// The contents of the file at `relative` (`/`-separated) in the tree `request` names (its
/// `changes` aside), or `None` when there is no such regular file or it cannot be read.
/// Reads the tree's `cairn.yaml` into `loaded` (its document, text and findings) and returns
/// what it configures (the defaults when it is missing or cannot be read: the findings say why).
fn read_config(source: &Source, changes: &Changes, loaded: &mut Loaded) -> Config {
    let limits_probe = DEFAULT_MAX_FILE_SIZE;
    let config_file = match changes.get(CONFIG_FILE) {
        Some(Some(bytes)) => {
            Some((format!("{}{CONFIG_FILE}", source.prefix()).into(), Contents::Bytes(bytes.to_vec())))
        }
        Some(None) => None,
        None => source.read_root_file(CONFIG_FILE, limits_probe),
    };
    if let Some((file, contents)) = config_file {
        let (parsed, text) = parse_file(&file, contents, limits_probe, &yaml::Limits::default());
        loaded.diagnostics.extend(parsed.diagnostics);
        if let Some(text) = text {
            loaded.files.insert(file.clone(), text);
        }
        if let Some(first) = parsed.values.into_iter().next() {
            loaded.config_document = Some(RawConfig { file, value: first.1 });
        }
    }
    loaded
        .config_document
        .as_ref()
        .and_then(|raw| serde_json::from_value::<Config>(raw.value.clone()).ok())
        .unwrap_or_default()
}

/// The `limits` a tree's `cairn.yaml` sets (none where it cannot be read): the ceiling for
/// reading a pull request's head ([`Request::capped`]).
pub fn limits_of(request: &Request) -> Result<Limits, LoadError> {
    let source = match request.rev {
        Some(rev) => Source::revision(request.path, rev)?,
        None => Source::dir(request.path)?,
    };
    let no_changes = Changes::new();
    let mut scratch = Loaded::default();
    Ok(read_config(&source, request.changes.unwrap_or(&no_changes), &mut scratch).limits)
}

pub fn read_file(request: &Request, relative: &str) -> Result<Option<Vec<u8>>, LoadError> {
    let source = match request.rev {
        Some(rev) => Source::revision(request.path, rev)?,
        None => Source::dir(request.path)?,
    };
    Ok(match source.read_relative(relative, DEFAULT_MAX_FILE_SIZE) {
        Some(Contents::Bytes(bytes)) => Some(bytes),
        _ => None,
    })
}

/// The full commit id that `rev` names in the repository around `path` (for matching reviews to
/// the head commit).
pub fn commit_id(path: &Path, rev: &str) -> Result<String, LoadError> {
    let repo = git2::Repository::discover(path)
        .map_err(|e| LoadError::NotARepository(path.display().to_string(), e.message().to_owned()))?;
    source::resolve_commit(&repo, rev).map(|id| id.to_string())
}

/// The full commit id of the best common ancestor of commits `a` and `b` (`git merge-base a
/// b`): where a pull request's own changes start. Each is read as one revision (no `A...B`).
pub fn merge_base(path: &Path, a: &str, b: &str) -> Result<String, LoadError> {
    let repo = git2::Repository::discover(path)
        .map_err(|e| LoadError::NotARepository(path.display().to_string(), e.message().to_owned()))?;
    let commit = |rev: &str| {
        repo.revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map(|c| c.id())
            .map_err(|e| LoadError::Revision(rev.to_owned(), e.message().to_owned()))
    };
    let (ca, cb) = (commit(a)?, commit(b)?);
    repo.merge_base(ca, cb)
        .map(|id| id.to_string())
        .map_err(|e| LoadError::Revision(format!("{a}...{b}"), e.message().to_owned()))
}
