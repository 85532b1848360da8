//! Conflict detection and scheduling over small in-memory organisations.

use chrono::{DateTime, FixedOffset, TimeDelta};
use serde_json::{json, Value};

use super::schedule::{propose, Request};
use super::*;
use crate::graph::testutil::{ci, entity, service};

fn change(name: &str, targets: &[&str], start: &str, end: &str) -> Entity {
    change_with(name, targets, start, end, json!({}))
}

fn change_with(name: &str, targets: &[&str], start: &str, end: &str, extra: Value) -> Entity {
    let mut spec = json!({"type": "normal", "state": "scheduled", "requestedBy": "ann", "targets": targets,
                          "window": {"start": start, "end": end}});
    if let (Some(spec), Value::Object(extra)) = (spec.as_object_mut(), extra) {
        spec.extend(extra);
    }
    entity("ChangeRequest", name, spec)
}

fn window(name: &str, spec: Value) -> Entity {
    entity("Window", name, spec)
}

/// What `check` makes of the findings over every change of `entities` (no other revisions,
/// no `now`), depth `depth`.
fn with_findings<R>(entities: &[Entity], depth: usize, check: impl FnOnce(&Findings) -> R) -> R {
    let refs: Vec<&Entity> = entities.iter().collect();
    let subjects = tree_candidates(&refs);
    check(&find(&Input { entities: &refs, subjects: &subjects, others: &[], depth, now: None }))
}

/// Conflicts of every change of `entities`, depth `depth`, as `(type, change, target, with)`.
fn found(entities: &[Entity], depth: usize) -> Vec<(String, String, String, String)> {
    with_findings(entities, depth, |f| f.conflicts.iter().map(row).collect())
}

fn row(c: &Conflict) -> (String, String, String, String) {
    let with = match &c.with {
        With::Change(o) => {
            format!("{} {}{}", o.change, o.target, o.rev.map(|r| format!(" @{r}")).unwrap_or_default())
        }
        With::Window { window, .. } => window.to_string(),
    };
    (c.kind.name().to_owned(), c.change.change.to_string(), c.change.target.to_string(), with)
}

fn r(kind: &str, change: &str, target: &str, with: &str) -> (String, String, String, String) {
    (kind.to_owned(), change.to_owned(), target.to_owned(), with.to_owned())
}

/// checkout → api → pg-main (checkout depends on api, api runs on pg-main).
fn chain() -> Vec<Entity> {
    vec![
        ci("pg-main", json!({})),
        ci("api", json!({"runsOn": ["pg-main"]})),
        service("checkout", json!({"dependsOn": ["ci:api"]})),
    ]
}

/// [`chain`], with checkout's maintenance window `name`: at 02:00 Berlin time by `cron` (its
/// day of the week) for `duration`.
fn chain_with_maintenance(name: &str, cron: &str, duration: &str) -> Vec<Entity> {
    let mut org = chain();
    org.push(window(
        name,
        json!({"type": "maintenance", "cron": cron, "duration": duration, "timezone": "Europe/Berlin"}),
    ));
    org[2] = service("checkout", json!({"dependsOn": ["ci:api"], "maintenanceWindows": [name]}));
    org
}

#[test]
fn same_target_overlapping_is_already_scheduled_once() {
    let mut org = chain();
    org.push(change("chg-1", &["ci:pg-main"], "2027-01-16T02:00:00+01:00", "2027-01-16T04:00:00+01:00"));
    org.push(change("chg-2", &["ci:pg-main"], "2027-01-16T03:00:00+01:00", "2027-01-16T05:00:00+01:00"));
    assert_eq!(
        found(&org, 1),
        [r("already-scheduled", "change:chg-1", "ci:pg-main", "change:chg-2 ci:pg-main")]
    );
    with_findings(&org, 1, |f| {
        let c = &f.conflicts[0];
        assert_eq!(
            diagnostics::period_text(&c.overlap.0, &c.overlap.1),
            "2027-01-16 03:00 +01:00 → 04:00 +01:00"
        );
        assert_eq!(f.changes, 2);
    });
}

