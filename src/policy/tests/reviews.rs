//! Reading reviews and events.

use serde_json::json;

use super::*;
use crate::policy::{combine_reviews, parse_event, parse_reviews, Decision, Event};

#[test]
fn reviews_in_the_rest_format_paginated_or_slurped() {
    let page = r#"[{"id": 80, "node_id": "x", "user": {"login": "octocat", "id": 1}, "body": "LGTM",
                   "state": "APPROVED", "commit_id": "ecdd80bb57125d7ba9641ffaa4d7d2c19d3f3091",
                   "submitted_at": "2019-11-17T17:43:43Z", "author_association": "COLLABORATOR"},
                  {"id": 81, "user": null, "state": "COMMENTED", "commit_id": null, "submitted_at": null}]"#;
    let reviews = parse_reviews(page).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        reviews[0],
        Review {
            id: 80,
            login: "octocat".into(),
            state: ReviewState::Approved,
            commit_id: Some("ecdd80bb57125d7ba9641ffaa4d7d2c19d3f3091".into()),
            submitted_at: Some(time("2019-11-17T17:43:43Z")),
        }
    );
    assert_eq!(
        (reviews[1].login.as_str(), reviews[1].state, reviews[1].submitted_at),
        ("", ReviewState::Commented, None)
    );

    let two_pages =
        format!("{page}\n[{{\"id\": 90, \"user\": {{\"login\": \"a\"}}, \"state\": \"DISMISSED\"}}]");
    assert_eq!(parse_reviews(&two_pages).map(|r| r.len()), Ok(3));
    let slurped = format!("[{page}, []]");
    assert_eq!(parse_reviews(&slurped).map(|r| r.len()), Ok(2));
    assert_eq!(parse_reviews("  "), Ok(vec![]));
}

