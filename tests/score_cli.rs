//! `cairn score` and the gate's `scorecards` rule end to end: real files, real git, the real
//! binary.

mod common;

use common::*;
use serde_json::{json, Value};

const POLICY: &str = "apiVersion: cairn/v1\nkind: Policy\nmetadata: {name: change-policy}\nspec:\n  owners: [team:ops]\n  coverage: optional\n  windows: ignore\n  risk: [{then: low}]\n  approvals:\n    - {name: ops-review, require: {team: team:ops}}\n";

const SCORECARD: &str = "apiVersion: cairn/v1
kind: Scorecard
metadata: {name: readiness, title: Readiness}
spec:
  appliesTo: {kinds: [Service], lifecycle: [live]}
  levels:
    - name: bronze
      checks:
        - {name: owned, owner: {members: {atLeast: 2}}}
        - {name: described, field: {path: metadata.description}}
    - name: silver
      checks:
        - {name: runbook, link: {type: runbook}}
        - {name: has-sla, related: {kind: sla}}
    - name: gold
      checks:
        - {name: on-call, contact: {type: pager}}
        - {name: critical, field: {path: spec.tier, atMost: 2}}
";

/// An organisation cairn has never seen, whose levels are worked out by hand:
/// - `ledger`: everything: gold.
/// - `shipping`: runbook and SLA, but tier 3: silver (lacks `critical`).
/// - `search`: described and owned, no runbook, no SLA: bronze (lacks `runbook`, `has-sla`).
/// - `wiki`: owner `docs` has one member: none (lacks `owned`).
/// - `legacy`: retired: not graded.
fn org() -> Vec<(&'static str, String)> {
    let service = |name: &str, owner: &str, tier: u8, extra_meta: &str, extra_spec: &str| {
        format!(
            "apiVersion: cairn/v1\nkind: Service\nmetadata:\n  name: {name}\n  description: The {name} service.\n{extra_meta}spec:\n  owner: {owner}\n  tier: {tier}\n{extra_spec}"
        )
    };
    let runbook = "  links: [{url: https://runbooks.example/x, type: runbook}]\n";
    let sla = |name: &str, service: &str| {
        format!("apiVersion: cairn/v1\nkind: SLA\nmetadata: {{name: {name}}}\nspec:\n  service: {service}\n  objectives: [{{metric: availability, target: 99.9, unit: percent}}]\n")
    };
    vec![
        ("policy.yaml", POLICY.to_owned()),
        ("scorecards/readiness.yaml", SCORECARD.to_owned()),
        (
            "teams.yaml",
            "apiVersion: cairn/v1\nkind: Team\nmetadata: {name: ops}\nspec:\n  members: [{login: alice}, {login: amir}]\n  contacts: [{type: pager, value: pd:ops}]\n---\napiVersion: cairn/v1\nkind: Team\nmetadata: {name: docs}\nspec:\n  members: [{login: dora}]\n".to_owned(),
        ),
        ("services/ledger.yaml", service("ledger", "ops", 1, runbook, "")),
        ("slas/ledger.yaml", sla("ledger-sla", "ledger")),
        ("services/shipping.yaml", service("shipping", "ops", 3, runbook, "")),
        ("slas/shipping.yaml", sla("shipping-sla", "shipping")),
        ("services/search.yaml", service("search", "ops", 2, "", "")),
        ("services/wiki.yaml", service("wiki", "docs", 4, runbook, "")),
        ("services/legacy.yaml", service("legacy", "docs", 4, "", "  lifecycle: retired\n")),
    ]
}

fn write_org(dir: &std::path::Path) {
    let files = org();
    let borrowed: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    write(dir, &borrowed);
}

/// ref → (level, ["level/check"]).
fn levels(report: &Value) -> Vec<(String, Value, Vec<String>)> {
    report["scorecards"][0]["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .map(|e| {
            let failing = e["failing"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| format!("{}/{}", f["level"].as_str().unwrap(), f["check"].as_str().unwrap()))
                .collect();
            (e["ref"].as_str().unwrap().to_owned(), e["level"].clone(), failing)
        })
        .collect()
}

