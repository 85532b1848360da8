//! Reviews from the forge: parsing GitHub's "list reviews" JSON and the Actions event payload,
//! combining the records of both, and sifting them down to the approvals that count.
//!
//! Records of one review (SPEC §5, docs/gate.md "Which record of a review counts"): `--reviews`
//! and `--event` may both carry review N, and a paginated list may repeat one. The **newer
//! record wins**: a review only moves PENDING → submitted (APPROVED, CHANGES_REQUESTED,
//! COMMENTED) → DISMISSED, so the record further along that path is newer, and between records
//! at the same step the later `submitted_at`. Records that cannot be ordered — different
//! reviewers or commits, a dismissal followed by an approval, two submitted states at the same
//! time — contradict each other: [`combine_reviews`] refuses them (the command cannot run),
//! and [`sift`] counts none of them. Every record not used is listed in `ignoredReviews`.
//!
//! Sifting (SPEC §5, and GitHub's own rules): logins compare case-insensitively. A reviewer's
//! latest review is the last among their APPROVED, CHANGES_REQUESTED and DISMISSED reviews: a
//! later COMMENTED (or PENDING) review does not supersede an approval, a later
//! CHANGES_REQUESTED or DISMISSED one does. "Last" is by `submitted_at` (then id) when every one
//! of those reviews has a time, else by id (the order GitHub creates and lists them in): a
//! review without a time is never taken for the oldest. A latest APPROVED review counts when
//! the reviewer is not the author (unless `allowSelfApproval`) and, with
//! `invalidateStaleApprovals` and a known head commit, its `commit_id` is the head commit (an
//! approval without a `commit_id` is stale). Whether the reviewer belongs to the required team is
//! checked per rule, against the base teams.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::IgnoredReview;
use crate::model::PolicySpec;

/// A review's state, as GitHub writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReviewState {
    Approved,
    ChangesRequested,
    Commented,
    Dismissed,
    Pending,
}

impl ReviewState {
    /// Reads a state in any case: the REST API writes `APPROVED`, the event payload `approved`.
    pub fn parse(text: &str) -> Option<ReviewState> {
        let state = match text.to_ascii_uppercase().as_str() {
            "APPROVED" => ReviewState::Approved,
            "CHANGES_REQUESTED" => ReviewState::ChangesRequested,
            "COMMENTED" => ReviewState::Commented,
            "DISMISSED" => ReviewState::Dismissed,
            "PENDING" => ReviewState::Pending,
            _ => return None,
        };
        Some(state)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ReviewState::Approved => "APPROVED",
            ReviewState::ChangesRequested => "CHANGES_REQUESTED",
            ReviewState::Commented => "COMMENTED",
            ReviewState::Dismissed => "DISMISSED",
            ReviewState::Pending => "PENDING",
        }
    }

    /// Whether a review in this state replaces the reviewer's earlier ones.
    fn supersedes(self) -> bool {
        matches!(self, ReviewState::Approved | ReviewState::ChangesRequested | ReviewState::Dismissed)
    }
}

/// One review of the pull request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Review {
    pub id: u64,
    /// The reviewer's login; empty when the account is gone (`"user": null`).
    pub login: String,
    pub state: ReviewState,
    /// The head commit the review was made on.
    pub commit_id: Option<String>,
    pub submitted_at: Option<DateTime<FixedOffset>>,
}

/// What the gate needs from a GitHub Actions `pull_request` or `pull_request_review` payload.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub author: Option<String>,
    pub base_sha: Option<String>,
    pub head_sha: Option<String>,
    /// The review that triggered a `pull_request_review` event.
    pub review: Option<Review>,
}

#[derive(Deserialize)]
struct RawUser {
    #[serde(default)]
    login: Option<String>,
}

#[derive(Deserialize)]
struct RawReview {
    id: u64,
    #[serde(default)]
    user: Option<RawUser>,
    state: String,
    #[serde(default)]
    commit_id: Option<String>,
    #[serde(default)]
    submitted_at: Option<String>,
}

