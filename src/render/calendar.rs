//! Time for the calendar: occurrences of windows (recurring ones expanded with croner in their
//! time zone), whether a change or window is past, in flight or upcoming, and how to show times.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use croner::parser::{CronParser, Seconds, Year};
use croner::{Cron, Direction};
use serde::Serialize;

use crate::model::{ChangeSpec, ChangeState, Entity, Environment, Spec, WindowSpec};

/// How far ahead the calendar expands recurring windows.
pub const HORIZON_DAYS: i64 = 28;
/// The most occurrences of one recurring window the calendar shows.
pub const MAX_IN_CALENDAR: usize = 40;

/// Where something is in time, relative to the start of `today` (00:00 UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    InFlight,
    Upcoming,
    Past,
}

/// One occurrence of a window (or the window of a change).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// `2026-11-28 02:00 CET` (recurring, in the window's zone) or `… +01:00` (as written).
    pub start_text: String,
    pub end_text: String,
    /// The local date of the start, `2026-11-28`.
    pub date: String,
}

/// The start of `today`, the instant everything is compared with.
pub fn start_of(today: NaiveDate) -> DateTime<Utc> {
    today.and_time(chrono::NaiveTime::MIN).and_utc()
}

/// `2026-11-08 03:00 +01:00`.
pub fn fixed_text(t: &DateTime<FixedOffset>) -> String {
    t.format("%Y-%m-%d %H:%M %:z").to_string()
}

/// A period written with offsets, as an occurrence.
pub fn fixed(start: &DateTime<FixedOffset>, end: &DateTime<FixedOffset>) -> Occurrence {
    Occurrence {
        start: start.with_timezone(&Utc),
        end: end.with_timezone(&Utc),
        start_text: fixed_text(start),
        end_text: fixed_text(end),
        date: start.format("%Y-%m-%d").to_string(),
    }
}

/// The cron expression of a recurring window, read as `cairn validate` reads it.
fn parse_cron(expression: &str) -> Option<Cron> {
    if expression.split_whitespace().count() != 5 {
        return None;
    }
    CronParser::builder().seconds(Seconds::Disallowed).year(Year::Disallowed).build().parse(expression).ok()
}

/// A window's schedule, read once: windows are asked about their occurrences many times
/// (each change page asks every window whether it overlaps), and reading a cron expression
/// and a zone costs more than the question. A recurring window with an unreadable schedule
/// never occurs (`cairn validate` reports it).
#[derive(Clone)]
pub enum Schedule {
    /// A one-off period, written with offsets.
    Fixed(DateTime<FixedOffset>, DateTime<FixedOffset>),
    /// A recurring window: when each occurrence starts, in which zone, and for how long.
    Recurring { cron: Box<Cron>, zone: chrono_tz::Tz, length: chrono::Duration },
    /// No readable schedule.
    Never,
}

impl Schedule {
    pub fn of(spec: &WindowSpec) -> Schedule {
        if let (Some(start), Some(end)) = (spec.start, spec.end) {
            return Schedule::Fixed(start, end);
        }
        let (Some(cron), Some(duration)) = (spec.cron.as_deref().and_then(parse_cron), spec.duration) else {
            return Schedule::Never;
        };
        let Ok(zone) = spec.timezone.as_deref().unwrap_or("UTC").parse::<chrono_tz::Tz>() else {
            return Schedule::Never;
        };
        let Ok(seconds) = i64::try_from(duration.seconds) else { return Schedule::Never };
        let length = chrono::Duration::seconds(seconds.min(366 * 86_400));
        Schedule::Recurring { cron: Box::new(cron), zone, length }
    }

    /// Occurrences that end after `from` and start before `until`, at most `max`, in time
    /// order. A one-off window has at most one.
    pub fn occurrences(&self, from: DateTime<Utc>, until: DateTime<Utc>, max: usize) -> Vec<Occurrence> {
        let (cron, zone, length) = match self {
            Schedule::Fixed(start, end) => {
                let o = fixed(start, end);
                return if o.end > from && o.start < until && max > 0 { vec![o] } else { Vec::new() };
            }
            Schedule::Recurring { cron, zone, length } => (cron, zone, *length),
            Schedule::Never => return Vec::new(),
        };
        let Some(search_from) = from.checked_sub_signed(length) else { return Vec::new() };
        let mut out = Vec::new();
        for start in cron.iter_from(search_from.with_timezone(zone), Direction::Forward) {
            if out.len() >= max || start.with_timezone(&Utc) >= until {
                break;
            }
            let Some(end) = start.checked_add_signed(length) else { break };
            if end.with_timezone(&Utc) <= from {
                continue;
            }
            out.push(Occurrence {
                start: start.with_timezone(&Utc),
                end: end.with_timezone(&Utc),
                start_text: start.format("%Y-%m-%d %H:%M %Z").to_string(),
                end_text: end.format("%Y-%m-%d %H:%M %Z").to_string(),
                date: start.format("%Y-%m-%d").to_string(),
            });
        }
        out
    }