#[test]
fn each_service_gets_the_level_it_earns_and_what_it_lacks() {
    let dir = tempfile::tempdir().unwrap();
    write_org(dir.path());
    // The organisation itself is clean.
    let (code, report) = json(dir.path(), &["validate"]);
    assert_eq!((code, codes(&report)), (0, Vec::<String>::new()), "{report:#}");
    let (code, report) = json(dir.path(), &["score"]);
    assert_eq!(code, 0);
    assert_eq!(
        levels(&report),
        vec![
            ("service:ledger".to_owned(), json!("gold"), vec![]),
            (
                "service:search".to_owned(),
                json!("bronze"),
                vec!["silver/runbook".to_owned(), "silver/has-sla".to_owned()]
            ),
            ("service:shipping".to_owned(), json!("silver"), vec!["gold/critical".to_owned()]),
            ("service:wiki".to_owned(), Value::Null, vec!["bronze/owned".to_owned()]),
        ]
    );
    let card = &report["scorecards"][0];
    assert_eq!(card["levels"], json!(["bronze", "silver", "gold"]));
    assert_eq!(card["summary"], json!({"bronze": 1, "silver": 1, "gold": 1, "none": 1}));
    assert_eq!(
        card["teams"],
        json!([
            {"team": "team:docs", "summary": {"bronze": 0, "silver": 0, "gold": 0, "none": 1}},
            {"team": "team:ops", "summary": {"bronze": 1, "silver": 1, "gold": 1, "none": 0}},
        ])
    );
    let wiki = &card["entities"][3];
    assert_eq!(wiki["failing"][0]["reason"], "the owner team:docs has 1 member, 2 needed");
}

#[test]
fn human_and_markdown_outputs() {
    let dir = tempfile::tempdir().unwrap();
    write_org(dir.path());
    let human = cairn(dir.path(), &["score"]);
    assert_eq!(human.status.code(), Some(0));
    insta::assert_snapshot!("score-human", stdout(&human));
    let markdown = cairn(dir.path(), &["score", "--format", "markdown"]);
    assert_eq!(markdown.status.code(), Some(0));
    insta::assert_snapshot!("score-markdown", stdout(&markdown));
    // Byte-identical on a second run.
    assert_eq!(stdout(&cairn(dir.path(), &["score"])), stdout(&human));
}

#[test]
fn removing_what_a_level_needs_lowers_it_and_restoring_it_raises_it() {
    let dir = tempfile::tempdir().unwrap();
    write_org(dir.path());
    // The ledger's SLA goes: ledger drops to bronze, lacking has-sla.
    std::fs::remove_file(dir.path().join("slas/ledger.yaml")).unwrap();
    let (_, report) = json(dir.path(), &["score"]);
    assert_eq!(
        levels(&report)[0],
        ("service:ledger".to_owned(), json!("bronze"), vec!["silver/has-sla".to_owned()])
    );
    // The ops pager goes too: shipping stays silver but now also lacks on-call.
    write(dir.path(), &[("slas/ledger.yaml", &org()[4].1)]);
    let teams = org()[2].1.replace("  contacts: [{type: pager, value: pd:ops}]\n", "");
    write(dir.path(), &[("teams.yaml", &teams)]);
    let (_, report) = json(dir.path(), &["score"]);
    let got = levels(&report);
    assert_eq!(got[0], ("service:ledger".to_owned(), json!("silver"), vec!["gold/on-call".to_owned()]));
    assert_eq!(
        got[2],
        (
            "service:shipping".to_owned(),
            json!("silver"),
            vec!["gold/on-call".to_owned(), "gold/critical".to_owned()]
        )
    );
}

#[test]
fn score_reads_a_revision_and_picks_one_scorecard() {
    let dir = repo();
    write_org(dir.path());
    commit(dir.path(), "org");
    std::fs::remove_file(dir.path().join("slas/ledger.yaml")).unwrap();
    let (_, now) = json(dir.path(), &["score"]);
    let (_, then) = json(dir.path(), &["score", "--rev", "HEAD", "--scorecard", "readiness"]);
    assert_eq!(levels(&now)[0].1, json!("bronze"));
    assert_eq!(levels(&then)[0].1, json!("gold"));
    let unknown = cairn(dir.path(), &["score", "--scorecard", "readines"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr)
        .contains("no scorecard named `readines`; there are: readiness"));
    let bad_rev = cairn(dir.path(), &["score", "--rev", "no-such-rev"]);
    assert_eq!(bad_rev.status.code(), Some(2));
    let sarif = cairn(dir.path(), &["score", "--format", "sarif"]);
    assert_eq!(sarif.status.code(), Some(2));
}