#[derive(Deserialize)]
struct RawSha {
    #[serde(default)]
    sha: Option<String>,
}

#[derive(Deserialize)]
struct RawPull {
    #[serde(default)]
    user: Option<RawUser>,
    #[serde(default)]
    base: Option<RawSha>,
    #[serde(default)]
    head: Option<RawSha>,
}

#[derive(Deserialize)]
struct RawEvent {
    #[serde(default)]
    pull_request: Option<RawPull>,
    #[serde(default)]
    review: Option<Value>,
}

impl RawReview {
    fn into_review(self) -> Result<Review, String> {
        let state = ReviewState::parse(&self.state).ok_or_else(|| {
            format!(
                "review {} has state `{}`; expected APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED or PENDING",
                self.id, self.state
            )
        })?;
        let submitted_at = match self.submitted_at.as_deref() {
            None | Some("") => None,
            Some(text) => Some(DateTime::parse_from_rfc3339(text).map_err(|e| {
                format!("review {} has `submitted_at` `{text}`, not an RFC 3339 time: {e}", self.id)
            })?),
        };
        Ok(Review {
            id: self.id,
            login: self.user.and_then(|u| u.login).unwrap_or_default(),
            state,
            commit_id: self.commit_id.filter(|c| !c.is_empty()),
            submitted_at,
        })
    }
}

fn review_from(value: Value, place: &str) -> Result<Review, String> {
    let raw: RawReview = serde_json::from_value(value).map_err(|e| format!("{place}: {e}"))?;
    raw.into_review().map_err(|e| format!("{place}: {e}"))
}

/// Reads GitHub's "list reviews for a pull request" JSON: an array of `{id, user: {login},
/// state, commit_id, submitted_at}`. Pages may be concatenated (`gh api --paginate` writes one
/// array after another) or nested (`--slurp` writes an array of arrays). States are read in any
/// case. Unknown fields are ignored; an unknown state is an error.
pub fn parse_reviews(json: &str) -> Result<Vec<Review>, String> {
    let mut out = Vec::new();
    let stream = serde_json::Deserializer::from_str(json).into_iter::<Value>();
    for (page, value) in stream.enumerate() {
        let value = value.map_err(|e| format!("the reviews are not JSON: {e}"))?;
        let Value::Array(items) = value else {
            return Err("the reviews must be a JSON array, as GitHub's \"list reviews\" API returns".into());
        };
        for (i, item) in items.into_iter().enumerate() {
            match item {
                Value::Array(inner) => {
                    for (j, item) in inner.into_iter().enumerate() {
                        out.push(review_from(item, &format!("page {}, review {}", i + 1, j + 1))?);
                    }
                }
                item => out.push(review_from(item, &format!("page {}, review {}", page + 1, i + 1))?),
            }
        }
    }
    Ok(out)
}

/// Reads a GitHub Actions `pull_request` or `pull_request_review` event payload
/// (`$GITHUB_EVENT_PATH`): `pull_request.user.login`, `pull_request.base.sha`,
/// `pull_request.head.sha` and, for a review event, `review`.
pub fn parse_event(json: &str) -> Result<Event, String> {
    let value: Value =
        serde_json::from_str(json).map_err(|e| format!("the event payload is not JSON: {e}"))?;
    if !value.is_object() {
        return Err("the event payload must be a JSON object, as GitHub Actions writes it".to_owned());
    }
    let raw: RawEvent = serde_json::from_value(value).map_err(|e| format!("the event payload: {e}"))?;
    let review = match raw.review {
        None | Some(Value::Null) => None,
        Some(value) => Some(review_from(value, "the event's review")?),
    };
    let pull = raw.pull_request;
    let sha = |r: Option<RawSha>| r.and_then(|r| r.sha).filter(|s| !s.is_empty());
    let (author, base_sha, head_sha) = match pull {
        Some(p) => (p.user.and_then(|u| u.login).filter(|l| !l.is_empty()), sha(p.base), sha(p.head)),
        None => (None, None, None),
    };
    // The commits are read as revisions: only a full object id may name one (not `main`,
    // `HEAD~1` or `a...b`, which would make the payload choose what is compared).
    for (field, value) in [("base", &base_sha), ("head", &head_sha)] {
        if let Some(text) = value {
            if !(matches!(text.len(), 40 | 64) && text.bytes().all(|b| b.is_ascii_hexdigit())) {
                return Err(format!(
                    "the event's pull_request.{field}.sha `{}` is not a commit id (40 or 64 hexadecimal digits)",
                    text.chars().take(80).collect::<String>()
                ));
            }
        }
    }
    Ok(Event { author, base_sha, head_sha, review })
}

