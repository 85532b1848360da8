//! Template contexts, part two: catalog items, SLAs, change requests, knowledge articles,
//! windows and the policy.

use minijinja::Value;
use serde::Serialize;

use super::calendar::{self, Status};
use super::context::{
    article_summary, change_summary, changes_newest_first, objectives, review_reasons, sla_summary,
    window_summary, word, ArticleSummary, ChangeSummary, ObjectiveView, OccurrenceView, SlaSummary,
    WindowSummary,
};
use super::site::{Link, Site};
use crate::model::{
    Article, CatalogSpec, ChangeSpec, Entity, Kind, PolicySpec, RiskCondition, SlaSpec, Spec, SupportHours,
    WindowSpec,
};

/// A field of a request form.
#[derive(Debug, Serialize)]
pub struct FieldView {
    pub name: String,
    #[serde(rename = "type")]
    pub field_type: String,
    pub required: bool,
    pub options: Vec<String>,
    pub help: Option<String>,
}

/// A catalog item (its page, and its entry in the catalog).
#[derive(Debug, Serialize)]
pub struct CatalogView {
    pub service: Link,
    pub category: String,
    pub owner: Option<Link>,
    /// Whether the owner is the service's owner because the item names none.
    pub owner_inherited: bool,
    pub request_type: Option<String>,
    pub automation: Option<String>,
    /// `2d`, `4h`.
    pub expected_delivery: Option<String>,
    pub approval_required: bool,
    pub approvers: Vec<Link>,
    pub form: Vec<FieldView>,
    pub sla: Option<SlaSummary>,
    /// Teams that may request the item; empty means everyone.
    pub audience: Vec<Link>,
    pub active: bool,
    pub articles: Vec<ArticleSummary>,
}

pub fn catalog(site: &Site, from: &str, entity: &Entity, spec: &CatalogSpec) -> CatalogView {
    let inherited = match (&spec.owner, site.entity(&spec.service.target).map(|e| &e.spec)) {
        (None, Some(Spec::Service(s))) => Some(site.link(from, &s.owner.target)),
        _ => None,
    };
    CatalogView {
        service: site.link(from, &spec.service.target),
        category: spec.category.clone(),
        owner_inherited: inherited.is_some(),
        owner: spec.owner.as_ref().map(|o| site.link(from, &o.target)).or(inherited),
        request_type: spec.request_type.as_ref().map(word),
        automation: spec.fulfillment.as_ref().and_then(|f| f.automation.as_ref()).map(word),
        expected_delivery: spec.fulfillment.as_ref().and_then(|f| f.expected_delivery).map(|d| d.to_string()),
        approval_required: spec.approval.as_ref().is_some_and(|a| a.required),
        approvers: spec
            .approval
            .as_ref()
            .map(|a| site.links(from, a.approvers.iter().map(|r| &r.target)))
            .unwrap_or_default(),
        form: spec
            .form
            .iter()
            .map(|f| FieldView {
                name: f.name.clone(),
                field_type: word(&f.field_type),
                required: f.required,
                options: f.options.clone(),
                help: f.help.clone(),
            })
            .collect(),
        sla: spec.sla.as_ref().and_then(|r| site.entity(&r.target)).and_then(|e| sla_summary(site, from, e)),
        audience: site.links(from, spec.audience.iter().map(|r| &r.target)),
        active: spec.active,
        articles: site
            .referrers_of_kind(entity, Kind::KnowledgeArticle, "/spec/catalogItems")
            .into_iter()
            .filter_map(|e| article_summary(site, from, e))
            .collect(),
    }
}

