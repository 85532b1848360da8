//! `cairn init`, `cairn import backstage|servicenow` and `cairn export backstage`, end to end
//! with the real binary on the fixtures of tests/fixtures/import/.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/import")
}

/// Every file under `dir` (the manifest included), as `=== path` and its text.
fn tree(dir: &Path) -> String {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                files.insert(rel, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    files.into_iter().map(|(p, t)| format!("=== {p}\n{t}")).collect()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn out_arg(dir: &Path) -> String {
    dir.to_string_lossy().into_owned()
}

/// `cairn validate DIR --format json`: (exit, error codes).
fn validate_errors(dir: &Path) -> (i32, Vec<String>) {
    let (code, report) = json(dir, &["validate"]);
    let errors = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| format!("{} {}:{} {}", d["code"], d["file"], d["line"], d["message"]))
        .collect();
    (code, errors)
}

// ---------------------------------------------------------------------------------------------
// init

#[test]
fn init_writes_a_repository_that_validates_clean_and_never_replaces_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("itsm");
    let output = cairn(dir.path(), &["init", "itsm"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let said = stdout(&output);
    for file in [
        "cairn.yaml",
        "policy.yaml",
        "teams/platform.yaml",
        "services/hello.yaml",
        "slas/hello.yaml",
        ".pre-commit-config.yaml",
        ".github/workflows/cairn-gate.yml",
        "schemas/service.schema.json",
    ] {
        assert!(repo.join(file).is_file(), "{file} not written");
        assert!(said.contains(&format!("wrote {file}")), "{said}");
    }
    assert!(said.contains("next:"), "{said}");
    let checked = cairn(&repo, &["validate", "--deny-warnings", "--color", "never"]);
    assert_eq!(checked.status.code(), Some(0), "{}", stdout(&checked));
    let policy = cairn(&repo, &["policy", "check", "--deny-warnings", "--color", "never"]);
    assert_eq!(policy.status.code(), Some(0), "{}", stdout(&policy));
    // The modelines point at schemas that are there.
    let service = std::fs::read_to_string(repo.join("services/hello.yaml")).unwrap();
    assert!(service.starts_with("# yaml-language-server: $schema=../schemas/service.schema.json\n"));

    // A second run keeps every file, even one the user changed.
    std::fs::write(repo.join("policy.yaml"), "# mine\n").unwrap();
    let again = cairn(dir.path(), &["init", "itsm"]);
    assert_eq!(again.status.code(), Some(0));
    assert!(stdout(&again).contains("kept  policy.yaml"), "{}", stdout(&again));
    assert_eq!(std::fs::read_to_string(repo.join("policy.yaml")).unwrap(), "# mine\n");
}

#[test]
fn init_repository_gates_its_first_pull_request() {
    let dir = repo();
    let output = cairn(dir.path(), &["init"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    commit(dir.path(), "cairn init");
    let service = std::fs::read_to_string(dir.path().join("services/hello.yaml")).unwrap();
    std::fs::write(dir.path().join("services/hello.yaml"), service.replace("tier: 2", "tier: 1")).unwrap();
    commit(dir.path(), "hello is critical now");
    let (code, verdict) = json(
        dir.path(),
        &[
            "gate",
            "--base",
            "HEAD~1",
            "--head",
            "HEAD",
            "--author",
            "someone",
            "--now",
            "2026-12-01T12:00:00Z",
        ],
    );
    // Tier 1 is high risk: the owners of the impacted service must approve.
    assert_eq!(code, 1, "{verdict:#}");
    assert_eq!(verdict["verdict"], "block");
    assert_eq!(verdict["risk"], "high");
}

// ---------------------------------------------------------------------------------------------
// import backstage

fn import_backstage(sources: &[&str], out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["import", "backstage"];
    args.extend_from_slice(sources);
    let out = out_arg(out);
    args.extend(["--out", &out, "--color", "never"]);
    args.extend_from_slice(extra);
    cairn(&fixtures(), &args)
}

#[test]
fn backstage_catalog_is_imported_as_spec_8_says() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cairn");
    let output = import_backstage(&["backstage/catalog-info.yaml"], &out, &[]);
    // The two components named alike are an error naming both; everything else is imported.
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("error[import-name-collision]: Service `billing-api` comes from two sources: component:default/Billing_API in backstage/systems/podcast/catalog-info.yaml and component:default/billing-api"), "{err}");
    insta::assert_snapshot!("backstage-import", tree(&out));
    let (code, errors) = validate_errors(&out);
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(code, 0);
}

#[test]
fn backstage_findings_are_located_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cairn");
    let (code, report) = json(&fixtures(), &["import", "backstage", "backstage", "--out", &out_arg(&out)]);
    assert_eq!(code, 1);
    let found: BTreeSet<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}:{}:{}",
                d["code"].as_str().unwrap(),
                d["file"].as_str().unwrap(),
                d["line"],
                d["column"]
            )
        })
        .collect();
    for expected in [
        "import-location-target backstage/catalog-info.yaml:12:7",
        "import-location-target backstage/catalog-info.yaml:13:7",
        "import-unmapped backstage/systems/podcast/catalog-info.yaml:8:3",
        "import-unresolved backstage/systems/podcast/catalog-info.yaml:11:44",
        "import-unmapped backstage/systems/podcast/catalog-info.yaml:17:1",
        "import-name-collision backstage/systems/podcast/catalog-info.yaml:42:3",
    ] {
        assert!(found.contains(expected), "{expected} not in {found:#?}");
    }
    for (format, needle) in [
        ("sarif", "\"ruleId\": \"import-unmapped\""),
        ("github", "::warning file=backstage/systems/podcast/catalog-info.yaml,line=8"),
        ("gitlab", "\"check_name\": \"import-name-collision\""),
        ("markdown", "import-location-target"),
    ] {
        let output = cairn(
            &fixtures(),
            &["import", "backstage", "backstage", "--out", &out_arg(&out), "--format", format],
        );
        assert_eq!(output.status.code(), Some(1));
        assert!(stdout(&output).contains(needle), "{format}: {}", stdout(&output));
    }
}

