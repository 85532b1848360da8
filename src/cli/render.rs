//! `cairn render`: validate a tree, render the site (`crate::render`), and write each file as
//! it is made inside the output directory — never outside it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::ValueEnum;

use crate::diag;
use crate::load::{LoadError, Request};
use crate::render::{self, Page, RenderOptions, SiteFormat};
use crate::report::{self, Format, Style, Summary};
use crate::validate;
use crate::write::Writer;

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
    let protected = sources(&args.path, &loaded, &outcome);
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
    let files = write_site(&args.out, args.force, protected, |write| {
        render::render_each(&outcome.entities, &options, write)
    })?;

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
/// given, while one thread of its own writes them under `out` with a [`Writer`] (see
/// [`crate::write`]: only inside `out`, never over a file an earlier render did not provably
/// write unless `force`, never over one of `protected`; then the pages an earlier render wrote
/// and this one did not are deleted, so the directory holds exactly the site).
///
/// One writer, not one per core: creating files in one directory from several threads makes
/// them wait on the directory's lock (spinning, on Linux), and that was an eighth of the CPU
/// time of a 100,000-page site. The first write that fails stops the run and is the error.
fn write_site<R>(out: &Path, force: bool, protected: Vec<PathBuf>, render: R) -> Result<usize, String>
where
    R: FnOnce(&(dyn Fn(Page) -> Result<(), String> + Sync)) -> Result<usize, render::RenderError>,
{
    let mut writer = Writer::new(out, MANIFEST, force);
    for path in protected {
        writer.protect(path);
    }
    writer.prune_only(render::is_site_file);
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Page>(PAGES_IN_FLIGHT);
    let outcome = std::thread::scope(|scope| {
        let writing = scope.spawn(|| {
            let writer = &mut writer;
            crate::progress::start("writing pages", None);
            let done = receiver.into_iter().try_for_each(|page| {
                writer.write(&page.path, &page.bytes).map_err(|e| e.to_string())?;
                crate::progress::step();
                Ok::<(), String>(())
            });
            crate::progress::finish();
            done
        });
        let rendered = render(&|page| sender.send(page).map_err(|_| "the writer stopped".to_owned()));
        drop(sender);
        // A failed write is the cause of any error rendering gave after it.
        let writes = writing.join().unwrap_or_else(|_| Err("the writer stopped".to_owned()));
        writes.and(rendered.map_err(|e| e.to_string()))
    });
    let result = match outcome {
        Ok(files) => writer.finish().map(|_| files).map_err(|e| e.to_string()),
        Err(e) if writer.refused() => {
            // Refused before it began to matter: leave the directory as it was found.
            writer.discard();
            Err(e)
        }
        Err(e) => {
            // Keep track of what this run wrote, so that a later one can remove it; remove
            // nothing from a site left half made.
            let _ = writer.keep();
            Err(e)
        }
    };
    for warning in writer.take_warnings() {
        eprintln!("warning: {warning}");
    }
    result
}

/// The file in the output directory that lists the files cairn wrote there, each with the
/// SHA-256 of its bytes (see [`crate::write::manifest`]).
pub const MANIFEST: &str = ".cairn-site";

/// The files the rendered tree was read from, on disk: the site never replaces or deletes
/// them, whatever `.cairn-site` says (rendering into the repository itself is allowed).
fn sources(path: &Path, loaded: &crate::load::Loaded, outcome: &validate::Outcome) -> Vec<PathBuf> {
    let Ok(root) = path.canonicalize() else { return Vec::new() };
    let prefix = loaded.paths.prefix.as_str();
    let shown = (outcome.entities.iter().map(|e| &*e.origin.file))
        .chain(outcome.broken.iter().map(|(_, origin)| &*origin.file))
        .chain(loaded.files.keys().map(|f| &**f))
        .chain(loaded.config_document.iter().map(|c| &*c.file));
    let mut files: Vec<PathBuf> = shown
        .filter_map(|f| f.strip_prefix(prefix))
        .chain(["cairn.yaml"])
        .map(|relative| root.join(relative))
        .collect();
    files.sort();
    files.dedup();
    files
}

fn read_templates(dir: &Path) -> Result<BTreeMap<String, String>, String> {
    crate::load::confined::read_templates(dir, MAX_TEMPLATE)
}