#[test]
fn back_to_back_windows_do_not_conflict() {
    let mut org = chain();
    org.push(change("chg-1", &["ci:pg-main"], "2027-01-16T02:00:00+01:00", "2027-01-16T04:00:00+01:00"));
    // Starts when chg-1 ends, written in another offset.
    org.push(change("chg-2", &["ci:pg-main"], "2027-01-16T03:00:00Z", "2027-01-16T05:00:00Z"));
    assert_eq!(found(&org, 1), []);
}

#[test]
fn closed_cancelled_and_windowless_changes_are_ignored() {
    let mut org = chain();
    org.push(change("chg-1", &["ci:pg-main"], "2027-01-16T02:00:00+01:00", "2027-01-16T04:00:00+01:00"));
    org.push(change_with(
        "chg-2",
        &["ci:pg-main"],
        "2027-01-16T02:00:00+01:00",
        "2027-01-16T04:00:00+01:00",
        json!({"state": "closed", "closure": {"code": "successful"}}),
    ));
    org.push(change_with(
        "chg-3",
        &["ci:pg-main"],
        "2027-01-16T02:00:00+01:00",
        "2027-01-16T04:00:00+01:00",
        json!({"state": "cancelled"}),
    ));
    org.push(entity(
        "ChangeRequest",
        "chg-4",
        json!({"type": "emergency", "requestedBy": "ann", "targets": ["ci:pg-main"]}),
    ));
    assert_eq!(found(&org, 1), []);
}

#[test]
fn parent_and_child_within_depth() {
    let mut org = chain();
    org.push(change("chg-1", &["ci:pg-main"], "2027-01-16T02:00:00+01:00", "2027-01-16T04:00:00+01:00"));
    org.push(change("chg-2", &["ci:api"], "2027-01-16T03:00:00+01:00", "2027-01-16T05:00:00+01:00"));
    org.push(change(
        "chg-3",
        &["service:checkout"],
        "2027-01-16T03:30:00+01:00",
        "2027-01-16T06:00:00+01:00",
    ));
    // Depth 1: pg-main–api and api–checkout; each pair once, from the side that sorts first.
    assert_eq!(
        found(&org, 1),
        [
            r("parent-already-scheduled", "change:chg-1", "ci:pg-main", "change:chg-2 ci:api"),
            r("parent-already-scheduled", "change:chg-2", "ci:api", "change:chg-3 service:checkout"),
        ]
    );
    // Depth 2 adds pg-main–checkout, with the path through api.
    let rows = found(&org, 2);
    assert_eq!(rows.len(), 3);
    assert!(rows.contains(&r(
        "parent-already-scheduled",
        "change:chg-1",
        "ci:pg-main",
        "change:chg-3 service:checkout"
    )));
    // Seen from the dependent's side, it is a child conflict.
    let mut org = chain();
    org.push(change(
        "chg-1",
        &["service:checkout"],
        "2027-01-16T02:00:00+01:00",
        "2027-01-16T04:00:00+01:00",
    ));
    org.push(change("chg-2", &["ci:api"], "2027-01-16T03:00:00+01:00", "2027-01-16T05:00:00+01:00"));
    assert_eq!(
        found(&org, 1),
        [r("child-already-scheduled", "change:chg-1", "service:checkout", "change:chg-2 ci:api")]
    );
    assert_eq!(found(&org, 0), []);
}

#[test]
fn a_freeze_covering_the_target_or_a_service_it_reaches_is_a_blackout() {
    let mut org = chain();
    org.push(window(
        "year-end",
        json!({"type": "freeze", "start": "2026-12-18T00:00:00+01:00", "end": "2027-01-04T09:00:00+01:00",
               "scope": {"services": ["checkout"]}, "allowEmergency": true}),
    ));
    // pg-main reaches checkout through api.
    org.push(change("chg-1", &["ci:pg-main"], "2026-12-20T02:00:00+01:00", "2026-12-20T04:00:00+01:00"));
    // The same period, but an emergency: allowed by the freeze.
    org.push(change_with(
        "chg-2",
        &["ci:api"],
        "2026-12-21T02:00:00+01:00",
        "2026-12-21T04:00:00+01:00",
        json!({"type": "emergency"}),
    ));
    // Ends when the freeze starts.
    org.push(change(
        "chg-3",
        &["service:checkout"],
        "2026-12-17T22:00:00+01:00",
        "2026-12-18T00:00:00+01:00",
    ));
    with_findings(&org, 1, |f| {
        assert_eq!(
            f.conflicts.iter().map(row).collect::<Vec<_>>(),
            [r("blackout", "change:chg-1", "ci:pg-main", "window:year-end")]
        );
        let path: Vec<String> = f.conflicts[0].path.iter().map(ToString::to_string).collect();
        assert_eq!(path, ["ci:pg-main", "ci:api", "service:checkout"]);
    });
}

