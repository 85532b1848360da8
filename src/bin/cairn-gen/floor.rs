//! `cairn-gen parse-floor`: the speed floor `cairn validate` is measured against.

use super::*;

pub(crate) fn has_ext(p: &Path, exts: &[&str]) -> bool {
    p.extension().and_then(|e| e.to_str()).is_some_and(|e| exts.contains(&e))
}

/// Files under `dir` the way cairn walks: `.gitignore` respected, hidden files skipped,
/// `*.yaml`, `*.yml` and `*.md` only.
pub(crate) fn walk(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let found = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    ignore::WalkBuilder::new(dir).require_git(false).build_parallel().run(|| {
        Box::new(|entry| {
            match entry {
                Ok(e) => {
                    if e.file_type().is_some_and(|t| t.is_file()) && has_ext(e.path(), &["yaml", "yml", "md"])
                    {
                        found.lock().expect("lock").push(e.into_path());
                    }
                }
                Err(e) => errors.lock().expect("lock").push(e.to_string()),
            }
            ignore::WalkState::Continue
        })
    });
    if let Some(e) = errors.into_inner().expect("lock").first() {
        return Err(e.clone());
    }
    let mut found = found.into_inner().expect("lock");
    found.sort();
    Ok(found)
}

/// The front matter of a Markdown file: the text between an opening `---` line and the next
/// `---` (or `...`) line.
pub(crate) fn front_matter(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n"))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        let trimmed = line.trim_end_matches(['\n', '\r']);
        if trimmed == "---" || trimmed == "..." {
            return Some(&rest[..offset]);
        }
        offset += line.len();
    }
    None
}

/// Events of one YAML text, or the error.
pub(crate) fn count_events(text: &str) -> Result<u64, String> {
    let mut parser = saphyr_parser::Parser::new_from_str(text);
    let mut n = 0;
    while let Some(event) = parser.next_event() {
        event.map_err(|e| e.to_string())?;
        n += 1;
    }
    Ok(n)
}

pub(crate) fn run_parse_floor(dir: &Path) -> Result<(), String> {
    let started = Instant::now();
    let files = walk(dir)?;
    let results: Vec<(u64, u64, Option<String>)> = files
        .par_iter()
        .map(|p| {
            let bytes = match fs::read(p) {
                Ok(b) => b,
                Err(e) => return (0, 0, Some(format!("{}: {e}", p.display()))),
            };
            let len = bytes.len() as u64;
            let text = match std::str::from_utf8(&bytes) {
                Ok(t) => t,
                Err(e) => return (len, 0, Some(format!("{}: {e}", p.display()))),
            };
            let yaml = if has_ext(p, &["md"]) { front_matter(text) } else { Some(text) };
            match yaml.map(count_events) {
                None => (len, 0, None),
                Some(Ok(n)) => (len, n, None),
                Some(Err(e)) => (len, 0, Some(format!("{}: {e}", p.display()))),
            }
        })
        .collect();
    let elapsed = started.elapsed().as_secs_f64();
    let bytes: u64 = results.iter().map(|r| r.0).sum();
    let events: u64 = results.iter().map(|r| r.1).sum();
    let errors: Vec<&String> = results.iter().filter_map(|r| r.2.as_ref()).collect();
    for e in errors.iter().take(10) {
        eprintln!("cairn-gen: {e}");
    }
    println!("files: {}", files.len());
    println!("bytes: {bytes}");
    println!("events: {events}");
    println!("errors: {}", errors.len());
    println!("threads: {}", rayon::current_num_threads());
    println!("seconds: {elapsed:.3}");
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!("{} files did not parse", errors.len()))
    }
}

//

/// `cairn-gen write-floor SITE OUT`: what creating the files of a site costs by itself.
///
/// The file list and sizes are read first and not counted; then every folder and file is
/// created in order on this one thread (as `cairn render`'s single writer does), each file
/// written whole from one buffer and closed. Prints files, bytes and the wall, user and
/// system time of the writing alone (user and system from `/proc/self/stat`, in 10 ms ticks).
pub(crate) fn run_write_floor(site: &Path, out: &Path) -> Result<(), String> {
    if out.exists() {
        return Err(format!("{} exists: the floor is measured on a new directory", out.display()));
    }
    let mut files: Vec<(PathBuf, usize)> = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(rel) = pending.pop() {
        let dir = site.join(&rel);
        let entries = fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
            let kind = entry.file_type().map_err(|e| format!("{}: {e}", entry.path().display()))?;
            let path = rel.join(entry.file_name());
            if kind.is_dir() {
                pending.push(path);
            } else if kind.is_file() {
                let len = entry.metadata().map_err(|e| format!("{}: {e}", entry.path().display()))?.len();
                files.push((path, usize::try_from(len).unwrap_or(usize::MAX)));
            }
        }
    }
    files.sort();
    let largest = files.iter().map(|(_, len)| *len).max().unwrap_or(0);
    let buffer = vec![b'x'; largest];
    let bytes: usize = files.iter().map(|(_, len)| len).sum();

    let (user0, system0) = cpu_ticks()?;
    let started = Instant::now();
    let mut made: HashSet<PathBuf> = HashSet::new();
    for (rel, len) in &files {
        let path = out.join(rel);
        if let Some(parent) = path.parent() {
            if made.insert(parent.to_owned()) {
                fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
            }
        }
        fs::write(&path, &buffer[..*len]).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let wall = started.elapsed().as_secs_f64();
    let (user1, system1) = cpu_ticks()?;
    let ticks = |t: u64| t as f64 / 100.0;
    println!(
        "{} files, {bytes} bytes: wall {wall:.2} s, user {:.2} s, system {:.2} s",
        files.len(),
        ticks(user1 - user0),
        ticks(system1 - system0)
    );
    Ok(())
}

/// User and system CPU time of this process so far, in clock ticks (fields 14 and 15 of
/// `/proc/self/stat`, counted after the command name, which may hold spaces).
fn cpu_ticks() -> Result<(u64, u64), String> {
    let stat = fs::read_to_string("/proc/self/stat").map_err(|e| format!("/proc/self/stat: {e}"))?;
    let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or_default();
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let field = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
    // After the name: state is field 3, so utime (14) and stime (15) are at 11 and 12.
    match (field(11), field(12)) {
        (Some(user), Some(system)) => Ok((user, system)),
        _ => Err(format!("/proc/self/stat: unexpected format: {stat}")),
    }
}