#[test]
fn a_reimport_is_byte_identical_keeps_hand_edits_and_never_replaces_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cairn");
    import_backstage(&["backstage"], &out, &[]);
    let first = tree(&out);
    let again = import_backstage(&["backstage"], &out, &[]);
    assert!(stderr(&again).contains("0 files written, 16 unchanged"), "{}", stderr(&again));
    assert_eq!(tree(&out), first);

    // Hand edits to fields the import does not own survive; owned fields come back.
    let path = out.join("services/playback-order.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text
        .replace("  tier: 3\n", "  tier: 1\n  approvers: [team:acme]\n")
        .replace("  owner: team:audio-team\n", "  owner: team:acme\n")
        .replace("  labels:\n", "  labels:\n    cost: high\n");
    assert_ne!(edited, text);
    std::fs::write(&path, &edited).unwrap();
    let dry = import_backstage(&["backstage"], &out, &["--dry-run"]);
    let diff = stdout(&dry);
    assert!(
        diff.contains("--- a/services/playback-order.yaml\n+++ b/services/playback-order.yaml"),
        "{diff}"
    );
    assert!(diff.contains("-  owner: team:acme\n+  owner: team:audio-team"), "{diff}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), edited, "a dry run writes nothing");
    import_backstage(&["backstage"], &out, &[]);
    let merged = std::fs::read_to_string(&path).unwrap();
    assert!(merged.contains("  tier: 1\n"), "{merged}");
    assert!(merged.contains("  approvers:\n  - team:acme\n"), "{merged}");
    assert!(merged.contains("    cost: high\n"), "{merged}");
    assert!(merged.contains("  owner: team:audio-team\n"), "{merged}");
    let once_more = import_backstage(&["backstage"], &out, &[]);
    assert!(stderr(&once_more).contains("0 files written, 16 unchanged"), "{}", stderr(&once_more));

    // A file the import did not write is never replaced: nothing is written, exit 2.
    std::fs::remove_file(out.join("teams/acme.yaml")).unwrap();
    std::fs::write(out.join("teams/acme.yaml"), "# my own team file\n").unwrap();
    let manifest = std::fs::read_to_string(out.join(".cairn-import")).unwrap();
    let without: String =
        manifest.lines().filter(|l| !l.ends_with("  teams/acme.yaml")).map(|l| format!("{l}\n")).collect();
    assert_ne!(without, manifest);
    std::fs::write(out.join(".cairn-import"), without).unwrap();
    let refused = import_backstage(&["backstage"], &out, &[]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("teams/acme.yaml"), "{}", stderr(&refused));
    assert_eq!(std::fs::read_to_string(out.join("teams/acme.yaml")).unwrap(), "# my own team file\n");

    // An entity gone from the source: its file goes, unless someone edited it.
    std::fs::remove_file(out.join("teams/acme.yaml")).unwrap();
    std::fs::write(out.join(".cairn-import"), manifest).unwrap();
    let queue = out.join("services/queue-proxy.yaml");
    let mut text = std::fs::read_to_string(&queue).unwrap();
    text.push_str("# reviewed by the audio team\n");
    std::fs::write(&queue, text).unwrap();
    let only_org = import_backstage(&["backstage/org"], &out, &[]);
    assert!(
        stderr(&only_org).contains("removed 11 files of entities no longer in the source"),
        "{}",
        stderr(&only_org)
    );
    assert!(!out.join("services/playback-order.yaml").exists());
    assert!(queue.exists(), "edited by hand since: kept");
}

#[cfg(unix)]
#[test]
fn an_import_never_writes_through_a_symbolic_link() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cairn");
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("teams")).unwrap();
    let output = import_backstage(&["backstage"], &out, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
}

