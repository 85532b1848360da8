//! Reading reviews and events.

use serde_json::json;

use super::*;
use crate::policy::{merge_event_review, parse_event, parse_reviews, Event};

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

    // The event's review replaces the listed one with its id, or joins the list.
    let mut reviews = vec![approve(1, "pat"), review_with_id(99)];
    merge_event_review(&mut reviews, &parsed);
    assert_eq!(reviews.len(), 2);
    assert_eq!(reviews[1].state, ReviewState::Approved);
    merge_event_review(&mut reviews, &Event { review: Some(approve(100, "dave")), ..Event::default() });
    assert_eq!(reviews.len(), 3);

    let plain =
        parse_event(r#"{"pull_request": {"user": {"login": "x"}}}"#).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((plain.author.as_deref(), plain.head_sha, plain.review), (Some("x"), None, None));
    assert!(parse_event("[]").is_err());
}

fn review_with_id(id: u64) -> Review {
    review(id, "carol", ReviewState::Commented, HEAD, 1)
}