/// The SLA page.
#[derive(Debug, Serialize)]
pub struct SlaView {
    pub service: Link,
    #[serde(rename = "type")]
    pub sla_type: String,
    pub customer: Option<String>,
    pub provider: Option<Link>,
    pub objectives: Vec<ObjectiveView>,
    /// `24x7`, or `mon–fri 08:00–18:00 (Europe/Berlin)`.
    pub support_hours: Option<String>,
    pub effective_from: Option<String>,
    pub effective_to: Option<String>,
    /// Whether today is inside the effective period (or there is none).
    pub in_force: bool,
    pub review_date: Option<String>,
    pub review_overdue: bool,
    pub catalog_items: Vec<Link>,
    /// The ceiling of the service's dependencies, when the agreement has an availability
    /// objective.
    pub availability: Option<super::health::AvailabilityView>,
}

pub fn sla(site: &Site, from: &str, entity: &Entity, spec: &SlaSpec) -> SlaView {
    let support_hours = spec.support_hours.as_ref().map(|h| match h {
        SupportHours::Always(_) => "24x7".to_owned(),
        SupportHours::Schedule(s) => {
            let days: Vec<String> = s.days.0.iter().map(word).collect();
            format!("{} {}–{} ({})", days.join(", "), s.from, s.to, s.timezone)
        }
    });
    let in_force = spec
        .effective
        .as_ref()
        .is_none_or(|e| e.from <= site.today && e.to.is_none_or(|to| site.today <= to));
    SlaView {
        service: site.link(from, &spec.service.target),
        sla_type: word(&spec.sla_type),
        customer: spec.customer.clone(),
        provider: spec.provider.as_ref().map(|p| site.link(from, &p.target)),
        objectives: objectives(&spec.objectives),
        support_hours,
        effective_from: spec.effective.as_ref().map(|e| e.from.to_string()),
        effective_to: spec.effective.as_ref().and_then(|e| e.to).map(|d| d.to_string()),
        in_force,
        review_date: spec.review_date.map(|d| d.to_string()),
        review_overdue: spec.review_date.is_some_and(|d| d < site.today),
        catalog_items: site
            .entity_links(from, site.referrers_of_kind(entity, Kind::CatalogItem, "/spec/sla")),
        availability: super::health::availability(site, from, spec),
    }
}

/// A window that overlaps a change's window.
#[derive(Debug, Serialize)]
pub struct Overlap {
    pub window: WindowSummary,
    /// Whether the window's scope covers one of the change's targets.
    pub covers_targets: bool,
}

/// The change request page.
#[derive(Debug, Serialize)]
pub struct ChangeView {
    #[serde(flatten)]
    pub summary: ChangeSummary,
    pub template: Option<String>,
    pub requested_by: String,
    pub outage_expected: Option<bool>,
    pub outage_duration: Option<String>,
    pub justification: Option<Value>,
    pub implementation_plan: Option<Value>,
    pub backout_plan: Option<Value>,
    pub test_plan: Option<Value>,
    pub incidents: Vec<String>,
    pub problems: Vec<String>,
    pub related_changes: Vec<Link>,
    /// Changes that list this one as related.
    pub related_from: Vec<Link>,
    pub closure_code: Option<String>,
    pub closure_notes: Option<Value>,
    /// Freezes and maintenance windows that overlap the change's window.
    pub windows: Vec<Overlap>,
    /// Whether the change is active at the start of `today` (not closed or cancelled, with a
    /// window that is not over), so conflicts and next windows were looked for.
    pub active: bool,
    /// Its conflicts, from its side, as `cairn conflicts` finds them.
    pub conflicts: Vec<super::conflicts::ConflictView>,
    /// The next windows it could take (active changes only).
    pub next_windows: Option<super::conflicts::NextWindows>,
}

