//! The service catalog: `form-choice-without-options`.

use super::{of_kind, value_at, Context};
use crate::diag::{Code, Diagnostic};
use crate::model::FieldType;

/// A `choice` field of a request form offers at least one option.
pub(super) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (entity, spec) in of_kind!(cx.entities(), CatalogItem) {
        for (i, field) in spec.form.iter().enumerate() {
            if field.field_type != FieldType::Choice || !field.options.is_empty() {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Code::FormChoiceWithoutOptions,
                    format!(
                        "form field `{}` of `{}` is a choice with no options: requesters could not fill it in",
                        field.name,
                        entity.reference()
                    ),
                    value_at(&entity.origin, format!("/spec/form/{i}/type")),
                )
                .with_note("help: list the choices under `options`, or use another `type` (string, number, boolean, date)"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::validate::rules::testutil::*;

    fn item(form: Value) -> Vec<Diagnostic> {
        run(vec![
            service("db", json!({})),
            entity(
                "CatalogItem",
                "new-db",
                "catalog.yaml",
                0,
                json!({"service": "db", "category": "Databases", "form": form}),
            ),
        ])
    }

    #[test]
    fn choice_fields_without_options() {
        let d = item(json!([
            {"name": "size", "type": "choice", "options": ["s", "m"]},
            {"name": "engine", "type": "choice"},
            {"name": "region", "type": "choice", "options": []},
        ]));
        assert_places(
            &d,
            Code::FormChoiceWithoutOptions,
            &["catalog.yaml#/spec/form/1/type", "catalog.yaml#/spec/form/2/type"],
        );
    }

    #[test]
    fn other_fields_need_no_options() {
        let d = item(
            json!([{"name": "size", "type": "choice", "options": ["s"]}, {"name": "why"}, {"name": "n", "type": "number"}]),
        );
        assert_eq!(codes(&d), []);
    }
}
