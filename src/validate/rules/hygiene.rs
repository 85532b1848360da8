//! Warnings about records going stale: `kb-expired`, `kb-review-due`, `ci-not-verified` and
//! `tier1-without-sla`.

use std::collections::BTreeSet;

use super::{of_kind, value_at, Context};
use crate::diag::{Code, Diagnostic};
use crate::model::{ArticleState, CiStatus, Lifecycle};

pub(super) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    articles(cx, out);
    unverified(cx, out);
    tier1_without_sla(cx, out);
}

/// Published and draft articles past their `validTo` or `reviewBy` date.
fn articles(cx: &Context, out: &mut Vec<Diagnostic>) {
    let today = cx.input.today;
    for (entity, article) in of_kind!(cx.entities(), KnowledgeArticle) {
        let spec = &article.spec;
        if spec.state == ArticleState::Retired {
            continue;
        }
        if let Some(valid_to) = spec.valid_to.filter(|d| *d < today) {
            out.push(
                Diagnostic::new(
                    Code::KbExpired,
                    format!("knowledge article `{}` expired on {valid_to}", entity.reference()),
                    value_at(&entity.origin, "/spec/validTo"),
                )
                .with_note(
                    "help: check the article still holds and move `validTo` forward, or set `state: retired`",
                ),
            );
        }
        if let Some(review_by) = spec.review_by.filter(|d| *d < today) {
            out.push(
                Diagnostic::new(
                    Code::KbReviewDue,
                    format!("knowledge article `{}` was due for review on {review_by}", entity.reference()),
                    value_at(&entity.origin, "/spec/reviewBy"),
                )
                .with_note(
                    "help: review the article and set the next `reviewBy` date, or set `state: retired`",
                ),
            );
        }
    }
}

/// CIs whose `lastVerified` is older than `checks.ciVerifiedWithinDays` (retired ones aside).
fn unverified(cx: &Context, out: &mut Vec<Diagnostic>) {
    let today = cx.input.today;
    let within = i64::from(cx.input.config.checks.ci_verified_within_days);
    for (entity, spec) in of_kind!(cx.entities(), ConfigurationItem) {
        if spec.status == CiStatus::Retired {
            continue;
        }
        let Some(last) = spec.last_verified else { continue };
        let age = today.signed_duration_since(last).num_days();
        if age <= within {
            continue;
        }
        out.push(
            Diagnostic::new(
                Code::CiNotVerified,
                format!(
                    "configuration item `{}` was last verified on {last}, more than {within} day{} ago",
                    entity.reference(),
                    if within == 1 { "" } else { "s" }
                ),
                value_at(&entity.origin, "/spec/lastVerified"),
            )
            .with_note("help: check the record against reality and update `lastVerified`; the limit is `checks.ciVerifiedWithinDays` in cairn.yaml"),
        );
    }
}

/// Live tier-1 services that no SLA's `service` names.
fn tier1_without_sla(cx: &Context, out: &mut Vec<Diagnostic>) {
    let covered: BTreeSet<String> =
        of_kind!(cx.entities(), Sla).map(|(_, sla)| sla.service.name().to_lowercase()).collect();
    for (entity, spec) in of_kind!(cx.entities(), Service) {
        if spec.tier != 1
            || spec.lifecycle != Lifecycle::Live
            || covered.contains(&entity.name().to_lowercase())
        {
            continue;
        }
        out.push(
            Diagnostic::new(
                Code::Tier1WithoutSla,
                format!("tier-1 service `{}` has no SLA", entity.reference()),
                value_at(&entity.origin, "/spec/tier"),
            )
            .with_note(format!(
                "help: add an SLA with `service: {}` stating its availability and response targets",
                entity.name()
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::model::Config;
    use crate::validate::rules::testutil::*;

    fn article(spec: Value) -> crate::model::Entity {
        let mut full = json!({"owner": "sre"});
        if let (Some(full), Value::Object(spec)) = (full.as_object_mut(), spec) {
            full.extend(spec);
        }
        entity("KnowledgeArticle", "restart", "kb/restart.md", 0, full)
    }

    #[test]
    fn articles_past_their_dates() {
        let d = run(vec![article(json!({"validTo": "2026-03-14", "reviewBy": "2020-01-01"}))]);
        assert_places(&d, Code::KbExpired, &["kb/restart.md#/spec/validTo"]);
        assert_places(&d, Code::KbReviewDue, &["kb/restart.md#/spec/reviewBy"]);
        assert_eq!(
            only(&d, Code::KbExpired)[0].message,
            "knowledge article `kb:restart` expired on 2026-03-14"
        );
        let d = run(vec![article(json!({"state": "draft", "validTo": "2020-01-01"}))]);
        assert_places(&d, Code::KbExpired, &["kb/restart.md#/spec/validTo"]);
    }

    #[test]
    fn current_and_retired_articles_are_quiet() {
        let d = run(vec![article(json!({"validTo": "2026-03-15", "reviewBy": "2027-01-01"}))]);
        assert_eq!(codes(&d), []);
        let d = run(vec![article(
            json!({"state": "retired", "validTo": "2020-01-01", "reviewBy": "2020-01-01"}),
        )]);
        assert_eq!(codes(&d), []);
    }

    #[test]
    fn cis_not_verified_within_the_configured_days() {
        let entities = || {
            vec![
                ci("old", json!({"lastVerified": "2025-09-15"})),
                ci("recent", json!({"lastVerified": "2025-09-16"})),
                ci("never", json!({})),
                ci("gone", json!({"status": "retired", "lastVerified": "2020-01-01"})),
            ]
        };
        // 2025-09-15 is 181 days before 2026-03-15.
        let d = run(entities());
        assert_places(&d, Code::CiNotVerified, &["cis/old.yaml#/spec/lastVerified"]);
        let mut config = Config::default();
        config.checks.ci_verified_within_days = 181;
        let d = run_with(entities(), &[], &config);
        assert_places(&d, Code::CiNotVerified, &[]);
    }

    #[test]
    fn live_tier1_services_need_an_sla() {
        let d = run(vec![
            service("checkout", json!({"tier": 1})),
            service("covered", json!({"tier": 1})),
            service("planned", json!({"tier": 1, "lifecycle": "planned"})),
            service("minor", json!({"tier": 2})),
            entity(
                "SLA",
                "gold",
                "sla.yaml",
                0,
                json!({"service": "service:covered", "objectives": [{"metric": "availability", "target": 99.9}]}),
            ),
        ]);
        assert_places(&d, Code::Tier1WithoutSla, &["services/checkout.yaml#/spec/tier"]);
    }
}