    /// Whether the window occurs at all between `from` and `until` (what
    /// `!occurrences(from, until, 1).is_empty()` says, without writing the times out).
    pub fn occurs_between(&self, from: DateTime<Utc>, until: DateTime<Utc>) -> bool {
        let (cron, zone, length) = match self {
            Schedule::Fixed(start, end) => {
                return end.with_timezone(&Utc) > from && start.with_timezone(&Utc) < until;
            }
            Schedule::Recurring { cron, zone, length } => (cron, zone, *length),
            Schedule::Never => return false,
        };
        let Some(search_from) = from.checked_sub_signed(length) else { return false };
        for start in cron.iter_from(search_from.with_timezone(zone), Direction::Forward) {
            if start.with_timezone(&Utc) >= until {
                return false;
            }
            let Some(end) = start.checked_add_signed(length) else { return false };
            if end.with_timezone(&Utc) > from {
                return true;
            }
        }
        false
    }
}

/// The next occurrences of a window from `now`, at most `max` (searching up to two years).
pub fn next(schedule: &Schedule, now: DateTime<Utc>, max: usize) -> Vec<Occurrence> {
    let until = now.checked_add_signed(chrono::Duration::days(731)).unwrap_or(now);
    schedule.occurrences(now, until, max)
}

/// Whether a window is past, in progress (in flight) or upcoming, from its next occurrences; a
/// recurring window is upcoming unless it never occurs again.
pub fn status_of(next: &[Occurrence], now: DateTime<Utc>) -> Status {
    match next.first() {
        Some(o) if o.start <= now => Status::InFlight,
        Some(_) => Status::Upcoming,
        None => Status::Past,
    }
}

/// Whether a change is done (closed, cancelled, or its window is over), in flight
/// (implementing, in review, in its window, or an emergency without a window) or upcoming.
pub fn change_status(spec: &ChangeSpec, now: DateTime<Utc>) -> Status {
    match spec.state {
        ChangeState::Closed | ChangeState::Cancelled => return Status::Past,
        ChangeState::Implement | ChangeState::Review => return Status::InFlight,
        _ => {}
    }
    match &spec.window {
        None => Status::InFlight,
        Some(w) if w.end.with_timezone(&Utc) <= now => Status::Past,
        Some(w) if w.start.with_timezone(&Utc) <= now => Status::InFlight,
        Some(_) => Status::Upcoming,
    }
}

/// How a window's schedule reads: `2026-11-26 00:00 +01:00 → 2026-12-02 00:00 +01:00`, or
/// `cron 0 2 * * SAT (Europe/Berlin), 4h each`.
pub fn schedule_text(spec: &WindowSpec) -> String {
    match (&spec.start, &spec.end, &spec.cron) {
        (Some(start), Some(end), _) => format!("{} → {}", fixed_text(start), fixed_text(end)),
        (_, _, Some(cron)) => {
            let tz = spec.timezone.as_deref().unwrap_or("UTC");
            match spec.duration {
                Some(d) => format!("cron {cron} ({tz}), {d} each"),
                None => format!("cron {cron} ({tz})"),
            }
        }
        _ => "no schedule".to_owned(),
    }
}

/// Whether a window's scope covers an entity (a change target): every service when `all` or
/// no scope, listed services and tiers; configuration items by environment.
pub fn covers(spec: &WindowSpec, target: &Entity) -> bool {
    let Some(scope) = &spec.scope else { return true };
    if scope.all {
        return true;
    }
    match &target.spec {
        Spec::Service(s) => {
            scope.services.iter().any(|r| r.name().eq_ignore_ascii_case(target.name()))
                || scope.tiers.contains(&s.tier)
        }
        Spec::ConfigurationItem(c) => {
            c.environment.is_some_and(|e: Environment| scope.environments.contains(&e))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(v: serde_json::Value) -> WindowSpec {
        serde_json::from_value(v).unwrap_or_else(|e| panic!("{e}"))
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn recurring_windows_expand_in_their_zone() {
        let w = window(serde_json::json!({"type": "maintenance", "cron": "0 2 * * SAT", "duration": "4h",
                                          "timezone": "Europe/Berlin"}));
        let now = start_of(day(2026, 10, 20));
        let next = next(&Schedule::of(&w), now, 3);
        let texts: Vec<&str> = next.iter().map(|o| o.start_text.as_str()).collect();
        // Summer time ends on 25 October 2026.
        assert_eq!(texts, ["2026-10-24 02:00 CEST", "2026-10-31 02:00 CET", "2026-11-07 02:00 CET"]);
        assert_eq!(next[0].end_text, "2026-10-24 06:00 CEST");
        assert_eq!(status_of(&next, now), Status::Upcoming);
        let bad = window(serde_json::json!({"type": "maintenance", "cron": "0 2 * *", "duration": "4h"}));
        assert!(super::next(&Schedule::of(&bad), now, 3).is_empty());
    }

    #[test]
    fn an_occurrence_in_progress_counts() {
        let w = window(serde_json::json!({"type": "freeze", "cron": "0 22 * * *", "duration": "4h"}));
        let now = start_of(day(2026, 1, 1));
        assert_eq!(status_of(&super::next(&Schedule::of(&w), now, 1), now), Status::InFlight);
        let o = window(serde_json::json!({"type": "freeze", "start": "2025-12-31T00:00:00+01:00",
                                          "end": "2026-01-01T00:00:00+01:00"}));
        assert_eq!(status_of(&super::next(&Schedule::of(&o), now, 1), now), Status::Past);
        assert_eq!(schedule_text(&o), "2025-12-31 00:00 +01:00 → 2026-01-01 00:00 +01:00");
    }
}
