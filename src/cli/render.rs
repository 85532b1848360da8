//! `cairn render`: validate a tree, render the site in memory (`crate::render`), and write it
//! inside the output directory — never outside it.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use chrono::NaiveDate;
use clap::ValueEnum;

use crate::diag;
use crate::load::Request;
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
        if let Some(rest) = entity.origin.file.strip_prefix(loaded.prefix.as_str()) {
            entity.origin.file = rest.into();
        }
    }
    let format = match args.format {
        SiteOutput::Html => SiteFormat::Html,
        SiteOutput::Markdown => SiteFormat::Markdown,
    };
    let pages = render::render(&outcome.entities, &RenderOptions { format, today, templates })
        .map_err(|e| e.to_string())?;
    write_site(&args.out, &pages)?;

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
    eprintln!(
        "wrote {} pages for {} entities to {}",
        pages.len(),
        outcome.entities.len(),
        args.out.display()
    );
    Ok(i32::from(errors > 0))
}

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

/// Writes every page under `out`. A page path that could leave the directory (absolute, `..`),
/// or a directory inside `out` that is a link to elsewhere, stops the run before anything is
/// written there.
fn write_site(out: &Path, pages: &[Page]) -> Result<(), String> {
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let root = out.canonicalize().map_err(|e| format!("cannot resolve {}: {e}", out.display()))?;
    for page in pages {
        let relative = Path::new(&page.path);
        if page.path.is_empty() || !relative.components().all(|c| matches!(c, Component::Normal(_))) {
            return Err(format!(
                "refusing to write `{}`: not a plain path inside the output directory",
                page.path
            ));
        }
        let target = root.join(relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
            let real =
                parent.canonicalize().map_err(|e| format!("cannot resolve {}: {e}", parent.display()))?;
            if !real.starts_with(&root) {
                return Err(format!(
                    "refusing to write `{}`: {} leads outside {}",
                    page.path,
                    parent.display(),
                    root.display()
                ));
            }
        }
        if std::fs::symlink_metadata(&target).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(format!("refusing to write `{}`: it is a symbolic link", page.path));
        }
        let mut file =
            std::fs::File::create(&target).map_err(|e| format!("cannot write {}: {e}", target.display()))?;
        file.write_all(&page.bytes).map_err(|e| format!("cannot write {}: {e}", target.display()))?;
    }
    Ok(())
}
