//! The generator's promises, checked on real output.

use super::*;

fn read_tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.insert(rel, fs::read(&p).unwrap());
            }
        }
    }
    out
}

#[test]
fn same_seed_gives_same_bytes() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    run_org(&a.path().join("org"), 600, 7, 1, None).unwrap();
    run_org(&b.path().join("org"), 600, 7, 1, None).unwrap();
    let ta = read_tree(&a.path().join("org"));
    let tb = read_tree(&b.path().join("org"));
    assert!(ta.len() > 500, "{} files", ta.len());
    assert_eq!(ta, tb);
    let c = tempfile::tempdir().unwrap();
    run_org(&c.path().join("org"), 600, 8, 1, None).unwrap();
    assert_ne!(ta, read_tree(&c.path().join("org")));
}

#[test]
fn names_are_valid_and_unique_and_references_resolve() {
    for n in [150, 3000] {
        let docs = generate(n, 42);
        let total = docs.len();
        assert!(total.abs_diff(n) <= n / 10 + 30, "{total} entities for {n}");
        let mut seen: HashMap<&str, HashSet<&str>> = HashMap::new();
        for d in &docs {
            if d.kind == "cairn-config" {
                continue;
            }
            assert!(valid_name(&d.name), "bad name {:?}", d.name);
            assert!(seen.entry(d.kind).or_default().insert(&d.name), "duplicate {} {}", d.kind, d.name);
            assert!(d.text.contains(&format!("\n  name: {}\n", d.name)), "{}", d.text);
        }
        for d in &docs {
            for r in &d.refs {
                let (kind, name) = r.split_once(':').unwrap();
                assert!(
                    seen.get(kind).is_some_and(|s| s.contains(name)),
                    "{} {} refers to {r}",
                    d.kind,
                    d.name
                );
            }
        }
        self_check(&docs).unwrap();
        let ci = seen["ci"].len() as f64 / total as f64;
        assert!((0.6..0.85).contains(&ci), "CI share {ci}");
    }
}

#[test]
fn packing_keeps_every_document() {
    let docs = generate(400, 3);
    let n = docs.len();
    let files = layout(docs, 10);
    let count: usize = files
        .iter()
        .map(|(p, _, t)| {
            if p.ends_with(".md") || p == "cairn.yaml" {
                1
            } else {
                t.matches("apiVersion: cairn/v1").count()
            }
        })
        .sum();
    assert_eq!(count, n);
    assert!(files.len() < n / 3, "{} files for {n} documents", files.len());
}

#[test]
fn generated_yaml_parses() {
    for d in generate(300, 5) {
        let text = if d.ext == "md" { front_matter(&d.text).unwrap().to_string() } else { d.text.clone() };
        count_events(&text).unwrap_or_else(|e| panic!("{}: {e}\n{}", d.name, d.text));
    }
}

#[test]
fn mutate_changes_one_thing() {
    let mut rng = Rng::new(1);
    let text = "metadata:\n  name: x\n  description: Old.\nspec:\n  attributes:\n    version: \"1.2.3\"\n    replicas: 3\n";
    for _ in 0..20 {
        let out = mutate_text(text, &mut rng);
        assert_ne!(out, text);
        let changed = text.lines().zip(out.lines()).filter(|(a, b)| a != b).count();
        assert_eq!(changed, 1, "{out}");
    }
}

#[test]
fn scalars_quote_what_would_not_read_back() {
    assert_eq!(s("plain text, with comma"), "plain text, with comma");
    assert_eq!(f("plain text, with comma"), "\"plain text, with comma\"");
    assert_eq!(s("yes"), "\"yes\"");
    assert_eq!(s("1.2"), "\"1.2\"");
    assert_eq!(s("a: b"), "\"a: b\"");
    assert_eq!(s("#chan"), "\"#chan\"");
}

#[test]
fn write_floor_copies_paths_and_sizes_into_a_new_directory_only() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    run_org(&site, 150, 3, 1, None).unwrap();
    let out = dir.path().join("floor");
    run_write_floor(&site, &out).unwrap();
    let sizes = |tree: BTreeMap<String, Vec<u8>>| -> Vec<(String, usize)> {
        tree.into_iter().map(|(path, bytes)| (path, bytes.len())).collect()
    };
    let copied = sizes(read_tree(&out));
    assert!(copied.len() > 100, "{} files", copied.len());
    assert_eq!(copied, sizes(read_tree(&site)));
    assert!(run_write_floor(&site, &out).is_err_and(|e| e.contains("exists")));
}

#[test]
fn open_changes_sets_how_many_changes_are_planned() {
    let docs = generate_with(400, 3, Some(25));
    let open = docs.iter().filter(|d| d.kind == "change" && d.dir == "changes/2027").count();
    assert_eq!(open, 25);
}
