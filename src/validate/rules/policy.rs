//! The one policy: `duplicate-policy`, `missing-policy` and `policy-location`. Broken policy
//! documents count: a second policy is a second policy even when its spec is wrong.

use super::index::{written_order, Entry};
use super::{value_at, Context};
use crate::diag::{Code, Diagnostic};
use crate::model::{Kind, Origin};

pub(super) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let mut policies: Vec<Entry> = cx.index.of_kind(Kind::Policy).collect();
    policies.sort_by(|a, b| written_order(a.origin(), b.origin()));
    let configured = cx.input.config.policy.as_deref().map(normalise);

    let Some((first, later)) = policies.split_first() else {
        missing(cx, configured, out);
        return;
    };
    for policy in later {
        out.push(
            Diagnostic::new(
                Code::DuplicatePolicy,
                format!(
                    "another policy, `policy:{}`: a repository holds exactly one Policy, and `policy:{}` is defined in `{}`",
                    policy.name(),
                    first.name(),
                    first.origin().file
                ),
                value_at(policy.origin(), "/metadata/name"),
            )
            .with_label(value_at(first.origin(), "/metadata/name"), "first policy defined here")
            .with_note("help: merge the two into one policy and delete the other"),
        );
    }
    let Some(configured) = configured else { return };
    for policy in &policies {
        if *policy.origin().file == *configured {
            continue;
        }
        out.push(
            Diagnostic::new(
                Code::PolicyLocation,
                format!(
                    "policy `policy:{}` is in `{}`, but cairn.yaml says the policy is in `{configured}`",
                    policy.name(),
                    policy.origin().file
                ),
                value_at(policy.origin(), "/kind"),
            )
            .with_note(format!("help: move the policy to `{configured}`, or change `policy:` in cairn.yaml")),
        );
    }
}

/// A configured path as the loader writes origins: relative, `/`-separated, no leading `./`.
fn normalise(path: &str) -> &str {
    let mut path = path.trim();
    while let Some(rest) = path.strip_prefix("./") {
        path = rest.trim_start_matches('/');
    }
    path
}

/// `missing-policy`, at the `kind` of the first document of the repository (by file, then
/// document): there is no file to point at, and an empty repository is not reported.
fn missing(cx: &Context, configured: Option<&str>, out: &mut Vec<Diagnostic>) {
    let first: Option<&Origin> = cx
        .entities()
        .iter()
        .map(|e| &e.origin)
        .chain(cx.input.broken.iter().map(|(_, o)| o))
        .min_by(|a, b| written_order(a, b));
    let Some(first) = first else { return };
    let mut d = Diagnostic::new(
        Code::MissingPolicy,
        "the repository holds no Policy: no change is gated (no approvals, risk or windows are enforced)",
        value_at(first, "/kind"),
    );
    d = match configured {
        Some(path) => d.with_note(format!("help: cairn.yaml says the policy is in `{path}`; add a `kind: Policy` document there")),
        None => d.with_note("help: add a `policy.yaml` with `apiVersion: cairn/v1`, `kind: Policy` and the change policy's rules"),
    };
    out.push(d);
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::{Config, EntityRef};
    use crate::validate::rules::testutil::*;

    #[test]
    fn a_second_policy_is_reported_at_its_name() {
        let broken = vec![(EntityRef::new(Kind::Policy, "other"), origin("z.yaml", 0))];
        let d = run_with(
            vec![policy("policy.yaml", json!({})), policy("b.yaml", json!({}))],
            &broken,
            &Config::default(),
        );
        assert_places(&d, Code::DuplicatePolicy, &["policy.yaml#/metadata/name", "z.yaml#/metadata/name"]);
        for found in only(&d, Code::DuplicatePolicy) {
            assert_eq!(found.labels[0].location, value_at(&origin("b.yaml", 0), "/metadata/name"));
        }
        assert_places(&d, Code::DuplicateName, &[]);
    }

    #[test]
    fn one_policy_is_quiet() {
        let d = run(vec![policy("policy.yaml", json!({}))]);
        assert_eq!(codes(&d), []);
    }

    #[test]
    fn no_policy_is_reported_at_the_first_document() {
        let d = run_bare(
            vec![team("b", "b.yaml", 0), team("a", "teams/a.yaml", 0), team("c", "b.yaml", 1)],
            &[],
            &Config::default(),
        );
        assert_places(&d, Code::MissingPolicy, &["b.yaml#/kind"]);
        assert_eq!(codes(&d), [Code::MissingPolicy]);
    }

    #[test]
    fn an_empty_repository_is_quiet() {
        let d = run_bare(Vec::new(), &[], &Config::default());
        assert_eq!(codes(&d), []);
        let broken = vec![(EntityRef::new(Kind::Policy, "p"), origin("policy.yaml", 0))];
        let d = run_bare(Vec::new(), &broken, &Config::default());
        assert_eq!(codes(&d), []);
    }

    #[test]
    fn a_policy_outside_the_configured_file() {
        let config = Config { policy: Some("./governance/policy.yaml".into()), ..Config::default() };
        let d = run_with(vec![policy("policy.yaml", json!({}))], &[], &config);
        assert_places(&d, Code::PolicyLocation, &["policy.yaml#/kind"]);
        let d = run_with(vec![policy("governance/policy.yaml", json!({}))], &[], &config);
        assert_eq!(codes(&d), []);
    }
}
