//! `cairn render`: validate a tree, render the site (`crate::render`), and write each file as
//! it is made inside the output directory — never outside it.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use chrono::NaiveDate;
use clap::ValueEnum;

use crate::diag;
use crate::load::{LoadError, Request};
use crate::render::{self, Page, RenderOptions, SiteFormat};
use crate::report::{self, Format, Style, Summary};
use crate::validate;

#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// The repository (or any directory) to render.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Directory to write the site to (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// An HTML site, or Markdown files with relative links (for a wiki or a docs folder).
    #[arg(long, value_enum, default_value_t = SiteOutput::Html)]
    pub format: SiteOutput,
    /// Directory of templates that replace the embedded ones, by file name (`service.html`).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Render the tree of this git revision instead of the files on disk.
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    /// The date "upcoming", "past" and "needs review" are measured against (default: today).
    #[arg(long, value_name = "YYYY-MM-DD", env = "CAIRN_TODAY")]
    pub today: Option<NaiveDate>,
    /// Overwrite files in `--out` that an earlier render did not write (by default cairn
    /// stops rather than replace a file of yours).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SiteOutput {
    Html,
    Markdown,
}

/// Largest template file read.
const MAX_TEMPLATE: u64 = 1024 * 1024;

pub fn run_render(args: &RenderArgs) -> Result<i32, String> {
    let templates = match &args.templates {
        Some(dir) => read_templates(dir)?,
        None => BTreeMap::new(),
    };
    let today = super::today(args.today);
    let (loaded, mut outcome) =
        validate::run(&Request::new(&args.path, args.rev.as_deref()), today).map_err(|e| e.to_string())?;
    // Pages show where each entity is defined relative to the repository root.
    for entity in &mut outcome.entities {
        if let Some(rest) = entity.origin.file.strip_prefix(loaded.paths.prefix.as_str()) {
            entity.origin.file = rest.into();
        }
    }
    let format = match args.format {
        SiteOutput::Html => SiteFormat::Html,
        SiteOutput::Markdown => SiteFormat::Markdown,
    };
    // In a git repository, the articles' pages say which of their entities changed since.
    let rev = args.rev.as_deref().unwrap_or("HEAD");
    let drift = match crate::health::drift::find(&args.path, rev, &outcome.entities, &loaded.config) {
        Ok(drift) => Some(drift),
        Err(LoadError::NotARepository(..)) => None,
        Err(e) => {
            eprintln!("note: no knowledge drift on the article pages: {e}");
            None
        }
    };
    let options = RenderOptions { format, today, templates, drift };
    let files =
        write_site(&args.out, args.force, |write| render::render_each(&outcome.entities, &options, write))?;

    let (errors, warnings) = diag::count(&outcome.diagnostics);
    if errors > 0 {
        // The site holds what is valid; the findings say what is missing from it.
        let summary =
            Summary { files: loaded.file_count, entities: outcome.entities.len(), errors, warnings };
        let stderr = std::io::stderr();
        let mut err = stderr.lock();
        let sources = super::LoadedSources(&loaded);
        let _ = report::write_diagnostics(
            &mut err,
            Format::Human,
            &outcome.diagnostics,
            &summary,
            &sources,
            Style::default(),
        );
    }
    eprintln!("wrote {} pages for {} entities to {}", files, outcome.entities.len(), args.out.display());
    // The process ends right after this: freeing a hundred thousand entities one by one would
    // only delay the exit.
    std::mem::forget((loaded, outcome));
    Ok(i32::from(errors > 0))
}

/// Pages waiting for the writer at most: a few megabytes.
const PAGES_IN_FLIGHT: usize = 512;