pub fn change(site: &Site, from: &str, entity: &Entity, spec: &ChangeSpec) -> ChangeView {
    let targets: Vec<&Entity> = spec.targets.iter().filter_map(|t| site.entity(&t.target)).collect();
    let windows = match spec.window {
        None => Vec::new(),
        Some(w) => {
            let (start, end) = (w.start.with_timezone(&chrono::Utc), w.end.with_timezone(&chrono::Utc));
            site.of_kind(Kind::Window)
                .filter_map(|e| match &e.spec {
                    Spec::Window(ws) if site.schedule(e, ws).occurs_between(start, end) => Some(Overlap {
                        window: window_summary(site, from, e, ws, 0),
                        covers_targets: targets.iter().any(|t| calendar::covers(ws, t)),
                    }),
                    _ => None,
                })
                .collect()
        }
    };
    let related = spec.related.clone().unwrap_or_default();
    let next_windows = super::conflicts::next_windows(site, from, entity, spec);
    ChangeView {
        summary: change_summary(site, from, entity, spec),
        template: spec.template.clone(),
        requested_by: spec.requested_by.clone(),
        outage_expected: spec.outage.as_ref().map(|o| o.expected),
        outage_duration: spec.outage.as_ref().and_then(|o| o.duration).map(|d| d.to_string()),
        justification: site.rich_opt(from, entity, spec.justification.as_deref()),
        implementation_plan: site.rich_opt(from, entity, spec.implementation_plan.as_deref()),
        backout_plan: site.rich_opt(from, entity, spec.backout_plan.as_deref()),
        test_plan: site.rich_opt(from, entity, spec.test_plan.as_deref()),
        incidents: related.incidents,
        problems: related.problems,
        related_changes: site.links(from, related.changes.iter().map(|r| &r.target)),
        related_from: site
            .entity_links(from, site.referrers_of_kind(entity, Kind::ChangeRequest, "/spec/related/changes")),
        closure_code: spec.closure.as_ref().map(|c| word(&c.code)),
        closure_notes: spec.closure.as_ref().and_then(|c| site.rich_opt(from, entity, c.notes.as_deref())),
        windows,
        active: next_windows.is_some(),
        conflicts: super::conflicts::conflicts(site, from, entity),
        next_windows,
    }
}

/// The knowledge article page.
#[derive(Debug, Serialize)]
pub struct ArticleView {
    #[serde(rename = "type")]
    pub article_type: Option<String>,
    pub owner: Link,
    pub state: String,
    pub review_by: Option<String>,
    pub valid_to: Option<String>,
    /// Whether the article is past `reviewBy` or `validTo`; `review_reasons` says which.
    pub needs_review: bool,
    pub review_reasons: Vec<String>,
    pub body: Value,
    pub services: Vec<Link>,
    pub cis: Vec<Link>,
    pub catalog_items: Vec<Link>,
    /// Other articles about one of the same services, CIs or catalog items.
    pub see_also: Vec<Link>,
    /// Listed entities changed after the article was last edited (knowledge drift).
    pub drift: Vec<super::health::DriftLine>,
}

pub fn article(site: &Site, from: &str, entity: &Entity, a: &Article) -> ArticleView {
    let spec = &a.spec;
    let reasons = review_reasons(site, spec);
    let about: Vec<&Entity> = spec
        .services
        .iter()
        .map(|r| &r.target)
        .chain(spec.cis.iter().map(|r| &r.target))
        .chain(spec.catalog_items.iter().map(|r| &r.target))
        .filter_map(|r| site.entity(r))
        .collect();
    let mut see_also: Vec<&Entity> = about
        .iter()
        .flat_map(|e| site.referrers(e, None))
        .filter(|e| e.kind() == Kind::KnowledgeArticle && !std::ptr::eq(*e, entity))
        .collect();
    see_also.sort_by(|a, b| a.name().cmp(b.name()));
    see_also.dedup_by(|a, b| std::ptr::eq(*a, *b));
    ArticleView {
        article_type: spec.article_type.as_ref().map(word),
        owner: site.link(from, &spec.owner.target),
        state: word(&spec.state),
        review_by: spec.review_by.map(|d| d.to_string()),
        valid_to: spec.valid_to.map(|d| d.to_string()),
        needs_review: !reasons.is_empty(),
        review_reasons: reasons,
        body: site.rich(from, entity, &a.body),
        services: site.links(from, spec.services.iter().map(|r| &r.target)),
        cis: site.links(from, spec.cis.iter().map(|r| &r.target)),
        catalog_items: site.links(from, spec.catalog_items.iter().map(|r| &r.target)),
        see_also: site.entity_links(from, see_also),
        drift: super::health::drift(site, from, entity),
    }
}

