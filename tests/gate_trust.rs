//! `cairn gate` against hostile pull requests and contradicting inputs: each test is a way a
//! pull request once got an `allow` it should not have (issue 11, issue 12's merge base), with
//! real repositories, the real binary and GitHub's formats.

mod common;

use common::*;
use serde_json::{json, Value};

const POLICY: &str = "apiVersion: cairn/v1\nkind: Policy\nmetadata: {name: change-policy}\nspec:\n  owners: [team:governance]\n  coverage: required\n  risk:\n    - {if: {impactedTier: 1}, then: high}\n    - {then: low}\n  approvals:\n    - name: owners\n      require: {ownersOf: impacted, count: 1}\n    - name: cab\n      if: {risk: [high, very-high]}\n      require: {team: team:cab, count: 1}\n  windows: enforce\n";

const TEAMS: &str = "apiVersion: cairn/v1\nkind: Team\nmetadata: {name: governance}\nspec: {members: [{login: gina}]}\n---\napiVersion: cairn/v1\nkind: Team\nmetadata: {name: shop}\nspec: {members: [{login: sam}, {login: sue}]}\n---\napiVersion: cairn/v1\nkind: Team\nmetadata: {name: cab}\nspec: {members: [{login: cara}]}\n";

const SERVICES: &str = "apiVersion: cairn/v1\nkind: Service\nmetadata: {name: shop}\nspec: {owner: shop, tier: 3, components: [web], maintenanceWindows: [sunday-night]}\n---\napiVersion: cairn/v1\nkind: Service\nmetadata: {name: stock}\nspec: {owner: shop, tier: 3, components: [db]}\n";

const CMDB: &str = "apiVersion: cairn/v1\nkind: ConfigurationItem\nmetadata: {name: web}\nspec: {class: k8s/deployment, owner: shop, attributes: {replicas: 2}}\n---\napiVersion: cairn/v1\nkind: ConfigurationItem\nmetadata: {name: db}\nspec: {class: database/postgres, owner: shop, attributes: {version: '16'}}\n";

const WINDOWS: &str = "apiVersion: cairn/v1\nkind: Window\nmetadata: {name: sunday-night}\nspec: {type: maintenance, cron: '0 2 * * SUN', duration: 4h, timezone: UTC}\n";

const CONFIG: &str = "policy: policy.yaml\n";

/// Sunday 2026-11-08, 02:00–03:00 UTC: inside `sunday-night`.
const SUNDAY: &str = "{start: 2026-11-08T02:00:00Z, end: 2026-11-08T03:00:00Z}";
/// The merge time of every run, a Monday.
const MONDAY: &str = "2026-11-02T12:00:00Z";

/// A shop at the base, committed on `main`.
fn shop() -> tempfile::TempDir {
    let dir = repo();
    write(
        dir.path(),
        &[
            ("cairn.yaml", CONFIG),
            ("policy.yaml", POLICY),
            ("teams.yaml", TEAMS),
            ("services.yaml", SERVICES),
            ("cmdb.yaml", CMDB),
            ("windows.yaml", WINDOWS),
        ],
    );
    commit(dir.path(), "the shop");
    dir
}

fn change(name: &str, targets: &str, extra: &str) -> (String, String) {
    (
        format!("changes/{name}.yaml"),
        format!(
            "apiVersion: cairn/v1\nkind: ChangeRequest\nmetadata: {{name: {name}}}\nspec:\n  type: normal\n  requestedBy: sue\n  targets: [{targets}]\n{extra}"
        ),
    )
}

fn edit(dir: &std::path::Path, path: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(dir.join(path)).unwrap();
    assert!(text.contains(from), "{path} has no `{from}`");
    std::fs::write(dir.join(path), text.replacen(from, to, 1)).unwrap();
}

/// The web scaled under a change request with `extra` fields, committed; the head commit.
fn scale_web(dir: &std::path::Path, extra: &str) -> String {
    edit(dir, "cmdb.yaml", "replicas: 2", "replicas: 4");
    let (path, text) = change("chg-1", "ci:web", extra);
    write(dir, &[(&path, &text)]);
    commit(dir, "scale the web")
}

fn reviews_file(dir: &std::path::Path, name: &str, items: &Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, items.to_string()).unwrap();
    path.to_string_lossy().into_owned()
}

