//! The generated organisation: what it is made of, and the generator's own checks. The
//! generator's steps are split by what they make: `org` (people, teams, windows, services),
//! `cmdb` (configuration items) and `records` (SLAs, catalog, changes, knowledge, policy).

mod cmdb;
mod org;
mod records;

use super::*;

/// One document, rendered.
pub(crate) struct Doc {
    /// Short kind (`ci`) or `cairn-config`.
    pub(crate) kind: &'static str,
    /// Folder relative to the root, `/`-separated, no trailing slash (empty for the root).
    pub(crate) dir: String,
    pub(crate) name: String,
    /// File name without extension (the entity's name, except for the policy and `cairn.yaml`).
    pub(crate) stem: String,
    /// File extension: `yaml` or `md`.
    pub(crate) ext: &'static str,
    pub(crate) text: String,
    /// Every reference the document makes (`kind:name`), checked before anything is written.
    pub(crate) refs: Vec<String>,
}

pub(crate) struct Team {
    name: String,
    logins: Vec<String>,
}

pub(crate) struct Person {
    login: String,
    name: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum CiType {
    LoadBalancer,
    DnsZone,
    Hypervisor,
    Host,
    K8sNode,
    K8sCluster,
    Postgres,
    PgCluster,
    Mysql,
    Redis,
    Queue,
    Bucket,
    Deployment,
}

pub(crate) struct Ci {
    name: String,
    ty: CiType,
    env: usize,
    region: usize,
    /// Nothing points at a retired item.
    retired: bool,
    /// For deployments: the service.
    service: Option<usize>,
}

pub(crate) struct Service {
    name: String,
    title: String,
    domain: usize,
    owner: usize,
    tier: u8,
    lifecycle: &'static str,
    /// Deployments that make it up.
    components: Vec<usize>,
    /// Infrastructure its deployments use.
    infra: Vec<usize>,
}

pub(crate) struct Counts {
    teams: usize,
    services: usize,
    cis: usize,
    catalog: usize,
    slas: usize,
    changes: usize,
    /// How many of `changes` are the open, future ones (default: 40%).
    open_changes: Option<usize>,
    kb: usize,
}

impl Counts {
    pub(crate) fn for_total(n: usize) -> Counts {
        let pct = |p: f64, min: usize| ((n as f64 * p).round() as usize).max(min);
        Counts {
            teams: pct(0.01, 12),
            services: pct(0.08, 6),
            cis: pct(0.75, 60),
            catalog: pct(0.04, 3),
            slas: pct(0.03, 2),
            changes: pct(0.04, 4),
            open_changes: None,
            kb: pct(0.04, 3),
        }
    }
}

pub(crate) struct Gen {
    rng: Rng,
    docs: Vec<Doc>,
    people: Vec<Person>,
    teams: Vec<Team>,
    /// Index (in `teams`) of the team of each entry of `PLATFORM_TEAMS`.
    platform: Vec<usize>,
    /// Domains in use (indices into `DOMAINS`) and their teams, the root first.
    domains: Vec<usize>,
    domain_teams: Vec<Vec<usize>>,
    /// Window names and whether each is a maintenance window.
    windows: Vec<(String, bool)>,
    cis: Vec<Ci>,
    services: Vec<Service>,
    /// SLA names per service.
    slas: Vec<Vec<String>>,
    /// Catalog item names and their service.
    catalog: Vec<(String, usize)>,
    ci_names: Names,
}

/// The repository of about `n` entities, in memory.
#[cfg(test)]
pub(crate) fn generate(n: usize, seed: u64) -> Vec<Doc> {
    generate_with(n, seed, None)
}

/// [`generate`], with `open` change requests planned for 2027 (not closed: active) instead of
/// 40% of them (for the conflicts benchmark).
pub(crate) fn generate_with(n: usize, seed: u64, open: Option<usize>) -> Vec<Doc> {
    let mut counts = Counts::for_total(n);
    if let Some(open) = open {
        counts.changes = counts.changes * 6 / 10 + open;
        counts.open_changes = Some(open);
    }
    let mut g = Gen {
        rng: Rng::new(seed),
        docs: Vec::with_capacity(n + 16),
        people: Vec::new(),
        teams: Vec::new(),
        platform: Vec::new(),
        domains: Vec::new(),
        domain_teams: Vec::new(),
        windows: Vec::new(),
        cis: Vec::new(),
        services: Vec::new(),
        slas: Vec::new(),
        catalog: Vec::new(),
        ci_names: Names::default(),
    };
    g.gen_people(counts.teams * 4 + 20);
    g.gen_teams(counts.teams);
    g.gen_windows(n);
    g.plan_services(counts.services);
    g.gen_cis(counts.cis);
    g.gen_services();
    g.gen_slas(counts.slas);
    g.gen_catalog(counts.catalog);
    g.gen_changes(counts.changes, counts.open_changes);
    g.gen_kb(counts.kb);
    g.gen_policy_and_config();
    g.docs
}

impl Gen {
    pub(crate) fn push(
        &mut self,
        kind: &'static str,
        dir: String,
        name: String,
        text: String,
        refs: Vec<String>,
    ) {
        self.docs.push(Doc { kind, dir, stem: name.clone(), name, ext: "yaml", text, refs });
    }
}

/// A date uniformly between two dates, `YYYY-MM-DD`.
pub(crate) fn date_between(r: &mut Rng, from: (i32, u32, u32), to: (i32, u32, u32)) -> String {
    let a = NaiveDate::from_ymd_opt(from.0, from.1, from.2).expect("valid date");
    let b = NaiveDate::from_ymd_opt(to.0, to.1, to.2).expect("valid date");
    let days = (b - a).num_days().max(0) as usize;
    (a + ChronoDuration::days(r.range(0, days) as i64)).format("%Y-%m-%d").to_string()
}

/// A change window on a Saturday night in Europe/Berlin (inside the `weekend-eu` window),
/// RFC 3339 with the right offset, in 2026 (past) or 2027 (future), clear of the year-end freeze.
pub(crate) fn change_window(r: &mut Rng, past: bool) -> (String, String) {
    let (from, weeks) = if past {
        (NaiveDate::from_ymd_opt(2026, 1, 10).expect("date"), 44)
    } else {
        (NaiveDate::from_ymd_opt(2027, 1, 16).expect("date"), 45)
    };
    let mut day = from + ChronoDuration::weeks(r.below(weeks) as i64);
    while day.weekday() != Weekday::Sat {
        day = day.succ_opt().expect("date");
    }
    let start_local = day.and_hms_opt(2, [0, 0, 30][r.below(3)], 0).expect("time");
    let minutes = [30i64, 60, 90, 120, 180][r.below(5)];
    let start = chrono_tz::Europe::Berlin
        .from_local_datetime(&start_local)
        .single()
        .expect("02:00 on a Saturday is never in a DST gap");
    let end = start + ChronoDuration::minutes(minutes);
    (start.to_rfc3339(), end.to_rfc3339())
}

/// The generator's own promises: names valid and unique per kind, every reference resolves.
pub(crate) fn self_check(docs: &[Doc]) -> Result<(), String> {
    let mut names: HashMap<&str, HashSet<&str>> = HashMap::new();
    for d in docs {
        if d.kind == "cairn-config" {
            continue;
        }
        if !valid_name(&d.name) {
            return Err(format!("generated an invalid {} name `{}`", d.kind, d.name));
        }
        if !names.entry(d.kind).or_default().insert(&d.name) {
            return Err(format!("generated two {} named `{}`", d.kind, d.name));
        }
    }
    for d in docs {
        for r in &d.refs {
            let resolved =
                r.split_once(':').is_some_and(|(k, n)| names.get(k).is_some_and(|s| s.contains(n)));
            if !resolved {
                return Err(format!("{} {} refers to missing {r}", d.kind, d.name));
            }
        }
    }
    Ok(())
}

pub(crate) fn valid_name(n: &str) -> bool {
    let b = n.as_bytes();
    let end = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    !b.is_empty()
        && b.len() <= 63
        && end(b[0])
        && end(b[b.len() - 1])
        && b.iter().all(|&c| end(c) || c == b'-')
}