// ---------------------------------------------------------------------------------------------
// import servicenow

fn import_servicenow(args: &[&str], out: &Path) -> std::process::Output {
    let mut all = vec!["import", "servicenow"];
    all.extend_from_slice(args);
    let out = out_arg(out);
    all.extend(["--out", &out, "--color", "never"]);
    cairn(&fixtures().join("servicenow"), &all)
}

#[test]
fn servicenow_exports_in_every_shape_give_the_same_entities() {
    let dir = tempfile::tempdir().unwrap();
    let shapes: &[(&str, &[&str])] = &[
        (
            "display",
            &[
                "--cis",
                "cmdb_ci.display.json",
                "--rels",
                "cmdb_rel_ci.display.json",
                "--groups",
                "sys_user_group.json",
            ],
        ),
        ("csv", &["--cis", "cmdb_ci.csv", "--rels", "cmdb_rel_ci.csv", "--groups", "sys_user_group.csv"]),
        (
            "link",
            &[
                "--cis",
                "cmdb_ci.link.json",
                "--rels",
                "cmdb_rel_ci.link.json",
                "--groups",
                "sys_user_group.json",
            ],
        ),
        (
            "jsonv2",
            &[
                "--cis",
                "cmdb_ci.jsonv2.json",
                "--rels",
                "cmdb_rel_ci.link.json",
                "--groups",
                "sys_user_group.csv",
            ],
        ),
    ];
    let mut trees = Vec::new();
    for (name, args) in shapes {
        let out = dir.path().join(name);
        let mut all = args.to_vec();
        all.extend(["--map", "map.yaml"]);
        let output = import_servicenow(&all, &out);
        assert_eq!(output.status.code(), Some(0), "{name}: {}", stderr(&output));
        trees.push((name, tree(&out)));
    }
    for (name, t) in &trees[1..] {
        assert_eq!(t, &trees[0].1, "{name} differs from the display-value JSON");
    }
    insta::assert_snapshot!("servicenow-import", trees[0].1);
    let (_, errors) = validate_errors(&dir.path().join("display"));
    assert!(errors.is_empty(), "{errors:#?}");
}

/// The written files do not depend on the number of threads that make them (an import makes
/// its files on every core, a few hundred at a time): an export of 1,500 records, several
/// batches, imported on one thread and on four.
#[test]
fn servicenow_import_is_the_same_on_any_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    let made = assert_cmd::Command::cargo_bin("cairn-gen")
        .unwrap()
        .args(["servicenow", "--out", &out_arg(&src), "--cis", "1500", "--rels", "4500"])
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", stderr(&made));
    let mut trees = Vec::new();
    for threads in ["1", "4"] {
        let out = dir.path().join(format!("threads-{threads}"));
        let output = assert_cmd::Command::cargo_bin("cairn")
            .unwrap()
            .current_dir(&src)
            .env("RAYON_NUM_THREADS", threads)
            .args(["import", "servicenow", "--cis", "cmdb_ci.json", "--rels", "cmdb_rel_ci.json"])
            .args(["--groups", "sys_user_group.json", "--out", &out_arg(&out)])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        trees.push(tree(&out));
    }
    assert_eq!(trees[0].matches("\n=== cis/").count(), 1470, "1,500 records, 30 of them services");
    assert!(trees[0] == trees[1], "the files differ between one thread and four");
}

