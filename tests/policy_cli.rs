//! `cairn policy test` and `cairn policy check` end to end: case directories written to temp
//! directories, organisations on disk and in git, the real binary.

mod common;

use common::*;

const ORG: &[(&str, &str)] = &[
    (
        "policy.yaml",
        "apiVersion: cairn/v1\nkind: Policy\nmetadata: {name: p}\nspec:\n  owners: [team:gov]\n  risk: [{if: {impactedTier: 1}, then: high}, {then: low}]\n  approvals:\n    - {name: owners, require: {ownersOf: impacted}}\n    - {name: cab, if: {risk: [high]}, require: {team: team:cab, count: 2}}\n  windows: ignore\n",
    ),
    (
        "teams.yaml",
        "apiVersion: cairn/v1\nkind: Team\nmetadata: {name: gov}\nspec: {members: [{login: gia}]}\n---\napiVersion: cairn/v1\nkind: Team\nmetadata: {name: web}\nspec: {members: [{login: wes}, {login: wyn}]}\n---\napiVersion: cairn/v1\nkind: Team\nmetadata: {name: cab}\nspec: {members: [{login: cy}, {login: cal}, {login: cat}]}\n",
    ),
    ("site.yaml", "apiVersion: cairn/v1\nkind: Service\nmetadata: {name: site}\nspec: {owner: web, tier: 1, components: [site-app]}\n"),
    ("app.yaml", "apiVersion: cairn/v1\nkind: ConfigurationItem\nmetadata: {name: site-app}\nspec: {class: k8s/deployment, owner: web, attributes: {image: site:1}}\n"),
];

const CHANGE: &str = "apiVersion: cairn/v1\nkind: ChangeRequest\nmetadata: {name: chg-1}\nspec: {type: normal, requestedBy: wes, targets: [ci:site-app], window: {start: 2026-05-01T20:00:00Z, end: 2026-05-01T21:00:00Z}}\n";

/// `org/` with the organisation, `cases/` with `cases`; returns the temp dir.
fn setup(cases: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let org: Vec<(String, &str)> = ORG.iter().map(|(p, t)| (format!("org/{p}"), *t)).collect();
    let org: Vec<(&str, &str)> = org.iter().map(|(p, t)| (p.as_str(), *t)).collect();
    write(dir.path(), &org);
    let cases: Vec<(String, &str)> = cases.iter().map(|(p, t)| (format!("cases/{p}"), *t)).collect();
    let cases: Vec<(&str, &str)> = cases.iter().map(|(p, t)| (p.as_str(), *t)).collect();
    write(dir.path(), &cases);
    dir
}

fn run(dir: &std::path::Path, extra: &[&str]) -> (i32, String) {
    let mut args = vec!["policy", "test", "cases", "--repo", "org", "--color", "never"];
    args.extend_from_slice(extra);
    let output = cairn(dir, &args);
    (output.status.code().unwrap_or(-1), stdout(&output))
}

/// A case whose head writes the change request and a new image inline.
fn inline_case(reviews: &str, expect: &str) -> String {
    let indent = |t: &str| t.lines().map(|l| format!("    {l}\n")).collect::<String>();
    format!(
        "files:\n  changes/chg-1.yaml: |\n{}  app.yaml: |\n{}reviews: {reviews}\nauthor: wes\nnow: 2026-04-30T12:00:00Z\nexpect:\n{expect}",
        indent(CHANGE),
        indent(&ORG[3].1.replace("site:1", "site:2")),
    )
}

#[test]
fn inline_files_and_reviews_give_the_expected_verdict() {
    let approvals = r#"[{id: 1, user: {login: wyn}, state: APPROVED, commit_id: head}, {id: 2, user: {login: cy}, state: APPROVED, commit_id: head}, {id: 3, user: {login: cal}, state: APPROVED, commit_id: older}]"#;
    let case = inline_case(
        approvals,
        "  verdict: block\n  risk: high\n  rules: {owners: pass, cab: fail, coverage: pass}\n  eligible: {cab: [cal, cat]}\n  ignored: [cal]\n",
    );
    let dir = setup(&[("cab-short.yaml", &case)]);
    let (code, out) = run(dir.path(), &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("pass    cab-short (block)"), "{out}");
    assert!(out.ends_with("ok: 1 case: 1 passed, 0 failed, 0 invalid\n"), "{out}");
}

