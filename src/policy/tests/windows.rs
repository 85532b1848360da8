//! Freezes and maintenance windows.

use serde_json::{json, Value};

use super::*;
use crate::policy::Decision;

fn freeze(scope: Value, allow_emergency: bool) -> Entity {
    entity(
        "Window",
        "year-end",
        json!({
            "type": "freeze", "start": "2026-12-20T00:00:00+01:00", "end": "2027-01-04T00:00:00+01:00",
            "scope": scope, "allowEmergency": allow_emergency, "reason": "Year-end trading"
        }),
    )
}

fn pg_change(w: Vec<Entity>) -> Vec<Entity> {
    with(
        w,
        ci("pg", json!({"class": "database/postgres", "environment": "production", "attributes": {"v": 17}})),
    )
}

/// The world with a year-end freeze of tier-1 services, and a head changing `ci:pg` (which
/// reaches checkout, tier 1) under `requests`.
fn frozen(allow_emergency: bool, requests: Vec<Entity>) -> Case {
    let base = with(world(), freeze(json!({"tiers": [1]}), allow_emergency));
    let mut head = pg_change(base.clone());
    for request in requests {
        head = with(head, request);
    }
    Case::new(base, head).now("2026-12-22T10:00:00+01:00")
}

fn emergency(name: &str) -> Entity {
    change_with(name, "emergency", &["ci:pg"], json!({"window": null}))
}

#[test]
fn the_merge_time_inside_a_covering_freeze_blocks() {
    let v = frozen(false, vec![change("chg-1", "normal", &["ci:pg"])]).run();
    let f = rule(&v, "freeze");
    assert_eq!(f.status, Status::Fail);
    assert_eq!(
        f.reason,
        "the merge time 2026-12-22 10:00 +01:00 is in freeze window:year-end (2026-12-20 00:00 +01:00 → \
         2027-01-04 00:00 +01:00), which covers service:checkout"
    );
    assert_eq!(f.missing.as_deref(), Some("the end of freeze window:year-end at 2027-01-04 00:00 +01:00"));
    assert_eq!(v.verdict, Decision::Block);

    // No change request at all: still blocked.
    let v = frozen(true, vec![]).run();
    assert_status(&v, "freeze", Status::Fail);
}

#[test]
fn a_change_window_overlapping_a_freeze_blocks_even_before_it() {
    let request = change_with(
        "chg-1",
        "normal",
        &["ci:pg"],
        json!({"window":
        {"start": "2026-12-19T23:00:00+01:00", "end": "2026-12-20T01:00:00+01:00"}}),
    );
    let v = frozen(false, vec![request]).now("2026-12-01T10:00:00+01:00").run();
    let f = rule(&v, "freeze");
    assert_eq!(f.status, Status::Fail, "{v:#?}");
    assert!(f
        .reason
        .starts_with("change:chg-1 window 2026-12-19 23:00 +01:00 → 2026-12-20 01:00 +01:00 overlaps"));
    assert_eq!(f.missing.as_deref(), Some("change:chg-1 rescheduled outside freeze window:year-end"));

    // Ending as the freeze starts is no overlap.
    let request = change_with(
        "chg-1",
        "normal",
        &["ci:pg"],
        json!({"window":
        {"start": "2026-12-19T22:00:00+01:00", "end": "2026-12-20T00:00:00+01:00"}}),
    );
    let v = frozen(false, vec![request]).now("2026-12-01T10:00:00+01:00").run();
    assert_eq!(
        rule(&v, "freeze").reason,
        "the freeze covering the diff holds neither the merge time nor a change window"
    );
}

#[test]
fn an_emergency_inside_a_freeze_needs_allow_emergency() {
    let v = frozen(false, vec![emergency("chg-9")]).run();
    assert_status(&v, "freeze", Status::Fail);
    assert!(rule(&v, "freeze").reason.ends_with("which covers service:checkout"));

    let v = frozen(true, vec![emergency("chg-9")]).run();
    assert_status(&v, "freeze", Status::Pass);
    assert!(rule(&v, "freeze").reason.contains("the merge time is in freeze window:year-end"), "{v:#?}");
    assert_status(&v, "change-windows", Status::Pass);
    assert_eq!(
        rule(&v, "change-windows").reason,
        "emergency changes need no window and are not held to maintenance windows"
    );

    // An emergency's own window inside an allowing freeze is fine too.
    let windowed = change_with(
        "chg-9",
        "emergency",
        &["ci:pg"],
        json!({"window":
        {"start": "2026-12-22T11:00:00+01:00", "end": "2026-12-22T12:00:00+01:00"}}),
    );
    assert_status(&frozen(true, vec![windowed]).run(), "freeze", Status::Pass);

    // A normal change riding along with the emergency is still frozen.
    let v = frozen(true, vec![emergency("chg-9"), change("chg-1", "normal", &["ci:pg"])]).run();
    let f = rule(&v, "freeze");
    assert_eq!(f.status, Status::Fail);
    assert!(f.reason.contains("allows only emergency changes"), "{f:#?}");
}

