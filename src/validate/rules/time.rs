//! Time: `invalid-timezone`, `invalid-cron`, `window-schedule` and `window-end-before-start`.

use chrono::{DateTime, FixedOffset};
use croner::errors::CronError;
use croner::parser::{CronParser, Seconds, Year};

use super::index::closest;
use super::{key_at, of_kind, value_at, Context};
use crate::diag::{Code, Diagnostic};
use crate::model::{Entity, SupportHours, WindowSpec, WindowType};

pub(super) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (entity, spec) in of_kind!(cx.entities(), Team) {
        if let Some(tz) = &spec.timezone {
            timezone(entity, "/spec/timezone", tz, out);
        }
    }
    for (entity, spec) in of_kind!(cx.entities(), Sla) {
        if let Some(SupportHours::Schedule(schedule)) = &spec.support_hours {
            timezone(entity, "/spec/supportHours/timezone", &schedule.timezone, out);
        }
    }
    for (entity, spec) in of_kind!(cx.entities(), Window) {
        if let Some(tz) = &spec.timezone {
            timezone(entity, "/spec/timezone", tz, out);
        }
        if let Some(expression) = &spec.cron {
            cron(entity, expression, out);
        }
        schedule(entity, spec, out);
        if let (Some(start), Some(end)) = (spec.start, spec.end) {
            ordered(entity, "/spec", start, end, out);
        }
    }
    for (entity, spec) in of_kind!(cx.entities(), ChangeRequest) {
        if let Some(window) = spec.window {
            ordered(entity, "/spec/window", window.start, window.end, out);
        }
    }
}

/// `invalid-timezone`: an IANA time zone name, as `chrono_tz` knows them.
fn timezone(entity: &Entity, pointer: &str, name: &str, out: &mut Vec<Diagnostic>) {
    if name.parse::<chrono_tz::Tz>().is_ok() {
        return;
    }
    let known = || chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name());
    let suggestion =
        known().find(|known| known.eq_ignore_ascii_case(name)).or_else(|| closest(name, known()));
    let mut d = Diagnostic::new(
        Code::InvalidTimezone,
        format!("`{name}` in `{}` is not an IANA time zone name", entity.reference()),
        value_at(&entity.origin, pointer),
    );
    d = match suggestion {
        Some(known) => d.with_note(format!("help: did you mean `{known}`?")),
        None => {
            d.with_note("help: write a name from the IANA time zone database, e.g. `Europe/Berlin` or `UTC`")
        }
    };
    out.push(d);
}

/// The fields of a five-field cron expression, in order.
const CRON_FIELDS: [&str; 5] = ["minute", "hour", "day-of-month", "month", "day-of-week"];

/// `invalid-cron`: exactly five fields, as `croner` reads them (day and month names allowed).
fn cron(entity: &Entity, expression: &str, out: &mut Vec<Diagnostic>) {
    let Some(reason) = cron_error(expression) else { return };
    out.push(
        Diagnostic::new(
            Code::InvalidCron,
            format!("cron expression `{expression}` of `{}` does not parse: {reason}", entity.reference()),
            value_at(&entity.origin, "/spec/cron"),
        )
        .with_note(format!(
            "help: write five fields, {}, read in the window's time zone, e.g. `0 2 * * SAT` (02:00 every Saturday)",
            CRON_FIELDS.join(" ")
        )),
    );
}