/// Runs `render`, which makes pages on every core and hands each to the function it is
/// given, while one thread of its own writes them under `out`.
///
/// One writer, not one per core: creating files in one directory from several threads makes
/// them wait on the directory's lock (spinning, on Linux), and that was an eighth of the CPU
/// time of a 100,000-page site. The first write that fails stops the run and is the error.
///
/// A file already in `out` that holds the very bytes of its page is left untouched. Another
/// is replaced only when an earlier render wrote it (it is in the [`MANIFEST`]) or with
/// `force`: rendering a Markdown site into a docs folder must not replace the folder's own
/// `index.md`, nor a knowledge article when `out` is the repository itself.
///
/// Then the files an earlier render wrote there and this one did not (the pages of entities
/// since removed or renamed) are deleted, so the directory holds exactly the site; see
/// [`MANIFEST`]. Nothing else in the directory is touched.
fn write_site<R>(out: &Path, force: bool, render: R) -> Result<usize, String>
where
    R: FnOnce(&(dyn Fn(Page) -> Result<(), String> + Sync)) -> Result<usize, render::RenderError>,
{
    let mut writer = SiteWriter::new(out, force);
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Page>(PAGES_IN_FLIGHT);
    let mut written: BTreeSet<String> = BTreeSet::new();
    let outcome = std::thread::scope(|scope| {
        let writing = scope.spawn(|| {
            let writer = &mut writer;
            receiver.into_iter().try_for_each(|page| {
                writer.write(&page)?;
                written.insert(page.path);
                Ok::<(), String>(())
            })
        });
        let rendered = render(&|page| sender.send(page).map_err(|_| "the writer stopped".to_owned()));
        drop(sender);
        // A failed write is the cause of any error rendering gave after it.
        let writes = writing.join().unwrap_or_else(|_| Err("the writer stopped".to_owned()));
        writes.and(rendered.map_err(|e| e.to_string()))
    });
    match outcome {
        Ok(files) => {
            writer.replace_manifest(&written, true)?;
            Ok(files)
        }
        Err(e) if writer.refused => {
            // Refused before it began to matter: leave the directory as it was found.
            writer.remove_created();
            Err(e)
        }
        Err(e) => {
            // Keep track of what this run wrote, so that a later one can remove it; remove
            // nothing from a site left half made.
            let _ = writer.replace_manifest(&written, false);
            Err(e)
        }
    }
}

/// The file in the output directory that lists, one a line, the files cairn wrote there.
pub const MANIFEST: &str = ".cairn-site";

fn read_templates(dir: &Path) -> Result<BTreeMap<String, String>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read templates in {}: {e}", dir.display()))?;
    let mut templates = BTreeMap::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(meta) = std::fs::metadata(&path) else { continue };
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
        if !meta.is_file() || name.starts_with('.') {
            continue;
        }
        if meta.len() > MAX_TEMPLATE {
            return Err(format!("template {} is larger than {MAX_TEMPLATE} bytes", path.display()));
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read template {}: {e}", path.display()))?;
        templates.insert(name.to_owned(), text);
    }
    Ok(templates)
}

/// Writes files under one directory (from one thread at a time). A path that could leave the
/// directory (absolute, `..`), or a directory inside it that is a link to elsewhere, is
/// refused before anything is written there.
struct SiteWriter<'o> {
    out: &'o Path,
    /// The output directory, created and resolved on the first file (so that a run that fails
    /// before its first page creates nothing).
    root: Option<Result<PathBuf, String>>,
    /// Directories already created and found to lead inside the root: checked once per run,
    /// not once per page (the check resolves every component of the path).
    checked: HashSet<PathBuf>,
    /// The lines of the manifest as the run found it: the files an earlier render wrote.
    earlier: BTreeSet<String>,
    /// Replace files that are not in `earlier`.
    force: bool,
    /// Files this run created where there was none, and whether `out` was created.
    created: Vec<PathBuf>,
    created_out: bool,
    /// Whether the run stopped rather than replace a file it does not own.
    refused: bool,
}