#[test]
fn a_freeze_covers_by_scope_at_base_or_head() {
    // catalog (tier 3) is not in a tier-1 freeze.
    let base = with(world(), freeze(json!({"tiers": [1]}), false));
    let web = ci(
        "web",
        json!({"class": "k8s/deployment", "environment": "staging", "attributes": {"replicas": 5}}),
    );
    let head = with(with(base.clone(), web), change("chg-1", "normal", &["ci:web"]));
    let v = Case::new(base, head).now("2026-12-22T10:00:00+01:00").run();
    assert_eq!(
        rule(&v, "freeze").reason,
        "no freeze covers a changed or reached service or configuration item"
    );

    // Moving pg out of production at head does not escape a production freeze.
    let base = with(world(), freeze(json!({"environments": ["production"]}), false));
    let pg = ci("pg", json!({"class": "database/postgres", "environment": "staging"}));
    let head = with(with(base.clone(), pg), change("chg-1", "normal", &["ci:pg"]));
    let v = Case::new(base, head).now("2026-12-22T10:00:00+01:00").run();
    assert_status(&v, "freeze", Status::Fail);
}

#[test]
fn deleting_the_freeze_at_head_does_not_lift_it() {
    let case = frozen(false, vec![change("chg-1", "normal", &["ci:pg"])]);
    let head = without(case.head.clone(), "window:year-end");
    let v = Case { head, ..case }.run();
    assert_status(&v, "freeze", Status::Fail);
    assert_status(&v, "policy-owners", Status::Fail);
}

#[test]
fn an_unreadable_freeze_fails_closed_and_ignore_skips_windows() {
    let broken = entity("Window", "broken", json!({"type": "freeze", "cron": "0 2 * *", "duration": "4h"}));
    let base = with(world(), broken);
    let head = with(pg_change(base.clone()), change("chg-1", "normal", &["ci:pg"]));
    let v = Case::new(base, head).run();
    let f = rule(&v, "freeze");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.reason.contains("its schedule cannot be read (cron `0 2 * *` does not have five fields)"),
        "{f:#?}"
    );

    let mut spec = policy_spec();
    spec["windows"] = json!("ignore");
    let base = with(with(world(), policy(spec)), freeze(json!({"all": true}), false));
    let head = with(pg_change(base.clone()), change("chg-1", "normal", &["ci:pg"]));
    let v = Case::new(base, head).now("2026-12-22T10:00:00+01:00").run();
    assert_status(&v, "freeze", Status::Skipped);
    assert_status(&v, "change-windows", Status::Skipped);
}

/// The world where `service:catalog` may only change in `window:sunday-night` (02:00 Sundays,
/// 4h, Europe/Berlin), and a head that scales `ci:web` (a component of catalog) under a normal
/// change with `window` (null: none).
fn sunday(window: Value, change_type: &str) -> Verdict {
    sunday_with(json!({ "window": window }), change_type)
}

/// [`sunday`] with the change request's `extra` fields.
fn sunday_with(extra: Value, change_type: &str) -> Verdict {
    let mut base = world();
    base = with(
        base,
        service(
            "catalog",
            json!({"tier": 3, "components": ["ci:web"],
                                               "maintenanceWindows": ["sunday-night"]}),
        ),
    );
    base = with(
        base,
        entity(
            "Window",
            "sunday-night",
            json!({
                "type": "maintenance", "cron": "0 2 * * SUN", "duration": "4h", "timezone": "Europe/Berlin"
            }),
        ),
    );
    let web = ci(
        "web",
        json!({"class": "k8s/deployment", "environment": "staging", "attributes": {"replicas": 5}}),
    );
    let request = change_with("chg-1", change_type, &["ci:web"], extra);
    let head = with(with(base.clone(), web), request);
    Case::new(base, head).run()
}

fn span(start: &str, end: &str) -> Value {
    json!({"start": start, "end": end})
}

#[test]
fn change_windows_across_the_spring_forward() {
    // 2026-03-29: 02:00 CET does not exist; the occurrence runs 03:00–07:00 CEST.
    let inside = sunday(span("2026-03-29T03:00:00+02:00", "2026-03-29T07:00:00+02:00"), "normal");
    let cw = rule(&inside, "change-windows");
    assert_eq!(cw.status, Status::Pass, "{inside:#?}");
    assert_eq!(
        cw.reason,
        "every normal and standard change has a window; change:chg-1 is inside window:sunday-night \
         (2026-03-29 03:00 CEST → 07:00 CEST) for service:catalog"
    );
    // The same instant written in winter time.
    assert_status(
        &sunday(span("2026-03-29T02:00:00+01:00", "2026-03-29T03:00:00+01:00"), "normal"),
        "change-windows",
        Status::Pass,
    );
    // Starting at 01:30 CET is before the occurrence; ending at 07:30 CEST is after it.
    let early = sunday(span("2026-03-29T01:30:00+01:00", "2026-03-29T04:00:00+02:00"), "normal");
    let cw = rule(&early, "change-windows");
    assert_eq!(cw.status, Status::Fail);
    assert_eq!(
        cw.reason,
        "change:chg-1 window 2026-03-29 01:30 +01:00 → 2026-03-29 04:00 +02:00 is not inside one occurrence \
         of window:sunday-night (maintenance window of service:catalog)"
    );
    let late = sunday(span("2026-03-29T03:00:00+02:00", "2026-03-29T07:30:00+02:00"), "normal");
    assert_status(&late, "change-windows", Status::Fail);
    // A normal week in winter: 02:00–06:00 CET.
    assert_status(
        &sunday(span("2026-03-22T02:00:00+01:00", "2026-03-22T06:00:00+01:00"), "normal"),
        "change-windows",
        Status::Pass,
    );
}