#[test]
fn outside_every_occurrence_of_a_maintenance_window_across_dst() {
    // Sundays 02:00 for 4 hours, Berlin time: on 2026-03-29 the clocks jump from 02:00 to 03:00,
    // so that occurrence runs 03:00-07:00 CEST.
    let mut org = chain_with_maintenance("sunday", "0 2 * * SUN", "4h");
    // Inside the DST-day occurrence.
    org.push(change("chg-1", &["ci:pg-main"], "2026-03-29T03:00:00+02:00", "2026-03-29T07:00:00+02:00"));
    // Starts half an hour before that occurrence (01:30 CET is 00:30 UTC; it opens at 01:00 UTC).
    org.push(change("chg-2", &["ci:api"], "2026-03-29T01:30:00+01:00", "2026-03-29T02:30:00+01:00"));
    // A Wednesday: outside.
    org.push(change(
        "chg-3",
        &["service:checkout"],
        "2026-04-01T02:00:00+02:00",
        "2026-04-01T03:00:00+02:00",
    ));
    // An emergency is not held to maintenance windows.
    org.push(change_with(
        "chg-4",
        &["service:checkout"],
        "2026-04-08T02:00:00+02:00",
        "2026-04-08T03:00:00+02:00",
        json!({"type": "emergency"}),
    ));
    // A week later, in summer time: 02:00-06:00 CEST is inside.
    org.push(change("chg-5", &["ci:api"], "2026-04-05T02:00:00+02:00", "2026-04-05T06:00:00+02:00"));
    // Fall back on 2026-10-25: the occurrence runs 02:00 CEST → 05:00 CET (4 hours elapsed),
    // not to 06:00 on the wall clock.
    org.push(change("chg-6", &["ci:api"], "2026-10-25T04:00:00+01:00", "2026-10-25T05:00:00+01:00"));
    org.push(change("chg-7", &["ci:api"], "2026-10-25T05:00:00+01:00", "2026-10-25T06:00:00+01:00"));
    assert_eq!(
        found(&org, 0),
        [
            r("outside-maintenance-window", "change:chg-2", "ci:api", "window:sunday"),
            r("outside-maintenance-window", "change:chg-3", "service:checkout", "window:sunday"),
            r("outside-maintenance-window", "change:chg-7", "ci:api", "window:sunday"),
        ]
    );
}

#[test]
fn other_revisions_name_their_revision_and_a_change_is_never_its_own_conflict() {
    let org = chain();
    let mine = change("chg-1", &["ci:pg-main"], "2027-01-16T02:00:00+01:00", "2027-01-16T04:00:00+01:00");
    let theirs = change("chg-9", &["ci:api"], "2027-01-16T03:00:00+01:00", "2027-01-16T05:00:00+01:00");
    // Another version of chg-1 itself.
    let moved = change("chg-1", &["ci:pg-main"], "2027-01-16T03:00:00+01:00", "2027-01-16T05:00:00+01:00");
    let mut refs: Vec<&Entity> = org.iter().collect();
    refs.push(&mine);
    let subjects = [Candidate { entity: &mine, rev: None }];
    let others = [
        Candidate { entity: &theirs, rev: Some("refs/pr/9") },
        Candidate { entity: &moved, rev: Some("refs/pr/1") },
    ];
    let f = find(&Input { entities: &refs, subjects: &subjects, others: &others, depth: 1, now: None });
    assert_eq!(
        f.conflicts.iter().map(row).collect::<Vec<_>>(),
        [r("parent-already-scheduled", "change:chg-1", "ci:pg-main", "change:chg-9 ci:api @refs/pr/9")]
    );
    // A change that is over by `now` conflicts with nothing.
    let now = DateTime::parse_from_rfc3339("2027-01-16T04:00:00+01:00").ok();
    let f = find(&Input { entities: &refs, subjects: &subjects, others: &others, depth: 1, now });
    assert!(f.conflicts.is_empty());
}

