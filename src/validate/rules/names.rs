//! `duplicate-name`: names are unique per kind, case-insensitively.

use super::{value_at, Context};
use crate::diag::{Code, Diagnostic};
use crate::model::Kind;

/// Reports every document after the first that reuses a kind's name (broken documents
/// included). Policies are left to `duplicate-policy`, which reports any second policy.
pub(super) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (kind, name, entries) in cx.index.groups() {
        if kind == Kind::Policy {
            continue;
        }
        let Some((first, later)) = entries.split_first() else { continue };
        let first_origin = first.origin();
        for entry in later {
            let origin = entry.origin();
            let place = if origin.file == first_origin.file {
                "earlier in the same file".to_owned()
            } else {
                format!("in `{}`", first_origin.file)
            };
            out.push(
                Diagnostic::new(
                    Code::DuplicateName,
                    format!(
                        "duplicate name: `{}:{name}` is already defined {place}; names are unique per kind",
                        kind.short()
                    ),
                    value_at(origin, "/metadata/name"),
                )
                .with_label(value_at(first_origin, "/metadata/name"), "first defined here")
                .with_note(format!(
                    "help: rename one of the two {}s (and the references to it), or delete the copy",
                    kind.name()
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::EntityRef;
    use crate::validate::rules::testutil::*;

    #[test]
    fn later_duplicates_are_reported_with_the_first_labelled() {
        let broken = vec![(EntityRef::new(Kind::Team, "ops"), origin("z/broken.yaml", 2))];
        let d = run_with(
            vec![team("ops", "b.yaml", 0), team("ops", "a.yaml", 4), team("sre", "a.yaml", 0)],
            &broken,
            &Default::default(),
        );
        assert_places(&d, Code::DuplicateName, &["b.yaml#/metadata/name", "z/broken.yaml#/metadata/name"]);
        for found in only(&d, Code::DuplicateName) {
            assert_eq!(found.labels.len(), 1);
            assert_eq!(found.labels[0].location, value_at(&origin("a.yaml", 4), "/metadata/name"));
            assert_eq!(
                found.message,
                "duplicate name: `team:ops` is already defined in `a.yaml`; names are unique per kind"
            );
        }
    }

    #[test]
    fn same_name_in_another_kind_is_fine() {
        let d = run(vec![
            team("checkout", "teams.yaml", 0),
            service("checkout", json!({})),
            ci("checkout", json!({})),
        ]);
        assert_places(&d, Code::DuplicateName, &[]);
    }
}
