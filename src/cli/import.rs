//! `cairn import backstage|servicenow` and `cairn export backstage`: read the sources (through
//! `load`), map them (`crate::import`, `crate::export`), report the findings in the chosen
//! format and write the files under `--out` through the guarded writer (`crate::write`).

use std::collections::{BTreeMap, HashMap};
use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Subcommand;
use rayon::prelude::*;

use super::{ColorChoice, OutputFormat};
use crate::diag::{self, Diagnostic};
use crate::import::{backstage, servicenow, Imported, Kind, Ownership};
use crate::load::external::{self, MAX_IMPORT_FILE};
use crate::report::{self, Format, Sources, Style, Summary};
use crate::write;

/// The manifest of an import: the files imports wrote under `--out`, one path a line.
pub const MANIFEST: &str = ".cairn-import";

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub source: ImportSource,
}

#[derive(Debug, Subcommand)]
pub enum ImportSource {
    /// Backstage descriptor files, directories of them, or Location files (their targets and
    /// globs are followed).
    Backstage(BackstageArgs),
    /// ServiceNow CMDB exports: Table API JSON, JSONv2 or CSV list exports.
    Servicenow(ServicenowArgs),
}

/// What every import takes besides its sources.
#[derive(Debug, clap::Args)]
pub struct Output {
    /// Directory to write one file per entity to (created if missing). A file there that no
    /// import wrote is never replaced.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Print what would change, as a unified diff, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Format of the findings.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Exit 1 when there are warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, clap::Args)]
pub struct BackstageArgs {
    /// Descriptor files (`catalog-info.yaml`, Locations) or directories.
    #[arg(required = true, value_name = "SOURCE")]
    pub sources: Vec<PathBuf>,
    #[command(flatten)]
    pub output: Output,
}

#[derive(Debug, clap::Args)]
pub struct ServicenowArgs {
    /// Exports of `cmdb_ci` tables (CIs and services).
    #[arg(long, required = true, num_args = 1.., value_name = "FILE")]
    pub cis: Vec<PathBuf>,
    /// Exports of `cmdb_rel_ci` (relations).
    #[arg(long, num_args = 1.., value_name = "FILE")]
    pub rels: Vec<PathBuf>,
    /// Exports of `sys_user_group` (teams; names the groups CIs refer to by sys_id).
    #[arg(long, num_args = 1.., value_name = "FILE")]
    pub groups: Vec<PathBuf>,
    /// Exports of `sys_user_grmember` (group memberships: the teams' members; add
    /// `user.user_name` and `user.email` to the exported fields for logins and emails).
    #[arg(long, num_args = 1.., value_name = "FILE")]
    pub members: Vec<PathBuf>,
    /// A YAML file of mappings that replace the defaults (docs/import.md).
    #[arg(long, value_name = "FILE")]
    pub map: Option<PathBuf>,
    #[command(flatten)]
    pub output: Output,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[command(subcommand)]
    pub target: ExportTarget,
}

#[derive(Debug, Subcommand)]
pub enum ExportTarget {
    /// Backstage descriptor files: Groups and Users, Components and Systems, Resources, and a
    /// Location (`catalog-info.yaml`) naming them.
    Backstage(ExportBackstageArgs),
}

#[derive(Debug, clap::Args)]
pub struct ExportBackstageArgs {
    /// The repository (or any directory) to export.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Directory to write the descriptors to (created if missing). A file there that no
    /// export wrote is never replaced.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Print what would change, as a unified diff, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// The manifest of an export.
pub const EXPORT_MANIFEST: &str = ".cairn-export";

pub fn run_export(args: &ExportArgs) -> Result<i32, String> {
    let ExportTarget::Backstage(a) = &args.target;
    let (loaded, outcome) =
        crate::validate::run(&crate::load::Request::new(&a.path, None), super::today(None))
            .map_err(|e| e.to_string())?;
    let (errors, warnings) = diag::count(&outcome.diagnostics);
    if errors > 0 {
        let summary =
            Summary { files: loaded.file_count, entities: outcome.entities.len(), errors, warnings };
        let stderr = std::io::stderr();
        let mut err = stderr.lock();
        let _ = report::write_diagnostics(
            &mut err,
            Format::Human,
            &outcome.diagnostics,
            &summary,
            &super::LoadedSources(&loaded),
            Style::default(),
        );
    }
    let files: Vec<(String, String)> =
        crate::export::backstage::export(&outcome.entities).into_iter().collect();
    let written = write_tree(&a.out, EXPORT_MANIFEST, &files, false, a.dry_run)?;
    if !a.dry_run {
        eprintln!(
            "exported {} entities as Backstage descriptors to {}: {} files written, {} unchanged",
            outcome.entities.len(),
            a.out.display(),
            written.written,
            written.unchanged
        );
        eprintln!("next: register {} in Backstage (a Location)", a.out.join("catalog-info.yaml").display());
    }
    Ok(i32::from(errors > 0))
}

/// `cairn init DIR`: writes each file that is not there yet; an existing file is kept as it is.
pub fn run_init(dir: &Path) -> Result<i32, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut written = Vec::new();
    let mut kept = Vec::new();
    for (path, text) in crate::init::files() {
        let target = dir.join(&path);
        if through_link(dir, &path) {
            return Err(format!("refusing to write {}: a symbolic link is in the way", target.display()));
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        // `create_new` never replaces a file, nor follows a link left at the path.
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&target) {
            Ok(mut file) => {
                file.write_all(text.as_bytes())
                    .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
                written.push(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => kept.push(path),
            Err(e) => return Err(format!("cannot write {}: {e}", target.display())),
        }
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut text = format!(
        "initialised a cairn repository in {}
",
        dir.display()
    );
    for path in &written {
        text.push_str(&format!(
            "  wrote {path}
"
        ));
    }
    for path in &kept {
        text.push_str(&format!(
            "  kept  {path} (it exists; not replaced)
"
        ));
    }
    text.push_str(crate::init::NEXT_STEPS);
    text.push('\n');
    super::output_written(out.write_all(text.as_bytes()))?;
    Ok(0)
}

pub fn run_import(args: &ImportArgs) -> Result<i32, String> {
    match &args.source {
        ImportSource::Backstage(a) => {
            let collected = backstage::collect(&a.sources)?;
            let imported = backstage::map(collected);
            finish(&a.output, &imported, &backstage::OWNERSHIP)
        }
        ImportSource::Servicenow(a) => {
            let read = |paths: &[PathBuf]| -> Result<Vec<servicenow::Source>, String> {
                paths
                    .iter()
                    .map(|p| {
                        let text = external::read_text(p, MAX_IMPORT_FILE)?;
                        Ok((Arc::from(p.to_string_lossy().replace('\\', "/")), Arc::from(text)))
                    })
                    .collect()
            };
            let inputs = servicenow::Inputs {
                cis: read(&a.cis)?,
                rels: read(&a.rels)?,
                groups: read(&a.groups)?,
                members: read(&a.members)?,
                map: match &a.map {
                    Some(p) => read(std::slice::from_ref(p))?.pop(),
                    None => None,
                },
            };
            let previous = previous_sys_ids(&a.output.out);
            let imported = servicenow::import(&inputs, &previous);
            let ownership = match a.members.is_empty() {
                true => &servicenow::OWNERSHIP,
                false => &servicenow::OWNERSHIP_WITH_MEMBERS,
            };
            finish(&a.output, &imported, ownership)
        }
    }
}

/// Reports the findings, then writes (or, with `--dry-run`, shows) the files.
fn finish(output: &Output, imported: &Imported, ownership: &Ownership) -> Result<i32, String> {
    let manifest = read_manifest(&output.out);
    let previous = |path: &str| -> Option<String> {
        if !manifest.contains(path) {
            return None;
        }
        external::read_text(&output.out.join(path), MAX_IMPORT_FILE).ok()
    };
    let (errors, warnings) =
        report_findings(output, &imported.diagnostics, &imported.sources, imported.entities.len())?;
    let files = ImportFiles { imported, ownership, previous: &previous };
    let written = write_tree(&output.out, MANIFEST, &files, true, output.dry_run)?;
    let counts = count_kinds(imported);
    if !output.dry_run {
        eprintln!(
            "imported {} teams, {} services and {} configuration items into {}: {} files written, {} unchanged",
            counts[0],
            counts[1],
            counts[2],
            output.out.display(),
            written.written,
            written.unchanged
        );
        if written.removed > 0 {
            eprintln!("removed {} files of entities no longer in the source", written.removed);
        }
        eprintln!("next: `cairn validate {}`", output.out.display());
    }
    Ok(i32::from(errors > 0 || (output.deny_warnings && warnings > 0)))
}

fn count_kinds(imported: &Imported) -> [usize; 3] {
    let mut counts = [0; 3];
    for (kind, _) in &imported.entities {
        counts[match kind {
            Kind::Team => 0,
            Kind::Service => 1,
            Kind::Ci => 2,
        }] += 1;
    }
    counts
}

struct TextSources<'a>(&'a BTreeMap<String, Arc<str>>);

impl Sources for TextSources<'_> {
    fn text(&self, file: &str) -> Option<&str> {
        self.0.get(file).map(|t| &**t)
    }
}

/// Prints the findings in the chosen format (human on stderr when the diff goes to stdout).
fn report_findings(
    output: &Output,
    diagnostics: &[Diagnostic],
    sources: &BTreeMap<String, Arc<str>>,
    entities: usize,
) -> Result<(usize, usize), String> {
    let (errors, warnings) = diag::count(diagnostics);
    let format = Format::from(output.format);
    let summary = Summary { files: sources.len(), entities, errors, warnings };
    let style = Style { color: super::color(output.color) };
    if format == Format::Human && diagnostics.is_empty() {
        return Ok((errors, warnings));
    }
    let written = if format == Format::Human || output.dry_run {
        let stderr = std::io::stderr();
        let mut err = stderr.lock();
        report::write_diagnostics(&mut err, format, diagnostics, &summary, &TextSources(sources), style)
    } else {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        report::write_diagnostics(&mut out, format, diagnostics, &summary, &TextSources(sources), style)
            .and_then(|_| out.flush())
    };
    super::output_written(written)?;
    if format == Format::Github {
        super::write_step_summary(&report::step_summary(diagnostics, &summary))?;
    }
    Ok((errors, warnings))
}

/// The paths an earlier import recorded in DIR's manifest (whatever their bytes now: a file
/// edited by hand since is still the import's to merge with).
fn read_manifest(out: &Path) -> std::collections::BTreeSet<String> {
    write::manifest::read(&out.join(MANIFEST), MANIFEST).files.into_keys().collect()
}

/// sys_id → (kind, name) of the entities an earlier ServiceNow import wrote under `out`, read
/// from their `servicenow/sys-id` label.
fn previous_sys_ids(out: &Path) -> HashMap<String, (Kind, String)> {
    let paths: Vec<String> = read_manifest(out).into_iter().collect();
    // Read on every core; taken in path order, so a sys_id in two files ends as before.
    let found: Vec<Option<(String, (Kind, String))>> = paths
        .par_iter()
        .map(|path| {
            let (kind, rest) = match path.split_once('/') {
                Some(("services", rest)) => (Kind::Service, rest),
                Some(("cis", rest)) => (Kind::Ci, rest),
                _ => return None,
            };
            let name = rest.strip_suffix(".yaml").filter(|n| !n.contains('/'))?;
            let text = external::read_text(&out.join(path), MAX_IMPORT_FILE).ok()?;
            let label = format!("{}:", servicenow::SYS_ID_LABEL);
            let line = text.lines().find_map(|line| line.trim().strip_prefix(label.as_str()))?;
            let id = line.trim().trim_matches('"').to_owned();
            (!id.is_empty()).then(|| (id, (kind, name.to_owned())))
        })
        .collect();
    found.into_iter().flatten().collect()
}

/// What [`write_tree`] did.
#[derive(Debug, Default)]
pub struct Written {
    pub written: usize,
    pub unchanged: usize,
    /// Files of an earlier run whose entity is gone, deleted (they still held what was written).
    pub removed: usize,
}

/// The files a command writes under DIR, each made only when it is written (from any thread),
/// so that a large import never holds every file's text at once.
pub trait Files: Sync {
    fn count(&self) -> usize;
    /// The relative path of file `i`: cheap.
    fn path(&self, i: usize) -> String;
    /// The text of file `i`.
    fn text(&self, i: usize) -> String;
}

impl Files for Vec<(String, String)> {
    fn count(&self) -> usize {
        self.len()
    }
    fn path(&self, i: usize) -> String {
        self[i].0.clone()
    }
    fn text(&self, i: usize) -> String {
        self[i].1.clone()
    }
}

/// An import's files: each entity's document, merged with the file the last import wrote.
struct ImportFiles<'x, 'a> {
    imported: &'x Imported<'a>,
    ownership: &'x Ownership,
    previous: &'x (dyn Fn(&str) -> Option<String> + Sync),
}

impl Files for ImportFiles<'_, '_> {
    fn count(&self) -> usize {
        self.imported.entities.len()
    }
    fn path(&self, i: usize) -> String {
        self.imported.path(i)
    }
    fn text(&self, i: usize) -> String {
        self.imported.text(i, self.ownership, self.previous)
    }
}

/// Files made at once between the writer and the threads that make them.
const CHUNK: usize = 256;

/// Writes `files` under `out` through the guarded writer ([`crate::write::Writer`], manifest
/// `manifest`), in path order: a file already holding its bytes is left untouched; a file
/// that exists and that no earlier run wrote is never replaced (nothing is written then, and
/// the error names every such file); nothing is written through a symbolic link. With
/// `merged` (an import, whose files were merged with what is there), a file an earlier run
/// wrote and someone edited since is replaced by the merge; without (an export), it is refused
/// like any other. Files an earlier run wrote that this one does not, and that still hold what
/// was written, are deleted. With `dry_run`, prints the changes as a unified diff on stdout and
/// writes nothing.
///
/// The texts are made on every core, a few hundred at a time, while this thread writes the
/// ones made before: the writer writes from one thread.
pub fn write_tree(
    out: &Path,
    manifest: &str,
    files: &dyn Files,
    merged: bool,
    dry_run: bool,
) -> Result<Written, String> {
    let claims = write::manifest::read(&out.join(manifest), manifest);
    let mut order: Vec<(String, usize)> = (0..files.count()).map(|i| (files.path(i), i)).collect();
    order.sort_unstable();
    let mut result = Written::default();
    let mut refused = Vec::new();
    // What each folder holds, listed once: a folder of 100,000 files is one listing, not
    // 100,000 look-ups.
    let mut listed: HashMap<String, HashMap<OsString, std::fs::FileType>> = HashMap::new();
    for (path, i) in &order {
        if !write::manifest::is_plain(path) {
            return Err(format!("refusing to write `{path}`: not a plain relative path"));
        }
        let target = out.join(path);
        let (folder, name) = path.rsplit_once('/').unwrap_or(("", path));
        if !listed.contains_key(folder) {
            if through_link(out, folder) {
                return Err(format!("refusing to write {}: a symbolic link is in the way", target.display()));
            }
            listed.insert(folder.to_owned(), list(&out.join(folder)));
        }
        let Some(kind) = listed.get(folder).and_then(|entries| entries.get(OsStr::new(name))) else {
            continue;
        };
        if kind.is_symlink() {
            return Err(format!("refusing to write {}: a symbolic link is in the way", target.display()));
        }
        if !kind.is_file() {
            // The writer refuses it, naming it.
            continue;
        }
        let ours = match claims.files.get(path) {
            Some(digest) => merged || std::fs::read(&target).is_ok_and(|b| write::Digest::of(&b) == *digest),
            None => false,
        };
        if !ours && std::fs::read(&target).ok().as_deref() != Some(files.text(*i).as_bytes()) {
            refused.push(target.display().to_string());
        }
    }
    for warning in &claims.warnings {
        eprintln!("warning: {warning}");
    }
    if !refused.is_empty() {
        return Err(format!(
            "{} files under {} were not written by cairn (or were changed since) and would be replaced: {} (move them away, or write into another directory)",
            refused.len(),
            out.display(),
            refused.join(", ")
        ));
    }
    if dry_run {
        let stdout = std::io::stdout();
        let mut w = std::io::BufWriter::new(stdout.lock());
        let mut changed = 0;
        for (path, i) in &order {
            let text = files.text(*i);
            let before = std::fs::read(out.join(path)).ok();
            if before.as_deref() == Some(text.as_bytes()) {
                result.unchanged += 1;
                continue;
            }
            changed += 1;
            let old = before.as_deref().map(String::from_utf8_lossy).unwrap_or_default();
            let (a, b) = match before {
                Some(_) => (format!("a/{path}"), format!("b/{path}")),
                None => ("/dev/null".to_owned(), format!("b/{path}")),
            };
            let diff = similar::TextDiff::from_lines(old.as_ref(), text.as_str());
            let shown = diff.unified_diff().context_radius(3).header(&a, &b).to_string();
            super::output_written(w.write_all(shown.as_bytes()))?;
        }
        super::output_written(w.flush())?;
        eprintln!(
            "dry run: {changed} files would be written, {} are unchanged; nothing was written",
            result.unchanged
        );
        return Ok(result);
    }
    // Every replacement was checked above: the writer may replace what it is given.
    let mut writer = write::Writer::new(out, manifest, true);
    let wrote = std::thread::scope(|scope| -> Result<(), String> {
        let (send, made) = std::sync::mpsc::sync_channel::<Vec<String>>(4);
        let order = &order;
        scope.spawn(move || {
            for part in order.chunks(CHUNK) {
                let texts: Vec<String> = part.par_iter().map(|(_, i)| files.text(*i)).collect();
                if send.send(texts).is_err() {
                    return; // the writer stopped
                }
            }
        });
        for (part, texts) in order.chunks(CHUNK).zip(made) {
            for ((path, _), text) in part.iter().zip(texts) {
                match writer.write_changed(path, text.as_bytes()) {
                    Ok(true) => result.written += 1,
                    Ok(false) => result.unchanged += 1,
                    Err(e) => return Err(e.to_string()),
                }
            }
        }
        Ok(())
    });
    if let Err(e) = wrote {
        let _ = writer.keep();
        return Err(e);
    }
    let finished = writer.finish().map_err(|e| e.to_string())?;
    for warning in writer.take_warnings() {
        eprintln!("warning: {warning}");
    }
    result.removed = finished.removed;
    Ok(result)
}

/// The entries of folder `dir` and their types (symbolic links as such); none when it cannot
/// be read (it does not exist yet).
fn list(dir: &Path) -> HashMap<OsString, std::fs::FileType> {
    let Ok(entries) = std::fs::read_dir(dir) else { return HashMap::new() };
    entries.filter_map(Result::ok).filter_map(|e| Some((e.file_name(), e.file_type().ok()?))).collect()
}

/// Whether `out` itself or a directory or file on the way to `out/path` is a symbolic link.
fn through_link(out: &Path, path: &str) -> bool {
    let mut at = out.to_path_buf();
    if std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
        return true;
    }
    for part in path.split('/') {
        at.push(part);
        if std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            return true;
        }
    }
    false
}