/// Why a cron expression does not parse: the field count, or the first field the parser
/// rejects (each field is tried alone, the others `*`) and the parser's reason.
fn cron_error(expression: &str) -> Option<String> {
    let fields: Vec<&str> = expression.split_whitespace().collect();
    if fields.len() != CRON_FIELDS.len() {
        let n = fields.len();
        return Some(format!(
            "it has {n} field{}; expected 5 ({})",
            if n == 1 { "" } else { "s" },
            CRON_FIELDS.join(" ")
        ));
    }
    let parser = CronParser::builder().seconds(Seconds::Disallowed).year(Year::Disallowed).build();
    let whole = parser.parse(expression).err()?;
    let reason = |e: CronError| {
        let text = match e {
            CronError::InvalidPattern(m) | CronError::IllegalCharacters(m) | CronError::ComponentError(m) => {
                m
            }
            other => other.to_string(),
        };
        text.trim_end_matches('.').to_owned()
    };
    for (i, field) in fields.iter().enumerate() {
        let alone: Vec<&str> = (0..fields.len()).map(|j| if j == i { *field } else { "*" }).collect();
        if let Err(e) = parser.parse(&alone.join(" ")) {
            return Some(format!("{} field `{field}`: {}", CRON_FIELDS[i], reason(e)));
        }
    }
    Some(reason(whole))
}

/// `window-schedule`: exactly one of one-off (`start`, `end`) and recurring (`cron`, `duration`,
/// optional `timezone`); `allowEmergency` only on freezes.
fn schedule(entity: &Entity, spec: &WindowSpec, out: &mut Vec<Diagnostic>) {
    let name = entity.reference();
    let one_off: Vec<&str> = [("start", spec.start.is_some()), ("end", spec.end.is_some())]
        .into_iter()
        .filter_map(|(field, set)| set.then_some(field))
        .collect();
    let recurring: Vec<&str> = [
        ("cron", spec.cron.is_some()),
        ("duration", spec.duration.is_some()),
        ("timezone", spec.timezone.is_some()),
    ]
    .into_iter()
    .filter_map(|(field, set)| set.then_some(field))
    .collect();
    let help_both = "help: a one-off window has `start` and `end`; a recurring one has `cron`, `duration` and optionally `timezone`";
    let problem = match (one_off.as_slice(), recurring.as_slice()) {
        ([], []) => Some((
            key_at(&entity.origin, "/spec"),
            format!("window `{name}` has no schedule: neither `start` and `end` nor `cron` and `duration`"),
            None,
        )),
        ([first, ..], [recurring_first, ..]) => Some((
            key_at(&entity.origin, format!("/spec/{recurring_first}")),
            format!(
                "window `{name}` mixes one-off (`{}`) and recurring (`{}`) fields; it must be one or the other",
                one_off.join("`, `"),
                recurring.join("`, `")
            ),
            Some((key_at(&entity.origin, format!("/spec/{first}")), "one-off field here")),
        )),
        (["start"], []) => Some((
            key_at(&entity.origin, "/spec/start"),
            format!("one-off window `{name}` has a `start` but no `end`"),
            None,
        )),
        (["end"], []) => Some((
            key_at(&entity.origin, "/spec/end"),
            format!("one-off window `{name}` has an `end` but no `start`"),
            None,
        )),
        ([], [recurring_first, ..]) if spec.cron.is_none() => Some((
            key_at(&entity.origin, format!("/spec/{recurring_first}")),
            format!(
                "recurring window `{name}` has no `cron`: `{}` alone does not say when it occurs",
                recurring.join("` and `")
            ),
            None,
        )),
        ([], _) if spec.duration.is_none() => Some((
            key_at(&entity.origin, "/spec/cron"),
            format!("recurring window `{name}` has a `cron` but no `duration`: how long does each occurrence last?"),
            None,
        )),
        _ => None,
    };
    if let Some((location, message, label)) = problem {
        let mut d = Diagnostic::new(Code::WindowSchedule, message, location);
        if let Some((location, text)) = label {
            d = d.with_label(location, text);
        }
        out.push(d.with_note(help_both));
    }
    if spec.window_type == WindowType::Maintenance && spec.allow_emergency.is_some() {
        out.push(
            Diagnostic::new(
                Code::WindowSchedule,
                format!(
                    "`allowEmergency` on maintenance window `{name}` means nothing: only freezes hold changes back"
                ),
                key_at(&entity.origin, "/spec/allowEmergency"),
            )
            .with_note("help: remove `allowEmergency`, or make the window `type: freeze` if changes must be held back"),
        );
    }
}