/// `--members` (sys_user_grmember): each group's users become its team's members, with their
/// logins from `user.user_name`; the members are then the import's, and a re-import without
/// memberships leaves them as they are.
#[test]
fn servicenow_group_members_become_team_members() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cairn");
    let out = out_arg(&out);
    let base = ["import", "servicenow", "--cis", "cmdb_ci.display.json", "--groups", "sys_user_group.json"];
    let mut with_members = base.to_vec();
    with_members.extend(["--members", "sys_user_grmember.json", "--out", &out]);
    let (code, report) = json(&fixtures().join("servicenow"), &with_members);
    assert_eq!(code, 0, "warnings only: {report:#}");
    let messages: Vec<&str> =
        report["diagnostics"].as_array().unwrap().iter().map(|d| d["message"].as_str().unwrap()).collect();
    assert!(messages.iter().any(|m| m.contains("without `user.user_name`")), "{messages:#?}");
    let team =
        |name: &str| std::fs::read_to_string(Path::new(&out).join(format!("teams/{name}.yaml"))).unwrap();
    let (dba, web) = (team("database-admins"), team("web-team"));
    insta::assert_snapshot!("servicenow-members", format!("{dba}---\n{web}"));
    assert!(team("it-operations").contains("members: []"));
    let (_, errors) = validate_errors(Path::new(&out));
    assert!(errors.is_empty(), "{errors:#?}");

    let mut without = base.to_vec();
    without.extend(["--out", &out]);
    let (code, _) = json(&fixtures().join("servicenow"), &without);
    assert_eq!(code, 0);
    assert_eq!(team("database-admins"), dba, "members kept when the import is not given memberships");
}

#[test]
fn servicenow_findings_without_a_map() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cairn");
    let (code, report) = json(
        &fixtures().join("servicenow"),
        &[
            "import",
            "servicenow",
            "--cis",
            "cmdb_ci.link.json",
            "--rels",
            "cmdb_rel_ci.link.json",
            "--out",
            &out_arg(&out),
        ],
    );
    assert_eq!(code, 0, "warnings only: {report:#}");
    let found: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}:{}:{} {}",
                d["code"].as_str().unwrap(),
                d["file"].as_str().unwrap(),
                d["line"],
                d["column"],
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    let text = found.join("\n");
    assert!(text.contains("import-unknown-class cmdb_ci.link.json:"), "{text}");
    assert!(text.contains("imported as `servicenow/u-cmdb-ci-widget`"), "{text}");
    assert!(text.contains("is given by its sys_id only"), "{text}");
    assert!(text.contains("no --groups export names it"), "{text}");
    let widget = std::fs::read_to_string(out.join("cis/widget-42.yaml")).unwrap();
    assert!(widget.contains("class: servicenow/u-cmdb-ci-widget"), "{widget}");
    let (_, errors) = validate_errors(&out);
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn servicenow_reimport_keeps_names_by_sys_id_and_bad_maps_are_findings() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cairn");
    let src = dir.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    let cis = std::fs::read_to_string(fixtures().join("servicenow/cmdb_ci.display.json")).unwrap();
    std::fs::write(src.join("cmdb_ci.json"), &cis).unwrap();
    let cis_arg = src.join("cmdb_ci.json").to_string_lossy().into_owned();
    import_servicenow(&["--cis", &cis_arg], &out);
    let first = tree(&out);
    import_servicenow(&["--cis", &cis_arg], &out);
    assert_eq!(tree(&out), first, "a re-import is byte-identical");
    // Renamed in the CMDB: same file, same name, new title.
    std::fs::write(src.join("cmdb_ci.json"), cis.replace("\"pg-orders\"", "\"Orders DB\"")).unwrap();
    import_servicenow(&["--cis", &cis_arg], &out);
    let renamed = std::fs::read_to_string(out.join("cis/pg-orders.yaml")).unwrap();
    assert!(renamed.contains("  name: pg-orders\n  title: Orders DB\n"), "{renamed}");
    assert!(!out.join("cis/orders-db.yaml").exists());

    std::fs::write(src.join("map.yaml"), "installStatus:\n  \"9\": broken\nflavours: {}\n").unwrap();
    let map_arg = src.join("map.yaml").to_string_lossy().into_owned();
    let (code, report) = json(
        &fixtures().join("servicenow"),
        &["import", "servicenow", "--cis", &cis_arg, "--map", &map_arg, "--out", &out_arg(&out)],
    );
    assert_eq!(code, 1);
    let lines: Vec<(String, i64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "import-invalid-source")
        .map(|d| (d["message"].as_str().unwrap().to_owned(), d["line"].as_i64().unwrap()))
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0].1, 2);
    assert_eq!(lines[1].1, 3);
}