fn t(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

#[test]
fn schedule_finds_the_next_free_occurrences() {
    let mut org = chain_with_maintenance("saturday", "0 2 * * SAT", "4h");
    org.push(window(
        "year-end",
        json!({"type": "freeze", "start": "2026-12-18T00:00:00+01:00", "end": "2027-01-04T09:00:00+01:00"}),
    ));
    // Takes 02:00-04:00 on the first Saturday after the freeze (2027-01-09).
    let busy = change("chg-1", &["ci:api"], "2027-01-09T02:00:00+01:00", "2027-01-09T04:00:00+01:00");
    let mine = change("chg-2", &["ci:pg-main"], "2026-12-01T10:00:00+01:00", "2026-12-01T13:00:00+01:00");
    org.push(busy.clone());
    org.push(mine.clone());
    let refs: Vec<&Entity> = org.iter().collect();
    let others = [Candidate { entity: &busy, rev: None }];
    let plan = propose(&Request {
        entities: &refs,
        change: &mine,
        others: &others,
        now: t("2026-12-12T12:00:00+01:00"),
        within: TimeDelta::days(90),
        count: 2,
        depth: 1,
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let starts: Vec<String> = plan.windows.iter().map(|w| w.start.to_rfc3339()).collect();
    // 12-19, 12-26 and 01-02 are in the freeze; on 01-09 chg-1 holds api until 04:00, leaving
    // only 2 hours of the occurrence; so 01-16, then 01-23.
    assert_eq!(starts, ["2027-01-16T02:00:00+01:00", "2027-01-23T02:00:00+01:00"]);
    assert_eq!(plan.windows[0].inside, [EntityRef::new(Kind::Window, "saturday")]);
    assert_eq!(plan.why, None);
}

#[test]
fn schedule_says_why_nothing_fits() {
    let mut org = chain_with_maintenance("short", "0 2 * * SAT", "1h");
    let mine = change("chg-2", &["ci:pg-main"], "2026-12-01T10:00:00+01:00", "2026-12-01T13:00:00+01:00");
    org.push(mine.clone());
    let refs: Vec<&Entity> = org.iter().collect();
    let plan = propose(&Request {
        entities: &refs,
        change: &mine,
        others: &[],
        now: t("2026-12-12T12:00:00+01:00"),
        within: TimeDelta::days(90),
        count: 3,
        depth: 1,
    })
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(plan.windows.is_empty());
    let why = plan.why.unwrap_or_default();
    assert!(why.contains("every occurrence of the maintenance windows of service:checkout (window:short) is shorter than the change (3h)"), "{why}");
}

#[test]
fn the_overview_lists_a_conflict_on_both_changes_and_plans_only_active_ones() {
    let mut org = chain_with_maintenance("saturday", "0 2 * * SAT", "4h");
    // Saturday 16 January 2027: chg-1 on api 02:00-04:00 CET; chg-2 on checkout (which depends
    // on api) 03:00-05:00 CET, written in UTC.
    org.push(change("chg-1", &["ci:api"], "2027-01-16T02:00:00+01:00", "2027-01-16T04:00:00+01:00"));
    org.push(change("chg-2", &["service:checkout"], "2027-01-16T02:00:00Z", "2027-01-16T04:00:00Z"));
    org.push(change_with(
        "chg-3",
        &["ci:api"],
        "2027-01-16T02:00:00+01:00",
        "2027-01-16T04:00:00+01:00",
        json!({"state": "closed", "closure": {"code": "successful"}}),
    ));
    // On pg-main (next to api), but over by `now`.
    org.push(change("chg-4", &["ci:pg-main"], "2027-01-02T02:00:00+01:00", "2027-01-02T04:00:00+01:00"));
    let refs: Vec<&Entity> = org.iter().collect();
    let changes = tree_candidates(&refs);
    let settings = overview::Settings {
        now: t("2027-01-10T00:00:00+01:00"),
        depth: 1,
        count: 2,
        within: TimeDelta::days(90),
    };
    let o = overview(&refs, &changes, &settings);
    let chg = |name: &str| EntityRef::new(Kind::ChangeRequest, name);
    assert_eq!(o.findings.conflicts.len(), 1);
    let first: Vec<_> = o.conflicts_of(&chg("chg-1")).iter().map(row).collect();
    assert_eq!(
        first,
        [r("parent-already-scheduled", "change:chg-1", "ci:api", "change:chg-2 service:checkout")]
    );
    // From chg-2's side: a child conflict, the path reversed, the overlap in chg-2's offset.
    let second = o.conflicts_of(&chg("chg-2"));
    assert_eq!(
        second.iter().map(row).collect::<Vec<_>>(),
        [r("child-already-scheduled", "change:chg-2", "service:checkout", "change:chg-1 ci:api")]
    );
    let path: Vec<String> = second[0].path.iter().map(ToString::to_string).collect();
    assert_eq!(path, ["service:checkout", "ci:api"]);
    assert_eq!(
        diagnostics::period_text(&second[0].overlap.0, &second[0].overlap.1),
        "2027-01-16 02:00 +00:00 → 03:00 +00:00"
    );
    assert!(o.conflicts_of(&chg("chg-3")).is_empty() && o.conflicts_of(&chg("chg-4")).is_empty());

    // Plans: only for active changes; chg-1 keeps clear of chg-2 (on 16 January nothing of two
    // hours is left before 06:00 once chg-2 ends at 05:00), and chg-4, over, blocks nothing.
    assert!(o.plan_of(&chg("chg-3")).is_none() && o.plan_of(&chg("chg-4")).is_none());
    let plan = o.plan_of(&chg("chg-1")).unwrap_or_else(|| panic!("no plan for chg-1"));
    let starts: Vec<String> = plan.windows.iter().map(|w| w.start.to_rfc3339()).collect();
    assert_eq!(starts, ["2027-01-23T02:00:00+01:00", "2027-01-30T02:00:00+01:00"]);
    assert!(
        plan.constraints.contains(&"1 other active change on the targets or next to them".to_owned()),
        "{:?}",
        plan.constraints
    );
}

#[test]
fn the_index_of_other_changes_gives_the_same_plans_as_looking_at_them_all() {
    let mut org = chain_with_maintenance("saturday", "0 2 * * SAT", "4h");
    let mut changes = Vec::new();
    for (i, target) in ["ci:api", "ci:pg-main", "service:checkout", "ci:api", "ci:nowhere"].iter().enumerate()
    {
        let day = 9 + 7 * (i % 3);
        changes.push(change(
            &format!("chg-{i}"),
            &[target],
            &format!("2027-01-{day:02}T02:00:00+01:00"),
            &format!("2027-01-{day:02}T03:00:00+01:00"),
        ));
    }
    changes.push(change_with(
        "chg-closed",
        &["ci:api"],
        "2027-01-16T02:00:00+01:00",
        "2027-01-16T06:00:00+01:00",
        json!({"state": "closed", "closure": {"code": "successful"}}),
    ));
    org.extend(changes.iter().cloned());
    let refs: Vec<&Entity> = org.iter().collect();
    let others: Vec<Candidate> = changes.iter().map(|entity| Candidate { entity, rev: None }).collect();
    let graph = crate::graph::Graph::new(&refs);
    let reach = Reach::new(&graph, &refs);
    let index = schedule::OthersIndex::new(&others);
    let mut blocked = 0;
    for mine in &changes {
        let request = Request {
            entities: &refs,
            change: mine,
            others: &others,
            now: t("2026-12-12T12:00:00+01:00"),
            within: TimeDelta::days(90),
            count: 3,
            depth: 1,
        };
        let all = propose(&request);
        let indexed = schedule::propose_indexed(&graph, &reach, &request, Some(&index));
        assert_eq!(format!("{all:?}"), format!("{indexed:?}"), "{}", mine.metadata.name);
        blocked += usize::from(format!("{all:?}").contains("other active change"));
    }
    assert!(blocked >= 2, "no change was blocked by another: the test compares nothing");
}