/// The reviews of `--reviews` and the review an event carries, as one list: every record kept
/// (the gate lists the ones it does not use), or an error naming two records of one review that
/// contradict each other (see the module documentation).
pub fn combine_reviews(mut reviews: Vec<Review>, event: Option<&Event>) -> Result<Vec<Review>, String> {
    if let Some(review) = event.and_then(|e| e.review.as_ref()) {
        reviews.push(review.clone());
    }
    let mut by_id: BTreeMap<u64, Vec<&Review>> = BTreeMap::new();
    for review in &reviews {
        by_id.entry(review.id).or_default().push(review);
    }
    for records in by_id.values().filter(|r| r.len() > 1) {
        newest(records)?;
    }
    Ok(reviews)
}

/// How far along GitHub's path a record of a review is: PENDING → submitted → DISMISSED.
fn step(state: ReviewState) -> u8 {
    match state {
        ReviewState::Pending => 0,
        ReviewState::Approved | ReviewState::ChangesRequested | ReviewState::Commented => 1,
        ReviewState::Dismissed => 2,
    }
}

/// Which of two records of one review is newer, or why they contradict each other.
fn newer(a: &Review, b: &Review) -> Result<Ordering, String> {
    let contradiction = |what: String| {
        Err(format!(
            "two records of review {} contradict each other ({what}): the gate will not choose between them",
            a.id
        ))
    };
    let (la, lb) = (a.login.trim().to_lowercase(), b.login.trim().to_lowercase());
    if la != lb {
        return contradiction(format!("by `{}` and by `{}`", a.login, b.login));
    }
    if let (Some(ca), Some(cb)) = (&a.commit_id, &b.commit_id) {
        if !ca.trim().eq_ignore_ascii_case(cb.trim()) {
            return contradiction(format!("of commits {} and {}", short(ca), short(cb)));
        }
    }
    let by_step = step(a.state).cmp(&step(b.state));
    let by_time = match (a.submitted_at, b.submitted_at) {
        (Some(ta), Some(tb)) => ta.cmp(&tb),
        _ => Ordering::Equal,
    };
    let states = || format!("{} and {}", a.state.as_str(), b.state.as_str());
    match (by_step, by_time) {
        (Ordering::Less, Ordering::Greater) => contradiction(later_yet_before(a, b)),
        (Ordering::Greater, Ordering::Less) => contradiction(later_yet_before(b, a)),
        (Ordering::Equal, Ordering::Equal) if a.state != b.state => {
            contradiction(format!("{} at the same time", states()))
        }
        (Ordering::Equal, by_time) => Ok(by_time),
        (by_step, _) => Ok(by_step),
    }
}

/// `later` is dated after `earlier` although its state can only come before it.
fn later_yet_before(later: &Review, earlier: &Review) -> String {
    format!("{} is dated after {}, which can only follow it", later.state.as_str(), earlier.state.as_str())
}

/// The index of the newest of several records of one review (the first of identical ones), or
/// why they contradict each other.
fn newest(records: &[&Review]) -> Result<usize, String> {
    let mut best = 0;
    for (i, record) in records.iter().enumerate().skip(1) {
        if newer(record, records[best])? == Ordering::Greater {
            best = i;
        }
    }
    // The records are ordered only when each agrees with the chosen one.
    for record in records {
        newer(record, records[best])?;
    }
    Ok(best)
}

fn short(commit: &str) -> String {
    commit.trim().chars().take(7).collect()
}