/// `window-end-before-start`: `<base>/end` strictly after `<base>/start`.
fn ordered(
    entity: &Entity,
    base: &str,
    start: DateTime<FixedOffset>,
    end: DateTime<FixedOffset>,
    out: &mut Vec<Diagnostic>,
) {
    if end > start {
        return;
    }
    let when = if end == start {
        "at the same time as it starts".to_owned()
    } else {
        format!("before it starts ({})", start.to_rfc3339())
    };
    let what = if base == "/spec" { "window" } else { "the window of" };
    out.push(
        Diagnostic::new(
            Code::WindowEndBeforeStart,
            format!("{what} `{}` ends ({}) {when}", entity.reference(), end.to_rfc3339()),
            value_at(&entity.origin, format!("{base}/end")),
        )
        .with_label(value_at(&entity.origin, format!("{base}/start")), "starts here")
        .with_note("help: `end` must be after `start`; mind the UTC offsets when they differ"),
    );
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::validate::rules::testutil::*;

    fn window(spec: Value) -> Entity {
        entity("Window", "w", "windows.yaml", 0, spec)
    }

    #[test]
    fn time_zones_must_be_iana_names() {
        let d = run(vec![
            entity("Team", "ops", "teams.yaml", 0, json!({"timezone": "Europe/Berln"})),
            entity("Team", "dev", "teams.yaml", 1, json!({"timezone": "europe/paris"})),
            entity("Team", "qa", "teams.yaml", 2, json!({"timezone": "Europe/Berlin"})),
            service("checkout", json!({})),
            entity(
                "SLA",
                "gold",
                "sla.yaml",
                0,
                json!({"service": "checkout", "objectives": [{"metric": "availability", "target": 99.9}],
                       "supportHours": {"timezone": "CEST", "days": ["mon"], "from": "08:00", "to": "18:00"}}),
            ),
            window(
                json!({"type": "maintenance", "cron": "0 2 * * SAT", "duration": "4h", "timezone": "Mars/Olympus"}),
            ),
        ]);
        assert_places(
            &d,
            Code::InvalidTimezone,
            &[
                "sla.yaml#/spec/supportHours/timezone",
                "teams.yaml#/spec/timezone",
                "teams.yaml#/spec/timezone",
                "windows.yaml#/spec/timezone",
            ],
        );
        let notes: Vec<Vec<String>> = only(&d, Code::InvalidTimezone).into_iter().map(|d| d.notes).collect();
        assert!(notes.contains(&vec!["help: did you mean `Europe/Berlin`?".to_owned()]), "{notes:?}");
        assert!(notes.contains(&vec!["help: did you mean `Europe/Paris`?".to_owned()]), "{notes:?}");
    }

    #[test]
    fn valid_time_zones_are_quiet() {
        let d = run(vec![
            entity("Team", "ops", "teams.yaml", 0, json!({"timezone": "UTC"})),
            window(
                json!({"type": "maintenance", "cron": "0 2 * * SAT", "duration": "4h", "timezone": "America/New_York"}),
            ),
        ]);
        assert_eq!(codes(&d), []);
    }

    #[test]
    fn cron_needs_five_fields_that_parse() {
        for (cron, reason) in [
            ("0 2 * *", "it has 4 fields; expected 5 (minute hour day-of-month month day-of-week)"),
            ("0 0 2 * * SAT", "it has 6 fields; expected 5 ("),
            ("@weekly", "it has 1 field; expected 5 ("),
            ("0 25 * * *", "hour field `25`: "),
            ("0 2 * * SATURDAY", "day-of-week field `SATURDAY`: "),
            ("0 2 * 13 *", "month field `13`: "),
        ] {
            let d = run(vec![window(json!({"type": "maintenance", "cron": cron, "duration": "4h"}))]);
            assert_places(&d, Code::InvalidCron, &["windows.yaml#/spec/cron"]);
            let message = &only(&d, Code::InvalidCron)[0].message;
            assert!(message
                .starts_with(&format!("cron expression `{cron}` of `window:w` does not parse: {reason}")));
        }
        for cron in ["0 2 * * SAT", "30 1 1-7 * sun", "*/15 0-5 * JAN,FEB mon-fri", "0 0 L * *"] {
            let d = run(vec![window(json!({"type": "maintenance", "cron": cron, "duration": "4h"}))]);
            assert_places(&d, Code::InvalidCron, &[]);
        }
    }

    #[test]
    fn a_window_is_one_off_or_recurring() {
        let cases = [
            (json!({"type": "freeze"}), "windows.yaml#/spec!key"),
            (
                json!({"type": "freeze", "start": "2026-01-01T00:00:00Z", "end": "2026-01-02T00:00:00Z", "duration": "4h"}),
                "windows.yaml#/spec/duration!key",
            ),
            (json!({"type": "freeze", "start": "2026-01-01T00:00:00Z"}), "windows.yaml#/spec/start!key"),
            (json!({"type": "freeze", "end": "2026-01-01T00:00:00Z"}), "windows.yaml#/spec/end!key"),
            (
                json!({"type": "freeze", "duration": "4h", "timezone": "UTC"}),
                "windows.yaml#/spec/duration!key",
            ),
            (json!({"type": "freeze", "timezone": "UTC"}), "windows.yaml#/spec/timezone!key"),
            (json!({"type": "freeze", "cron": "0 2 * * SAT"}), "windows.yaml#/spec/cron!key"),
            (
                json!({"type": "maintenance", "cron": "0 2 * * SAT", "duration": "4h", "allowEmergency": true}),
                "windows.yaml#/spec/allowEmergency!key",
            ),
        ];
        for (spec, expected) in cases {
            let d = run(vec![window(spec.clone())]);
            assert_places(&d, Code::WindowSchedule, &[expected]);
        }
    }

    #[test]
    fn proper_windows_are_quiet() {
        for spec in [
            json!({"type": "freeze", "start": "2026-12-20T00:00:00+01:00", "end": "2027-01-02T00:00:00+01:00",
                   "allowEmergency": true}),
            json!({"type": "maintenance", "cron": "0 2 * * SAT", "duration": "4h"}),
            json!({"type": "freeze", "cron": "0 0 * * FRI", "duration": "3d", "timezone": "Europe/Berlin",
                   "allowEmergency": false}),
        ] {
            let d = run(vec![window(spec)]);
            assert_eq!(codes(&d), []);
        }
    }

    #[test]
    fn windows_end_after_they_start() {
        let d = run(vec![
            window(
                json!({"type": "freeze", "start": "2026-01-02T01:00:00+01:00", "end": "2026-01-02T00:00:00Z"}),
            ),
            service("checkout", json!({})),
            entity(
                "ChangeRequest",
                "chg-1",
                "chg.yaml",
                0,
                json!({"type": "normal", "requestedBy": "ann", "targets": ["service:checkout"],
                       "window": {"start": "2026-01-02T02:00:00Z", "end": "2026-01-02T01:00:00Z"}}),
            ),
        ]);
        assert_places(
            &d,
            Code::WindowEndBeforeStart,
            &["chg.yaml#/spec/window/end", "windows.yaml#/spec/end"],
        );
        let found = only(&d, Code::WindowEndBeforeStart);
        assert!(found.iter().any(|d| d.message
            == "window `window:w` ends (2026-01-02T00:00:00+00:00) at the same time as it starts"));
        let d = run(vec![window(
            json!({"type": "freeze", "start": "2026-01-02T00:00:00+01:00", "end": "2026-01-02T00:00:00Z"}),
        )]);
        assert_places(&d, Code::WindowEndBeforeStart, &[]);
    }
}