#[test]
fn a_malformed_check_is_located_and_fails_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    write_org(dir.path());
    let broken =
        SCORECARD.replace("{path: metadata.description}", "{path: metadata.description, matches: \"(\"}");
    write(dir.path(), &[("scorecards/readiness.yaml", &broken)]);
    let (code, report) = json(dir.path(), &["validate"]);
    assert_eq!((code, codes(&report)), (1, vec!["scorecard-invalid-pattern".to_owned()]));
    let d = &report["diagnostics"][0];
    assert_eq!(
        (d["file"].as_str(), d["line"].as_u64(), d["column"].as_u64()),
        (Some("scorecards/readiness.yaml"), Some(10), Some(74))
    );
    let (code, report) = json(dir.path(), &["score"]);
    assert_eq!(code, 0);
    // Nothing can earn bronze any more, and each says why.
    let wiki_or_ledger = &report["scorecards"][0]["entities"][0];
    assert_eq!(wiki_or_ledger["level"], Value::Null);
    assert_eq!(wiki_or_ledger["failing"][0]["reason"], "the pattern `(` is not a valid regular expression");
}

// The gate's scorecards rule.

fn gate_repo(mode: Option<&str>, change: impl Fn(&std::path::Path)) -> (tempfile::TempDir, String) {
    let dir = repo();
    write_org(dir.path());
    if let Some(mode) = mode {
        write(dir.path(), &[("policy.yaml", &format!("{POLICY}  scorecards: {{regression: {mode}}}\n"))]);
    }
    commit(dir.path(), "base");
    change(dir.path());
    let head = commit(dir.path(), "head");
    (dir, head)
}

fn gate(dir: &std::path::Path, head: &str) -> (i32, Value) {
    gate_with(dir, head, &["alice"], &[])
}

/// The gate from `HEAD~1` to `HEAD` with an approval of the head by each of `approvers`.
fn gate_with(dir: &std::path::Path, head: &str, approvers: &[&str], extra: &[&str]) -> (i32, Value) {
    let reviews: Vec<Value> = approvers
        .iter()
        .enumerate()
        .map(|(i, login)| {
            json!({"id": i + 1, "user": {"login": login}, "state": "APPROVED", "commit_id": head,
                   "submitted_at": "2026-12-01T10:00:00Z"})
        })
        .collect();
    let path = dir.join("reviews.json");
    std::fs::write(&path, Value::Array(reviews).to_string()).unwrap();
    let path = path.to_string_lossy().into_owned();
    let mut args = vec![
        "gate",
        "--base",
        "HEAD~1",
        "--head",
        "HEAD",
        "--now",
        "2026-12-01T12:00:00Z",
        "--reviews",
        &path,
        "--author",
        "bob",
    ];
    args.extend_from_slice(extra);
    json(dir, &args)
}

fn rule(verdict: &Value, name: &str) -> Value {
    verdict["rules"].as_array().unwrap().iter().find(|r| r["name"] == name).cloned().unwrap_or(Value::Null)
}