fn approval(id: u64, login: &str, commit: &str) -> Value {
    json!({"id": id, "user": {"login": login}, "state": "APPROVED", "commit_id": commit,
           "submitted_at": "2026-11-02T10:00:00Z"})
}

fn gate(dir: &std::path::Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["gate", "--now", MONDAY];
    args.extend_from_slice(extra);
    json(dir, &args)
}

fn status<'a>(verdict: &'a Value, name: &str) -> &'a str {
    rule(verdict, name)["status"].as_str().unwrap()
}

#[test]
fn the_shop_gates_a_proper_change() {
    // The baseline every attack below departs from: it is allowed.
    let dir = shop();
    let head = scale_web(dir.path(), &format!("  window: {SUNDAY}\n"));
    let file = reviews_file(dir.path(), "r.json", &json!([approval(1, "sam", &head)]));
    let (code, verdict) =
        gate(dir.path(), &["--base", "HEAD~1", "--head", "HEAD", "--author", "sue", "--reviews", &file]);
    assert_eq!(code, 0, "{verdict:#}");
    assert_eq!(status(&verdict, "valid"), "pass");
    assert_eq!(status(&verdict, "change-windows"), "pass");
}

#[test]
fn a_change_added_already_closed_does_not_skip_its_window() {
    let dir = shop();
    let head = scale_web(dir.path(), "  state: closed\n  closure: {code: successful}\n");
    let file = reviews_file(dir.path(), "r.json", &json!([approval(1, "sam", &head)]));
    let (code, verdict) =
        gate(dir.path(), &["--base", "HEAD~1", "--head", "HEAD", "--author", "sue", "--reviews", &file]);
    assert_eq!((code, status(&verdict, "change-windows")), (1, "fail"), "{verdict:#}");
    assert!(rule(&verdict, "change-windows")["reason"]
        .as_str()
        .unwrap()
        .contains("change:chg-1 has no window"));
}

#[test]
fn no_state_a_new_change_claims_lets_it_skip_its_window() {
    // Variants of the closed change above: every state, with or without a closure.
    for state in ["new", "assess", "authorize", "scheduled", "implement", "review", "cancelled"] {
        let dir = shop();
        let head = scale_web(dir.path(), &format!("  state: {state}\n"));
        let file = reviews_file(dir.path(), "r.json", &json!([approval(1, "sam", &head)]));
        let (code, verdict) =
            gate(dir.path(), &["--base", "HEAD~1", "--head", "HEAD", "--author", "sue", "--reviews", &file]);
        assert_eq!(code, 1, "{state}: {verdict:#}");
        // A cancelled request covers nothing; any other is held to its window.
        let rule = if state == "cancelled" { "coverage" } else { "change-windows" };
        assert_eq!(status(&verdict, rule), "fail", "{state}: {verdict:#}");
    }
}

#[test]
fn a_closed_change_stays_closed() {
    let dir = shop();
    let (path, text) = change(
        "chg-0",
        "ci:web",
        &format!("  window: {SUNDAY}\n  state: closed\n  closure: {{code: successful}}\n"),
    );
    write(dir.path(), &[(&path, &text)]);
    commit(dir.path(), "a closed change");
    // Reopened, or its targets rewritten to cover a new change: both modify a closed request.
    for (from, to) in
        [("state: closed", "state: implement"), ("targets: [ci:web]", "targets: [ci:web, ci:db]")]
    {
        let before = git(dir.path(), &["rev-parse", "HEAD"]);
        edit(dir.path(), &path, from, to);
        edit(dir.path(), "cmdb.yaml", "version: '16'", "version: '17'");
        let head = commit(dir.path(), "reuse it");
        let file = reviews_file(dir.path(), "r.json", &json!([approval(1, "sam", &head)]));
        let (code, verdict) =
            gate(dir.path(), &["--base", &before, "--head", "HEAD", "--author", "sue", "--reviews", &file]);
        assert_eq!((code, status(&verdict, "lifecycle")), (1, "fail"), "{from}: {verdict:#}");
        git(dir.path(), &["reset", "-q", "--hard", &before]);
    }
    // Renamed (removed under its name, added under another): the removal is refused.
    let before = git(dir.path(), &["rev-parse", "HEAD"]);
    std::fs::remove_file(dir.path().join(&path)).unwrap();
    let (path2, text2) = change(
        "chg-9",
        "ci:web",
        &format!("  window: {SUNDAY}\n  state: closed\n  closure: {{code: successful}}\n"),
    );
    write(dir.path(), &[(&path2, &text2)]);
    commit(dir.path(), "rename it");
    let (code, verdict) = gate(dir.path(), &["--base", &before, "--head", "HEAD", "--author", "sue"]);
    assert_eq!((code, status(&verdict, "lifecycle")), (1, "fail"), "{verdict:#}");
}

