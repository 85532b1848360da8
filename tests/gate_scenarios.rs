//! More `cairn gate` pull requests, on a second organisation (a clinic's IT): standard changes in
//! and out of their template, teams edited in the pull request, freezes with and without
//! emergencies, maintenance windows (across a daylight-saving change), the lifecycle, redundancy,
//! the policy's own changes, failing closed, and the GitHub output. Real repositories, the real
//! binary, reviews in the GitHub formats.

mod common;

use common::*;
use serde_json::{json, Value};

const POLICY: &str = "apiVersion: cairn/v1
kind: Policy
metadata: {name: change-policy}
spec:
  owners: [team:governance]
  coverage: required
  risk:
    - {if: {type: emergency}, then: high}
    - {if: {impactedTier: 1}, then: high}
    - {then: low}
  approvals:
    - name: owners
      require: {ownersOf: impacted, count: 1}
    - name: cab
      if: {risk: [high, very-high]}
      require: {team: team:cab, count: 2}
    - name: security
      if: {type: [emergency]}
      require: {team: team:security}
  standardChanges:
    - name: scale
      allow: {kinds: [ConfigurationItem], classes: [\"k8s/*\"], fields: [spec.attributes.replicas]}
  windows: enforce
";

const TEAMS: &str = "apiVersion: cairn/v1
kind: Team
metadata: {name: governance}
spec: {members: [{login: gina}]}
---
apiVersion: cairn/v1
kind: Team
metadata: {name: ward-it}
spec: {members: [{login: will}, {login: wendy}]}
---
apiVersion: cairn/v1
kind: Team
metadata: {name: cab}
spec: {members: [{login: cara}, {login: cole}, {login: cruz}]}
---
apiVersion: cairn/v1
kind: Team
metadata: {name: security}
spec: {members: [{login: sam}]}
";

const SERVICES: &str = "apiVersion: cairn/v1
kind: Service
metadata: {name: ehr}
spec: {owner: ward-it, tier: 1, components: [ehr-app, ehr-db]}
---
apiVersion: cairn/v1
kind: Service
metadata: {name: portal}
spec: {owner: ward-it, tier: 3, components: [portal-web], maintenanceWindows: [sunday-night]}
";

const CMDB: &str = "apiVersion: cairn/v1
kind: ConfigurationItem
metadata: {name: ehr-app}
spec: {class: k8s/deployment, owner: ward-it, attributes: {replicas: 2, image: ehr:1.0}}
---
apiVersion: cairn/v1
kind: ConfigurationItem
metadata: {name: ehr-db}
spec: {class: database/postgres/cluster, owner: ward-it, members: [db-1, db-2, db-3], redundancy: {minUp: 2}}
---
apiVersion: cairn/v1
kind: ConfigurationItem
metadata: {name: db-1}
spec: {class: database/postgres/instance, owner: ward-it, attributes: {version: '16.4'}}
---
apiVersion: cairn/v1
kind: ConfigurationItem
metadata: {name: db-2}
spec: {class: database/postgres/instance, owner: ward-it, attributes: {version: '16.4'}}
---
apiVersion: cairn/v1
kind: ConfigurationItem
metadata: {name: db-3}
spec: {class: database/postgres/instance, owner: ward-it, attributes: {version: '16.4'}}
---
apiVersion: cairn/v1
kind: ConfigurationItem
metadata: {name: portal-web}
spec: {class: k8s/deployment, owner: ward-it, attributes: {replicas: 2, image: portal:3.1}}
";

const WINDOWS: &str = "apiVersion: cairn/v1
kind: Window
metadata: {name: sunday-night}
spec: {type: maintenance, cron: '30 2 * * SUN', duration: PT2H, timezone: Europe/Berlin}
---
apiVersion: cairn/v1
kind: Window
metadata: {name: new-year}
spec: {type: freeze, start: 2026-12-24T00:00:00+01:00, end: 2027-01-02T00:00:00+01:00, scope: {all: true}}
";

/// The clinic at the base, committed; returns the scratch repository.
fn clinic() -> tempfile::TempDir {
    let dir = repo();
    write(
        dir.path(),
        &[
            ("policy.yaml", POLICY),
            ("teams.yaml", TEAMS),
            ("services.yaml", SERVICES),
            ("cmdb.yaml", CMDB),
            ("windows.yaml", WINDOWS),
        ],
    );
    commit(dir.path(), "the clinic");
    dir
}

/// A change request file.
fn request(
    name: &str,
    kind: &str,
    targets: &str,
    window: Option<(&str, &str)>,
    extra: &str,
) -> (String, String) {
    let window = window.map(|(s, e)| format!("  window: {{start: {s}, end: {e}}}\n")).unwrap_or_default();
    (
        format!("changes/{name}.yaml"),
        format!(
            "apiVersion: cairn/v1\nkind: ChangeRequest\nmetadata: {{name: {name}}}\nspec:\n  type: {kind}\n  requestedBy: will\n  targets: [{targets}]\n{window}{extra}"
        ),
    )
}

/// Replaces `from` by `to` in the file at `path` of the work tree.
fn edit(dir: &std::path::Path, path: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(dir.join(path)).unwrap();
    assert!(text.contains(from), "{path} has no `{from}`");
    std::fs::write(dir.join(path), text.replacen(from, to, 1)).unwrap();
}

fn reviews(dir: &std::path::Path, list: &[(&str, &str, &str)]) -> String {
    let items: Vec<Value> = list
        .iter()
        .enumerate()
        .map(|(i, (login, state, commit))| {
            json!({"id": 100 + i, "user": {"login": login}, "state": state, "commit_id": commit,
                   "submitted_at": format!("2026-11-02T10:{i:02}:00Z")})
        })
        .collect();
    let path = dir.join("reviews.json");
    std::fs::write(&path, serde_json::to_string(&items).unwrap()).unwrap();
    path.to_string_lossy().into_owned()
}

/// Runs the gate from `base` to HEAD at `now` with `author`; the verdict and exit code.
fn gate(dir: &std::path::Path, base: &str, now: &str, author: &str, reviews: Option<&str>) -> (i32, Value) {
    let mut args = vec!["gate", "--base", base, "--head", "HEAD", "--now", now, "--author", author];
    if let Some(file) = reviews {
        args.extend_from_slice(&["--reviews", file]);
    }
    json(dir, &args)
}

fn status<'a>(verdict: &'a Value, name: &str) -> &'a str {
    verdict["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .and_then(|r| r["status"].as_str())
        .unwrap_or_else(|| panic!("no rule {name}: {verdict:#}"))
}

const SUNDAY: (&str, &str) = ("2026-11-08T03:00:00+01:00", "2026-11-08T04:00:00+01:00");
const MONDAY: &str = "2026-11-02T12:00:00+01:00";

#[test]
fn a_standard_change_inside_its_template_needs_no_review_and_is_annotated_on_its_file() {
    let dir = clinic();
    edit(dir.path(), "cmdb.yaml", "replicas: 2, image: portal", "replicas: 4, image: portal");
    let (path, text) = request("chg-10", "standard", "ci:portal-web", Some(SUNDAY), "  template: scale\n");
    write(dir.path(), &[(&path, &text)]);
    commit(dir.path(), "scale the portal");
    let (code, verdict) = gate(dir.path(), "HEAD~1", MONDAY, "will", None);
    assert_eq!(code, 0, "{verdict:#}");
    assert_eq!(status(&verdict, "standard-changes"), "pass");
    assert_eq!(status(&verdict, "owners"), "skipped");

    // Outside the template (the image changes too) it is a normal change: the owners must approve.
    edit(dir.path(), "cmdb.yaml", "image: portal:3.1", "image: portal:3.2");
    commit(dir.path(), "and a new image");
    let (code, verdict) = gate(dir.path(), "HEAD~2", MONDAY, "will", None);
    assert_eq!((code, status(&verdict, "owners")), (1, "fail"), "{verdict:#}");
    let reason =
        verdict["rules"].as_array().unwrap().iter().find(|r| r["name"] == "standard-changes").unwrap()
            ["reason"]
            .as_str()
            .unwrap()
            .to_owned();
    assert!(reason.contains("spec.attributes.image"), "{reason}");

    // GitHub annotations land on the change request's file.
    let out = stdout(&cairn(
        dir.path(),
        &[
            "gate", "--base", "HEAD~2", "--head", "HEAD", "--now", MONDAY, "--author", "will", "--format",
            "github",
        ],
    ));
    assert!(out.contains("::error file=changes/chg-10.yaml,line=1,title=cairn gate%3A owners::"), "{out}");
}

#[test]
fn adding_the_author_to_an_approving_team_in_the_pull_request_does_not_count() {
    let dir = clinic();
    edit(dir.path(), "cmdb.yaml", "image: ehr:1.0", "image: ehr:1.1");
    edit(dir.path(), "teams.yaml", "members: [{login: cara}", "members: [{login: mallory}, {login: cara}");
    edit(dir.path(), "teams.yaml", "members: [{login: will}", "members: [{login: mallory}, {login: will}");
    let (path, text) = request("chg-11", "normal", "ci:ehr-app", Some(SUNDAY), "");
    write(dir.path(), &[(&path, &text)]);
    let head = commit(dir.path(), "release ehr 1.1 and join the CAB");
    let file = reviews(
        dir.path(),
        &[("mallory", "APPROVED", &head), ("cara", "APPROVED", &head), ("will", "APPROVED", &head)],
    );
    let (code, verdict) = gate(dir.path(), "HEAD~1", MONDAY, "wendy", Some(&file));
    assert_eq!(code, 1, "{verdict:#}");
    assert_eq!(status(&verdict, "cab"), "fail", "mallory is not in the CAB at the base");
    assert_eq!(status(&verdict, "policy-owners"), "fail", "a team changed: governance must approve");
    let ignored: Vec<&str> =
        verdict["ignoredReviews"].as_array().unwrap().iter().filter_map(|r| r["login"].as_str()).collect();
    assert!(ignored.contains(&"mallory"), "{verdict:#}");
}

#[test]
fn a_policy_change_needs_the_policy_owners() {
    let dir = clinic();
    edit(dir.path(), "policy.yaml", "count: 2}", "count: 3}");
    let head = commit(dir.path(), "stricter CAB");
    let (code, verdict) = gate(dir.path(), "HEAD~1", MONDAY, "will", None);
    assert_eq!((code, status(&verdict, "policy-owners")), (1, "fail"), "{verdict:#}");
    let file = reviews(dir.path(), &[("gina", "APPROVED", &head)]);
    let (code, verdict) = gate(dir.path(), "HEAD~1", MONDAY, "will", Some(&file));
    assert_eq!((code, status(&verdict, "policy-owners")), (0, "pass"), "{verdict:#}");
}

#[test]
fn emergencies_in_a_freeze_that_does_not_allow_them_are_blocked() {
    let dir = clinic();
    edit(dir.path(), "cmdb.yaml", "image: portal:3.1", "image: portal:3.1.1");
    let (path, text) = request("chg-12", "emergency", "ci:portal-web", None, "");
    write(dir.path(), &[(&path, &text)]);
    let head = commit(dir.path(), "hotfix the portal");
    let all = [
        ("will", "APPROVED", head.as_str()),
        ("cara", "APPROVED", &head),
        ("cole", "APPROVED", &head),
        ("sam", "APPROVED", &head),
    ];
    let file = reviews(dir.path(), &all);
    let christmas = "2026-12-25T09:00:00+01:00";
    let (code, verdict) = gate(dir.path(), "HEAD~1", christmas, "wendy", Some(&file));
    assert_eq!((code, status(&verdict, "freeze")), (1, "fail"), "{verdict:#}");
    // Had the freeze allowed emergencies, the same pull request would merge.
    let dir2 = clinic();
    edit(dir2.path(), "windows.yaml", "scope: {all: true}", "scope: {all: true}, allowEmergency: true");
    commit(dir2.path(), "allow emergencies");
    edit(dir2.path(), "cmdb.yaml", "image: portal:3.1", "image: portal:3.1.1");
    write(dir2.path(), &[(&path, &text)]);
    let head = commit(dir2.path(), "hotfix the portal");
    let all = [
        ("will", "APPROVED", head.as_str()),
        ("cara", "APPROVED", &head),
        ("cole", "APPROVED", &head),
        ("sam", "APPROVED", &head),
    ];
    let file = reviews(dir2.path(), &all);
    let (code, verdict) = gate(dir2.path(), "HEAD~1", christmas, "wendy", Some(&file));
    assert_eq!((code, status(&verdict, "freeze")), (0, "pass"), "{verdict:#}");
    assert_eq!(status(&verdict, "security"), "pass");
}

#[test]
fn a_change_must_sit_inside_a_maintenance_window_even_across_daylight_saving() {
    let dir = clinic();
    edit(dir.path(), "cmdb.yaml", "image: portal:3.1", "image: portal:3.2");
    // Sunday 29 March 2026, 02:30 Berlin does not exist (clocks jump to 03:00): that week's
    // window opens at 03:00 CEST and lasts two hours of elapsed time.
    let (path, text) = request(
        "chg-13",
        "normal",
        "ci:portal-web",
        Some(("2026-03-29T03:00:00+02:00", "2026-03-29T05:00:00+02:00")),
        "",
    );
    write(dir.path(), &[(&path, &text)]);
    let head = commit(dir.path(), "portal 3.2");
    let file = reviews(dir.path(), &[("will", "APPROVED", &head)]);
    let (code, verdict) = gate(dir.path(), "HEAD~1", "2026-03-27T12:00:00+01:00", "wendy", Some(&file));
    assert_eq!((code, status(&verdict, "change-windows")), (0, "pass"), "{verdict:#}");
    // A quarter of an hour longer leaves the window.
    edit(dir.path(), &path, "05:00:00+02:00", "05:15:00+02:00");
    let head = commit(dir.path(), "longer");
    let file = reviews(dir.path(), &[("will", "APPROVED", &head)]);
    let (code, verdict) = gate(dir.path(), "HEAD~2", "2026-03-27T12:00:00+01:00", "wendy", Some(&file));
    assert_eq!((code, status(&verdict, "change-windows")), (1, "fail"), "{verdict:#}");
}

#[test]
fn closed_change_requests_are_immutable_and_states_only_move_forward() {
    let dir = clinic();
    let (path, text) = request(
        "chg-14",
        "normal",
        "ci:portal-web",
        Some(SUNDAY),
        "  state: closed\n  closure: {code: successful}\n",
    );
    write(dir.path(), &[(&path, &text)]);
    commit(dir.path(), "a closed change");
    edit(dir.path(), &path, "requestedBy: will", "requestedBy: wendy");
    let head = commit(dir.path(), "rewrite history");
    let file = reviews(dir.path(), &[("will", "APPROVED", &head)]);
    let (code, verdict) = gate(dir.path(), "HEAD~1", MONDAY, "wendy", Some(&file));
    assert_eq!((code, status(&verdict, "lifecycle")), (1, "fail"), "{verdict:#}");

    let dir = clinic();
    let (path, text) = request("chg-15", "normal", "ci:portal-web", Some(SUNDAY), "  state: implement\n");
    write(dir.path(), &[(&path, &text)]);
    commit(dir.path(), "a change being implemented");
    edit(dir.path(), &path, "state: implement", "state: assess");
    let head = commit(dir.path(), "back to assess");
    let file = reviews(dir.path(), &[("will", "APPROVED", &head)]);
    let (code, verdict) = gate(dir.path(), "HEAD~1", MONDAY, "wendy", Some(&file));
    assert_eq!((code, status(&verdict, "lifecycle")), (1, "fail"), "{verdict:#}");
}

#[test]
fn a_change_below_a_redundant_cluster_stays_low_risk() {
    let dir = clinic();
    // db-1 alone: ehr-db keeps two of three members, so it is degraded and ehr (tier 1) is not
    // reached: risk stays low and the CAB is not needed.
    edit(dir.path(), "cmdb.yaml", "name: db-1}\nspec: {class: database/postgres/instance, owner: ward-it, attributes: {version: '16.4'}}", "name: db-1}\nspec: {class: database/postgres/instance, owner: ward-it, attributes: {version: '16.6'}}");
    let (path, text) = request("chg-16", "normal", "ci:db-1", Some(SUNDAY), "");
    write(dir.path(), &[(&path, &text)]);
    let head = commit(dir.path(), "patch db-1");
    let file = reviews(dir.path(), &[("will", "APPROVED", &head)]);
    let (code, verdict) = gate(dir.path(), "HEAD~1", MONDAY, "wendy", Some(&file));
    assert_eq!((code, verdict["risk"].as_str()), (0, Some("low")), "{verdict:#}");
    assert_eq!(status(&verdict, "cab"), "skipped");
    // Two members at once defeat the redundancy: ehr is impacted, the risk is high.
    edit(dir.path(), "cmdb.yaml", "name: db-2}\nspec: {class: database/postgres/instance, owner: ward-it, attributes: {version: '16.4'}}", "name: db-2}\nspec: {class: database/postgres/instance, owner: ward-it, attributes: {version: '16.6'}}");
    edit(dir.path(), &path, "targets: [ci:db-1]", "targets: [ci:db-1, ci:db-2]");
    let head = commit(dir.path(), "patch db-2 too");
    let file = reviews(dir.path(), &[("will", "APPROVED", &head)]);
    let (code, verdict) = gate(dir.path(), "HEAD~2", MONDAY, "wendy", Some(&file));
    assert_eq!((code, verdict["risk"].as_str()), (1, Some("high")), "{verdict:#}");
    assert_eq!(status(&verdict, "cab"), "fail");
}

#[test]
fn reviews_follow_githubs_rules() {
    let dir = clinic();
    edit(dir.path(), "cmdb.yaml", "image: portal:3.1", "image: portal:3.2");
    let (path, text) = request("chg-17", "normal", "ci:portal-web", Some(SUNDAY), "");
    write(dir.path(), &[(&path, &text)]);
    let head = commit(dir.path(), "portal 3.2");
    // A later comment does not take back an approval; a dismissal does.
    let file = reviews(dir.path(), &[("will", "APPROVED", &head), ("will", "COMMENTED", &head)]);
    assert_eq!(gate(dir.path(), "HEAD~1", MONDAY, "wendy", Some(&file)).0, 0);
    let file = reviews(dir.path(), &[("will", "APPROVED", &head), ("will", "DISMISSED", &head)]);
    assert_eq!(gate(dir.path(), "HEAD~1", MONDAY, "wendy", Some(&file)).0, 1);
    // `gh api --paginate` writes one array per page: both pages are read; logins are
    // compared case-insensitively.
    let page1 = json!([{"id": 1, "user": {"login": "cara"}, "state": "COMMENTED", "commit_id": head, "submitted_at": "2026-11-02T09:00:00Z"}]);
    let page2 = json!([{"id": 2, "user": {"login": "WILL"}, "state": "APPROVED", "commit_id": head, "submitted_at": "2026-11-02T09:30:00Z"}]);
    std::fs::write(dir.path().join("pages.json"), format!("{page1}\n{page2}\n")).unwrap();
    let (code, verdict) = gate(dir.path(), "HEAD~1", MONDAY, "wendy", Some("pages.json"));
    assert_eq!(code, 0, "{verdict:#}");
    // Without an author, self-approval cannot be ruled out.
    let (code, _) = json(
        dir.path(),
        &["gate", "--base", "HEAD~1", "--head", "HEAD", "--now", MONDAY, "--reviews", "pages.json"],
    );
    assert_eq!(code, 1);
}

#[test]
fn no_policy_or_no_applicable_rule_fails_closed() {
    let dir = repo();
    write(
        dir.path(),
        &[("teams.yaml", TEAMS), ("services.yaml", SERVICES), ("cmdb.yaml", CMDB), ("windows.yaml", WINDOWS)],
    );
    commit(dir.path(), "no policy");
    edit(dir.path(), "cmdb.yaml", "image: portal:3.1", "image: portal:3.2");
    commit(dir.path(), "portal 3.2");
    let (code, verdict) = gate(dir.path(), "HEAD~1", MONDAY, "wendy", None);
    assert_eq!((code, status(&verdict, "policy")), (1, "fail"), "{verdict:#}");

    let dir = clinic();
    let lax = "apiVersion: cairn/v1\nkind: Policy\nmetadata: {name: change-policy}\nspec:\n  owners: [team:governance]\n  coverage: optional\n  windows: ignore\n  risk: [{then: low}]\n  approvals:\n    - {name: cab, if: {risk: [high]}, require: {team: team:cab}}\n";
    write(dir.path(), &[("policy.yaml", lax)]);
    commit(dir.path(), "a lax policy");
    edit(dir.path(), "cmdb.yaml", "image: portal:3.1", "image: portal:3.2");
    commit(dir.path(), "portal 3.2");
    let (code, verdict) = gate(dir.path(), "HEAD~1", MONDAY, "wendy", None);
    assert_eq!((code, status(&verdict, "no-rule-applied")), (1, "fail"), "{verdict:#}");
}

#[test]
fn a_branch_made_before_a_policy_change_is_held_to_the_current_policy() {
    let dir = clinic();
    git(dir.path(), &["checkout", "-q", "-b", "feature"]);
    edit(dir.path(), "cmdb.yaml", "image: portal:3.1", "image: portal:3.2");
    let (path, text) = request("chg-18", "normal", "ci:portal-web", Some(SUNDAY), "");
    write(dir.path(), &[(&path, &text)]);
    let head = commit(dir.path(), "portal 3.2");
    git(dir.path(), &["checkout", "-q", "main"]);
    edit(
        dir.path(),
        "policy.yaml",
        "  standardChanges:",
        "    - name: security-always\n      require: {team: team:security}\n  standardChanges:",
    );
    commit(dir.path(), "security reviews everything now");
    git(dir.path(), &["checkout", "-q", "feature"]);
    let file = reviews(dir.path(), &[("will", "APPROVED", &head)]);
    let args = [
        "gate",
        "--base",
        "main...feature",
        "--head",
        "feature",
        "--now",
        MONDAY,
        "--author",
        "wendy",
        "--reviews",
        &file,
    ];
    // From the merge base alone, the old policy would let it through.
    let (code, verdict) = json(dir.path(), &args);
    assert_eq!(code, 0, "{verdict:#}");
    // With the policy read from the target branch's tip, the new rule applies; the diff is
    // still the pull request's own (main's policy change is not part of it).
    let mut with_policy = args.to_vec();
    with_policy.extend_from_slice(&["--policy-rev", "main"]);
    let (code, verdict) = json(dir.path(), &with_policy);
    assert_eq!((code, status(&verdict, "security-always")), (1, "fail"), "{verdict:#}");
    assert_eq!(status(&verdict, "policy-owners"), "skipped", "{verdict:#}");
}

#[test]
fn a_document_the_gate_cannot_read_blocks_the_merge() {
    let dir = clinic();
    // The CI vanishes from the head's entities when its document breaks; the gate must not
    // take that for a tree it can judge.
    edit(dir.path(), "cmdb.yaml", "spec: {class: k8s/deployment, owner: ward-it, attributes: {replicas: 2, image: portal:3.1}}", "spec: {class: k8s/deployment, owner: ward-it, attributes: {replicas: 2, image: portal:3.1}, sneaky: true}");
    let head = commit(dir.path(), "an unknown field");
    let file = reviews(dir.path(), &[("will", "APPROVED", &head)]);
    let (code, verdict) = gate(dir.path(), "HEAD~1", MONDAY, "wendy", Some(&file));
    assert_eq!((code, status(&verdict, "readable")), (1, "fail"), "{verdict:#}");
    let reason = verdict["rules"][0]["reason"].as_str().unwrap();
    assert!(reason.contains("cmdb.yaml (unknown-field)"), "{reason}");
    std::fs::write(dir.path().join("cmdb.yaml"), "{ not: yaml").unwrap();
    commit(dir.path(), "broken YAML");
    let (code, verdict) = gate(dir.path(), "HEAD~2", MONDAY, "wendy", Some(&file));
    assert_eq!((code, status(&verdict, "readable")), (1, "fail"), "{verdict:#}");
}
