//! `cairn completions` and `cairn man`: shell completion scripts (clap_complete) and man pages
//! (clap_mangen), both generated from the clap definition of the command line, so that they
//! follow every command and flag as it is added. `docs/man/` and `docs/completions/` hold
//! them generated; tests/packaging.rs fails when they drift.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::Shell;

use super::Cli;

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum, required_unless_present = "out")]
    pub shell: Option<Shell>,
    /// Write the scripts for bash, zsh, fish and PowerShell into DIR instead (as `docs/completions/`
    /// holds them).
    #[arg(long, value_name = "DIR", conflicts_with = "shell")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write `cairn.1` and one page per command (`cairn-validate.1` and so on) into DIR instead of
    /// printing `cairn.1`.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// The shells whose scripts `--out` writes, with their file names.
const SHELLS: [(Shell, &str); 4] = [
    (Shell::Bash, "cairn.bash"),
    (Shell::Zsh, "_cairn"),
    (Shell::Fish, "cairn.fish"),
    (Shell::PowerShell, "_cairn.ps1"),
];

/// Every completion script, as (file name, contents).
pub fn completion_files() -> Vec<(String, Vec<u8>)> {
    SHELLS.iter().map(|&(shell, name)| (name.to_owned(), completion(shell))).collect()
}

fn completion(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "cairn", &mut out);
    out
}

/// Every man page, as (file name, contents): `cairn.1`, then one per command and sub-command.
pub fn man_pages() -> Vec<(String, Vec<u8>)> {
    let mut command = Cli::command();
    command.build();
    let mut pages = Vec::new();
    add_pages(&command, "cairn", &mut pages);
    pages
}

fn add_pages(command: &clap::Command, name: &str, pages: &mut Vec<(String, Vec<u8>)>) {
    let mut text = Vec::new();
    // clap names commands with `&'static str` (its `string` feature is off): a few short,
    // leaked names for a command that ends right after printing.
    let static_name: &'static str = Box::leak(name.to_owned().into_boxed_str());
    let page = command.clone().name(static_name).bin_name(name.replace('-', " "));
    // A page that cannot be written into memory is a bug in clap_mangen, not a user's problem.
    let _ = clap_mangen::Man::new(page).render(&mut text);
    pages.push((format!("{name}.1"), text));
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set() && s.get_name() != "help") {
        add_pages(sub, &format!("{name}-{}", sub.get_name()), pages);
    }
}

pub fn run_completions(args: &CompletionsArgs) -> Result<i32, String> {
    match (&args.out, args.shell) {
        (Some(dir), _) => write_all(dir, &completion_files()),
        (None, Some(shell)) => {
            super::output_written(std::io::stdout().write_all(&completion(shell)))?;
            Ok(0)
        }
        (None, None) => Err("name a shell: bash, zsh, fish, powershell or elvish".to_owned()),
    }
}

pub fn run_man(args: &ManArgs) -> Result<i32, String> {
    let pages = man_pages();
    match &args.out {
        Some(dir) => write_all(dir, &pages),
        None => {
            let main = pages.first().map(|(_, text)| text.as_slice()).unwrap_or_default();
            super::output_written(std::io::stdout().write_all(main))?;
            Ok(0)
        }
    }
}

fn write_all(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<i32, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    eprintln!("wrote {} files to {}", files.len(), dir.display());
    Ok(0)
}