#[test]
fn a_pull_request_that_leaves_main_failing_validate_is_blocked() {
    // The policy moved to a file cairn.yaml does not name.
    let dir = shop();
    std::fs::create_dir_all(dir.path().join("governance")).unwrap();
    git(dir.path(), &["mv", "policy.yaml", "governance/policy.yaml"]);
    commit(dir.path(), "tidy up");
    let (code, verdict) = gate(dir.path(), &["--base", "HEAD~1", "--head", "HEAD", "--author", "sue"]);
    assert_eq!((code, status(&verdict, "valid")), (1, "fail"), "{verdict:#}");
    let reason = rule(&verdict, "valid")["reason"].as_str().unwrap();
    assert!(reason.contains("1 validation error"), "{reason}");
    assert!(reason.contains("governance/policy.yaml:2:7 policy-location"), "{reason}");

    // An SLA whose availability target is 905 %.
    let dir = shop();
    write(
        dir.path(),
        &[(
            "slas.yaml",
            "apiVersion: cairn/v1\nkind: SLA\nmetadata: {name: shop-sla}\nspec:\n  service: shop\n  objectives:\n    - {metric: availability, target: 905, unit: percent}\n",
        )],
    );
    commit(dir.path(), "an ambitious SLA");
    let (code, verdict) = gate(dir.path(), &["--base", "HEAD~1", "--head", "HEAD", "--author", "sue"]);
    assert_eq!((code, status(&verdict, "valid")), (1, "fail"), "{verdict:#}");
    let reason = rule(&verdict, "valid")["reason"].as_str().unwrap();
    assert!(reason.contains("slas.yaml:7:"), "{reason}");
    // And `cairn validate` on that head does fail: the rule matches what main would see.
    assert_eq!(cairn(dir.path(), &["validate", "--rev", "HEAD"]).status.code(), Some(1));
}

#[test]
fn errors_main_already_has_do_not_block_and_lines_may_move() {
    let dir = shop();
    write(
        dir.path(),
        &[(
            "slas.yaml",
            "apiVersion: cairn/v1\nkind: SLA\nmetadata: {name: shop-sla}\nspec:\n  service: shop\n  objectives:\n    - {metric: availability, target: 905, unit: percent}\n",
        )],
    );
    commit(dir.path(), "main is already broken");
    // Lines above the error move it down; the pull request itself is proper.
    edit(
        dir.path(),
        "slas.yaml",
        "metadata: {name: shop-sla}\n",
        "metadata:\n  name: shop-sla\n  title: Shop\n",
    );
    let head = scale_web(dir.path(), &format!("  window: {SUNDAY}\n"));
    let file = reviews_file(dir.path(), "r.json", &json!([approval(1, "sam", &head)]));
    let (code, verdict) =
        gate(dir.path(), &["--base", "HEAD~1", "--head", "HEAD", "--author", "sue", "--reviews", &file]);
    assert_eq!((code, status(&verdict, "valid")), (0, "pass"), "{verdict:#}");
}

#[test]
fn turning_an_error_off_in_cairn_yaml_does_not_hide_it_and_needs_the_policy_owners() {
    let dir = shop();
    write(
        dir.path(),
        &[
            ("cairn.yaml", "policy: policy.yaml\ndiagnostics: {sla-availability-range: off}\n"),
            (
                "slas.yaml",
                "apiVersion: cairn/v1\nkind: SLA\nmetadata: {name: shop-sla}\nspec:\n  service: shop\n  objectives:\n    - {metric: availability, target: 905, unit: percent}\n",
            ),
        ],
    );
    let head = commit(dir.path(), "quiet, please");
    let file = reviews_file(dir.path(), "r.json", &json!([approval(1, "sam", &head)]));
    let (code, verdict) =
        gate(dir.path(), &["--base", "HEAD~1", "--head", "HEAD", "--author", "sue", "--reviews", &file]);
    assert_eq!((code, status(&verdict, "valid")), (1, "fail"), "{verdict:#}");
    assert_eq!(status(&verdict, "policy-owners"), "fail", "{verdict:#}");
    assert!(rule(&verdict, "policy-owners")["reason"].as_str().unwrap().contains("cairn.yaml"));
}

