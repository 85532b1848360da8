//! `cairn score`: every scorecard of a tree applied to it (`crate::health::score`), printed
//! through `crate::report::score`. A report, not a check: exit 0 whatever the levels.

use std::io::Write;
use std::path::PathBuf;

use super::OutputFormat;
use crate::load::Request;
use crate::model::{Entity, Kind};
use crate::report::{self, Format};
use crate::{health, validate};

#[derive(Debug, clap::Args)]
pub struct ScoreArgs {
    /// The repository (or any directory) to read.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Read the tree of this git revision instead of the files on disk.
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    /// Only this scorecard (by `metadata.name`).
    #[arg(long, value_name = "NAME")]
    pub scorecard: Option<String>,
    /// Output format: human, json or markdown.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

pub fn run_score(args: &ScoreArgs) -> Result<i32, String> {
    let format = Format::from(args.format);
    if !matches!(format, Format::Human | Format::Json | Format::Markdown) {
        return Err(format!(
            "`--format {}` has no place for scorecards; use human, json or markdown",
            format.name()
        ));
    }
    let (_, typed) =
        validate::load(&Request::new(&args.path, args.rev.as_deref())).map_err(|e| e.to_string())?;
    let broken = typed.broken.iter().filter(|(r, _)| r.kind == Kind::Scorecard).count();
    if broken > 0 {
        eprintln!(
            "warning: {broken} scorecard document(s) do not fit the schema and are left out; `cairn validate` says why"
        );
    }
    let entities = validate::entities(typed);
    let refs: Vec<&Entity> = entities.iter().collect();
    let reports = health::score::score_tree(&refs, args.scorecard.as_deref())?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = report::score::write_scores(&mut out, format, &reports).and_then(|_| out.flush());
    super::output_written(written)?;
    Ok(0)
}