/// The reviews sifted: the approvals that may count (by lower-cased login) and the rest with why.
pub(super) struct Sifted<'r> {
    /// Lower-cased login → the reviewer's counting approval.
    pub approvals: BTreeMap<String, &'r Review>,
    pub ignored: Vec<IgnoredReview>,
}

/// Sifts the reviews (see the module documentation).
pub(super) fn sift<'r>(
    reviews: &'r [Review],
    author: Option<&str>,
    head_sha: Option<&str>,
    policy: &PolicySpec,
) -> Sifted<'r> {
    let mut ignored = Vec::new();
    // One record per review id: the newest; the others are listed with why.
    let mut by_id: BTreeMap<u64, Vec<&Review>> = BTreeMap::new();
    for review in reviews {
        by_id.entry(review.id).or_default().push(review);
    }
    let mut unique: Vec<&Review> = Vec::new();
    for (id, records) in &by_id {
        if let [only] = records.as_slice() {
            unique.push(only);
            continue;
        }
        match newest(records) {
            Ok(kept) => {
                let used = records[kept];
                unique.push(used);
                for (_, record) in records.iter().enumerate().filter(|(i, _)| *i != kept) {
                    let why = if *record == used {
                        format!("duplicate record of review {id}: counted once")
                    } else {
                        format!(
                            "older record of review {id} ({}): the newer record ({}) is used",
                            record.state.as_str(),
                            used.state.as_str()
                        )
                    };
                    ignored.push(IgnoredReview { login: record.login.clone(), id: *id, why });
                }
            }
            Err(why) => {
                for record in records {
                    ignored.push(IgnoredReview { login: record.login.clone(), id: *id, why: why.clone() });
                }
            }
        }
    }
    // Per reviewer, their superseding reviews; the latest is the last by time when every one has
    // a time, else by id (a review without a time is not taken for the oldest).
    let mut per_reviewer: BTreeMap<String, Vec<&Review>> = BTreeMap::new();
    for review in unique.iter().copied().filter(|r| r.state.supersedes()) {
        per_reviewer.entry(review.login.trim().to_lowercase()).or_default().push(review);
    }
    let mut latest: BTreeMap<String, &Review> = BTreeMap::new();
    for (login, list) in per_reviewer {
        let timed = list.iter().all(|r| r.submitted_at.is_some());
        let last = list.into_iter().max_by(|a, b| {
            if timed {
                (a.submitted_at, a.id).cmp(&(b.submitted_at, b.id))
            } else {
                a.id.cmp(&b.id)
            }
        });
        if let Some(last) = last {
            latest.insert(login, last);
        }
    }
    let head = head_sha.map(str::trim).filter(|s| !s.is_empty());
    let mut approvals = BTreeMap::new();
    for review in unique {
        let login = review.login.trim().to_lowercase();
        let why = if login.is_empty() {
            Some("no reviewer login (a deleted account)".to_owned())
        } else if !review.state.supersedes() {
            Some(format!("state {}", review.state.as_str()))
        } else if latest.get(&login).is_none_or(|kept| kept.id != review.id) {
            Some("superseded by a later review".to_owned())
        } else if review.state != ReviewState::Approved {
            Some(format!("state {}", review.state.as_str()))
        } else if !policy.allow_self_approval && author.is_some_and(|a| a == login) {
            Some("author's own review".to_owned())
        } else if let (true, Some(head)) = (policy.invalidate_stale_approvals, head) {
            match review.commit_id.as_deref() {
                Some(commit) if commit.trim().eq_ignore_ascii_case(head) => None,
                Some(commit) => {
                    let short: String = commit.trim().chars().take(7).collect();
                    Some(format!("stale: approves an older commit {short}"))
                }
                None => Some("stale: approves an unknown commit".to_owned()),
            }
        } else {
            None
        };
        match why {
            Some(why) => ignored.push(IgnoredReview { login: review.login.clone(), id: review.id, why }),
            None => {
                approvals.insert(login, review);
            }
        }
    }
    Sifted { approvals, ignored }
}