#[test]
fn a_verdict_other_than_expected_fails_and_says_how() {
    let case = inline_case("[]", "  verdict: allow\n  rules: {owners: pass}\n");
    let dir = setup(&[("wrong.yaml", &case)]);
    let (code, out) = run(dir.path(), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAIL    wrong (block)"), "{out}");
    assert!(out.contains("verdict: expected allow, got block"), "{out}");
    assert!(out.contains("rule `owners`: expected pass, got fail"), "{out}");
    assert!(out.contains("in cases/wrong.yaml"), "{out}");

    let (code, json) = {
        let output = cairn(dir.path(), &["policy", "test", "cases", "--repo", "org", "--format", "json"]);
        (output.status.code(), serde_json::from_str::<serde_json::Value>(&stdout(&output)).unwrap())
    };
    assert_eq!(code, Some(1));
    assert_eq!(json["summary"], serde_json::json!({"cases": 1, "passed": 0, "failed": 1, "invalid": 0}));
    assert_eq!(json["cases"][0]["status"], "fail");
    assert_eq!(json["cases"][0]["verdict"]["verdict"], "block");
}

#[test]
fn a_malformed_case_is_invalid_with_positions() {
    let dir = setup(&[
        ("typo.yaml", "now: 2026-04-30T12:00:00Z\nexpect: {verdict: allow}\nreveiws: []\n"),
        ("bad-time.yaml", "now: yesterday\nexpect: {verdict: allow}\n"),
        ("both.yaml", "now: 2026-04-30T12:00:00Z\nhead: after\npatch: x.patch\nexpect: {verdict: allow}\n"),
    ]);
    let (code, out) = run(dir.path(), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("error[unknown-field]"), "{out}");
    assert!(out.contains("--> cases/typo.yaml:3:1"), "{out}");
    assert!(out.contains("--> cases/bad-time.yaml:1:6"), "{out}");
    assert!(out.contains("`yesterday` is not an RFC 3339 time"), "{out}");
    assert!(out.contains("--> cases/both.yaml:2:7"), "{out}");
    assert!(out.ends_with("error: 3 cases: 0 passed, 0 failed, 3 invalid\n"), "{out}");
}

#[test]
fn patches_apply_exactly_or_the_case_is_invalid() {
    let patch = "diff --git a/app.yaml b/app.yaml\n--- a/app.yaml\n+++ b/app.yaml\n@@ -1,4 +1,4 @@\n apiVersion: cairn/v1\n kind: ConfigurationItem\n metadata: {name: site-app}\n-spec: {class: k8s/deployment, owner: web, attributes: {image: site:1}}\n+spec: {class: k8s/deployment, owner: web, attributes: {image: site:2}}\n";
    let case = "patch: change.patch\nauthor: wes\nnow: 2026-04-30T12:00:00Z\nexpect:\n  verdict: block\n  rules: {coverage: fail}\n";
    let dir = setup(&[("uncovered/case.yaml", case), ("uncovered/change.patch", patch)]);
    let (code, out) = run(dir.path(), &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("pass    uncovered (block)"), "{out}");

    let stale = patch.replace(
        "-spec: {class: k8s/deployment, owner: web, attributes: {image: site:1}}",
        "-spec: {class: k8s/deployment, owner: web, attributes: {image: site:0}}",
    );
    let dir = setup(&[("stale/case.yaml", case), ("stale/change.patch", &stale)]);
    let (code, out) = run(dir.path(), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("the patch does not apply"), "{out}");
    assert!(out.contains("line 4"), "{out}");
    assert!(out.contains("--> cases/stale/case.yaml:1:8"), "{out}");
}

#[test]
fn a_whole_head_tree_and_a_base_of_its_own() {
    let dir = setup(&[]);
    // The case brings both trees: the repository (--repo) is not read.
    let mut files: Vec<(String, String)> = Vec::new();
    for (path, text) in ORG {
        files.push((format!("cases/own/before/{path}"), text.to_string()));
        let text = if *path == "app.yaml" { text.replace("site:1", "site:2") } else { text.to_string() };
        files.push((format!("cases/own/after/{path}"), text));
    }
    files.push(("cases/own/after/chg.yaml".into(), CHANGE.into()));
    files.push((
        "cases/own/case.yaml".into(),
        "base: before\nhead: after\nreviews: reviews.json\nauthor: wes\nnow: 2026-04-30T12:00:00Z\nexpect:\n  verdict: allow\n  rules: {owners: pass, cab: pass}\n".into(),
    ));
    files.push((
        "cases/own/reviews.json".into(),
        r#"[{"id": 1, "user": {"login": "wyn"}, "state": "APPROVED", "commit_id": "head"},
            {"id": 2, "user": {"login": "cy"}, "state": "APPROVED", "commit_id": "head"},
            {"id": 3, "user": {"login": "cat"}, "state": "APPROVED", "commit_id": "head"}]"#
            .into(),
    ));
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    write(dir.path(), &refs);
    let output = cairn(dir.path(), &["policy", "test", "cases", "--repo", "nowhere", "--color", "never"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

#[test]
fn the_base_can_be_a_git_revision() {
    let dir = setup(&[]);
    let org = dir.path().join("org");
    git(&org, &["init", "-q", "-b", "main"]);
    commit(&org, "the org");
    // The work tree then loses the CAB: read at HEAD, the CAB is still there.
    let teams = std::fs::read_to_string(org.join("teams.yaml")).unwrap();
    std::fs::write(
        org.join("teams.yaml"),
        teams.split("---\napiVersion: cairn/v1\nkind: Team\nmetadata: {name: cab}").next().unwrap(),
    )
    .unwrap();
    let approvals = r#"[{id: 1, user: {login: wyn}, state: APPROVED, commit_id: head}, {id: 2, user: {login: cy}, state: APPROVED, commit_id: head}, {id: 3, user: {login: cat}, state: APPROVED, commit_id: head}]"#;
    write(dir.path(), &[("cases/ok.yaml", &inline_case(approvals, "  verdict: allow\n"))]);
    let (code, out) = run(dir.path(), &["--rev", "HEAD"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = run(dir.path(), &[]);
    assert_eq!(code, 1, "without the CAB in the work tree nobody can approve: {out}");
}

#[test]
fn policy_check_shows_the_policys_findings_only() {
    let dir = setup(&[]);
    // A broken service elsewhere is validate's business, not the policy's.
    write(
        dir.path(),
        &[
            ("org/broken.yaml", "apiVersion: cairn/v1\nkind: Service\nmetadata: {name: broken}\nspec: {owner: nobody, tier: 9}\n"),
            ("org/policy.yaml", &ORG[0].1.replace("count: 2", "count: 4").replace("{then: low}]", "{then: low}, {then: high}]")),
        ],
    );
    let output = cairn(dir.path(), &["policy", "check", "org", "--color", "never", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(codes(&report), ["policy-unreachable-rule", "policy-approval-unsatisfiable"], "{report:#}");
    assert_eq!(cairn(dir.path(), &["validate", "org"]).status.code(), Some(1));
}

#[test]
fn a_head_tree_that_does_not_validate_makes_the_case_invalid() {
    let case = "files:\n  site.yaml: |\n    apiVersion: cairn/v1\n    kind: Service\n    metadata: {name: site}\n    spec: {owner: web, tier: 9, components: [site-app]}\nnow: 2026-04-30T12:00:00Z\nexpect: {verdict: block}\n";
    let dir = setup(&[("broken-head.yaml", case)]);
    let (code, out) = run(dir.path(), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("INVALID broken-head"), "{out}");
    // The finding points into the file the case wrote, with its text.
    assert!(out.contains("--> org/site.yaml:4:"), "{out}");
    assert!(out.contains("tier: 9"), "{out}");
    assert!(out.contains("in the case's head tree"), "{out}");
}