/// The window page.
#[derive(Debug, Serialize)]
pub struct WindowView {
    #[serde(flatten)]
    pub summary: WindowSummary,
    pub start: Option<String>,
    pub end: Option<String>,
    pub cron: Option<String>,
    pub duration: Option<String>,
    pub timezone: Option<String>,
    pub scope_all: bool,
    pub scope_services: Vec<Link>,
    pub scope_tiers: Vec<u8>,
    pub scope_environments: Vec<String>,
    /// Services that name this window among their maintenance windows.
    pub used_by: Vec<Link>,
    /// Change requests whose window overlaps this one.
    pub changes: Vec<ChangeSummary>,
}

pub fn window(site: &Site, from: &str, entity: &Entity, spec: &WindowSpec) -> WindowView {
    let scope = spec.scope.clone().unwrap_or(crate::model::Scope { all: true, ..Default::default() });
    let schedule = site.schedule(entity, spec);
    let overlapping: Vec<(&Entity, &ChangeSpec)> = site
        .of_kind(Kind::ChangeRequest)
        .filter_map(|e| match &e.spec {
            Spec::ChangeRequest(c) => c.window.map(|w| (e, c, w)),
            _ => None,
        })
        .filter(|(_, _, w)| {
            let (start, end) = (w.start.with_timezone(&chrono::Utc), w.end.with_timezone(&chrono::Utc));
            schedule.occurs_between(start, end)
        })
        .map(|(e, c, _)| (e, c))
        .collect();
    WindowView {
        summary: window_summary(site, from, entity, spec, 10),
        start: spec.start.as_ref().map(calendar::fixed_text),
        end: spec.end.as_ref().map(calendar::fixed_text),
        cron: spec.cron.clone(),
        duration: spec.duration.map(|d| d.to_string()),
        timezone: spec.timezone.clone(),
        scope_all: scope.all,
        scope_services: site.links(from, scope.services.iter().map(|r| &r.target)),
        scope_tiers: scope.tiers.clone(),
        scope_environments: scope.environments.iter().map(word).collect(),
        used_by: site
            .entity_links(from, site.referrers_of_kind(entity, Kind::Service, "/spec/maintenanceWindows")),
        changes: changes_newest_first(overlapping)
            .into_iter()
            .map(|(e, c)| change_summary(site, from, e, c))
            .collect(),
    }
}

/// A risk rule, in words.
#[derive(Debug, Serialize)]
pub struct RiskRuleView {
    pub when: String,
    pub then: String,
}

/// An approval rule, in words.
#[derive(Debug, Serialize)]
pub struct ApprovalRuleView {
    pub name: String,
    pub when: String,
    /// `1 approval from the owner team of each impacted service`, `2 approvals from`…
    pub requirement: String,
    pub team: Option<Link>,
    pub count: u32,
}

/// A standard change model.
#[derive(Debug, Serialize)]
pub struct StandardChangeView {
    pub name: String,
    pub description: Option<String>,
    pub kinds: Vec<String>,
    pub classes: Vec<String>,
    pub fields: Vec<String>,
    /// Change requests that use the model.
    pub changes: Vec<Link>,
}

/// The policy page.
#[derive(Debug, Serialize)]
pub struct PolicyView {
    pub owners: Vec<Link>,
    pub coverage: String,
    pub windows: String,
    pub allow_self_approval: bool,
    pub invalidate_stale_approvals: bool,
    pub risk: Vec<RiskRuleView>,
    pub approvals: Vec<ApprovalRuleView>,
    pub standard_changes: Vec<StandardChangeView>,
}