#[test]
fn change_windows_across_the_fall_back() {
    // 2026-10-25: 02:00 happens twice; the occurrence starts at the first (CEST) and lasts 4h,
    // to 05:00 CET.
    let v = sunday(span("2026-10-25T02:00:00+02:00", "2026-10-25T05:00:00+01:00"), "standard");
    let cw = rule(&v, "change-windows");
    assert_eq!(cw.status, Status::Pass, "{v:#?}");
    assert!(cw.reason.contains("(2026-10-25 02:00 CEST → 05:00 CET)"), "{cw:#?}");
    // The second 02:00 (CET) is inside the same occurrence.
    assert_status(
        &sunday(span("2026-10-25T02:00:00+01:00", "2026-10-25T05:00:00+01:00"), "normal"),
        "change-windows",
        Status::Pass,
    );
    // But it does not start a second occurrence: 02:30 CET → 05:30 CET overruns.
    assert_status(
        &sunday(span("2026-10-25T02:30:00+01:00", "2026-10-25T05:30:00+01:00"), "normal"),
        "change-windows",
        Status::Fail,
    );
}

#[test]
fn emergencies_need_no_window_and_normal_changes_do() {
    assert_status(&sunday(Value::Null, "emergency"), "change-windows", Status::Pass);
    let v = sunday(span("2026-06-10T12:00:00Z", "2026-06-10T13:00:00Z"), "emergency");
    assert_status(&v, "change-windows", Status::Pass);
    let v = sunday(Value::Null, "normal");
    let cw = rule(&v, "change-windows");
    assert_eq!(cw.status, Status::Fail);
    assert_eq!(cw.reason, "change:chg-1 has no window; only emergency changes may leave it out");
}

#[test]
fn dropping_the_maintenance_windows_at_head_does_not_escape_them() {
    let mut base = world();
    base = with(
        base,
        service(
            "catalog",
            json!({"tier": 3, "components": ["ci:web"],
                                               "maintenanceWindows": ["sunday-night"]}),
        ),
    );
    base = with(
        base,
        entity(
            "Window",
            "sunday-night",
            json!({
                "type": "maintenance", "cron": "0 2 * * SUN", "duration": "4h", "timezone": "Europe/Berlin"
            }),
        ),
    );
    let head = with(base.clone(), service("catalog", json!({"tier": 3, "components": ["ci:web"]})));
    let head = with(head, change("chg-1", "normal", &["service:catalog"]));
    let v = Case::new(base, head).run();
    assert_status(&v, "change-windows", Status::Fail);
    assert_status(&v, "coverage", Status::Pass);
}

#[test]
fn a_change_added_already_closed_is_held_to_its_window() {
    // No window at all: a normal change cannot skip it by claiming to be finished.
    let closed = json!({"window": null, "state": "closed", "closure": {"code": "successful"}});
    let v = sunday_with(closed, "normal");
    let cw = rule(&v, "change-windows");
    assert_eq!(cw.status, Status::Fail, "{v:#?}");
    assert_eq!(cw.reason, "change:chg-1 has no window; only emergency changes may leave it out");
    assert_eq!(v.verdict, Decision::Block);
    // A window outside the maintenance windows, claimed done: still outside.
    let closed = json!({"window": span("2026-06-10T12:00:00Z", "2026-06-10T13:00:00Z"),
                        "state": "closed", "closure": {"code": "successful"}});
    assert_status(&sunday_with(closed, "standard"), "change-windows", Status::Fail);
    // In any state but cancelled (which authorises nothing and so covers nothing).
    for state in ["new", "review", "implement"] {
        let v = sunday_with(json!({"window": null, "state": state}), "normal");
        assert_status(&v, "change-windows", Status::Fail);
    }
    let v = sunday_with(json!({"window": null, "state": "cancelled"}), "normal");
    assert_status(&v, "coverage", Status::Fail);
    assert_eq!(v.verdict, Decision::Block);
}

#[test]
fn a_change_added_already_closed_still_needs_its_approvals_and_freezes() {
    // chg-1 changes ci:pg (reaching checkout, tier 1) during a tier-1 freeze, claiming to be
    // closed already: the freeze, the owners and the CAB all still apply.
    let closed = change_with(
        "chg-1",
        "normal",
        &["ci:pg"],
        json!({"state": "closed", "closure": {"code": "successful"}}),
    );
    let v = frozen(false, vec![closed]).run();
    assert_status(&v, "freeze", Status::Fail);
    assert_status(&v, "coverage", Status::Pass);
    assert_status(&v, "cab", Status::Fail);
    assert_status(&v, "owners-of-impacted-services", Status::Fail);
}
