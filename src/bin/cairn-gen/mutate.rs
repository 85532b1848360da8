//! `cairn-gen mutate`: edits the way a pull request would.

use super::*;

pub(crate) fn run_mutate(dir: &Path, count: usize, seed: u64) -> Result<(), String> {
    let cmdb = dir.join("cmdb");
    let mut files: Vec<PathBuf> = walk(&cmdb)?.into_iter().filter(|p| has_ext(p, &["yaml", "yml"])).collect();
    if files.len() < count {
        return Err(format!("only {} configuration-item files under {}", files.len(), cmdb.display()));
    }
    let mut rng = Rng::new(seed.wrapping_mul(31).wrapping_add(7));
    // Partial Fisher-Yates: the first `count` are the chosen ones.
    for i in 0..count {
        let j = i + rng.below(files.len() - i);
        files.swap(i, j);
    }
    files.truncate(count);
    files.sort();
    for path in &files {
        let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let edited = mutate_text(&text, &mut rng);
        fs::write(path, edited).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("{}", path.strip_prefix(dir).unwrap_or(path).display());
    }
    eprintln!("cairn-gen: changed {count} files");
    Ok(())
}

/// One pull-request-like edit of the first document of a CI file.
pub(crate) fn mutate_text(text: &str, rng: &mut Rng) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let find = |lines: &[String], prefix: &str| lines.iter().position(|l| l.starts_with(prefix));
    let replicas = find(&lines, "    replicas: ");
    let version = find(&lines, "    version: \"");
    let description = find(&lines, "  description: ");
    let memory = find(&lines, "    memoryGb: ");
    // Kinds of edit, most specific first; a resize or a description edit where there is
    // nothing to scale or upgrade.
    let options: Vec<(u8, usize)> = [(0, replicas), (1, version), (3, memory), (2, description)]
        .into_iter()
        .filter_map(|(k, i)| Some((k, i?)))
        .collect();
    if options.is_empty() {
        lines.push("# touched by cairn-gen mutate".into());
    } else {
        let (what, i) = options[rng.below(options.len())];
        match what {
            3 => {
                let n: u64 = lines[i]["    memoryGb: ".len()..].trim().parse().unwrap_or(8);
                lines[i] = format!("    memoryGb: {}", n * 2);
            }
            0 => {
                let n: u64 = lines[i]["    replicas: ".len()..].trim().parse().unwrap_or(2);
                let next = if n > 2 && rng.chance(40) { n - 1 } else { n + 1 + rng.below(3) as u64 };
                lines[i] = format!("    replicas: {next}");
            }
            1 => {
                let old = lines[i]["    version: \"".len()..].trim_end_matches('"').to_owned();
                let mut parts: Vec<u64> = old.split('.').filter_map(|p| p.parse().ok()).collect();
                match parts.last_mut() {
                    Some(last) => *last += 1,
                    None => parts.push(1),
                }
                let new: Vec<String> = parts.iter().map(u64::to_string).collect();
                let new = new.join(".");
                lines[i] = format!("    version: \"{new}\"");
                // Keep an image tag in step with the version.
                if let Some(j) = find(&lines, "    image: ") {
                    if let Some(stripped) = lines[j].strip_suffix(&format!(":{old}")) {
                        lines[j] = format!("{stripped}:{new}");
                    }
                }
            }
            _ => {
                let note = [
                    "Reviewed during the quarterly CMDB audit.",
                    "Capacity re-checked after the traffic review.",
                    "Now covered by the new alerting rules.",
                ][rng.below(3)];
                let old =
                    lines[i]["  description: ".len()..].trim_matches('"').trim_end_matches('.').to_owned();
                lines[i] = format!("  description: {}", s(&format!("{old}. {note}")));
            }
        }
    }
    let mut joined = lines.join("\n");
    joined.push('\n');
    joined
}
