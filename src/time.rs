//! Occurrences of windows: one-off periods, and recurring ones whose start times are a cron
//! expression read in the window's time zone. Shared by the gate (`policy`) and change
//! conflicts and scheduling (`conflicts`); pure.
//!
//! Recurring windows are expanded in local wall-clock time and then placed on the time line:
//! croner walks the wall clock (as if it were UTC, so it never sees a daylight-saving change),
//! and each matching local time becomes an instant in the window's zone:
//!
//! - a local time that does not exist (spring forward, e.g. 02:00 on 2026-03-29 in
//!   Europe/Berlin) starts at the next valid instant, the end of the gap (03:00 CEST);
//! - an ambiguous local time (fall back, e.g. 02:00 on 2026-10-25) takes the earlier instant
//!   (02:00 CEST), once: an occurrence never runs twice, so a window that starts every hour or
//!   minute has no occurrence starting in the second pass of the repeated hour.
//!
//! An occurrence lasts `duration` of elapsed time from its start (a 4h window that starts at
//! 02:00 CEST on 2026-10-25 ends at 05:00 CET). Periods are half-open, `[start, end)`: a change
//! window that ends when a freeze starts does not overlap it. Durations are capped at 366 days.

use chrono::{DateTime, FixedOffset, LocalResult, NaiveDateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use croner::parser::{CronParser, Seconds, Year};
use croner::Cron;

use crate::model::WindowSpec;

/// How far past a local time the search for earlier-starting occurrences begins: a fall-back
/// fold repeats at most this much wall-clock time.
const FOLD_MARGIN_HOURS: i64 = 26;
/// The most cron matches looked at for one question (a `* * * * *` window needs ~1600).
const MAX_STEPS: usize = 4_000;
/// The longest gap a local time is moved across (minutes).
const MAX_GAP_MINUTES: u32 = 48 * 60;

/// One occurrence of a window, `[start, end)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// `2026-03-29 03:00 CEST → 07:00 CEST` (recurring, in the window's zone) or with offsets as
    /// written (one-off).
    pub text: String,
}

/// A window's schedule, ready to answer questions.
pub enum Schedule {
    OneOff { start: DateTime<FixedOffset>, end: DateTime<FixedOffset> },
    Recurring { cron: Box<Cron>, tz: Tz, length: TimeDelta },
}

impl Schedule {
    /// Reads a window's schedule; the error says why it cannot be used.
    pub fn of(spec: &WindowSpec) -> Result<Schedule, String> {
        if let (Some(start), Some(end)) = (spec.start, spec.end) {
            if end <= start {
                return Err("it ends before it starts".to_owned());
            }
            return Ok(Schedule::OneOff { start, end });
        }
        let (Some(expression), Some(duration)) = (spec.cron.as_deref(), spec.duration) else {
            return Err("it has neither `start` and `end` nor `cron` and `duration`".to_owned());
        };
        let zone = spec.timezone.as_deref().unwrap_or("UTC");
        let tz: Tz = zone.parse().map_err(|_| format!("`{zone}` is not an IANA time zone"))?;
        if expression.split_whitespace().count() != 5 {
            return Err(format!("cron `{expression}` does not have five fields"));
        }
        let parser = CronParser::builder().seconds(Seconds::Disallowed).year(Year::Disallowed).build();
        let cron =
            parser.parse(expression).map_err(|e| format!("cron `{expression}` does not parse: {e}"))?;
        let seconds = i64::try_from(duration.seconds).unwrap_or(i64::MAX).min(366 * 86_400);
        Ok(Schedule::Recurring { cron: Box::new(cron), tz, length: TimeDelta::seconds(seconds) })
    }

    /// The occurrence in progress at `t`.
    pub fn at(&self, t: DateTime<Utc>) -> Option<Occurrence> {
        self.latest_starting(t, true).filter(|o| o.end > t)
    }

