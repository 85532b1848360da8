//! Windows (with `windows: enforce`): the `freeze` and `change-windows` rules.
//!
//! `freeze`: a Window of type `freeze` at the base covers the diff when its scope covers a
//! changed or reached service or configuration item (no scope or `all: true`: everything; a
//! service when it is listed or its tier is listed; a configuration item when its environment is
//! listed; either the base or the head version of the entity counts). A covering freeze fails
//! the rule when one of its occurrences contains the merge time (`now`) or overlaps the window
//! of a change request in the diff. An emergency request's window may overlap a freeze with
//! `allowEmergency: true`, and the merge time may fall in such a freeze when every request in
//! the diff is an emergency (a diff with no request gets no exemption). A freeze whose schedule
//! cannot be read fails closed.
//!
//! `change-windows`: every normal or standard request in the diff (not cancelled) has a `window`,
//! whatever state it claims (a request added already `closed` is held like any other), and that window lies inside one occurrence of one of the maintenance
//! windows of each service that has them, among its target services and the diff's changed and
//! reached services. A service's `maintenanceWindows` are read at the base when the service
//! exists there; the windows themselves always at the base. Emergency requests need no window
//! and are not held to maintenance windows. Occurrences follow [`super::time`] (DST gaps and
//! folds included).

use std::collections::BTreeSet;

use chrono::Utc;

use super::context::{and_list, Context, Request};
use super::time::{fixed_text, instant_text, Schedule};
use super::RuleResult;
use crate::model::{Entity, EntityRef, Kind, Spec, WindowSpec, WindowType, WindowsMode};

pub(super) fn check(cx: &Context) -> Vec<RuleResult> {
    if cx.policy.windows == WindowsMode::Ignore {
        let why = "windows are not enforced by the policy (`windows: ignore`)";
        return vec![RuleResult::skipped("freeze", why), RuleResult::skipped("change-windows", why)];
    }
    vec![freeze(cx), change_windows(cx)]
}

fn freeze(cx: &Context) -> RuleResult {
    const NAME: &str = "freeze";
    let now = cx.input.now.with_timezone(&Utc);
    let all_emergency = !cx.requests.is_empty() && cx.requests.iter().all(Request::is_emergency);
    let mut covering = 0usize;
    let mut problems = Vec::new();
    let mut waits = Vec::new();
    let mut notes = Vec::new();
    for (window, spec) in cx.base.windows().filter(|(_, s)| s.window_type == WindowType::Freeze) {
        let covered: Vec<&EntityRef> = cx.touched.iter().filter(|t| covers(cx, spec, t)).collect();
        let Some(first) = covered.first() else { continue };
        covering += 1;
        let allows_emergency = spec.allow_emergency == Some(true);
        let schedule = match Schedule::of(spec) {
            Ok(s) => s,
            Err(why) => {
                problems.push(format!(
                    "freeze {window} covers {first} but its schedule cannot be read ({why}): the gate fails closed"
                ));
                continue;
            }
        };
        if let Some(o) = schedule.at(now) {
            if allows_emergency && all_emergency {
                notes.push(format!(
                    "the merge time is in freeze {window} ({}), which allows emergencies, and every change request is one",
                    o.text
                ));
            } else {
                problems.push(format!(
                    "the merge time {} is in freeze {window} ({}), which covers {first}{}",
                    instant_text(&cx.input.now),
                    o.text,
                    if allows_emergency { " and allows only emergency changes" } else { "" }
                ));
                waits.push(format!(
                    "the end of freeze {window} at {}",
                    o.end.with_timezone(&cx.input.now.timezone()).format("%Y-%m-%d %H:%M %:z")
                ));
            }
        }
        for request in &cx.requests {
            let Some(w) = request.spec.window else { continue };
            let Some(o) = schedule.overlapping(w.start.with_timezone(&Utc), w.end.with_timezone(&Utc)) else {
                continue;
            };
            if request.is_emergency() && allows_emergency {
                notes.push(format!(
                    "emergency {} overlaps freeze {window} ({}), which allows emergencies",
                    request.reference, o.text
                ));
            } else {
                problems.push(format!(
                    "{} window {} overlaps freeze {window} ({}), which covers {first}",
                    request.reference,
                    fixed_text(&w.start, &w.end),
                    o.text
                ));
                waits.push(format!("{} rescheduled outside freeze {window}", request.reference));
            }
        }
    }
    if !problems.is_empty() {
        let missing = if waits.is_empty() { None } else { Some(waits.join("; ")) };
        return RuleResult::fail(NAME, problems.join("; "), missing);
    }
    let reason = match (covering, notes.is_empty()) {
        (0, _) => "no freeze covers a changed or reached service or configuration item".to_owned(),
        (_, false) => notes.join("; "),
        (1, true) => {
            "the freeze covering the diff holds neither the merge time nor a change window".to_owned()
        }
        (n, true) => {
            format!("the {n} freezes covering the diff hold neither the merge time nor a change window")
        }
    };
    RuleResult::pass(NAME, reason)
}

