//! `cairn impact` and `cairn graph`: load one or two trees, run `crate::impact` or
//! `crate::graph`, print through `crate::report`.

use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;

use super::ReportFormat;
use crate::compare::compare;
use crate::graph::Graph;
use crate::impact::{self, Impact};
use crate::load::Request;
use crate::model::EntityRef;
use crate::report::graph::{relation_name, GraphFormat};
use crate::report::impact::{EntityLookup, ImpactHeader};
use crate::report::Format;
use crate::validate;

#[derive(Debug, clap::Args)]
pub struct ImpactArgs {
    /// The repository (or a directory in it) to compare.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The base revision (any git syntax: a branch, a SHA, `HEAD~3`, `main...feature`).
    #[arg(long, value_name = "REV", required_unless_present = "entity")]
    pub base: Option<String>,
    /// The head revision (default: the working tree, so it works before committing).
    #[arg(long, value_name = "REV")]
    pub head: Option<String>,
    /// What-if: report what a change to this entity would reach in the current tree (no git);
    /// repeatable, e.g. `--entity ci:pg-main`.
    #[arg(long, value_name = "REF", conflicts_with = "base")]
    pub entity: Vec<String>,
    /// Output format: human, json, markdown (a pull-request comment) or github.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
}

#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    /// The repository (or any directory) to read.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Read the tree of this git revision instead of the files on disk.
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    /// Only the neighbourhood of this entity, e.g. `service:checkout`.
    #[arg(long, value_name = "REF")]
    pub around: Option<String>,
    /// With --around: how many edges away, in either direction.
    #[arg(long, value_name = "N", default_value_t = 2, requires = "around")]
    pub depth: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GraphOutput::Dot)]
    pub format: GraphOutput,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphOutput {
    Dot,
    Mermaid,
    Json,
}

pub fn run_impact(args: &ImpactArgs) -> Result<i32, String> {
    if !args.entity.is_empty() {
        return run_what_if(args);
    }
    let base_rev = args.base.as_deref().unwrap_or("HEAD");
    let mut compared = compare(&args.path, base_rev, args.head.as_deref())?;
    let format = Format::from(args.format);
    let paths = &compared.paths;
    compared.impact.map_files(|file| super::path_for(format, paths, file));
    let head_label = args.head.as_deref().unwrap_or("working tree");
    let lookup = EntityLookup::new(compared.head.iter().chain(compared.base.iter()).map(AsRef::as_ref));
    print_impact(args.format, &ImpactHeader { base: base_rev, head: head_label }, &compared.impact, &lookup)
}

fn run_what_if(args: &ImpactArgs) -> Result<i32, String> {
    let (_, typed) =
        validate::load(&Request::new(&args.path, args.head.as_deref())).map_err(|e| e.to_string())?;
    let entities = validate::entities(typed);
    let graph = Graph::new(&entities);
    let mut targets = Vec::new();
    for text in &args.entity {
        let target = EntityRef::parse(text)
            .ok_or_else(|| format!("`{text}` is not a reference; write `kind:name`, e.g. `ci:pg-main`"))?;
        if !graph.contains(&target) {
            return Err(format!("no entity `{target}` in this tree"));
        }
        targets.push(target);
    }
    let result = impact::what_if(&entities, &targets);
    let names: Vec<String> = targets.iter().map(ToString::to_string).collect();
    let base = format!("what if {} changed", names.join(", "));
    let head = args.head.as_deref().unwrap_or("working tree");
    let lookup = EntityLookup::new(entities.iter());
    print_impact(args.format, &ImpactHeader { base: &base, head }, &result, &lookup)
}

fn print_impact(
    format: ReportFormat,
    header: &ImpactHeader,
    result: &Impact,
    lookup: &EntityLookup,
) -> Result<i32, String> {
    let format = Format::from(format);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = crate::report::impact::write_impact(&mut out, format, header, result, lookup)
        .and_then(|_| out.flush());
    super::output_written(written)?;
    if format == Format::Github {
        super::write_step_summary(&crate::report::impact::impact_step_summary(header, result, lookup))?;
    }
    Ok(0)
}

pub fn run_graph(args: &GraphArgs) -> Result<i32, String> {
    let (_, typed) =
        validate::load(&Request::new(&args.path, args.rev.as_deref())).map_err(|e| e.to_string())?;
    let entities = validate::entities(typed);
    let graph = Graph::new(&entities);
    let center = match &args.around {
        Some(text) => {
            let center = EntityRef::parse(text).ok_or_else(|| {
                format!("`{text}` is not a reference; write `kind:name`, e.g. `service:checkout`")
            })?;
            if !graph.contains(&center) {
                return Err(format!("no entity `{center}` in this tree"));
            }
            Some(center)
        }
        None => None,
    };
    let sub = match &center {
        Some(c) => graph.neighbourhood(c, args.depth),
        None => graph.whole(),
    };
    let edges: Vec<(EntityRef, EntityRef, String)> =
        sub.edges.iter().map(|(a, b, r)| (a.clone(), b.clone(), relation_name(*r).to_owned())).collect();
    let format = match args.format {
        GraphOutput::Dot => GraphFormat::Dot,
        GraphOutput::Mermaid => GraphFormat::Mermaid,
        GraphOutput::Json => GraphFormat::Json,
    };
    let lookup = EntityLookup::new(entities.iter());
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written =
        crate::report::graph::write_graph(&mut out, format, &sub.nodes, &edges, &lookup, center.as_ref())
            .and_then(|_| out.flush());
    super::output_written(written)?;
    Ok(0)
}
