//! `cairn conflicts`, `cairn schedule` and the gate's `conflicts` rule end to end: scratch git
//! repositories, branches and refs as other pull requests, the real binary.

mod common;

use common::*;
use serde_json::Value;

const NOW: &str = "2026-12-01T00:00:00Z";

/// An organisation: checkout depends on api, which runs on host-1; a Saturday maintenance window
/// for checkout, a year-end freeze for tier 1 services (payments).
const ORG: &[(&str, &str)] = &[
    ("policy.yaml", "apiVersion: cairn/v1\nkind: Policy\nmetadata: {name: change-policy}\nspec:\n  owners: [team:sre]\n  approvals:\n    - name: any\n      require: {team: team:sre, count: 1}\n"),
    ("teams.yaml", "apiVersion: cairn/v1\nkind: Team\nmetadata: {name: sre}\nspec: {members: [{login: alice}, {login: bob}]}\n"),
    ("services/checkout.yaml", "apiVersion: cairn/v1\nkind: Service\nmetadata: {name: checkout}\nspec:\n  owner: sre\n  tier: 2\n  dependsOn: [ci:api]\n  maintenanceWindows: [saturday]\n"),
    ("services/payments.yaml", "apiVersion: cairn/v1\nkind: Service\nmetadata: {name: payments}\nspec: {owner: sre, tier: 1}\n"),
    ("cmdb/api.yaml", "apiVersion: cairn/v1\nkind: ConfigurationItem\nmetadata: {name: api}\nspec: {class: k8s/deployment, owner: sre, runsOn: [host-1]}\n"),
    ("cmdb/host-1.yaml", "apiVersion: cairn/v1\nkind: ConfigurationItem\nmetadata: {name: host-1}\nspec: {class: server/linux, owner: sre}\n"),
    ("cmdb/db.yaml", "apiVersion: cairn/v1\nkind: ConfigurationItem\nmetadata: {name: db}\nspec: {class: database/postgres, owner: sre}\n"),
    ("windows/saturday.yaml", "apiVersion: cairn/v1\nkind: Window\nmetadata: {name: saturday}\nspec: {type: maintenance, cron: \"0 2 * * SAT\", duration: 4h, timezone: Europe/Berlin}\n"),
    ("windows/year-end.yaml", "apiVersion: cairn/v1\nkind: Window\nmetadata: {name: year-end}\nspec:\n  type: freeze\n  start: 2026-12-18T00:00:00+01:00\n  end: 2027-01-04T09:00:00+01:00\n  scope: {tiers: [1]}\n"),
];

fn change(name: &str, targets: &str, start: &str, end: &str, state: &str) -> (String, String) {
    let closure = if state == "closed" { "\n  closure: {code: successful}" } else { "" };
    (
        format!("changes/{name}.yaml"),
        format!(
            "apiVersion: cairn/v1\nkind: ChangeRequest\nmetadata: {{name: {name}}}\nspec:\n  type: normal\n  state: {state}\n  requestedBy: alice\n  targets: [{targets}]\n  window: {{start: {start}, end: {end}}}{closure}\n"
        ),
    )
}

fn put(dir: &std::path::Path, files: &[(String, String)]) {
    let borrowed: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    write(dir, &borrowed);
}

/// Saturday 2027-01-16 02:00-06:00 Berlin is a maintenance occurrence.
fn scenario() -> tempfile::TempDir {
    let dir = repo();
    write(dir.path(), ORG);
    put(
        dir.path(),
        &[
            // Overlap on one CI.
            change("chg-1", "ci:api", "2027-01-16T02:00:00+01:00", "2027-01-16T04:00:00+01:00", "scheduled"),
            change("chg-2", "ci:api", "2027-01-16T03:00:00+01:00", "2027-01-16T05:00:00+01:00", "authorize"),
            // The host api runs on, overlapping chg-1 (and chg-2).
            change(
                "chg-3",
                "ci:host-1",
                "2027-01-16T03:30:00+01:00",
                "2027-01-16T04:30:00+01:00",
                "scheduled",
            ),
            // In the freeze.
            change(
                "chg-4",
                "service:payments",
                "2026-12-20T02:00:00+01:00",
                "2026-12-20T03:00:00+01:00",
                "new",
            ),
            // Outside the maintenance window (a Wednesday).
            change(
                "chg-5",
                "service:checkout",
                "2027-01-20T14:00:00+01:00",
                "2027-01-20T15:00:00+01:00",
                "new",
            ),
            // Control: conflicts with nothing.
            change("chg-6", "ci:db", "2027-01-16T02:00:00+01:00", "2027-01-16T05:00:00+01:00", "scheduled"),
            // Closed: ignored, though it overlaps chg-1 on api.
            change("chg-7", "ci:api", "2027-01-16T02:00:00+01:00", "2027-01-16T06:00:00+01:00", "closed"),
            // Back to back with chg-2 on api: no conflict.
            change("chg-8", "ci:api", "2027-01-16T05:00:00+01:00", "2027-01-16T06:00:00+01:00", "scheduled"),
        ],
    );
    commit(dir.path(), "org");
    dir
}