/// Writes an event payload and returns its path.
fn event(dir: &std::path::Path, author: &str, base: &str, head: &str, review: Option<Value>) -> String {
    let mut payload = json!({
        "action": "submitted",
        "pull_request": {"user": {"login": author}, "base": {"sha": base, "ref": "main"}, "head": {"sha": head}},
    });
    if let Some(review) = review {
        payload["review"] = review;
    }
    let path = dir.join("event.json");
    std::fs::write(&path, payload.to_string()).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn contradicting_inputs_are_refused_not_chosen_between() {
    let dir = shop();
    let base = git(dir.path(), &["rev-parse", "HEAD"]);
    let head = scale_web(dir.path(), &format!("  window: {SUNDAY}\n"));
    let file = event(dir.path(), "sue", &base, &head, None);
    // --author names someone else than the event's author: sam's own approval would count.
    let output = cairn(dir.path(), &["gate", "--event", &file, "--author", "sam", "--now", MONDAY]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("contradicts the event's pull_request.user.login")
    );
    // The same login in another case is no contradiction.
    let (code, _) = gate(dir.path(), &["--event", &file, "--author", "SUE"]);
    assert_eq!(code, 1, "no approval yet");
    // --head names another commit than the event's head.
    let output = cairn(dir.path(), &["gate", "--event", &file, "--head", "HEAD~1", "--now", MONDAY]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("contradicting inputs"));
    // --base names neither the event's base nor the merge base.
    write(dir.path(), &[("notes.txt", "x")]);
    let later = commit(dir.path(), "later");
    let file = event(dir.path(), "sue", &base, &head, None);
    let output = cairn(dir.path(), &["gate", "--event", &file, "--base", &later, "--now", MONDAY]);
    assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn an_older_event_review_does_not_bring_back_a_dismissed_approval() {
    let dir = shop();
    let base = git(dir.path(), &["rev-parse", "HEAD"]);
    let head = scale_web(dir.path(), &format!("  window: {SUNDAY}\n"));
    // The event that started the run carries sam's approval; by the time the reviews were
    // listed, it had been dismissed.
    let file = event(dir.path(), "sue", &base, &head, Some(approval(7, "sam", &head)));
    let mut dismissed = approval(7, "sam", &head);
    dismissed["state"] = json!("DISMISSED");
    let listed = reviews_file(dir.path(), "r.json", &json!([dismissed]));
    let (code, verdict) = gate(dir.path(), &["--event", &file, "--reviews", &listed]);
    assert_eq!((code, status(&verdict, "owners")), (1, "fail"), "{verdict:#}");
    let ignored = verdict["ignoredReviews"].as_array().unwrap();
    assert!(
        ignored.iter().any(|r| r["why"].as_str().unwrap().starts_with("older record of review 7 (APPROVED)")),
        "{verdict:#}"
    );
    // Contradicting records of one review (another reviewer) are an error.
    let listed = reviews_file(dir.path(), "r.json", &json!([approval(7, "cara", &head)]));
    let output = cairn(dir.path(), &["gate", "--event", &file, "--reviews", &listed, "--now", MONDAY]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("two records of review 7 contradict each other"));
}

#[test]
fn duplicate_and_untimed_reviews_in_the_list() {
    let dir = shop();
    let head = scale_web(dir.path(), &format!("  window: {SUNDAY}\n"));
    // sam approved, then requested changes in a review the list gives no time.
    let changes = json!({"id": 9, "user": {"login": "sam"}, "state": "CHANGES_REQUESTED", "commit_id": head});
    let file = reviews_file(dir.path(), "r.json", &json!([approval(8, "sam", &head), changes]));
    let (code, verdict) =
        gate(dir.path(), &["--base", "HEAD~1", "--head", "HEAD", "--author", "sue", "--reviews", &file]);
    assert_eq!((code, status(&verdict, "owners")), (1, "fail"), "{verdict:#}");
    // The same approval listed twice (pages that overlap) is counted once and listed.
    let file =
        reviews_file(dir.path(), "r.json", &json!([approval(8, "sam", &head), approval(8, "sam", &head)]));
    let (code, verdict) =
        gate(dir.path(), &["--base", "HEAD~1", "--head", "HEAD", "--author", "sue", "--reviews", &file]);
    assert_eq!(code, 0, "{verdict:#}");
    assert_eq!(
        verdict["ignoredReviews"],
        json!([{"login": "sam", "id": 8, "why": "duplicate record of review 8: counted once"}])
    );
}

#[test]
fn an_event_after_main_moved_judges_the_pull_requests_own_diff() {
    let dir = shop();
    git(dir.path(), &["checkout", "-q", "-b", "feature"]);
    let head = scale_web(dir.path(), &format!("  window: {SUNDAY}\n"));
    git(dir.path(), &["checkout", "-q", "main"]);
    // Main moves on: the database is upgraded under its own change, merged before this one.
    edit(dir.path(), "cmdb.yaml", "version: '16'", "version: '17'");
    let (path, text) = change("chg-2", "ci:db", &format!("  window: {SUNDAY}\n"));
    write(dir.path(), &[(&path, &text)]);
    let tip = commit(dir.path(), "upgrade the database");
    let file = event(dir.path(), "sue", &tip, &head, Some(approval(1, "sam", &head)));
    let (code, verdict) = gate(dir.path(), &["--event", &file]);
    assert_eq!(code, 0, "only the web changed in this pull request: {verdict:#}");
    assert_eq!(status(&verdict, "coverage"), "pass");
    // Naming the merge base or the event's base explicitly agrees with the event.
    let merge_base = git(dir.path(), &["merge-base", "main", "feature"]);
    for base in [merge_base.as_str(), tip.as_str()] {
        let (code, verdict) = gate(dir.path(), &["--event", &file, "--base", base]);
        assert_eq!(code, 0, "{base}: {verdict:#}");
    }

    // The policy still comes from the target's tip: main now wants the CAB on everything.
    git(dir.path(), &["checkout", "-q", "main"]);
    edit(dir.path(), "policy.yaml", "      if: {risk: [high, very-high]}\n", "");
    let tip = commit(dir.path(), "the CAB approves everything");
    let file = event(dir.path(), "sue", &tip, &head, Some(approval(1, "sam", &head)));
    let (code, verdict) = gate(dir.path(), &["--event", &file]);
    assert_eq!((code, status(&verdict, "cab")), (1, "fail"), "{verdict:#}");
    assert_eq!(
        status(&verdict, "policy-owners"),
        "skipped",
        "main's policy change is not the PR's: {verdict:#}"
    );
}

#[test]
fn a_pull_request_cannot_raise_the_bounds_its_own_files_are_read_under() {
    // main keeps files small; the pull request lifts the bound and adds a file above main's.
    let dir = shop();
    write(dir.path(), &[("cairn.yaml", "policy: policy.yaml\nlimits: {maxFileSize: 4000}\n")]);
    commit(dir.path(), "small files only");
    let padding = "x".repeat(5000);
    write(
        dir.path(),
        &[
            ("cairn.yaml", "policy: policy.yaml\nlimits: {maxFileSize: 100000000}\n"),
            (
                "more.yaml",
                &format!(
                    "apiVersion: cairn/v1\nkind: Service\nmetadata: {{name: cart, description: {padding}}}\nspec: {{owner: shop, tier: 3}}\n"
                ),
            ),
        ],
    );
    let head = commit(dir.path(), "bigger files, please");
    let file = reviews_file(
        dir.path(),
        "r.json",
        &json!([approval(1, "sam", &head), approval(2, "gina", &head), approval(3, "cara", &head)]),
    );
    let (code, verdict) =
        gate(dir.path(), &["--base", "HEAD~1", "--head", "HEAD", "--author", "sue", "--reviews", &file]);
    assert_eq!((code, status(&verdict, "readable")), (1, "fail"), "{verdict:#}");
    let reason = rule(&verdict, "readable")["reason"].as_str().unwrap();
    assert!(reason.contains("more.yaml"), "{reason}");
    // Once main has the higher bound, the file is read like any other.
    let (code, report) = json(dir.path(), &["validate", "--rev", "HEAD"]);
    assert_eq!(code, 0, "{report:#}");
}