fn risk_when(c: Option<&RiskCondition>) -> String {
    let Some(c) = c else { return "always".to_owned() };
    let mut parts = Vec::new();
    if let Some(t) = &c.change_type {
        parts.push(format!("the change is {}", word(t)));
    }
    if let Some(t) = c.impacted_tier {
        parts.push(format!("a tier-{t} (or more critical) service is impacted"));
    }
    if let Some(n) = &c.impacted_services {
        parts.push(format!("at least {} services are impacted", n.at_least));
    }
    if parts.is_empty() {
        "always".to_owned()
    } else {
        parts.join(" and ")
    }
}

pub fn policy(site: &Site, from: &str, spec: &PolicySpec) -> PolicyView {
    let changes: Vec<(&Entity, &ChangeSpec)> = site
        .of_kind(Kind::ChangeRequest)
        .filter_map(|e| match &e.spec {
            Spec::ChangeRequest(c) => Some((e, c)),
            _ => None,
        })
        .collect();
    PolicyView {
        owners: site.links(from, spec.owners.iter().map(|r| &r.target)),
        coverage: word(&spec.coverage),
        windows: word(&spec.windows),
        allow_self_approval: spec.allow_self_approval,
        invalidate_stale_approvals: spec.invalidate_stale_approvals,
        risk: spec
            .risk
            .iter()
            .map(|r| RiskRuleView { when: risk_when(r.when.as_ref()), then: word(&r.then) })
            .collect(),
        approvals: spec
            .approvals
            .iter()
            .map(|rule| {
                let mut when = Vec::new();
                if let Some(c) = &rule.when {
                    if !c.risk.is_empty() {
                        when.push(format!(
                            "risk is {}",
                            c.risk.iter().map(word).collect::<Vec<_>>().join(" or ")
                        ));
                    }
                    if !c.change_type.is_empty() {
                        let types: Vec<String> = c.change_type.iter().map(word).collect();
                        when.push(format!("the change is {}", types.join(" or ")));
                    }
                }
                let n = rule.require.count;
                let approvals = if n == 1 { "1 approval".to_owned() } else { format!("{n} approvals") };
                let requirement = match (&rule.require.owners_of, &rule.require.team) {
                    (Some(_), _) => format!("{approvals} from the owner team of each impacted service"),
                    (None, Some(t)) => format!("{approvals} from {t}"),
                    (None, None) => approvals,
                };
                ApprovalRuleView {
                    name: rule.name.clone(),
                    when: if when.is_empty() { "always".to_owned() } else { when.join(" and ") },
                    requirement,
                    team: rule.require.team.as_ref().map(|t| site.link(from, &t.target)),
                    count: n,
                }
            })
            .collect(),
        standard_changes: spec
            .standard_changes
            .iter()
            .map(|s| StandardChangeView {
                name: s.name.clone(),
                description: s.description.clone(),
                kinds: s.allow.kinds.iter().map(|k| k.name().to_owned()).collect(),
                classes: s.allow.classes.clone(),
                fields: s.allow.fields.clone(),
                changes: site.entity_links(
                    from,
                    changes.iter().filter(|(_, c)| c.template.as_deref() == Some(&s.name)).map(|(e, _)| *e),
                ),
            })
            .collect(),
    }
}

/// Changes and windows of the whole site, for the calendar and the home page.
pub struct Timeline<'a> {
    pub changes: Vec<(&'a Entity, &'a ChangeSpec)>,
    pub windows: Vec<(&'a Entity, &'a WindowSpec)>,
}