impl<'o> SiteWriter<'o> {
    fn new(out: &'o Path, force: bool) -> SiteWriter<'o> {
        SiteWriter {
            out,
            root: None,
            checked: HashSet::new(),
            earlier: BTreeSet::new(),
            force,
            created: Vec::new(),
            created_out: !out.exists(),
            refused: false,
        }
    }

    fn write(&mut self, page: &Page) -> Result<(), String> {
        let out = self.out;
        let earlier = &mut self.earlier;
        let root = self.root.get_or_insert_with(|| {
            std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
            let root = out.canonicalize().map_err(|e| format!("cannot resolve {}: {e}", out.display()))?;
            let manifest = root.join(MANIFEST);
            if std::fs::symlink_metadata(&manifest).is_ok_and(|meta| meta.is_file()) {
                let text = std::fs::read_to_string(&manifest).unwrap_or_default();
                earlier.extend(text.lines().filter(|l| !l.is_empty()).map(str::to_owned));
            }
            Ok(root)
        });
        let root = root.as_deref().map_err(Clone::clone)?;
        if !is_plain(&page.path) {
            return Err(format!(
                "refusing to write `{}`: not a plain path inside the output directory",
                page.path
            ));
        }
        let target = root.join(&page.path);
        if let Some(parent) = target.parent() {
            if !self.checked.contains(parent) {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
                if !resolves_inside(root, parent)
                    .map_err(|e| format!("cannot resolve {}: {e}", parent.display()))?
                {
                    return Err(format!(
                        "refusing to write `{}`: {} leads outside {}",
                        page.path,
                        parent.display(),
                        root.display()
                    ));
                }
                self.checked.insert(parent.to_owned());
            }
        }
        let cannot = |e: std::io::Error| format!("cannot write {}: {e}", target.display());
        // A new file cannot be a link (creating it fails on anything already there, links
        // included); only a file that exists needs looking at, and most runs write new files.
        let mut file = match std::fs::OpenOptions::new().write(true).create_new(true).open(&target) {
            Ok(file) => {
                self.created.push(target.clone());
                file
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                if std::fs::symlink_metadata(&target).is_ok_and(|m| m.file_type().is_symlink()) {
                    return Err(format!("refusing to write `{}`: it is a symbolic link", page.path));
                }
                // A page that has not changed is left as it is, time stamp included: copying
                // the site by time stamp (rsync, most deploys) then moves only what changed.
                if holds(&target, &page.bytes) {
                    return Ok(());
                }
                let ours = page.path == MANIFEST || self.earlier.contains(&page.path);
                if !ours && !self.force {
                    self.refused = true;
                    return Err(format!(
                        "refusing to replace {}: an earlier render did not write it (it is not listed in \
                         {MANIFEST}); move it, render into another directory, or pass --force",
                        target.display()
                    ));
                }
                std::fs::File::create(&target).map_err(cannot)?
            }
            Err(e) => return Err(cannot(e)),
        };
        file.write_all(&page.bytes).map_err(cannot)
    }

    /// Deletes the files this run created and the folders that leaves empty (not through a
    /// link: each was created here as a plain file, in a folder checked to lead inside).
    fn remove_created(&mut self) {
        let Some(Ok(root)) = self.root.clone() else { return };
        let mut emptied: BTreeSet<PathBuf> = BTreeSet::new();
        for file in std::mem::take(&mut self.created) {
            if std::fs::symlink_metadata(&file).is_ok_and(|m| m.is_file())
                && std::fs::remove_file(&file).is_ok()
            {
                emptied.extend(
                    file.ancestors()
                        .skip(1)
                        .take_while(|dir| dir.starts_with(&root) && *dir != root)
                        .map(Path::to_owned),
                );
            }
        }
        remove_empty(&emptied);
        if self.created_out {
            let _ = std::fs::remove_dir(&root);
        }
    }

    /// Deletes the files the previous manifest lists and `written` does not (when `prune`),
    /// and writes the manifest: `written`, plus the previous list when not pruning.
    fn replace_manifest(&mut self, written: &BTreeSet<String>, prune: bool) -> Result<(), String> {
        // Nothing written, nothing to replace.
        let Some(Ok(root)) = self.root.clone() else { return Ok(()) };
        let earlier = std::mem::take(&mut self.earlier);
        let mut listed: BTreeSet<&str> = written.iter().map(String::as_str).collect();
        let mut emptied: BTreeSet<PathBuf> = BTreeSet::new();
        for old in earlier.iter().map(String::as_str).filter(|l| !written.contains(*l)) {
            if !prune {
                listed.insert(old);
                continue;
            }
            // Only plain paths inside the directory, only files, never through a link.
            if !is_plain(old) {
                continue;
            }
            let target = root.join(old);
            let inside = target.parent().is_some_and(|p| resolves_inside(&root, p).unwrap_or(false));
            let is_file = std::fs::symlink_metadata(&target).is_ok_and(|m| m.is_file());
            if inside && is_file {
                std::fs::remove_file(&target).map_err(|e| {
                    format!("cannot remove {} (no longer part of the site): {e}", target.display())
                })?;
                let parents = Path::new(old).ancestors().skip(1).filter(|a| !a.as_os_str().is_empty());
                emptied.extend(parents.map(|a| root.join(a)));
            }
        }
        remove_empty(&emptied);
        let mut text = String::with_capacity(listed.iter().map(|p| p.len() + 1).sum());
        for path in &listed {
            text.push_str(path);
            text.push('\n');
        }
        self.write(&Page { path: MANIFEST.to_owned(), bytes: text.into_bytes() })
    }
}

/// Removes the folders that are empty, deepest first (removing one that is not empty fails,
/// and that is fine).
fn remove_empty(dirs: &BTreeSet<PathBuf>) {
    for dir in dirs.iter().rev() {
        let _ = std::fs::remove_dir(dir);
    }
}

/// Whether the file at `path` holds exactly `bytes` (read only when the sizes agree).
fn holds(path: &Path, bytes: &[u8]) -> bool {
    let same_size = std::fs::metadata(path).is_ok_and(|m| m.len() == bytes.len() as u64);
    same_size && std::fs::read(path).is_ok_and(|held| held == bytes)
}

/// A relative, `/`-separated path with no `.`, `..` or root: it stays inside any directory.
fn is_plain(path: &str) -> bool {
    !path.is_empty() && Path::new(path).components().all(|c| matches!(c, Component::Normal(_)))
}

/// Whether `dir`, links resolved, is `root` or inside it.
fn resolves_inside(root: &Path, dir: &Path) -> std::io::Result<bool> {
    Ok(dir.canonicalize()?.starts_with(root))
}