    /// An occurrence that overlaps `[from, until)` (a point in time when they are equal).
    pub fn overlapping(&self, from: DateTime<Utc>, until: DateTime<Utc>) -> Option<Occurrence> {
        if until <= from {
            return self.at(from);
        }
        self.latest_starting(until, false).filter(|o| o.end > from)
    }

    /// An occurrence that contains all of `[from, until]`.
    pub fn containing(&self, from: DateTime<Utc>, until: DateTime<Utc>) -> Option<Occurrence> {
        self.latest_starting(from, true).filter(|o| o.end >= until)
    }

    /// The occurrence with the latest start at or before `t` (`inclusive`) or before it. All
    /// occurrences of a window last as long, so it is also the one that ends last.
    fn latest_starting(&self, t: DateTime<Utc>, inclusive: bool) -> Option<Occurrence> {
        match self {
            Schedule::OneOff { start, end } => {
                let s = start.with_timezone(&Utc);
                let fits = if inclusive { s <= t } else { s < t };
                fits.then(|| Occurrence {
                    start: s,
                    end: end.with_timezone(&Utc),
                    text: fixed_text(start, end),
                })
            }
            Schedule::Recurring { cron, tz, length } => {
                let start = latest_recurring_start(cron, tz, t, inclusive)?;
                recurring_occurrence(tz, *length, start)
            }
        }
    }

    /// The occurrences that overlap `[from, until)`, in order, at most `max` of them (and at
    /// most [`MAX_FORWARD_STEPS`] cron matches looked at): for listing the windows of a period.
    pub fn occurrences(&self, from: DateTime<Utc>, until: DateTime<Utc>, max: usize) -> Vec<Occurrence> {
        let Schedule::Recurring { cron, tz, length } = self else {
            return self.overlapping(from, until).into_iter().take(max).collect();
        };
        let mut out: Vec<Occurrence> = Vec::new();
        // One that started before `from` and still runs.
        if let Some(o) = self.latest_starting(from, false).filter(|o| o.end > from) {
            out.push(o);
        }
        // Then every start in [from, until), walking the wall clock forwards from a little
        // before `from`'s local time (a fold repeats at most that much).
        let Some(local) =
            from.with_timezone(tz).naive_local().checked_sub_signed(TimeDelta::hours(FOLD_MARGIN_HOURS))
        else {
            return out;
        };
        let mut probe = local.and_utc();
        let mut first = true;
        for _ in 0..MAX_FORWARD_STEPS {
            if out.len() >= max {
                break;
            }
            let Ok(wall) = cron.find_next_occurrence(&probe, first) else { break };
            first = false;
            probe = wall;
            let Some(start) = place(tz, wall.naive_utc()) else { continue };
            if start >= until {
                break;
            }
            if start < from || out.last().is_some_and(|o| o.start >= start) {
                continue;
            }
            if let Some(o) = recurring_occurrence(tz, *length, start) {
                out.push(o);
            }
        }
        out
    }
}

/// The most cron matches [`Schedule::occurrences`] looks at.
pub const MAX_FORWARD_STEPS: usize = 50_000;

/// The occurrence of a recurring window that starts at `start`, with its text in the zone.
fn recurring_occurrence(tz: &Tz, length: TimeDelta, start: DateTime<Utc>) -> Option<Occurrence> {
    let end = start.checked_add_signed(length)?;
    let (local_start, local_end) = (start.with_timezone(tz), end.with_timezone(tz));
    let text = format!(
        "{} → {}",
        local_start.format("%Y-%m-%d %H:%M %Z"),
        local_end.format(if local_start.date_naive() == local_end.date_naive() {
            "%H:%M %Z"
        } else {
            "%Y-%m-%d %H:%M %Z"
        })
    );
    Some(Occurrence { start, end, text })
}

/// `2026-12-20 00:00 +01:00 → 2027-01-04 00:00 +01:00`.
pub fn fixed_text(start: &DateTime<FixedOffset>, end: &DateTime<FixedOffset>) -> String {
    format!("{} → {}", instant_text(start), instant_text(end))
}

