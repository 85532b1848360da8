//! Policy tests (`cairn policy test`): what a case expected against the verdict the gate gave.
//! Pure: finding, reading and running cases is the CLI's and the loader's job; this compares.

use serde::Serialize;

use super::{Decision, Status, Verdict};
use crate::model::{Expectation, ExpectedStatus, ExpectedVerdict};

/// The head commit's name inside a case: a review for any other commit is stale.
pub const CASE_HEAD: &str = "head";

/// How one case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CaseStatus {
    /// The verdict is what the case expected.
    Pass,
    /// The verdict differs: see the mismatches.
    Fail,
    /// The case could not be run (a malformed case, a patch that does not apply…).
    Invalid,
}

/// Every way `verdict` differs from `expect`, one line each, in the order the expectation is
/// written (verdict, risk, rules by name, eligible, ignored); empty when it matches.
pub fn mismatches(expect: &Expectation, verdict: &Verdict) -> Vec<String> {
    let mut out = Vec::new();
    let decision = match verdict.verdict {
        Decision::Allow => ExpectedVerdict::Allow,
        Decision::Block => ExpectedVerdict::Block,
    };
    if decision != expect.verdict {
        out.push(format!(
            "verdict: expected {}, got {}",
            verdict_name(expect.verdict),
            verdict_name(decision)
        ));
    }
    if let Some(risk) = expect.risk {
        if verdict.risk != Some(risk) {
            out.push(format!(
                "risk: expected {}, got {}",
                super::risk::risk_name(risk),
                verdict.risk.map_or("none", super::risk::risk_name)
            ));
        }
    }
    for (name, expected) in &expect.rules {
        match verdict.rules.iter().find(|r| r.name == *name) {
            None => {
                let names: Vec<&str> = verdict.rules.iter().map(|r| r.name.as_str()).collect();
                out.push(format!("rule `{name}`: not in the verdict (its rules: {})", names.join(", ")));
            }
            Some(rule) if status(rule.status) != *expected => {
                let mut line = format!(
                    "rule `{name}`: expected {}, got {}: {}",
                    status_name(*expected),
                    status_name(status(rule.status)),
                    rule.reason
                );
                if let Some(missing) = &rule.missing {
                    line.push_str(&format!(" (missing: {missing})"));
                }
                out.push(line);
            }
            Some(_) => {}
        }
    }
    for (name, logins) in &expect.eligible {
        let Some(rule) = verdict.rules.iter().find(|r| r.name == *name) else {
            out.push(format!("eligible for `{name}`: no such rule in the verdict"));
            continue;
        };
        let mut expected: Vec<String> = logins.iter().map(|l| l.to_lowercase()).collect();
        expected.sort();
        expected.dedup();
        let mut got: Vec<String> = rule.eligible.iter().map(|l| l.to_lowercase()).collect();
        got.sort();
        if expected != got {
            out.push(format!(
                "eligible for `{name}`: expected [{}], got [{}]",
                expected.join(", "),
                got.join(", ")
            ));
        }
    }
    for login in &expect.ignored {
        if !verdict.ignored_reviews.iter().any(|r| r.login.eq_ignore_ascii_case(login)) {
            out.push(format!("ignored: expected a review of `{login}` not to count, but none was set aside"));
        }
    }
    out
}

fn status(s: Status) -> ExpectedStatus {
    match s {
        Status::Pass => ExpectedStatus::Pass,
        Status::Fail => ExpectedStatus::Fail,
        Status::Skipped => ExpectedStatus::Skipped,
    }
}

fn status_name(s: ExpectedStatus) -> &'static str {
    match s {
        ExpectedStatus::Pass => "pass",
        ExpectedStatus::Fail => "fail",
        ExpectedStatus::Skipped => "skipped",
    }
}

fn verdict_name(v: ExpectedVerdict) -> &'static str {
    match v {
        ExpectedVerdict::Allow => "allow",
        ExpectedVerdict::Block => "block",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Risk;
    use crate::policy::{IgnoredReview, RuleResult};

    fn verdict() -> Verdict {
        let mut cab =
            RuleResult::fail("cab", "1 of 2 approvals from team:cab", Some("1 more approval".into()));
        cab.eligible = vec!["carol".into(), "dave".into()];
        Verdict {
            verdict: Decision::Block,
            risk: Some(Risk::High),
            rules: vec![RuleResult::pass("coverage", "covered"), cab],
            ignored_reviews: vec![IgnoredReview { login: "Eve".into(), id: 3, why: "stale".into() }],
        }
    }

    fn expect(text: serde_json::Value) -> Expectation {
        serde_json::from_value(text).unwrap()
    }

    #[test]
    fn a_matching_expectation_has_no_mismatch() {
        let e = expect(serde_json::json!({
            "verdict": "block", "risk": "high", "rules": {"coverage": "pass", "cab": "fail"},
            "eligible": {"cab": ["Dave", "carol"]}, "ignored": ["eve"]
        }));
        assert_eq!(mismatches(&e, &verdict()), Vec::<String>::new());
    }

    #[test]
    fn every_difference_is_named() {
        let e = expect(serde_json::json!({
            "verdict": "allow", "risk": "low", "rules": {"cab": "pass", "freeze": "pass"},
            "eligible": {"cab": ["carol"]}, "ignored": ["bob"]
        }));
        let found = mismatches(&e, &verdict());
        assert_eq!(found.len(), 6, "{found:#?}");
        assert_eq!(found[0], "verdict: expected allow, got block");
        assert_eq!(found[1], "risk: expected low, got high");
        assert_eq!(
            found[2],
            "rule `cab`: expected pass, got fail: 1 of 2 approvals from team:cab (missing: 1 more approval)"
        );
        assert!(found[3].starts_with("rule `freeze`: not in the verdict (its rules: coverage, cab)"));
        assert_eq!(found[4], "eligible for `cab`: expected [carol], got [carol, dave]");
        assert!(found[5].contains("`bob`"));
    }
}