/// Whether a window's scope covers an entity, in its base or head version.
fn covers(cx: &Context, spec: &WindowSpec, target: &EntityRef) -> bool {
    let Some(scope) = &spec.scope else { return true };
    if scope.all {
        return true;
    }
    let versions = [cx.base.get(target), cx.head.get(target)];
    versions.into_iter().flatten().any(|entity: &Entity| match &entity.spec {
        Spec::Service(s) => {
            scope.services.iter().any(|r| &r.target == target) || scope.tiers.contains(&s.tier)
        }
        Spec::ConfigurationItem(c) => c.environment.is_some_and(|e| scope.environments.contains(&e)),
        _ => false,
    })
}

fn change_windows(cx: &Context) -> RuleResult {
    const NAME: &str = "change-windows";
    let held: Vec<&Request> = cx.requests.iter().filter(|r| !r.is_emergency()).collect();
    if held.is_empty() {
        let reason = if cx.requests.is_empty() {
            "no change request in the diff"
        } else {
            "emergency changes need no window and are not held to maintenance windows"
        };
        return RuleResult::pass(NAME, reason);
    }
    let mut problems = Vec::new();
    let mut fits = Vec::new();
    for request in held {
        let reference = &request.reference;
        // Whatever state the request claims (`closed` included), the diff adds or modifies it:
        // it is held to its type's rules, so a normal change cannot skip its window by
        // arriving already closed.
        let Some(w) = request.spec.window else {
            problems.push(format!("{reference} has no window; only emergency changes may leave it out"));
            continue;
        };
        let (start, end) = (w.start.with_timezone(&Utc), w.end.with_timezone(&Utc));
        let targets = request.spec.targets.iter().map(|t| &t.target).filter(|t| t.kind == Kind::Service);
        let services: BTreeSet<&EntityRef> = targets.chain(cx.services.iter()).collect();
        for service in services {
            let Some(spec) = cx.service(service) else { continue };
            if spec.maintenance_windows.is_empty() {
                continue;
            }
            let mut usable = Vec::new();
            let mut unreadable = Vec::new();
            let mut found = None;
            for window_ref in &spec.maintenance_windows {
                let window = &window_ref.target;
                let Some(window_spec) =
                    cx.base.window(window).filter(|s| s.window_type == WindowType::Maintenance)
                else {
                    continue;
                };
                usable.push(window);
                match Schedule::of(window_spec) {
                    Ok(schedule) => {
                        if let Some(o) = schedule.containing(start, end) {
                            found = Some((window, o));
                            break;
                        }
                    }
                    Err(why) => unreadable.push(format!("{window}: {why}")),
                }
            }
            let listed: Vec<&EntityRef> = spec.maintenance_windows.iter().map(|r| &r.target).collect();
            match found {
                Some((window, o)) => fits.push(format!("{reference} is inside {window} ({}) for {service}", o.text)),
                None if usable.is_empty() => problems.push(format!(
                    "none of the maintenance windows of {service} ({}) is a maintenance window at the base revision",
                    and_list(&listed)
                )),
                None => {
                    let mut text = format!(
                        "{reference} window {} is not inside one occurrence of {} (maintenance {} of {service})",
                        fixed_text(&w.start, &w.end),
                        and_list(&usable),
                        if listed.len() == 1 { "window" } else { "windows" }
                    );
                    if !unreadable.is_empty() {
                        text.push_str(&format!(" [unreadable: {}]", unreadable.join("; ")));
                    }
                    problems.push(text);
                }
            }
        }
    }
    if !problems.is_empty() {
        return RuleResult::fail(
            NAME,
            problems.join("; "),
            Some("change windows inside an occurrence of the services' maintenance windows".to_owned()),
        );
    }
    let reason = if fits.is_empty() {
        "every normal and standard change has a window, and no service it reaches has maintenance windows"
            .to_owned()
    } else {
        format!("every normal and standard change has a window; {}", fits.join("; "))
    };
    RuleResult::pass(NAME, reason)
}