/// `2026-12-20 00:00 +01:00`.
pub fn instant_text(t: &DateTime<FixedOffset>) -> String {
    t.format("%Y-%m-%d %H:%M %:z").to_string()
}

/// The latest start of a recurring window at or before `t` (or before it). Local times map to
/// instants monotonically (see the module documentation), so walking the wall clock backwards
/// from a little past `t`'s local time, the first match placed at or before `t` is the latest.
fn latest_recurring_start(cron: &Cron, tz: &Tz, t: DateTime<Utc>, inclusive: bool) -> Option<DateTime<Utc>> {
    let local = t.with_timezone(tz).naive_local();
    let mut probe = local.checked_add_signed(TimeDelta::hours(FOLD_MARGIN_HOURS))?.and_utc();
    let mut first = true;
    for _ in 0..MAX_STEPS {
        let wall = cron.find_previous_occurrence(&probe, first).ok()?;
        first = false;
        let instant = place(tz, wall.naive_utc())?;
        if instant < t || (inclusive && instant == t) {
            return Some(instant);
        }
        probe = wall;
    }
    None
}

/// The instant a local time stands for in `tz`: the earlier of two in a fold, the end of the gap
/// in a gap.
fn place(tz: &Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(earlier, _) => Some(earlier.with_timezone(&Utc)),
        LocalResult::None => {
            let mut probe = local;
            for _ in 0..MAX_GAP_MINUTES {
                probe = probe.checked_add_signed(TimeDelta::minutes(1))?;
                if let Some(t) = tz.from_local_datetime(&probe).earliest() {
                    return Some(t.with_timezone(&Utc));
                }
            }
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(v: serde_json::Value) -> Schedule {
        let spec: WindowSpec = serde_json::from_value(v).unwrap_or_else(|e| panic!("{e}"));
        Schedule::of(&spec).unwrap_or_else(|e| panic!("{e}"))
    }

    fn t(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap_or_else(|e| panic!("{text}: {e}")).with_timezone(&Utc)
    }

    fn sunday_night() -> Schedule {
        schedule(serde_json::json!({"type": "maintenance", "cron": "0 2 * * SUN", "duration": "4h",
                                    "timezone": "Europe/Berlin"}))
    }

    #[test]
    fn spring_forward_starts_at_the_end_of_the_gap() {
        let w = sunday_night();
        let o = w.at(t("2026-03-29T04:00:00+02:00")).unwrap_or_else(|| panic!("no occurrence"));
        assert_eq!(o.start, t("2026-03-29T03:00:00+02:00"));
        assert_eq!(o.end, t("2026-03-29T07:00:00+02:00"));
        assert_eq!(o.text, "2026-03-29 03:00 CEST → 07:00 CEST");
        // The week before, in winter time.
        let o = w.at(t("2026-03-22T02:00:00+01:00")).unwrap_or_else(|| panic!("no occurrence"));
        assert_eq!(o.text, "2026-03-22 02:00 CET → 06:00 CET");
        assert!(w.at(t("2026-03-29T02:59:00+02:00")).is_none());
    }

    #[test]
    fn fall_back_takes_the_earlier_instant_once() {
        let w = sunday_night();
        let o = w.at(t("2026-10-25T02:30:00+01:00")).unwrap_or_else(|| panic!("no occurrence"));
        assert_eq!(o.start, t("2026-10-25T02:00:00+02:00"));
        assert_eq!(o.end, t("2026-10-25T05:00:00+01:00"));
        assert_eq!(o.text, "2026-10-25 02:00 CEST → 05:00 CET");
        assert!(w.at(t("2026-10-25T05:00:00+01:00")).is_none(), "half-open");
        // An hourly window has one occurrence at 02:00 in the fold, not two.
        let hourly = schedule(serde_json::json!({"type": "maintenance", "cron": "0 * * * *",
                                                 "duration": "30m", "timezone": "Europe/Berlin"}));
        assert!(hourly.at(t("2026-10-25T02:10:00+01:00")).is_none());
        assert!(hourly.at(t("2026-10-25T02:10:00+02:00")).is_some());
    }

    #[test]
    fn overlap_and_containment_are_half_open() {
        let w = schedule(serde_json::json!({"type": "freeze", "start": "2026-12-20T00:00:00+01:00",
                                            "end": "2027-01-04T00:00:00+01:00"}));
        assert!(w.overlapping(t("2026-12-19T22:00:00+01:00"), t("2026-12-20T00:00:00+01:00")).is_none());
        assert!(w.overlapping(t("2026-12-19T22:00:00+01:00"), t("2026-12-20T00:01:00+01:00")).is_some());
        assert!(w.overlapping(t("2027-01-04T00:00:00+01:00"), t("2027-01-04T02:00:00+01:00")).is_none());
        assert!(w.containing(t("2026-12-20T00:00:00+01:00"), t("2027-01-04T00:00:00+01:00")).is_some());
        assert!(w.at(t("2027-01-04T00:00:00+01:00")).is_none());
    }

    #[test]
    fn impossible_and_rare_schedules_answer_quickly() {
        let started = std::time::Instant::now();
        let never = schedule(serde_json::json!({"type": "freeze", "cron": "0 0 31 2 *", "duration": "1d"}));
        assert!(never.at(t("2026-06-01T00:00:00Z")).is_none());
        let minutely = schedule(serde_json::json!({"type": "freeze", "cron": "* * * * *", "duration": "1m",
                                                   "timezone": "Europe/Berlin"}));
        assert!(minutely.at(t("2026-10-25T02:30:30+02:00")).is_some());
        // The repeated hour has no second set of occurrences.
        assert!(minutely.at(t("2026-10-25T02:30:30+01:00")).is_none());
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
    }

    #[test]
    fn occurrences_list_a_period_once_each_across_dst() {
        let w = sunday_night();
        let list = w.occurrences(t("2026-03-20T00:00:00Z"), t("2026-04-06T00:00:00Z"), 10);
        let texts: Vec<&str> = list.iter().map(|o| o.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "2026-03-22 02:00 CET → 06:00 CET",
                "2026-03-29 03:00 CEST → 07:00 CEST",
                "2026-04-05 02:00 CEST → 06:00 CEST"
            ]
        );
        // One already running at `from` comes first; `max` bounds the list.
        let list = w.occurrences(t("2026-03-22T03:00:00+01:00"), t("2026-12-31T00:00:00Z"), 2);
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].start, t("2026-03-22T02:00:00+01:00"));
        // An hourly window in the fall-back fold: 02:00 once.
        let hourly = schedule(serde_json::json!({"type": "maintenance", "cron": "0 * * * *",
                                                 "duration": "30m", "timezone": "Europe/Berlin"}));
        let list = hourly.occurrences(t("2026-10-25T01:30:00+02:00"), t("2026-10-25T04:00:00+01:00"), 10);
        let starts: Vec<String> = list.iter().map(|o| o.text.clone()).collect();
        assert_eq!(starts, ["2026-10-25 02:00 CEST → 02:30 CEST", "2026-10-25 03:00 CET → 03:30 CET"]);
    }

    #[test]
    fn unusable_schedules_say_why() {
        let err = |v: serde_json::Value| {
            let spec: WindowSpec = serde_json::from_value(v).unwrap_or_else(|e| panic!("{e}"));
            Schedule::of(&spec).err().unwrap_or_default()
        };
        assert!(
            err(serde_json::json!({"type": "freeze", "cron": "0 2 * *", "duration": "1h"})).contains("five")
        );
        assert!(err(serde_json::json!({"type": "freeze", "cron": "0 2 * * *", "duration": "1h",
                                        "timezone": "Mars/Olympus"}))
        .contains("IANA"));
        assert!(err(serde_json::json!({"type": "freeze"})).contains("neither"));
    }
}
