//! `cairn drift`: load the tree at a revision, walk its history with `crate::health::drift`,
//! print through `crate::report::drift`. Exit 1 when an article drifts.

use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;

use crate::health::drift;
use crate::load::Request;
use crate::report::Format;
use crate::validate;

#[derive(Debug, clap::Args)]
pub struct DriftArgs {
    /// The repository (or a directory in it) whose articles to check.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Walk back from this revision (default: HEAD; uncommitted edits are not seen).
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DriftFormat::Human)]
    pub format: DriftFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DriftFormat {
    Human,
    Json,
    Markdown,
}

pub fn run_drift(args: &DriftArgs) -> Result<i32, String> {
    let rev = args.rev.as_deref().unwrap_or("HEAD");
    let (loaded, typed) = validate::load(&Request::new(&args.path, Some(rev))).map_err(|e| e.to_string())?;
    let entities = validate::entities(typed);
    let mut found = drift::find(&args.path, rev, &entities, &loaded.config).map_err(|e| e.to_string())?;
    let format = match args.format {
        DriftFormat::Human => Format::Human,
        DriftFormat::Json => Format::Json,
        DriftFormat::Markdown => Format::Markdown,
    };
    if format != Format::Human {
        for article in &mut found.articles {
            article.file = super::path_for(format, &loaded.paths, &article.file).into();
        }
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = crate::report::drift::write_drift(&mut out, format, &found).and_then(|_| out.flush());
    super::output_written(written)?;
    std::mem::forget((loaded, entities));
    Ok(i32::from(!found.articles.is_empty()))
}