impl<'a> Timeline<'a> {
    pub fn new(site: &Site<'a>) -> Timeline<'a> {
        let mut changes = Vec::new();
        let mut windows = Vec::new();
        for e in site.entities {
            match &e.spec {
                Spec::ChangeRequest(c) => changes.push((e, c)),
                Spec::Window(w) => windows.push((e, w)),
                _ => {}
            }
        }
        Timeline { changes, windows }
    }

    /// Changes with this status, soonest first (past ones: newest first).
    pub fn changes_with(&self, site: &Site, from: &str, status: Status) -> Vec<ChangeSummary> {
        let list: Vec<(&Entity, &ChangeSpec)> = self
            .changes
            .iter()
            .copied()
            .filter(|(_, c)| calendar::change_status(c, site.now) == status)
            .collect();
        let mut list = changes_newest_first(list);
        if status != Status::Past {
            list.reverse();
            // Keep changes without a window (emergencies) first.
            list.sort_by_key(|(_, c)| c.window.is_some());
        }
        list.into_iter().map(|(e, c)| change_summary(site, from, e, c)).collect()
    }

    /// Windows of one type that are not over, with their next occurrences.
    pub fn windows_of(&self, site: &Site, from: &str, freeze: bool, next: usize) -> Vec<WindowSummary> {
        self.windows
            .iter()
            .filter(|(_, w)| (w.window_type == crate::model::WindowType::Freeze) == freeze)
            .filter(|(e, w)| site.window_status(e, w) != Status::Past)
            .map(|(e, w)| window_summary(site, from, e, w, next))
            .collect()
    }
}

/// An entry of the calendar.
#[derive(Debug, Serialize)]
pub struct Event {
    /// `change`, `freeze` or `maintenance`.
    pub kind: &'static str,
    pub link: Link,
    #[serde(flatten)]
    pub when: OccurrenceView,
    pub status: Status,
    /// `normal change, scheduled, risk moderate` or the window's reason.
    pub detail: String,
    /// A change's conflicts, each linking to it on the change's page (empty for windows).
    pub conflicts: Vec<super::conflicts::ConflictMark>,
}

/// The upcoming and in-flight entries of the calendar: changes with a window that is not
/// over, one-off windows that are not over, and occurrences of recurring windows within
/// [`calendar::HORIZON_DAYS`] — sorted by start, then kind and name.
pub fn events(site: &Site, from: &str, timeline: &Timeline, horizon_days: i64) -> Vec<Event> {
    let until = site.now.checked_add_signed(chrono::Duration::days(horizon_days)).unwrap_or(site.now);
    let mut out: Vec<(chrono::DateTime<chrono::Utc>, Event)> = Vec::new();
    for (e, c) in &timeline.changes {
        let status = calendar::change_status(c, site.now);
        let Some(w) = c.window.filter(|_| status != Status::Past) else { continue };
        let o = calendar::fixed(&w.start, &w.end);
        let mut detail = format!("{} change, {}", word(&c.change_type), word(&c.state));
        if let Some(risk) = &c.risk {
            detail.push_str(&format!(", risk {}", word(risk)));
        }
        out.push((
            o.start,
            Event {
                kind: "change",
                link: site.link_entity(from, e),
                when: (&o).into(),
                status,
                detail,
                conflicts: super::conflicts::marks(site, from, e),
            },
        ));
    }
    for (e, w) in &timeline.windows {
        let kind = if w.window_type == crate::model::WindowType::Freeze { "freeze" } else { "maintenance" };
        let horizon = if w.cron.is_some() { until } else { chrono::DateTime::<chrono::Utc>::MAX_UTC };
        for o in site.schedule(e, w).occurrences(site.now, horizon, calendar::MAX_IN_CALENDAR) {
            let status = if o.start <= site.now { Status::InFlight } else { Status::Upcoming };
            let detail = w.reason.clone().unwrap_or_default();
            out.push((
                o.start,
                Event {
                    kind,
                    link: site.link_entity(from, e),
                    when: (&o).into(),
                    status,
                    detail,
                    conflicts: Vec::new(),
                },
            ));
        }
    }
    out.sort_by(|a, b| (a.0, a.1.kind, &a.1.link.name).cmp(&(b.0, b.1.kind, &b.1.link.name)));
    out.into_iter().map(|(_, e)| e).collect()
}