fn rows(report: &Value) -> Vec<String> {
    report["conflicts"]
        .as_array()
        .expect("conflicts")
        .iter()
        .map(|c| {
            let with = if c["with"]["change"].is_string() {
                let rev = c["with"]["rev"].as_str().map(|r| format!(" @{r}")).unwrap_or_default();
                format!(
                    "{} {}{rev}",
                    c["with"]["change"].as_str().unwrap(),
                    c["with"]["target"].as_str().unwrap()
                )
            } else {
                c["with"]["window"].as_str().unwrap().to_owned()
            };
            format!(
                "{} {} {} / {with}",
                c["type"].as_str().unwrap(),
                c["change"].as_str().unwrap(),
                c["target"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn every_type_once_per_pair_closed_and_back_to_back_ignored() {
    let dir = scenario();
    let (exit, report) = json(dir.path(), &["conflicts", "--now", NOW]);
    assert_eq!(exit, 1);
    assert_eq!(
        rows(&report),
        [
            "already-scheduled change:chg-1 ci:api / change:chg-2 ci:api",
            "child-already-scheduled change:chg-1 ci:api / change:chg-3 ci:host-1",
            "child-already-scheduled change:chg-2 ci:api / change:chg-3 ci:host-1",
            "blackout change:chg-4 service:payments / window:year-end",
            "outside-maintenance-window change:chg-5 service:checkout / window:saturday",
        ]
    );
    let first = &report["conflicts"][0];
    assert_eq!(first["overlap"]["start"], "2027-01-16T03:00:00+01:00");
    assert_eq!(first["overlap"]["end"], "2027-01-16T04:00:00+01:00");
    assert_eq!(first["path"], serde_json::json!(["ci:api"]));
    assert_eq!(first["with"]["rev"], Value::Null);
    assert_eq!(report["conflicts"][1]["path"], serde_json::json!(["ci:api", "ci:host-1"]));
    assert_eq!(report["summary"]["changes"], 7);
    assert_eq!(report["summary"]["conflicts"], 5);
    // --rev reads the same from git objects.
    let (_, at_head) = json(dir.path(), &["conflicts", "--rev", "HEAD", "--now", NOW]);
    assert_eq!(rows(&at_head), rows(&report));
    // Depth 0: only the same target.
    let (_, shallow) = json(dir.path(), &["conflicts", "--depth", "0", "--now", NOW]);
    assert_eq!(rows(&shallow).len(), 3);
}

#[test]
fn human_output_shows_both_changes_source_lines() {
    let dir = scenario();
    let output = cairn(dir.path(), &["conflicts", "--now", NOW, "--color", "never"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.contains("error[already-scheduled]: change:chg-1 and change:chg-2 are both scheduled on ci:api"),
        "{text}"
    );
    assert!(text.contains("--> changes/chg-1.yaml:8:"), "{text}");
    assert!(text.contains("changes/chg-2.yaml:8:"), "{text}");
    assert!(text.contains("change:chg-2 is scheduled on ci:api here"), "{text}");
    assert!(text.trim_end().ends_with("error: 5 conflicts among 7 active changes"), "{text}");
}

#[test]
fn machine_formats_are_read_by_their_tools() {
    let dir = scenario();
    let sarif = stdout(&cairn(dir.path(), &["conflicts", "--now", NOW, "--format", "sarif"]));
    let sarif: Value = serde_json::from_str(&sarif).expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 5);
    assert_eq!(results[0]["ruleId"], "already-scheduled");
    assert_eq!(results[0]["locations"][0]["physicalLocation"]["region"]["startLine"], 8);
    let gitlab: Value =
        serde_json::from_str(&stdout(&cairn(dir.path(), &["conflicts", "--now", NOW, "--format", "gitlab"])))
            .expect("Code Quality is JSON");
    assert_eq!(gitlab.as_array().map(Vec::len), Some(5));
    let github = stdout(&cairn(dir.path(), &["conflicts", "--now", NOW, "--format", "github"]));
    assert!(github.contains("::error file=changes/chg-1.yaml,line=8"), "{github}");
    let markdown = stdout(&cairn(dir.path(), &["conflicts", "--now", NOW, "--format", "markdown"]));
    assert!(markdown.contains("already-scheduled"), "{markdown}");
}

#[test]
fn against_a_glob_of_pull_request_refs() {
    let dir = scenario();
    let main = git(dir.path(), &["rev-parse", "HEAD"]);
    // Pull request 7 adds a change on host-1 that overlaps chg-6? No: on db, overlapping chg-6.
    git(dir.path(), &["checkout", "-q", "-b", "pr-7"]);
    put(
        dir.path(),
        &[change("chg-9", "ci:db", "2027-01-16T04:00:00+01:00", "2027-01-16T05:00:00+01:00", "new")],
    );
    let pr7 = commit(dir.path(), "pr 7");
    // Pull request 8 only edits chg-1's text: the same change, not a conflict with itself.
    git(dir.path(), &["checkout", "-q", "main"]);
    git(dir.path(), &["checkout", "-q", "-b", "pr-8"]);
    let (path, text) =
        change("chg-1", "ci:api", "2027-01-16T02:00:00+01:00", "2027-01-16T04:00:00+01:00", "scheduled");
    put(dir.path(), &[(path, text.replace("requestedBy: alice", "requestedBy: bob"))]);
    let pr8 = commit(dir.path(), "pr 8");
    git(dir.path(), &["checkout", "-q", "main"]);
    git(dir.path(), &["update-ref", "refs/remotes/origin/pr/7/head", &pr7]);
    git(dir.path(), &["update-ref", "refs/remotes/origin/pr/8/head", &pr8]);
    git(dir.path(), &["update-ref", "refs/remotes/origin/pr/9/head", &main]);

    let (exit, report) =
        json(dir.path(), &["conflicts", "--now", NOW, "--against", "refs/remotes/origin/pr/*"]);
    assert_eq!(exit, 1);
    let found = rows(&report);
    assert!(
        found.contains(
            &"already-scheduled change:chg-6 ci:db / change:chg-9 ci:db @refs/remotes/origin/pr/7/head"
                .to_owned()
        ),
        "{found:#?}"
    );
    assert_eq!(found.len(), 6, "{found:#?}");
    assert_eq!(report["summary"]["revisions"], 3);
    let human = stdout(&cairn(
        dir.path(),
        &["conflicts", "--now", NOW, "--color", "never", "--against", "refs/remotes/origin/pr/*"],
    ));
    assert!(human.contains("refs/remotes/origin/pr/7/head:changes/chg-9.yaml"), "{human}");
    // A glob that matches nothing compares with nothing; a revision that does not exist exits 2.
    let (_, none) = json(dir.path(), &["conflicts", "--now", NOW, "--against", "refs/remotes/nobody/*"]);
    assert_eq!(rows(&none).len(), 5);
    assert_eq!(cairn(dir.path(), &["conflicts", "--against", "no-such-branch"]).status.code(), Some(2));
}

/// A pull request that adds chg-10 on host-1, overlapping chg-1 and chg-2 (through api) and chg-3.
fn gate_scenario(mode: Option<&str>) -> tempfile::TempDir {
    let dir = scenario();
    if let Some(mode) = mode {
        let policy = ORG[0].1.replace("spec:\n", &format!("spec:\n  conflicts: {mode}\n"));
        write(dir.path(), &[("policy.yaml", &policy)]);
        commit(dir.path(), "conflicts mode");
    }
    put(
        dir.path(),
        &[change("chg-10", "ci:db", "2027-01-16T02:30:00+01:00", "2027-01-16T03:30:00+01:00", "new")],
    );
    commit(dir.path(), "pull request");
    dir
}

fn gate_rule(dir: &std::path::Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["gate", "--base", "HEAD~1", "--head", "HEAD", "--now", NOW, "--author", "alice"];
    args.extend_from_slice(extra);
    let (exit, verdict) = json(dir, &args);
    let rule = verdict["rules"].as_array().unwrap().iter().find(|r| r["name"] == "conflicts").cloned();
    (exit, rule.unwrap_or_else(|| panic!("no conflicts rule: {verdict:#}")))
}

#[test]
fn the_gate_warns_by_default_blocks_when_asked_and_can_be_off() {
    let dir = gate_scenario(None);
    let (_, rule) = gate_rule(dir.path(), &[]);
    assert_eq!(rule["status"], "pass", "{rule:#}");
    let reason = rule["reason"].as_str().unwrap();
    assert!(reason.contains("1 conflict, not blocking (`conflicts: warn`)"), "{reason}");
    assert!(
        reason.contains("change:chg-10 and change:chg-6 (at the base) are both scheduled on ci:db"),
        "{reason}"
    );
    assert_eq!(rule["warnings"].as_array().map(Vec::len), Some(1));
    let markdown = stdout(&cairn(
        dir.path(),
        &[
            "gate", "--base", "HEAD~1", "--head", "HEAD", "--now", NOW, "--author", "alice", "--format",
            "markdown",
        ],
    ));
    assert!(markdown.contains("⚠️"), "{markdown}");
    let github = stdout(&cairn(
        dir.path(),
        &[
            "gate", "--base", "HEAD~1", "--head", "HEAD", "--now", NOW, "--author", "alice", "--format",
            "github",
        ],
    ));
    assert!(github.contains("::warning file=changes/chg-10.yaml"), "{github}");

    let dir = gate_scenario(Some("block"));
    let (exit, rule) = gate_rule(dir.path(), &[]);
    assert_eq!((exit, rule["status"].as_str()), (1, Some("fail")), "{rule:#}");

    let dir = gate_scenario(Some("off"));
    let (_, rule) = gate_rule(dir.path(), &[]);
    assert_eq!(rule["status"], "skipped");
}

#[test]
fn the_gate_compares_with_other_pull_requests() {
    let dir = gate_scenario(Some("block"));
    // Another pull request, branched from the base, on host-1 at the time of chg-10? On db.
    git(dir.path(), &["checkout", "-q", "-b", "other", "HEAD~1"]);
    put(
        dir.path(),
        &[change("chg-11", "ci:db", "2027-01-16T03:00:00+01:00", "2027-01-16T03:15:00+01:00", "new")],
    );
    let other = commit(dir.path(), "another pull request");
    git(dir.path(), &["checkout", "-q", "main"]);
    git(dir.path(), &["update-ref", "refs/pull/2/head", &other]);
    let head = git(dir.path(), &["rev-parse", "HEAD"]);
    git(dir.path(), &["update-ref", "refs/pull/1/head", &head]);
    let (exit, rule) = gate_rule(dir.path(), &["--against", "refs/pull/*"]);
    assert_eq!(exit, 1);
    let reason = rule["reason"].as_str().unwrap();
    assert!(reason.starts_with("2 conflicts"), "{reason}");
    assert!(reason.contains("change:chg-11 (at refs/pull/2/head)"), "{reason}");
}

#[test]
fn schedule_proposes_windows_or_says_why_not() {
    let dir = scenario();
    let (exit, plan) =
        json(dir.path(), &["schedule", "chg-5", "--now", "2027-01-10T00:00:00+01:00", "--count", "2"]);
    assert_eq!(exit, 0, "{plan:#}");
    assert_eq!(plan["change"], "change:chg-5");
    assert_eq!(plan["duration"], "1h");
    // 01-16 02:00-06:00 holds chg-1, chg-2, chg-3 on api and host-1, which checkout depends on:
    // free from 05:00 (chg-8 on api runs 05:00-06:00 too), so the next Saturday.
    let windows = plan["windows"].as_array().unwrap();
    assert_eq!(windows[0]["start"], "2027-01-23T02:00:00+01:00");
    assert_eq!(windows[0]["end"], "2027-01-23T03:00:00+01:00");
    assert_eq!(windows[0]["inside"], serde_json::json!(["window:saturday"]));
    assert_eq!(windows.len(), 2);
    let human = stdout(&cairn(dir.path(), &["schedule", "chg-5", "--now", "2027-01-10T00:00:00+01:00"]));
    assert!(human.contains("2027-01-23 02:00 +01:00"), "{human}");

    // Payments is frozen until 2027-01-04 09:00: with 10 days to look in, nothing fits.
    let (exit, plan) =
        json(dir.path(), &["schedule", "chg-4", "--now", "2026-12-20T00:00:00+01:00", "--within", "10d"]);
    assert_eq!(exit, 1);
    assert_eq!(plan["windows"], serde_json::json!([]));
    let reason = plan["reason"].as_str().unwrap();
    assert!(reason.contains("freeze window:year-end"), "{reason}");
    assert_eq!(cairn(dir.path(), &["schedule", "chg-404"]).status.code(), Some(2));
}

#[test]
fn policy_test_cases_can_name_other_pull_requests() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("cases/clash");
    let policy = ORG[0].1.replace("spec:\n", "spec:\n  conflicts: block\n");
    for tree in ["base", "head", "other"] {
        write(&case.join(tree), ORG);
        write(&case.join(tree), &[("policy.yaml", &policy)]);
    }
    put(
        &case.join("head"),
        &[change("chg-10", "ci:db", "2027-01-16T02:30:00+01:00", "2027-01-16T03:30:00+01:00", "new")],
    );
    put(
        &case.join("other"),
        &[change("chg-11", "ci:db", "2027-01-16T03:00:00+01:00", "2027-01-16T03:15:00+01:00", "new")],
    );
    let expect = |verdict: &str, status: &str| {
        format!("base: base\nhead: head\nauthor: alice\nnow: 2026-12-01T00:00:00Z\nexpect:\n  verdict: {verdict}\n  rules: {{conflicts: {status}}}\n")
    };
    std::fs::write(case.join("case.yaml"), format!("against: [other]\n{}", expect("block", "fail"))).unwrap();
    let output = cairn(dir.path(), &["policy", "test", "cases"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    // Without the other pull request, nothing conflicts.
    std::fs::write(case.join("case.yaml"), expect("block", "pass")).unwrap();
    let output = cairn(dir.path(), &["policy", "test", "cases"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

#[test]
fn another_pull_request_is_read_under_the_bounds_of_the_tree_it_is_compared_with() {
    // A hostile branch cannot make every other pull request's gate read without bound: its
    // files are read under main's limits, the whole revision within main's budget.
    let dir = scenario();
    write(dir.path(), &[("cairn.yaml", "limits: {maxTotalSize: 2000}\n")]);
    commit(dir.path(), "a small budget");
    git(dir.path(), &["checkout", "-q", "-b", "pr-big"]);
    let many: Vec<(String, String)> = (10..20)
        .map(|i| {
            change(
                &format!("chg-{i}"),
                "ci:db",
                "2027-01-16T04:00:00+01:00",
                "2027-01-16T05:00:00+01:00",
                "new",
            )
        })
        .collect();
    put(dir.path(), &many);
    write(dir.path(), &[("cairn.yaml", "limits: {maxTotalSize: 100000000}\n")]);
    commit(dir.path(), "many changes, and a bigger budget");
    git(dir.path(), &["checkout", "-q", "main"]);
    let human =
        stdout(&cairn(dir.path(), &["conflicts", "--now", NOW, "--color", "never", "--against", "pr-big"]));
    assert!(human.contains("(input-too-large); its change requests there are not compared"), "{human}");
    // What was read within the budget is still compared.
    let (_, report) = json(dir.path(), &["conflicts", "--now", NOW, "--against", "pr-big"]);
    let found = rows(&report);
    assert!(found.iter().any(|r| r.contains("@pr-big")), "{found:#?}");
    assert!(found.iter().filter(|r| r.contains("@pr-big")).count() < 10, "{found:#?}");
}
