//! Conflicts as words and as diagnostics (one code per conflict type), so every report format
//! that shows diagnostics shows conflicts: the change's target is the primary location, the
//! other change's target (or the window, or the service listing the maintenance windows) a
//! label.

use chrono::{DateTime, FixedOffset};

use super::{Conflict, ConflictType, Side, With};
use crate::diag::{Code, Diagnostic, Location, Part};
use crate::model::Entity;

/// The diagnostic code of a conflict type.
pub fn code(kind: ConflictType) -> Code {
    match kind {
        ConflictType::AlreadyScheduled => Code::AlreadyScheduled,
        ConflictType::ParentAlreadyScheduled => Code::ParentAlreadyScheduled,
        ConflictType::ChildAlreadyScheduled => Code::ChildAlreadyScheduled,
        ConflictType::Blackout => Code::Blackout,
        ConflictType::OutsideMaintenanceWindow => Code::OutsideMaintenanceWindow,
    }
}

/// `2027-01-16 02:30 +01:00 → 04:00 +01:00` (the date once when both are on the same day).
pub fn period_text(start: &DateTime<FixedOffset>, end: &DateTime<FixedOffset>) -> String {
    let end_format = if start.date_naive() == end.date_naive() && start.offset() == end.offset() {
        "%H:%M %:z"
    } else {
        "%Y-%m-%d %H:%M %:z"
    };
    format!("{} → {}", start.format("%Y-%m-%d %H:%M %:z"), end.format(end_format))
}

fn at(side: &Side) -> String {
    side.rev.map(|r| format!(" (at {r})")).unwrap_or_default()
}

fn path_text(conflict: &Conflict) -> String {
    conflict.path.iter().map(ToString::to_string).collect::<Vec<_>>().join(" → ")
}

/// One line saying what the conflict is.
pub fn describe(conflict: &Conflict) -> String {
    let c = &conflict.change;
    let overlap = period_text(&conflict.overlap.0, &conflict.overlap.1);
    match (&conflict.with, conflict.kind) {
        (With::Change(o), ConflictType::AlreadyScheduled) => format!(
            "{} and {}{} are both scheduled on {} during {overlap}",
            c.change,
            o.change,
            at(o),
            c.target
        ),
        (With::Change(o), kind) => {
            let relation = if kind == ConflictType::ParentAlreadyScheduled {
                format!("{} depends on {}", o.target, c.target)
            } else {
                format!("{} depends on {}", c.target, o.target)
            };
            format!(
                "{} on {} overlaps {}{} on {} during {overlap} ({relation}: {})",
                c.change,
                c.target,
                o.change,
                at(o),
                o.target,
                path_text(conflict)
            )
        }
        (With::Window { window, detail, .. }, ConflictType::Blackout) => {
            let covered = conflict.path.last().map(ToString::to_string).unwrap_or_default();
            let via =
                if conflict.path.len() > 1 { format!(", which {} reaches", c.target) } else { String::new() };
            format!(
                "{} on {} is in freeze {window} ({detail}) during {overlap}; the freeze covers {covered}{via}",
                c.change, c.target
            )
        }
        (With::Window { windows, detail, .. }, _) => {
            let service = conflict.path.last().map(ToString::to_string).unwrap_or_default();
            let names: Vec<String> = windows.iter().map(ToString::to_string).collect();
            let via =
                if conflict.path.len() > 1 { format!(" ({})", path_text(conflict)) } else { String::new() };
            format!(
                "{} window {overlap} on {} is not inside one occurrence of the maintenance windows of {service}{via}: {}; {detail}",
                c.change,
                c.target,
                names.join(", ")
            )
        }
    }
}

fn target_location(side: &Side) -> Location {
    entity_location(side.entity, format!("/spec/targets/{}", side.target_index))
}

fn entity_location(entity: &Entity, pointer: String) -> Location {
    Location::pointer(entity.origin.file.clone(), entity.origin.doc, pointer, Part::Value)
}

/// The conflicts as diagnostics, in the order given. `windows` finds the entity a window or
/// service reference names (for the label), in the tree the conflicts were found in.
pub fn diagnostics<'a>(
    conflicts: &[Conflict<'a>],
    lookup: &dyn Fn(&crate::model::EntityRef) -> Option<&'a Entity>,
) -> Vec<Diagnostic> {
    conflicts
        .iter()
        .map(|conflict| {
            let mut d =
                Diagnostic::new(code(conflict.kind), describe(conflict), target_location(&conflict.change));
            match &conflict.with {
                With::Change(other) => {
                    d = d.with_label(
                        target_location(other),
                        format!("{}{} is scheduled on {} here", other.change, at(other), other.target),
                    );
                }
                With::Window { window, .. } if conflict.kind == ConflictType::Blackout => {
                    if let Some(entity) = lookup(window) {
                        d = d.with_label(
                            entity_location(entity, "/spec".to_owned()),
                            format!("freeze {window}"),
                        );
                    }
                }
                With::Window { .. } => {
                    let service = conflict.path.last();
                    if let Some(entity) = service.and_then(lookup) {
                        d = d.with_label(
                            entity_location(entity, "/spec/maintenanceWindows".to_owned()),
                            format!("the maintenance windows of {}", entity.reference()),
                        );
                    }
                }
            }
            if conflict.path.len() > 1 {
                d = d.with_note(format!("path: {}", path_text(conflict)));
            }
            d
        })
        .collect()
}