fn scorecard_rule(verdict: &Value) -> Value {
    verdict["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "scorecards")
        .cloned()
        .unwrap_or(Value::Null)
}

fn drop_ledger_sla(dir: &std::path::Path) {
    std::fs::remove_file(dir.join("slas/ledger.yaml")).unwrap();
}

const LOWERED: &str = "1 entity's level is lowered: service:ledger from gold to bronze under readiness (silver/has-sla: no SLA refers to service:ledger)";

#[test]
fn gate_blocks_a_lowered_level_in_block_mode() {
    let (dir, head) = gate_repo(Some("block"), drop_ledger_sla);
    let (code, verdict) = gate(dir.path(), &head);
    assert_eq!((code, verdict["verdict"].as_str()), (1, Some("block")), "{verdict:#}");
    let rule = scorecard_rule(&verdict);
    assert_eq!(rule["status"], "fail");
    assert_eq!(rule["reason"], LOWERED);
    assert_eq!(rule["missing"], "what the failing checks ask of service:ledger");
    // Every other rule passes: the block is the scorecard's.
    let failing: Vec<&Value> =
        verdict["rules"].as_array().unwrap().iter().filter(|r| r["status"] == "fail").collect();
    assert_eq!(failing.len(), 1, "{verdict:#}");
}

#[test]
fn gate_warns_by_default_and_in_warn_mode() {
    for mode in [None, Some("warn")] {
        let (dir, head) = gate_repo(mode, drop_ledger_sla);
        let (code, verdict) = gate(dir.path(), &head);
        assert_eq!((code, verdict["verdict"].as_str()), (0, Some("allow")), "{mode:?}: {verdict:#}");
        let rule = scorecard_rule(&verdict);
        assert_eq!(rule["status"], "pass", "{mode:?}");
        assert_eq!(rule["reason"], format!("warning (`scorecards.regression: warn`): {LOWERED}"), "{mode:?}");
    }
}

#[test]
fn gate_skips_in_off_mode() {
    let (dir, head) = gate_repo(Some("off"), drop_ledger_sla);
    let (code, verdict) = gate(dir.path(), &head);
    assert_eq!(code, 0, "{verdict:#}");
    assert_eq!(scorecard_rule(&verdict)["status"], "skipped");
}

#[test]
fn gate_passes_when_no_level_drops_and_holds_to_the_base_scorecard() {
    // Raising a level is fine.
    let (dir, head) = gate_repo(Some("block"), |dir| {
        write(
            dir,
            &[(
                "services/search.yaml",
                &org()[7]
                    .1
                    .replace("  description:", "  links: [{url: https://r, type: runbook}]\n  description:"),
            )],
        );
        write(dir, &[("slas/search.yaml", &org()[4].1.replace("ledger", "search"))]);
    });
    let (code, verdict) = gate(dir.path(), &head);
    assert_eq!(code, 0, "{verdict:#}");
    assert_eq!(scorecard_rule(&verdict)["reason"], "no entity's level is lowered under 1 scorecard");
    // Deleting the scorecard in the same pull request does not dodge it.
    let (dir, head) = gate_repo(Some("block"), |dir| {
        drop_ledger_sla(dir);
        std::fs::remove_file(dir.join("scorecards/readiness.yaml")).unwrap();
    });
    let (code, verdict) = gate(dir.path(), &head);
    assert_eq!(code, 1, "{verdict:#}");
    assert_eq!(scorecard_rule(&verdict)["status"], "fail");
    // Retiring a service takes it out of scope: not a regression.
    let (dir, head) = gate_repo(Some("block"), |dir| {
        write(dir, &[("services/ledger.yaml", &format!("{}  lifecycle: retired\n", org()[3].1))]);
    });
    let (code, verdict) = gate(dir.path(), &head);
    assert_eq!(code, 0, "{verdict:#}");
    // No scorecard at the base: no rule.
    let dir = repo();
    write(dir.path(), &[("policy.yaml", POLICY)]);
    write(dir.path(), &[("teams.yaml", &org()[2].1)]);
    commit(dir.path(), "base");
    write(dir.path(), &[("scorecards/readiness.yaml", SCORECARD)]);
    let head = commit(dir.path(), "head");
    let (_, verdict) = gate(dir.path(), &head);
    assert_eq!(scorecard_rule(&verdict), Value::Null, "{verdict:#}");
}

// Scorecards decide a gate rule: changing one is changing the policy.

/// The organisation with `team:governance` (gina) as the policy owners; `ops-review` still
/// needs `team:ops` (alice), so the two approvals can be told apart.
fn governed_repo(change: impl Fn(&std::path::Path)) -> (tempfile::TempDir, String) {
    let dir = repo();
    write_org(dir.path());
    write(
        dir.path(),
        &[
            ("policy.yaml", &POLICY.replace("owners: [team:ops]", "owners: [team:governance]")),
            (
                "governance.yaml",
                "apiVersion: cairn/v1\nkind: Team\nmetadata: {name: governance}\nspec:\n  members: [{login: gina}]\n",
            ),
        ],
    );
    commit(dir.path(), "base");
    change(dir.path());
    let head = commit(dir.path(), "head");
    (dir, head)
}

#[test]
fn adding_editing_or_deleting_a_scorecard_needs_the_policy_owners() {
    type Change = fn(&std::path::Path);
    let changes: [(&str, &str, Change); 3] = [
        ("adds", "scorecard:docs", |dir| {
            write(
                dir,
                &[(
                    "scorecards/docs.yaml",
                    "apiVersion: cairn/v1\nkind: Scorecard\nmetadata: {name: docs}\nspec:\n  appliesTo: {kinds: [Service]}\n  levels:\n    - name: bronze\n      checks: [{name: described, field: {path: metadata.description}}]\n",
                )],
            )
        }),
        ("edits", "scorecard:readiness", |dir| {
            // Relaxing a check: one member is enough.
            let path = dir.join("scorecards/readiness.yaml");
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(text.contains("atLeast: 2"));
            std::fs::write(&path, text.replace("atLeast: 2", "atLeast: 1")).unwrap();
        }),
        ("deletes", "scorecard:readiness", |dir| {
            std::fs::remove_file(dir.join("scorecards/readiness.yaml")).unwrap();
        }),
    ];
    for (what, card, change) in changes {
        let (dir, head) = governed_repo(change);
        // Approved by ops alone: every other rule passes, the policy owners are missing.
        let (code, verdict) = gate_with(dir.path(), &head, &["alice"], &[]);
        assert_eq!((code, verdict["verdict"].as_str()), (1, Some("block")), "{what}: {verdict:#}");
        let owners = rule(&verdict, "policy-owners");
        assert_eq!(owners["status"], "fail", "{what}: {verdict:#}");
        assert!(
            owners["reason"].as_str().unwrap().starts_with(&format!("the diff changes {card}; ")),
            "{what}: {owners:#}"
        );
        assert_eq!(owners["eligible"], json!(["gina"]), "{what}");
        let failing: Vec<&Value> =
            verdict["rules"].as_array().unwrap().iter().filter(|r| r["status"] == "fail").collect();
        assert_eq!(failing.len(), 1, "{what}: only the policy owners are missing: {verdict:#}");
        // With a policy owner's approval too, it merges.
        let (code, verdict) = gate_with(dir.path(), &head, &["alice", "gina"], &[]);
        assert_eq!((code, verdict["verdict"].as_str()), (0, Some("allow")), "{what}: {verdict:#}");
        assert_eq!(rule(&verdict, "policy-owners")["status"], "pass", "{what}");
    }
    // A pull request that touches no scorecard (nor policy, team or window) needs no owner.
    let (dir, head) = governed_repo(|dir| {
        let path = dir.join("services/search.yaml");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace("The search service.", "Finds things.")).unwrap();
    });
    let (code, verdict) = gate_with(dir.path(), &head, &["alice"], &[]);
    assert_eq!(code, 0, "{verdict:#}");
    assert_eq!(rule(&verdict, "policy-owners")["status"], "skipped", "{verdict:#}");
}