#[test]
fn not_an_export_is_an_error_and_an_unreadable_file_cannot_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.json"), "{\"error\": {\"message\": \"User Not Authenticated\"}}")
        .unwrap();
    let out = dir.path().join("out");
    let (code, report) =
        json(dir.path(), &["import", "servicenow", "--cis", "bad.json", "--out", &out_arg(&out)]);
    assert_eq!(code, 1);
    assert_eq!(codes(&report), ["import-invalid-source"]);
    let missing = cairn(dir.path(), &["import", "servicenow", "--cis", "nope.json", "--out", "out"]);
    assert_eq!(missing.status.code(), Some(2));
}

// ---------------------------------------------------------------------------------------------
// export backstage

/// Teams, services and edges of a tree, as [`shape`] reads them.
type Shape =
    (BTreeMap<String, (BTreeSet<String>, String)>, BTreeMap<String, String>, BTreeSet<(String, String)>);

/// Teams (name → member logins, parent), services (name → owner) and dependency edges (from,
/// to; `dependsOn`, `components`, `runsOn` and `members` alike) of a tree.
fn shape(dir: &Path) -> Shape {
    let request = cairn::load::Request::new(dir, None);
    let (_, outcome) =
        cairn::validate::run(&request, chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()).unwrap();
    let mut teams = BTreeMap::new();
    let mut services = BTreeMap::new();
    let mut edges = BTreeSet::new();
    for e in &outcome.entities {
        let v: Value = serde_json::to_value(&e.spec).unwrap();
        let name = e.metadata.name.clone();
        let list = |k: &str| -> Vec<String> {
            v.get(k)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
                .unwrap_or_default()
        };
        match e.kind() {
            cairn::model::Kind::Team => {
                let logins = v["members"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|m| m["login"].as_str().unwrap().to_owned())
                    .collect();
                teams.insert(name, (logins, v["parent"].as_str().unwrap_or_default().to_owned()));
            }
            cairn::model::Kind::Service => {
                services.insert(name.clone(), v["owner"].as_str().unwrap().to_owned());
                for to in list("dependsOn").into_iter().chain(list("components")) {
                    edges.insert((format!("service:{name}"), to));
                }
            }
            cairn::model::Kind::ConfigurationItem => {
                for to in list("dependsOn").into_iter().chain(list("runsOn")).chain(list("members")) {
                    edges.insert((format!("ci:{name}"), to));
                }
            }
            _ => {}
        }
    }
    (teams, services, edges)
}

#[test]
fn export_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let exported = dir.path().join("backstage");
    let acme = root().join("examples/acme");
    let output = cairn(&acme, &["export", "backstage", "--out", &out_arg(&exported)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let imported = dir.path().join("cairn");
    let back = cairn(
        dir.path(),
        &[
            "import",
            "backstage",
            &exported.join("catalog-info.yaml").to_string_lossy(),
            "--out",
            &out_arg(&imported),
            "--color",
            "never",
        ],
    );
    assert_eq!(back.status.code(), Some(0), "{}", stderr(&back));
    assert!(!stderr(&back).contains("warning["), "the export imports without findings: {}", stderr(&back));
    let (teams_a, services_a, edges_a) = shape(&acme);
    let (teams_b, services_b, edges_b) = shape(&imported);
    assert_eq!(teams_b, teams_a);
    assert_eq!(services_b, services_a);
    assert_eq!(edges_b, edges_a);
    assert!(edges_a.len() > 20, "acme has dependencies to compare");
    // Exporting again changes nothing.
    let again = cairn(&acme, &["export", "backstage", "--out", &out_arg(&exported)]);
    assert!(stderr(&again).contains("0 files written"), "{}", stderr(&again));
}