#[test]
fn bad_reviews_are_errors_that_say_where() {
    let err = |text: &str| parse_reviews(text).err().unwrap_or_default();
    assert!(err(r#"[{"id": 1, "user": {"login": "a"}, "state": "LOVED"}]"#).contains("state `LOVED`"));
    assert!(err(r#"[{"id": 1, "state": "APPROVED", "submitted_at": "yesterday"}]"#).contains("RFC 3339"));
    assert!(err(r#"[{"user": {"login": "a"}, "state": "APPROVED"}]"#)
        .contains("page 1, review 1: missing field `id`"));
    assert!(err(r#"{"id": 1}"#).contains("must be a JSON array"));
    assert!(err("[").contains("not JSON"));
}

#[test]
fn events_give_the_author_the_commits_and_the_review() {
    let event = json!({
        "action": "submitted",
        "pull_request": {"number": 7, "user": {"login": "mallory"},
                         "base": {"sha": "b".repeat(40), "ref": "main"}, "head": {"sha": HEAD}},
        "review": {"id": 99, "user": {"login": "carol"}, "state": "approved", "commit_id": HEAD,
                   "submitted_at": "2026-06-10T10:30:00+02:00"}
    });
    let parsed = parse_event(&event.to_string()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(parsed.author.as_deref(), Some("mallory"));
    assert_eq!(parsed.base_sha, Some("b".repeat(40)));
    assert_eq!(parsed.head_sha.as_deref(), Some(HEAD));
    let review = parsed.review.clone().unwrap_or_else(|| panic!("no review"));
    assert_eq!((review.id, review.login.as_str(), review.state), (99, "carol", ReviewState::Approved));

    // The event's review joins the list; the newer record of a review is the one that counts.
    let reviews = combine_reviews(vec![approve(1, "pat"), review_with_id(99)], Some(&parsed))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(reviews.len(), 3);
    let event = Event { review: Some(approve(100, "dave")), ..Event::default() };
    assert_eq!(combine_reviews(reviews, Some(&event)).map(|r| r.len()), Ok(4));

    let plain =
        parse_event(r#"{"pull_request": {"user": {"login": "x"}}}"#).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((plain.author.as_deref(), plain.head_sha, plain.review), (Some("x"), None, None));
    assert!(parse_event("[]").is_err());
    // Commits are full object ids, never revisions the payload could choose.
    for sha in ["main", "HEAD~1", "abc1234", &format!("{HEAD}...{HEAD}")] {
        let payload = json!({"pull_request": {"base": {"sha": sha}}}).to_string();
        let err = parse_event(&payload).err().unwrap_or_default();
        assert!(err.contains("is not a commit id"), "{sha}: {err}");
    }
}

fn review_with_id(id: u64) -> Review {
    review(id, "carol", ReviewState::Commented, HEAD, 1)
}

/// A high-risk change: `ci:pg` reaches `service:checkout` (owned by `team:pay`), so pat's
/// approval is needed (and two of the CAB's).
fn high_risk(w: Vec<Entity>) -> Vec<Entity> {
    let pg = ci(
        "pg",
        json!({"class": "database/postgres", "environment": "production", "attributes": {"version": 17}}),
    );
    with(with(w, pg), change("chg-1", "normal", &["ci:pg"]))
}

fn owners_pass(reviews: Vec<Review>) -> (Status, Verdict) {
    let v = Case::on_world(high_risk).reviews(reviews).run();
    (rule(&v, "owners-of-impacted-services").status, v)
}

#[test]
fn an_older_event_record_does_not_bring_back_a_dismissed_approval() {
    // The list (fetched after the event) says pat's review 5 was dismissed; the event that
    // triggered the run still carries it as approved.
    let dismissed = review(5, "pat", ReviewState::Dismissed, HEAD, 5);
    let event = Event { review: Some(approve(5, "pat")), ..Event::default() };
    let reviews = combine_reviews(vec![dismissed.clone()], Some(&event)).unwrap_or_else(|e| panic!("{e}"));
    let (status, v) = owners_pass(reviews);
    assert_eq!(status, Status::Fail, "{v:#?}");
    let why: Vec<(u64, &str)> = v.ignored_reviews.iter().map(|i| (i.id, i.why.as_str())).collect();
    assert!(
        why.contains(&(5, "older record of review 5 (APPROVED): the newer record (DISMISSED) is used")),
        "{why:?}"
    );
    // Whichever order the records come in.
    let event = Event { review: Some(dismissed), ..Event::default() };
    let reviews = combine_reviews(vec![approve(5, "pat")], Some(&event)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(owners_pass(reviews).0, Status::Fail);
    // A pending review submitted since: the submitted record is newer.
    let mut pending = approve(6, "pat");
    pending.state = ReviewState::Pending;
    pending.submitted_at = None;
    let event = Event { review: Some(approve(6, "pat")), ..Event::default() };
    let reviews = combine_reviews(vec![pending], Some(&event)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(owners_pass(reviews).0, Status::Pass);
}

#[test]
fn records_of_one_review_that_contradict_each_other_are_refused() {
    let event = |r: Review| Event { review: Some(r), ..Event::default() };
    let mut other_login = approve(5, "paula");
    other_login.submitted_at = approve(5, "pat").submitted_at;
    let mut other_commit = approve(5, "pat");
    other_commit.commit_id = Some(OLD.to_owned());
    let mut same_time = approve(5, "pat");
    same_time.state = ReviewState::ChangesRequested;
    // Dated after the dismissal, yet an approval: a dismissal is final on GitHub.
    let dismissed_early = review(5, "pat", ReviewState::Dismissed, HEAD, 1);
    let approved_later = review(5, "pat", ReviewState::Approved, HEAD, 9);
    for (listed, from_event) in [
        (approve(5, "pat"), other_login),
        (approve(5, "pat"), other_commit),
        (approve(5, "pat"), same_time),
        (dismissed_early, approved_later),
    ] {
        let err = combine_reviews(vec![listed.clone()], Some(&event(from_event.clone())))
            .err()
            .unwrap_or_else(|| panic!("{listed:?} and {from_event:?} were accepted"));
        assert!(err.contains("two records of review 5 contradict each other"), "{err}");
        // Given to the gate anyway, neither record counts.
        let (status, v) = owners_pass(vec![listed, from_event]);
        assert_eq!(status, Status::Fail, "{v:#?}");
        assert_eq!(v.ignored_reviews.iter().filter(|i| i.id == 5).count(), 2, "{v:#?}");
    }
}

#[test]
fn a_review_without_a_time_is_not_taken_for_the_oldest() {
    // pat approved (review 1, timed), then requested changes (review 2, no time): review 2 is
    // the later one, so the approval no longer counts.
    let mut later = review(2, "pat", ReviewState::ChangesRequested, HEAD, 0);
    later.submitted_at = None;
    let (status, v) = owners_pass(vec![approve(1, "pat"), later.clone()]);
    assert_eq!(status, Status::Fail, "{v:#?}");
    let superseded: Vec<u64> =
        v.ignored_reviews.iter().filter(|i| i.why == "superseded by a later review").map(|i| i.id).collect();
    assert_eq!(superseded, [1]);
    // The other way round: an untimed approval after a timed request for changes counts.
    let mut approval = approve(4, "pat");
    approval.submitted_at = None;
    let changes = review(3, "pat", ReviewState::ChangesRequested, HEAD, 59);
    assert_eq!(owners_pass(vec![changes, approval]).0, Status::Pass);
}

#[test]
fn duplicate_review_ids_are_listed() {
    let (status, v) = owners_pass(vec![approve(1, "pat"), approve(1, "pat")]);
    assert_eq!(status, Status::Pass);
    assert_eq!(
        v.ignored_reviews,
        [IgnoredReview {
            login: "pat".into(),
            id: 1,
            why: "duplicate record of review 1: counted once".into()
        }]
    );
    assert_ne!(v.verdict, Decision::Allow, "the CAB has not approved");
}