#[test]
fn with_a_policy_revision_the_scorecards_come_from_it() {
    // The branch point has no scorecard; the target branch gains one (with the policy owners'
    // approval) while the pull request lowers a level it grades.
    let dir = repo();
    write_org(dir.path());
    write(dir.path(), &[("policy.yaml", &format!("{POLICY}  scorecards: {{regression: block}}\n"))]);
    std::fs::remove_file(dir.path().join("scorecards/readiness.yaml")).unwrap();
    commit(dir.path(), "base");
    git(dir.path(), &["checkout", "-q", "-b", "feature"]);
    drop_ledger_sla(dir.path());
    let head = commit(dir.path(), "drop the ledger's SLA");
    git(dir.path(), &["checkout", "-q", "main"]);
    write(dir.path(), &[("scorecards/readiness.yaml", SCORECARD)]);
    commit(dir.path(), "readiness scorecard");
    git(dir.path(), &["checkout", "-q", "feature"]);
    // From the branch point alone there is no scorecard, so no rule.
    let (code, verdict) = gate_with(dir.path(), &head, &["alice"], &[]);
    assert_eq!((code, rule(&verdict, "scorecards")), (0, Value::Null), "{verdict:#}");
    // Under the target branch's governance, the scorecard holds the pull request.
    let (code, verdict) = gate_with(dir.path(), &head, &["alice"], &["--policy-rev", "main"]);
    assert_eq!(code, 1, "{verdict:#}");
    assert_eq!(rule(&verdict, "scorecards")["reason"], LOWERED, "{verdict:#}");
    // The pull request itself changes no scorecard: no owner needed.
    assert_eq!(rule(&verdict, "policy-owners")["status"], "skipped", "{verdict:#}");
}
