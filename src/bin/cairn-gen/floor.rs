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
