//! `cairn-gen`: synthetic organisations for tests and benchmarks.
//!
//! - `cairn-gen org --out DIR --entities N [--seed S] [--docs-per-file K]` writes a realistic
//!   cairn repository of about N entities (teams, services, a CMDB, catalog items, SLAs,
//!   windows, change requests, knowledge articles, one policy and `cairn.yaml`). Every
//!   reference resolves, there are no dependency cycles and the tree validates clean. The
//!   output depends only on N, S and K: the same arguments give byte-identical files. It also
//!   writes `bench-manifest.txt` (`kind<TAB>path` per file) for tools that validate one kind
//!   at a time.
//! - `cairn-gen mutate --dir DIR --files N [--seed S]` edits N configuration-item files in
//!   place the way a pull request would (bump a version, change replicas, edit a description).
//! - `cairn-gen parse-floor DIR` is the speed floor `cairn validate` is measured against: walk
//!   DIR like cairn does and run saphyr-parser's event parser over every YAML file and every
//!   Markdown front matter, on all cores, building nothing.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use chrono::{Datelike, Duration as ChronoDuration, NaiveDate, TimeZone, Weekday};
use clap::{Parser, Subcommand};
use rayon::prelude::*;

#[derive(Parser)]
#[command(
    name = "cairn-gen",
    version,
    about = "Generate synthetic cairn organisations and measure the parse floor"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write a synthetic organisation of about N entities into DIR.
    Org {
        /// Directory to create (must be absent or empty).
        #[arg(long)]
        out: PathBuf,
        /// About how many entities to write.
        #[arg(long)]
        entities: usize,
        /// Seed of the generator: the same seed gives the same bytes.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Documents per YAML file (packed with `---`); knowledge articles stay one per file.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
        docs_per_file: u32,
    },
    /// Edit N configuration-item files in place, like a pull request would.
    Mutate {
        /// A repository written by `cairn-gen org`.
        #[arg(long)]
        dir: PathBuf,
        /// How many files to change.
        #[arg(long)]
        files: usize,
        /// Seed choosing the files and the edits.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Parse every YAML file and front matter under DIR with saphyr-parser events (the floor).
    ParseFloor {
        /// The repository to read.
        dir: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Org { out, entities, seed, docs_per_file } => {
            run_org(&out, entities, seed, docs_per_file as usize)
        }
        Command::Mutate { dir, files, seed } => run_mutate(&dir, files, seed),
        Command::ParseFloor { dir } => run_parse_floor(&dir),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cairn-gen: {e}");
            ExitCode::from(2)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A tiny deterministic PRNG (splitmix64).

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x6a09_e667_f3bc_c908)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        ((self.next_u64() >> 11) % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// An index chosen with the given weights.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut x = self.below(total as usize) as u32;
        for (i, &w) in weights.iter().enumerate() {
            if x < w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }

    /// Up to `k` distinct items of `items`, in the order drawn.
    fn sample<T: Copy + PartialEq>(&mut self, items: &[T], k: usize) -> Vec<T> {
        let mut out: Vec<T> = Vec::with_capacity(k);
        if items.is_empty() {
            return out;
        }
        let mut tries = 0;
        while out.len() < k.min(items.len()) && tries < 8 * k + 8 {
            let x = *self.pick(items);
            if !out.contains(&x) {
                out.push(x);
            }
            tries += 1;
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// YAML scalars.

/// A scalar for block context: plain when that reads back as the same string, else quoted.
fn s(v: &str) -> Cow<'_, str> {
    if plain_ok(v, false) {
        Cow::Borrowed(v)
    } else {
        Cow::Owned(dq(v))
    }
}

/// A scalar for flow context (inside `[...]` or `{...}`).
fn f(v: &str) -> Cow<'_, str> {
    if plain_ok(v, true) {
        Cow::Borrowed(v)
    } else {
        Cow::Owned(dq(v))
    }
}

fn plain_ok(v: &str, flow: bool) -> bool {
    let Some(first) = v.chars().next() else { return false };
    if !first.is_ascii_alphabetic() && first != '/' {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    if matches!(lower.as_str(), "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n") {
        return false;
    }
    if v.ends_with(' ') || v.ends_with(':') || v.contains(": ") || v.contains(" #") {
        return false;
    }
    !v.chars().any(|c| {
        matches!(c, '"' | '\'' | '`' | '\n' | '\t' | '\\' | '|' | '>' | '&' | '*' | '!' | '%' | '@' | '#')
            || (flow && matches!(c, ',' | '[' | ']' | '{' | '}'))
    })
}

fn dq(v: &str) -> String {
    let mut out = String::with_capacity(v.len() + 2);
    out.push('"');
    for c in v.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `[a, b, c]` with flow scalars.
fn flow_list<S: AsRef<str>>(items: &[S]) -> String {
    let parts: Vec<Cow<str>> = items.iter().map(|i| f(i.as_ref())).collect();
    format!("[{}]", parts.join(", "))
}

/// A `|` literal block at `indent` spaces, after the key on the current line.
fn literal(out: &mut String, indent: usize, text: &str) {
    out.push_str("|\n");
    for line in text.trim_end().lines() {
        if !line.is_empty() {
            for _ in 0..indent {
                out.push(' ');
            }
            out.push_str(line);
        }
        out.push('\n');
    }
}

macro_rules! w {
    ($out:expr, $($arg:tt)*) => {{
        let _ = writeln!($out, $($arg)*);
    }};
}

// ---------------------------------------------------------------------------------------------
// Names.

/// Hands out names unique within one kind, following the DNS-label rule.
#[derive(Default)]
struct Names {
    used: HashSet<String>,
}

/// `text` made into a name: lower case, hyphens for anything else, at most 56 characters.
fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' };
        if c == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push(c);
    }
    out.truncate(56);
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        "x".to_owned()
    } else {
        out
    }
}

impl Names {
    /// `base` if free, else `None`.
    fn try_take(&mut self, base: &str) -> Option<String> {
        let base = slug(base);
        self.used.insert(base.clone()).then_some(base)
    }

    /// `base`, or `base-2`, `base-3`… whichever is free first.
    fn take(&mut self, base: &str) -> String {
        let base = slug(base);
        if self.used.insert(base.clone()) {
            return base;
        }
        let mut n = 2;
        loop {
            let candidate = format!("{base}-{n}");
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

fn title_case(slug: &str) -> String {
    slug.split('-')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------------------------
// Word lists.

/// Business domains: slug, title, the services of the domain.
#[rustfmt::skip]
const DOMAINS: &[(&str, &str, &[&str])] = &[
    ("commerce", "Commerce", &["checkout", "basket", "pricing", "promotions", "orders", "returns", "storefront", "wishlist", "reviews", "gift-cards"]),
    ("payments", "Payments", &["ledger", "payouts", "refunds", "card-vault", "fraud-scoring", "invoicing", "settlements", "wallet", "chargebacks"]),
    ("identity", "Identity", &["auth", "sso", "mfa", "user-profile", "permissions", "sessions", "consent", "account-recovery"]),
    ("logistics", "Logistics", &["shipping", "tracking", "warehouse", "inventory", "routing", "labels", "carriers", "fulfilment"]),
    ("search", "Search", &["indexer", "query", "suggestions", "ranking", "synonyms", "catalog-feed"]),
    ("messaging", "Messaging", &["notifications", "email-sender", "sms-gateway", "push", "templates", "preferences"]),
    ("data", "Data", &["ingestion", "data-lake", "etl", "warehouse-loader", "cdc", "schema-registry", "data-catalog"]),
    ("analytics", "Analytics", &["reporting", "dashboards", "events", "experiments", "attribution", "forecasting"]),
    ("marketing", "Marketing", &["campaigns", "newsletters", "loyalty", "referrals", "crm-sync", "segments"]),
    ("finance", "Finance", &["billing", "tax", "accounting", "revenue", "expenses", "procurement"]),
    ("people", "People", &["payroll", "recruiting", "onboarding", "directory", "time-off", "learning"]),
    ("support", "Customer Support", &["helpdesk", "live-chat", "help-center", "ticketing", "callbacks", "surveys"]),
    ("mobile", "Mobile", &["mobile-bff", "app-config", "deep-links", "crash-reports", "release-notes"]),
    ("media", "Media", &["image-resizer", "video-transcoder", "asset-store", "cdn-purge", "thumbnails"]),
    ("security", "Security", &["siem", "vuln-scanner", "waf-rules", "certificates", "secrets-audit"]),
    ("platform", "Platform", &["api-gateway", "service-mesh", "secrets", "feature-flags", "ci-runners", "artifact-registry", "dbaas", "observability"]),
];

#[rustfmt::skip]
const SERVICE_SUFFIXES: &[&str] = &[
    "api", "worker", "service", "gateway", "sync", "backend", "portal", "engine", "v2", "batch", "events",
    "admin", "importer", "exporter", "scheduler", "proxy", "cache", "store", "hub", "router",
];
#[rustfmt::skip]
const SERVICE_QUALIFIERS: &[&str] = &[
    "b2b", "b2c", "eu", "us", "apac", "partner", "internal", "legacy", "next", "edge", "bulk", "realtime",
    "mobile", "web", "marketplace", "wholesale",
];
#[rustfmt::skip]
const TEAM_FUNCTIONS: &[&str] = &[
    "core", "api", "web", "data", "ops", "growth", "integrations", "apps", "backend", "frontend",
    "reliability", "experience", "insights", "foundations", "automation",
];
#[rustfmt::skip]
const SQUADS: &[&str] = &[
    "falcon", "otter", "lynx", "heron", "badger", "puffin", "orca", "kestrel", "marten", "ibis", "bison",
    "wren", "gecko", "raven", "tapir", "koala", "manta", "osprey", "yak", "zebra",
];
/// Platform teams: slug, title.
const PLATFORM_TEAMS: &[(&str, &str)] = &[
    ("compute-platform", "Compute Platform"),
    ("kubernetes-platform", "Kubernetes Platform"),
    ("database-reliability", "Database Reliability"),
    ("network-engineering", "Network Engineering"),
    ("storage-platform", "Storage Platform"),
    ("messaging-platform", "Messaging Platform"),
    ("observability", "Observability"),
    ("sre", "Site Reliability Engineering"),
];
#[rustfmt::skip]
const FIRST_NAMES: &[&str] = &[
    "Anna", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kara", "Liam", "Maya",
    "Nils", "Olga", "Pablo", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wei", "Ximena", "Yusuf", "Zoe",
    "Amir", "Bianca", "Chen", "Dara", "Emil", "Fatima", "Gustav", "Hana", "Igor", "Julia", "Kenji", "Lena",
    "Marco", "Nadia", "Oscar", "Priya", "Rafael", "Sofia", "Tomas", "Ursula", "Viktor", "Yara",
];
#[rustfmt::skip]
const LAST_NAMES: &[&str] = &[
    "Schmidt", "Okafor", "Rossi", "Novak", "Dubois", "Haddad", "Kowalski", "Lindqvist", "Moreau", "Nakamura",
    "Oliveira", "Petrov", "Quintero", "Richter", "Svensson", "Tanaka", "Umarov", "Varga", "Weber", "Xu", "Yilmaz",
    "Zimmermann", "Andersen", "Becker", "Costa", "Dimitrov", "Eriksson", "Fischer", "Garcia", "Hoffmann", "Ivanova",
    "Jansen", "Keller", "Larsen", "Meyer", "Nielsen", "Otto", "Popescu", "Reyes", "Santos", "Thomsen", "Vogel",
];
#[rustfmt::skip]
const TIMEZONES: &[&str] = &[
    "Europe/Berlin", "Europe/London", "Europe/Paris", "Europe/Amsterdam", "America/New_York", "America/Chicago",
    "America/Los_Angeles", "Asia/Singapore", "Asia/Kolkata", "Australia/Sydney",
];
/// Regions: cloud region, site code in host names.
#[rustfmt::skip]
const REGIONS: &[(&str, &str)] = &[
    ("eu-central-1", "fra"), ("eu-west-1", "dub"), ("us-east-1", "iad"), ("us-west-2", "pdx"), ("ap-southeast-1", "sin"),
];
/// Environments as written, short code, weight.
#[rustfmt::skip]
const ENVS: &[(&str, &str, u32)] = &[
    ("production", "prd", 60), ("staging", "stg", 20), ("test", "tst", 8), ("development", "dev", 7), ("dr", "dr", 5),
];
#[rustfmt::skip]
const DEPLOYMENT_PARTS: &[&str] = &["api", "worker", "web", "consumer", "scheduler", "grpc", "admin", "cron", "events"];

fn env_weights() -> Vec<u32> {
    ENVS.iter().map(|e| e.2).collect()
}

// ---------------------------------------------------------------------------------------------
// The generated organisation.

/// One document, rendered.
struct Doc {
    /// Short kind (`ci`) or `cairn-config`.
    kind: &'static str,
    /// Folder relative to the root, `/`-separated, no trailing slash (empty for the root).
    dir: String,
    name: String,
    /// File name without extension (the entity's name, except for the policy and `cairn.yaml`).
    stem: String,
    /// File extension: `yaml` or `md`.
    ext: &'static str,
    text: String,
    /// Every reference the document makes (`kind:name`), checked before anything is written.
    refs: Vec<String>,
}

struct Team {
    name: String,
    logins: Vec<String>,
}

struct Person {
    login: String,
    name: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum CiType {
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

struct Ci {
    name: String,
    ty: CiType,
    env: usize,
    region: usize,
    /// Nothing points at a retired item.
    retired: bool,
    /// For deployments: the service.
    service: Option<usize>,
}

struct Service {
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

struct Counts {
    teams: usize,
    services: usize,
    cis: usize,
    catalog: usize,
    slas: usize,
    changes: usize,
    kb: usize,
}

impl Counts {
    fn for_total(n: usize) -> Counts {
        let pct = |p: f64, min: usize| ((n as f64 * p).round() as usize).max(min);
        Counts {
            teams: pct(0.01, 12),
            services: pct(0.08, 6),
            cis: pct(0.75, 60),
            catalog: pct(0.04, 3),
            slas: pct(0.03, 2),
            changes: pct(0.04, 4),
            kb: pct(0.04, 3),
        }
    }
}

struct Gen {
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
fn generate(n: usize, seed: u64) -> Vec<Doc> {
    let counts = Counts::for_total(n);
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
    g.gen_changes(counts.changes);
    g.gen_kb(counts.kb);
    g.gen_policy_and_config();
    g.docs
}

impl Gen {
    fn push(&mut self, kind: &'static str, dir: String, name: String, text: String, refs: Vec<String>) {
        self.docs.push(Doc { kind, dir, stem: name.clone(), name, ext: "yaml", text, refs });
    }

    fn gen_people(&mut self, n: usize) {
        let mut logins = Names::default();
        for _ in 0..n {
            let first = *self.rng.pick(FIRST_NAMES);
            let last = *self.rng.pick(LAST_NAMES);
            let login = logins.take(&format!("{}{}", &first[..1], last));
            self.people.push(Person { login, name: format!("{first} {last}") });
        }
    }

    fn gen_teams(&mut self, total: usize) {
        struct Plan {
            name: String,
            title: String,
            description: String,
            parent: Option<usize>,
            domain: Option<usize>,
        }
        let mut names = Names::default();
        let mut plan: Vec<Plan> = Vec::new();
        fn add(
            plan: &mut Vec<Plan>,
            name: String,
            title: String,
            description: String,
            parent: Option<usize>,
            domain: Option<usize>,
        ) -> usize {
            plan.push(Plan { name, title, description, parent, domain });
            plan.len() - 1
        }
        add(
            &mut plan,
            names.take("governance"),
            "Change Governance".into(),
            "Owns the change policy, the change windows and the team definitions.".into(),
            None,
            None,
        );
        add(
            &mut plan,
            names.take("cab"),
            "Change Advisory Board".into(),
            "Reviews high-risk changes every Tuesday; on call for emergency changes.".into(),
            None,
            None,
        );
        let platform_root = add(
            &mut plan,
            names.take("platform-engineering"),
            "Platform Engineering".into(),
            "Runs the shared infrastructure every product team builds on.".into(),
            None,
            None,
        );
        for (slug, title) in PLATFORM_TEAMS {
            let i = add(
                &mut plan,
                names.take(slug),
                (*title).into(),
                format!("Builds and runs the {} layer for all product teams.", title.to_lowercase()),
                Some(platform_root),
                None,
            );
            self.platform.push(i);
        }
        let left = total.saturating_sub(plan.len());
        let n_domains = (left / 3).clamp(2, DOMAINS.len());
        for (d, &(slug, title, _)) in DOMAINS.iter().enumerate().take(n_domains) {
            self.domains.push(d);
            let root = add(
                &mut plan,
                names.take(slug),
                format!("{title} Engineering"),
                format!("All engineering teams of the {title} domain."),
                None,
                Some(d),
            );
            self.domain_teams.push(vec![root]);
        }
        // Sub-teams, round-robin over domains, and a regional platform team now and then.
        let target = total.max(plan.len() + n_domains);
        let mut i = 0;
        while plan.len() < target {
            let dslot = i % n_domains;
            i += 1;
            if i % 9 == 0 {
                let p = self.rng.below(PLATFORM_TEAMS.len());
                let (slug, title) = PLATFORM_TEAMS[p];
                let (region, site) = *self.rng.pick(REGIONS);
                add(
                    &mut plan,
                    names.take(&format!("{slug}-{site}")),
                    format!("{title} ({region})"),
                    format!("{title} engineers near {region}, first line for the infrastructure there."),
                    Some(self.platform[p]),
                    None,
                );
                continue;
            }
            let (slug, title, _) = DOMAINS[self.domains[dslot]];
            let base = if self.rng.chance(60) {
                format!("{slug}-{}", self.rng.pick(TEAM_FUNCTIONS))
            } else {
                format!("{slug}-{}", self.rng.pick(SQUADS))
            };
            let name = names.take(&base);
            let words = title_case(name.strip_prefix(slug).unwrap_or(&name).trim_start_matches('-'));
            let parent = self.domain_teams[dslot][0];
            let idx = add(
                &mut plan,
                name,
                format!("{title} {words}"),
                format!("{title} squad working on {}.", words.to_lowercase()),
                Some(parent),
                Some(dslot),
            );
            self.domain_teams[dslot].push(idx);
        }
        for (idx, p) in plan.into_iter().enumerate() {
            let member_count = if idx < 2 { self.rng.range(5, 8) } else { self.rng.range(3, 7) };
            let all: Vec<usize> = (0..self.people.len()).collect();
            let members = self.rng.sample(&all, member_count);
            let tz = *self.rng.pick(TIMEZONES);
            let name = p.name;
            let mut t = String::with_capacity(1200);
            let mut refs = Vec::new();
            w!(t, "apiVersion: cairn/v1\nkind: Team\nmetadata:\n  name: {name}\n  title: {}", s(&p.title));
            w!(t, "  description: {}", s(&p.description));
            let domain = p.domain.map_or("platform", |d| DOMAINS[self.domains[d]].0);
            w!(t, "  labels:\n    domain: {domain}\nspec:");
            if let Some(parent) = p.parent {
                let r = format!("team:{}", self.teams[parent].name);
                w!(t, "  parent: {r}");
                refs.push(r);
            }
            w!(t, "  timezone: {tz}\n  members:");
            let mut logins = Vec::new();
            for (j, &m) in members.iter().enumerate() {
                let person = &self.people[m];
                let role = if j == 0 {
                    "lead"
                } else if idx < 2 || j < 3 {
                    "approver"
                } else {
                    "member"
                };
                w!(t, "    - login: {}\n      name: {}", person.login, s(&person.name));
                w!(t, "      email: {}@example.com\n      role: {role}", person.login);
                logins.push(person.login.clone());
            }
            w!(t, "  contacts:\n    - type: email\n      value: {name}@example.com");
            w!(t, "    - type: chat\n      value: \"#team-{name}\"");
            if self.rng.chance(40) {
                w!(t, "    - type: pager\n      value: pagerduty/{name}");
            }
            self.teams.push(Team { name: name.clone(), logins });
            self.push("team", "teams".into(), name, t, refs);
        }
    }

    fn gen_windows(&mut self, n: usize) {
        let mut names = Names::default();
        // (name, spec lines, whether it is a maintenance window services may list)
        let mut plan: Vec<(String, String, bool)> = vec![
            (
                names.take("weekend-eu"),
                "  type: maintenance\n  cron: \"0 2 * * SAT\"\n  duration: 4h\n  timezone: Europe/Berlin\n\
                 \x20 scope:\n    tiers: [1, 2, 3, 4]\n\
                 \x20 reason: Weekly low-traffic window for European production systems.\n"
                    .into(),
                true,
            ),
            (
                names.take("weekend-us"),
                "  type: maintenance\n  cron: \"0 3 * * SUN\"\n  duration: 3h\n  timezone: America/New_York\n\
                 \x20 scope:\n    environments: [production, dr]\n\
                 \x20 reason: Weekly low-traffic window for US production systems.\n"
                    .into(),
                true,
            ),
            (
                names.take("weeknights-staging"),
                "  type: maintenance\n  cron: \"0 20 * * 1-5\"\n  duration: 10h\n  timezone: Europe/Berlin\n\
                 \x20 scope:\n    environments: [staging, test, development]\n\
                 \x20 reason: Non-production systems may change any weeknight.\n"
                    .into(),
                true,
            ),
            (
                names.take("monthly-database"),
                "  type: maintenance\n  cron: \"0 1 1 * *\"\n  duration: 6h\n  timezone: UTC\n\
                 \x20 scope:\n    all: true\n\
                 \x20 reason: Monthly slot for database minor upgrades and failover tests.\n"
                    .into(),
                true,
            ),
            (
                names.take("year-end-freeze"),
                "  type: freeze\n  start: 2026-12-18T00:00:00+01:00\n  end: 2027-01-04T09:00:00+01:00\n\
                 \x20 scope:\n    all: true\n  allowEmergency: true\n\
                 \x20 reason: Peak trading season; only emergency fixes go out.\n"
                    .into(),
                false,
            ),
        ];
        for i in 0..(n / 25_000).min(5) {
            let (region, site) = REGIONS[i % REGIONS.len()];
            let month = 3 + i;
            plan.push((
                names.take(&format!("datacenter-move-{site}")),
                format!(
                    "  type: maintenance\n  start: 2027-{month:02}-13T22:00:00Z\n  end: 2027-{month:02}-14T06:00:00Z\n\
                     \x20 scope:\n    environments: [production]\n\
                     \x20 reason: One-off move of the {region} racks to the new hall.\n"
                ),
                true,
            ));
        }
        for (name, body, maintenance) in plan {
            let mut t = String::with_capacity(512);
            w!(
                t,
                "apiVersion: cairn/v1\nkind: Window\nmetadata:\n  name: {name}\n  title: {}",
                s(&title_case(&name))
            );
            w!(t, "  labels:\n    owner: governance\nspec:");
            t.push_str(&body);
            self.windows.push((name.clone(), maintenance));
            self.push("window", "windows".into(), name, t, Vec::new());
        }
    }

    fn plan_services(&mut self, total: usize) {
        let mut names = Names::default();
        for i in 0..total {
            let dslot = if i < self.domains.len() { i } else { self.rng.below(self.domains.len()) };
            let (_, dtitle, nouns) = DOMAINS[self.domains[dslot]];
            let noun = *self.rng.pick(nouns);
            // A few tries at a natural name before numbering one.
            let mut name = None;
            for attempt in 0..6 {
                let base = match attempt {
                    0 if self.rng.chance(40) => noun.to_string(),
                    0..=2 => format!("{noun}-{}", self.rng.pick(SERVICE_SUFFIXES)),
                    _ => format!(
                        "{}-{noun}-{}",
                        self.rng.pick(SERVICE_QUALIFIERS),
                        self.rng.pick(SERVICE_SUFFIXES)
                    ),
                };
                name = names.try_take(&base);
                if name.is_some() {
                    break;
                }
            }
            let name =
                name.unwrap_or_else(|| names.take(&format!("{noun}-{}", self.rng.pick(SERVICE_SUFFIXES))));
            let team_pool = &self.domain_teams[dslot];
            let owner = if team_pool.len() > 1 {
                team_pool[1 + self.rng.below(team_pool.len() - 1)]
            } else {
                team_pool[0]
            };
            let tier = [1u8, 2, 3, 4][self.rng.weighted(&[10, 30, 40, 20])];
            let lifecycle = match self.rng.below(100) {
                0..=2 => "planned",
                3..=6 => "deprecated",
                7 if tier > 2 => "retired",
                _ => "live",
            };
            let title = format!("{dtitle} {}", title_case(&name));
            self.services.push(Service {
                name,
                title,
                domain: dslot,
                owner,
                tier,
                lifecycle,
                components: Vec::new(),
                infra: Vec::new(),
            });
        }
    }

    fn gen_cis(&mut self, total: usize) {
        let share = |p: f64, min: usize| ((total as f64 * p).round() as usize).max(min);
        let n_lb = share(0.012, 1);
        let n_dns = share(0.005, 1);
        let n_hv = share(0.02, 1);
        let n_host = share(0.20, 4);
        let n_node = share(0.14, 3);
        let n_pg = share(0.07, 2);
        let n_mysql = share(0.025, 1);
        let n_redis = share(0.04, 1);
        let n_queue = share(0.03, 1);
        let n_bucket = share(0.03, 1);
        let mut pools: Vec<Vec<usize>> = vec![Vec::new(); 13];
        let pool = |t: CiType| t as usize;

        // Network layer: nothing below it.
        for i in 0..n_lb + n_dns {
            let ty = if i < n_lb { CiType::LoadBalancer } else { CiType::DnsZone };
            let (env, region) = (self.env(), self.rng.below(REGIONS.len()));
            let idx = self.new_ci(ty, env, region, "", false);
            pools[pool(ty)].push(idx);
            self.render_ci(idx, &[], &[], &[], None);
        }
        // Hypervisors, then hosts (VMs on hypervisors, or bare metal).
        for _ in 0..n_hv {
            let (env, region) = (self.env(), self.rng.below(REGIONS.len()));
            let idx = self.new_ci(CiType::Hypervisor, env, region, "hv", false);
            pools[pool(CiType::Hypervisor)].push(idx);
            self.render_ci(idx, &[], &[], &[], None);
        }
        for _ in 0..n_host {
            let (env, region) = (self.env(), self.rng.below(REGIONS.len()));
            let role = *self.rng.pick(&["app", "app", "db", "db", "cache", "mq", "batch", "web", "build"]);
            let retired = self.rng.chance(1);
            let idx = self.new_ci(CiType::Host, env, region, role, retired);
            let runs_on = if self.rng.chance(70) {
                self.pick_near(&pools[pool(CiType::Hypervisor)], env, region)
            } else {
                Vec::new()
            };
            if !retired {
                pools[pool(CiType::Host)].push(idx);
            }
            self.render_ci(idx, &[], &runs_on, &[], None);
        }
        // Kubernetes: the nodes of a cluster, then the cluster.
        let mut left = n_node;
        while left > 0 {
            let mut size = self.rng.range(3, 12).min(left);
            if left - size < 3 {
                size = left;
            }
            left -= size;
            let (env, region) = (self.env(), self.rng.below(REGIONS.len()));
            let base = format!("k8s-{}-{}-{:02}", ENVS[env].1, REGIONS[region].1, self.rng.range(1, 99));
            let cluster = self.ci_names.take(&base);
            let mut nodes = Vec::new();
            for n in 0..size {
                let idx = self.new_ci_named(
                    CiType::K8sNode,
                    env,
                    region,
                    &format!("{cluster}-n{:02}", n + 1),
                    false,
                );
                let runs_on = if self.rng.chance(50) {
                    self.pick_near(&pools[pool(CiType::Hypervisor)], env, region)
                } else {
                    Vec::new()
                };
                self.render_ci(idx, &[], &runs_on, &[], Some(&cluster));
                nodes.push(idx);
            }
            let lb = self.pick_near(&pools[pool(CiType::LoadBalancer)], env, region);
            let idx = self.cis.len();
            self.cis.push(Ci {
                name: cluster.clone(),
                ty: CiType::K8sCluster,
                env,
                region,
                retired: false,
                service: None,
            });
            pools[pool(CiType::K8sCluster)].push(idx);
            self.render_ci(idx, &lb, &[], &nodes, Some(&cluster));
        }
        // PostgreSQL: instances on hosts, then the cluster over them.
        let mut pg_left = n_pg;
        while pg_left > 0 {
            let mut size = self.rng.range(2, 3).min(pg_left);
            if pg_left - size == 1 {
                size = pg_left;
            }
            pg_left -= size;
            let (env, region) = (self.env(), self.rng.below(REGIONS.len()));
            let mut members = Vec::new();
            for _ in 0..size {
                let idx = self.new_ci(CiType::Postgres, env, region, "pg", false);
                let host = self.pick_near(&pools[pool(CiType::Host)], env, region);
                self.render_ci(idx, &[], &host, &[], None);
                members.push(idx);
            }
            let idx = self.new_ci(CiType::PgCluster, env, region, "pgc", false);
            pools[pool(CiType::PgCluster)].push(idx);
            self.render_ci(idx, &[], &[], &members, None);
        }
        for (ty, count, role) in [
            (CiType::Mysql, n_mysql, "mysql"),
            (CiType::Redis, n_redis, "redis"),
            (CiType::Queue, n_queue, "rabbitmq"),
            (CiType::Bucket, n_bucket, "bucket"),
        ] {
            for _ in 0..count {
                let (env, region) = (self.env(), self.rng.below(REGIONS.len()));
                let idx = self.new_ci(ty, env, region, role, false);
                let host = if ty == CiType::Bucket {
                    Vec::new()
                } else {
                    self.pick_near(&pools[pool(CiType::Host)], env, region)
                };
                pools[pool(ty)].push(idx);
                self.render_ci(idx, &[], &host, &[], None);
            }
        }
        // Deployments: the rest, spread over the services; each runs on a cluster and uses its
        // service's stores (all created above, so there is no cycle).
        let n_deploy = total.saturating_sub(self.cis.len()).max(self.services.len().min(total / 4));
        // The stores each service uses in each environment.
        let mut service_infra: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
        for i in 0..n_deploy {
            let svc = if i < self.services.len() { i } else { self.rng.below(self.services.len()) };
            let env = if self.services[svc].components.is_empty() { 0 } else { self.env() };
            let region = self.rng.below(REGIONS.len());
            let part = *self.rng.pick(DEPLOYMENT_PARTS);
            let base = format!("{}-{part}-{}", self.services[svc].name, ENVS[env].1);
            let name = self.ci_names.take(&base);
            let idx = self.cis.len();
            self.cis.push(Ci {
                name,
                ty: CiType::Deployment,
                env,
                region,
                retired: false,
                service: Some(svc),
            });
            let cluster = self.pick_near(&pools[pool(CiType::K8sCluster)], env, region);
            let infra = service_infra
                .entry((svc, env))
                .or_insert_with(|| {
                    let mut infra = Vec::new();
                    for (t, p) in [
                        (CiType::PgCluster, 60),
                        (CiType::Redis, 40),
                        (CiType::Queue, 30),
                        (CiType::Bucket, 25),
                        (CiType::Mysql, 10),
                    ] {
                        if self.rng.chance(p) {
                            infra.extend(self.pick_near(&pools[pool(t)], env, region));
                        }
                    }
                    infra
                })
                .clone();
            let mut depends: Vec<usize> = Vec::new();
            for c in infra {
                if self.rng.chance(70) {
                    depends.push(c);
                }
            }
            // Sometimes on another deployment of the same service and environment, made before
            // this one.
            let siblings: Vec<usize> =
                self.services[svc].components.iter().copied().filter(|&c| self.cis[c].env == env).collect();
            if !siblings.is_empty() && self.rng.chance(30) {
                depends.push(*self.rng.pick(&siblings));
            }
            self.services[svc].components.push(idx);
            self.render_ci(idx, &depends, &cluster, &[], None);
        }
        for (svc, service) in self.services.iter_mut().enumerate() {
            service.infra = service_infra.remove(&(svc, 0)).unwrap_or_default();
        }
    }

    fn env(&mut self) -> usize {
        self.rng.weighted(&env_weights())
    }

    fn new_ci(&mut self, ty: CiType, env: usize, region: usize, role: &str, retired: bool) -> usize {
        let (_, site) = REGIONS[region];
        let e = ENVS[env].1;
        let base = match ty {
            CiType::LoadBalancer => format!("lb-{e}-{site}-{:02}", self.rng.range(1, 99)),
            CiType::DnsZone => {
                let d = DOMAINS[*self.rng.pick(&self.domains)].0;
                format!("dns-{d}-{e}-{site}")
            }
            CiType::Bucket => {
                let d = DOMAINS[*self.rng.pick(&self.domains)].0;
                let what = *self.rng.pick(&["assets", "exports", "backups", "logs", "uploads", "reports"]);
                format!("{d}-{what}-{e}-{site}")
            }
            _ => format!("{e}-{site}-{role}-{:04}", self.rng.range(1, 9999)),
        };
        self.new_ci_named(ty, env, region, &base, retired)
    }

    fn new_ci_named(&mut self, ty: CiType, env: usize, region: usize, base: &str, retired: bool) -> usize {
        let name = self.ci_names.take(base);
        self.cis.push(Ci { name, ty, env, region, retired, service: None });
        self.cis.len() - 1
    }

    /// One item of `pool`, preferably of the same environment and region.
    fn pick_near(&mut self, pool: &[usize], env: usize, region: usize) -> Vec<usize> {
        if pool.is_empty() {
            return Vec::new();
        }
        let mut best = *self.rng.pick(pool);
        for _ in 0..12 {
            let c = *self.rng.pick(pool);
            let ci = &self.cis[c];
            if ci.env == env && ci.region == region {
                best = c;
                break;
            }
            if ci.env == env && self.cis[best].env != env {
                best = c;
            }
        }
        vec![best]
    }

    fn render_ci(
        &mut self,
        idx: usize,
        depends: &[usize],
        runs_on: &[usize],
        members: &[usize],
        cluster: Option<&str>,
    ) {
        let ci = &self.cis[idx];
        let (env_name, _, _) = ENVS[ci.env];
        let (region, site) = REGIONS[ci.region];
        let (name, ty, retired, svc) = (ci.name.clone(), ci.ty, ci.retired, ci.service);
        let r = &mut self.rng;
        // class, folder, owning platform team (None: the service's owner), title, description
        let (class, layer, owner_fn, title, description): (
            &str,
            &str,
            Option<usize>,
            Option<String>,
            String,
        ) = match ty {
            CiType::LoadBalancer => (
                "network/load-balancer",
                "network",
                Some(3),
                Some(format!("Load balancer {name}")),
                format!("Ingress load balancer for {env_name} traffic in {region}."),
            ),
            CiType::DnsZone => (
                "network/dns-zone",
                "network",
                Some(3),
                None,
                format!("Authoritative DNS zone served from {region}."),
            ),
            CiType::Hypervisor => (
                "server/hypervisor",
                "hosts",
                Some(0),
                None,
                format!(
                    "Hypervisor in rack {}{:02} at {site}.",
                    (b'a' + r.below(8) as u8) as char,
                    r.range(1, 40)
                ),
            ),
            CiType::Host => {
                let os = if r.chance(12) { "Windows" } else { "Linux" };
                let class = if os == "Windows" { "server/windows" } else { "server/linux" };
                (class, "hosts", Some(0), None, format!("{os} VM for {env_name} workloads."))
            }
            CiType::K8sNode => (
                "k8s/node",
                "k8s",
                Some(1),
                None,
                format!("Worker node of {}.", cluster.unwrap_or("its cluster")),
            ),
            CiType::K8sCluster => (
                "k8s/cluster",
                "k8s",
                Some(1),
                Some(format!("Kubernetes {env_name} {region}")),
                format!("Shared Kubernetes cluster for {env_name} workloads in {region}."),
            ),
            CiType::Postgres => {
                ("database/postgres", "databases", Some(2), None, format!("PostgreSQL instance in {region}."))
            }
            CiType::PgCluster => (
                "database/postgres-cluster",
                "databases",
                Some(2),
                Some(format!("PostgreSQL cluster {name}")),
                "Patroni-managed PostgreSQL cluster with streaming replication.".to_string(),
            ),
            CiType::Mysql => (
                "database/mysql",
                "databases",
                Some(2),
                None,
                "MySQL server kept for legacy workloads.".into(),
            ),
            CiType::Redis => {
                ("cache/redis", "caches", Some(2), None, "Redis for session and rate-limit data.".into())
            }
            CiType::Queue => (
                "messaging/rabbitmq",
                "messaging",
                Some(5),
                None,
                format!("RabbitMQ broker carrying {env_name} events."),
            ),
            CiType::Bucket => (
                "storage/bucket",
                "storage",
                Some(4),
                None,
                "Versioned object storage bucket; objects expire after 90 days.".into(),
            ),
            CiType::Deployment => {
                let sv = &self.services[svc.unwrap_or(0)];
                (
                    "k8s/deployment",
                    "deployments",
                    None,
                    Some(format!("{} ({env_name})", sv.title)),
                    format!("Kubernetes deployment of {} in {env_name}.", sv.name),
                )
            }
        };
        let owner = match owner_fn {
            Some(p) => self.platform[p],
            None => self.services[svc.unwrap_or(0)].owner,
        };
        let r = &mut self.rng;
        let status = if retired {
            Some("retired")
        } else {
            match r.below(12) {
                0 => Some("installed"),
                1 => Some("maintenance"),
                2 => Some("operational"),
                _ => None,
            }
        };
        let dir = match (ty, cluster) {
            (_, Some(cluster)) => format!("cmdb/k8s/{cluster}"),
            (CiType::Deployment, _) => {
                format!(
                    "cmdb/deployments/{}",
                    DOMAINS[self.domains[self.services[svc.unwrap_or(0)].domain]].0
                )
            }
            (CiType::Host | CiType::Hypervisor, _) => format!("cmdb/hosts/{site}"),
            _ => format!("cmdb/{layer}"),
        };
        let mut t = String::with_capacity(600);
        let mut refs = Vec::new();
        w!(t, "apiVersion: cairn/v1\nkind: ConfigurationItem\nmetadata:\n  name: {name}");
        if let Some(title) = &title {
            w!(t, "  title: {}", s(title));
        }
        // Many CMDB records of plain hosts and nodes carry no description.
        let terse = matches!(ty, CiType::Host | CiType::K8sNode | CiType::Postgres | CiType::Deployment);
        if !terse || r.chance(35) {
            w!(t, "  description: {}", s(&description));
        }
        w!(t, "  labels:\n    region: {region}");
        if ty == CiType::Deployment && r.chance(40) {
            w!(t, "  tags: [{}]", ["stateless", "pci", "gdpr", "customer-facing", "batch"][r.below(5)]);
        }
        if matches!(ty, CiType::K8sCluster | CiType::PgCluster) {
            w!(t, "  links:\n    - url: https://grafana.example.com/d/{name}\n      title: Dashboard\n      type: dashboard");
        }
        let owner = &self.teams[owner].name;
        w!(t, "spec:\n  class: {class}\n  owner: team:{owner}\n  environment: {env_name}");
        refs.push(format!("team:{owner}"));
        if let Some(status) = status {
            w!(t, "  status: {status}");
        }
        for (key, list) in [("dependsOn", depends), ("runsOn", runs_on), ("members", members)] {
            if list.is_empty() {
                continue;
            }
            let names: Vec<String> = list.iter().map(|&i| format!("ci:{}", self.cis[i].name)).collect();
            if names.len() <= 2 {
                w!(t, "  {key}: {}", flow_list(&names));
            } else {
                w!(t, "  {key}:");
                for n in &names {
                    w!(t, "    - {n}");
                }
            }
            refs.extend(names);
        }
        if !members.is_empty() {
            let n = members.len();
            // Fewer than all members: losing one leaves the cluster degraded, not down.
            let min_up = if ty == CiType::PgCluster { 1 } else { (n / 2 + 1).min(n - 1).max(1) };
            w!(t, "  redundancy:\n    minUp: {min_up}");
        }
        t.push_str("  attributes:\n");
        match ty {
            CiType::LoadBalancer => {
                w!(
                    t,
                    "    vendor: {}\n    listeners: {}",
                    ["haproxy", "envoy", "f5"][r.below(3)],
                    r.range(2, 24)
                )
            }
            CiType::DnsZone => {
                w!(
                    t,
                    "    provider: {}\n    records: {}",
                    ["route53", "powerdns"][r.below(2)],
                    r.range(12, 900)
                )
            }
            CiType::Hypervisor => w!(
                t,
                "    vendor: {}\n    cpu: {}\n    memoryGb: {}",
                ["kvm", "vmware"][r.below(2)],
                32 << r.below(3),
                256 << r.below(3)
            ),
            CiType::Host | CiType::K8sNode => {
                w!(t, "    os: {}", ["ubuntu-22.04", "ubuntu-24.04", "debian-12", "rhel-9"][r.below(4)]);
                w!(t, "    cpu: {}\n    memoryGb: {}", 2 << r.below(4), 4 << r.below(5));
                w!(t, "    ip: 10.{}.{}.{}", r.below(64), r.below(256), r.range(2, 254));
            }
            CiType::K8sCluster => w!(
                t,
                "    version: \"1.{}.{}\"\n    distribution: {}",
                r.range(29, 32),
                r.range(0, 9),
                ["eks", "kubeadm", "rke2"][r.below(3)]
            ),
            CiType::Postgres => w!(
                t,
                "    version: \"{}.{}\"\n    role: {}",
                r.range(14, 17),
                r.range(1, 9),
                ["primary", "replica"][r.below(2)]
            ),
            CiType::PgCluster => w!(
                t,
                "    version: \"{}.{}\"\n    storageGb: {}",
                r.range(14, 17),
                r.range(1, 9),
                100 * r.range(1, 40)
            ),
            CiType::Mysql => {
                w!(t, "    version: \"8.0.{}\"\n    storageGb: {}", r.range(30, 40), 50 * r.range(1, 20))
            }
            CiType::Redis => w!(
                t,
                "    version: \"7.{}.{}\"\n    maxMemoryGb: {}",
                r.range(0, 4),
                r.range(0, 15),
                1 << r.below(6)
            ),
            CiType::Queue => {
                w!(
                    t,
                    "    version: \"3.{}.{}\"\n    vhosts: {}",
                    r.range(11, 13),
                    r.range(0, 20),
                    r.range(1, 12)
                )
            }
            CiType::Bucket => w!(t, "    versioning: true\n    sizeGb: {}", r.range(1, 20_000)),
            CiType::Deployment => {
                let version = format!("{}.{}.{}", r.range(1, 9), r.range(0, 40), r.range(0, 30));
                w!(t, "    version: \"{version}\"\n    replicas: {}", r.range(2, 12));
                let image = &self.services[svc.unwrap_or(0)].name;
                w!(t, "    image: registry.example.com/{image}:{version}");
            }
        }
        w!(t, "  lastVerified: {}", date_between(r, (2026, 5, 1), (2026, 11, 1)));
        self.push("ci", dir, name, t, refs);
    }

    fn gen_services(&mut self) {
        let maintenance: Vec<usize> = (0..self.windows.len()).filter(|&i| self.windows[i].1).collect();
        for i in 0..self.services.len() {
            let mut refs = Vec::new();
            let r = &mut self.rng;
            // Dependencies on earlier, non-retired services (so no cycles), mostly of the same domain.
            let mut deps: Vec<usize> = Vec::new();
            if i > 0 {
                for _ in 0..r.range(0, 4) {
                    let mut j = r.below(i);
                    for _ in 0..4 {
                        if self.services[j].domain == self.services[i].domain {
                            break;
                        }
                        j = r.below(i);
                    }
                    if self.services[j].lifecycle != "retired" && !deps.contains(&j) {
                        deps.push(j);
                    }
                }
            }
            let windows = if r.chance(60) {
                let k = r.range(1, 2);
                r.sample(&maintenance, k)
            } else {
                Vec::new()
            };
            let approvers = if r.chance(20) { vec![*r.pick(&self.platform)] } else { Vec::new() };
            let sv = &self.services[i];
            let (dslug, dtitle, _) = DOMAINS[self.domains[sv.domain]];
            let business = r.chance(40);
            let mut t = String::with_capacity(1500);
            w!(
                t,
                "apiVersion: cairn/v1\nkind: Service\nmetadata:\n  name: {}\n  title: {}",
                sv.name,
                s(&sv.title)
            );
            let what = if business { "Customer-facing" } else { "Internal" };
            let detail = [
                "Owns its data and publishes events for downstream consumers.",
                "Called synchronously on the critical path; mind the latency budget.",
                "Runs mostly asynchronous jobs fed from the message bus.",
                "Exposes a REST and gRPC API behind the API gateway.",
            ][r.below(4)];
            let description =
                format!("{what} {} service of the {dtitle} domain. {detail}", sv.name.replace('-', " "));
            w!(t, "  description: {}", s(&description));
            w!(
                t,
                "  labels:\n    domain: {dslug}\n    cost-center: cc-{}",
                1000 + sv.domain * 10 + r.below(10)
            );
            let mut tags = vec![dslug.to_string()];
            if r.chance(30) {
                tags.push(["pci", "gdpr", "sox", "public-api", "batch"][r.below(5)].to_string());
            }
            w!(t, "  tags: {}", flow_list(&tags));
            let n = &sv.name;
            w!(t, "  links:\n    - {{url: https://runbooks.example.com/{n}, title: Runbook, type: runbook}}");
            w!(t, "    - {{url: https://git.example.com/{dslug}/{n}, title: Source, type: repository}}");
            if r.chance(50) {
                w!(t, "    - {{url: https://grafana.example.com/d/{n}, title: Dashboard, type: dashboard}}");
            }
            let owner = &self.teams[sv.owner].name;
            w!(t, "spec:\n  owner: team:{owner}\n  tier: {}", sv.tier);
            refs.push(format!("team:{owner}"));
            w!(
                t,
                "  type: {}\n  lifecycle: {}",
                if business { "business" } else { "technical" },
                sv.lifecycle
            );
            let mut dep_refs: Vec<String> =
                deps.iter().map(|&j| format!("service:{}", self.services[j].name)).collect();
            dep_refs.extend(sv.infra.iter().map(|&c| format!("ci:{}", self.cis[c].name)));
            if !dep_refs.is_empty() {
                w!(t, "  dependsOn:");
                for d in &dep_refs {
                    w!(t, "    - {d}");
                }
            }
            refs.extend(dep_refs);
            if !sv.components.is_empty() {
                w!(t, "  components:");
                for &c in &sv.components {
                    w!(t, "    - ci:{}", self.cis[c].name);
                    refs.push(format!("ci:{}", self.cis[c].name));
                }
            }
            if !approvers.is_empty() {
                let a: Vec<String> =
                    approvers.iter().map(|&a| format!("team:{}", self.teams[a].name)).collect();
                w!(t, "  approvers: {}", flow_list(&a));
                refs.extend(a);
            }
            if !windows.is_empty() {
                let a: Vec<String> =
                    windows.iter().map(|&a| format!("window:{}", self.windows[a].0)).collect();
                w!(t, "  maintenanceWindows: {}", flow_list(&a));
                refs.extend(a);
            }
            w!(t, "  contacts:\n    - type: chat\n      value: \"#{}\"", sv.name);
            if sv.tier <= 2 {
                w!(t, "    - type: pager\n      value: pagerduty/{}", sv.name);
            }
            let name = sv.name.clone();
            self.push("service", format!("services/{dslug}"), name, t, refs);
        }
    }

    fn gen_slas(&mut self, total: usize) {
        self.slas = vec![Vec::new(); self.services.len()];
        // Every tier-1 service has an SLA; the rest go to other live services.
        let mut targets: Vec<usize> =
            (0..self.services.len()).filter(|&i| self.services[i].tier == 1).collect();
        let others: Vec<usize> = (0..self.services.len())
            .filter(|&i| self.services[i].tier > 1 && self.services[i].lifecycle != "retired")
            .collect();
        while targets.len() < total && !others.is_empty() {
            targets.push(*self.rng.pick(&others));
        }
        let mut names = Names::default();
        for svc in targets {
            let r = &mut self.rng;
            let sla_type = ["sla", "sla", "sla", "ola", "uc"][r.below(5)];
            let sv = &self.services[svc];
            let name = names.take(&format!("{}-{sla_type}", sv.name));
            let mut t = String::with_capacity(1200);
            let mut refs = vec![format!("service:{}", sv.name)];
            w!(t, "apiVersion: cairn/v1\nkind: SLA\nmetadata:\n  name: {name}");
            let what = match sla_type {
                "sla" => "Service level agreement",
                "ola" => "Operational level agreement",
                _ => "Underpinning contract",
            };
            w!(t, "  title: {}", s(&format!("{what} for {}", sv.title)));
            w!(t, "  labels:\n    domain: {}", DOMAINS[self.domains[sv.domain]].0);
            w!(t, "spec:\n  service: service:{}\n  type: {sla_type}", sv.name);
            let customer = match sla_type {
                "sla" => {
                    ["Retail customers", "Business customers", "All EU customers", "Marketplace sellers"]
                        [r.below(4)]
                }
                "ola" => "Internal product teams",
                _ => ["CloudCo Ltd.", "NetCarrier AG", "DataCenter Partners"][r.below(3)],
            };
            w!(t, "  customer: {}", s(customer));
            w!(t, "  provider: team:{}", self.teams[sv.owner].name);
            refs.push(format!("team:{}", self.teams[sv.owner].name));
            let avail = match sv.tier {
                1 => ["99.95", "99.99", "99.9"][r.below(3)],
                2 => ["99.9", "99.5"][r.below(2)],
                _ => ["99.5", "99.0", "98.5"][r.below(3)],
            };
            w!(t, "  objectives:\n    - {{metric: availability, target: {avail}, unit: percent}}");
            let scale = u32::from(sv.tier.min(2));
            for (p, (resp, res_h)) in [(15u32, 4u32), (30, 8), (120, 24), (480, 72)].into_iter().enumerate() {
                let p = p + 1;
                w!(t, "    - {{metric: response, target: {}, unit: minutes, priority: P{p}}}", resp * scale);
                // Resolution in hours or in minutes: response <= resolution either way.
                if r.chance(50) {
                    w!(
                        t,
                        "    - {{metric: resolution, target: {}, unit: hours, priority: P{p}}}",
                        res_h * scale
                    );
                } else {
                    w!(
                        t,
                        "    - {{metric: resolution, target: {}, unit: minutes, priority: P{p}}}",
                        res_h * scale * 60
                    );
                }
            }
            if sv.tier == 1 || r.chance(30) {
                w!(t, "  supportHours: 24x7");
            } else {
                let tz = *r.pick(TIMEZONES);
                w!(t, "  supportHours:\n    timezone: {tz}\n    days: [mon, tue, wed, thu, fri]");
                w!(t, "    from: \"{:02}:00\"\n    to: \"{}:00\"", r.range(7, 9), r.range(17, 20));
            }
            w!(t, "  effective:\n    from: 2026-01-01\n    to: 2030-12-31\n  reviewDate: 2030-06-30");
            self.slas[svc].push(name.clone());
            self.push("sla", "slas".into(), name, t, refs);
        }
    }

    fn gen_catalog(&mut self, total: usize) {
        // slug, category, request type, title lead
        const ITEMS: &[(&str, &str, &str, &str)] = &[
            ("new-database", "Databases", "service-request", "Request a new PostgreSQL database for"),
            ("access", "Access", "access", "Request access to"),
            ("api-key", "Access", "access", "Request an API key for"),
            ("quota-increase", "Capacity", "service-request", "Request a quota increase on"),
            ("report-outage", "Incidents", "incident", "Report an outage of"),
            ("config-change", "Changes", "change", "Ask for a configuration change to"),
            ("data-export", "Data", "service-request", "Request a data export from"),
            ("new-environment", "Environments", "service-request", "Request a new test environment of"),
        ];
        let candidates: Vec<usize> =
            (0..self.services.len()).filter(|&i| self.services[i].lifecycle != "retired").collect();
        let mut names = Names::default();
        for _ in 0..total {
            let r = &mut self.rng;
            let svc = *r.pick(&candidates);
            let (slug, category, request_type, lead) = *r.pick(ITEMS);
            let sv = &self.services[svc];
            let name = names.take(&format!("{}-{slug}", sv.name));
            let mut refs = vec![format!("service:{}", sv.name)];
            let mut t = String::with_capacity(1200);
            w!(t, "apiVersion: cairn/v1\nkind: CatalogItem\nmetadata:\n  name: {name}");
            w!(t, "  title: {}", s(&format!("{lead} {}", sv.title)));
            let description =
                format!("{lead} {}. The owning team picks it up within the expected delivery time.", sv.name);
            w!(t, "  description: {}", s(&description));
            w!(t, "  tags: [{}]", category.to_lowercase());
            w!(t, "spec:\n  service: service:{}\n  category: {}", sv.name, s(category));
            w!(t, "  owner: team:{}\n  requestType: {request_type}", self.teams[sv.owner].name);
            refs.push(format!("team:{}", self.teams[sv.owner].name));
            let automation = ["manual", "semi-automated", "automated"][r.below(3)];
            let delivery = ["PT4H", "1d", "2d", "5d", "30m", "P1DT12H"][r.below(6)];
            w!(t, "  fulfillment:\n    automation: {automation}\n    expectedDelivery: {delivery}");
            if r.chance(60) {
                let approver = &self.teams[sv.owner].name;
                w!(t, "  approval:\n    required: true\n    approvers: [team:{approver}]");
                refs.push(format!("team:{approver}"));
            } else {
                w!(t, "  approval:\n    required: false");
            }
            w!(t, "  form:");
            w!(t, "    - name: justification\n      type: string\n      required: true\n      help: Why do you need this?");
            match slug {
                "new-database" | "quota-increase" => {
                    w!(t, "    - name: size\n      type: choice\n      required: true\n      options: [small, medium, large]");
                    w!(t, "    - name: storage-gb\n      type: number\n      help: Expected data size after one year.");
                }
                "access" | "api-key" => {
                    w!(t, "    - name: role\n      type: choice\n      required: true");
                    w!(t, "      options: [read-only, read-write, admin]");
                    w!(t, "    - name: expires\n      type: date\n      help: Access ends on this day.");
                }
                _ => {
                    w!(
                        t,
                        "    - name: environment\n      type: choice\n      options: [production, staging]"
                    );
                    w!(t, "    - name: urgent\n      type: boolean");
                }
            }
            if let Some(sla) = self.slas[svc].first() {
                w!(t, "  sla: sla:{sla}");
                refs.push(format!("sla:{sla}"));
            }
            if r.chance(25) {
                let team = *r.pick(&self.domain_teams[sv.domain]);
                w!(t, "  audience: [team:{}]", self.teams[team].name);
                refs.push(format!("team:{}", self.teams[team].name));
            }
            w!(t, "  active: {}", r.chance(95));
            self.catalog.push((name.clone(), svc));
            self.push("catalog", format!("catalog/{}", category.to_lowercase()), name, t, refs);
        }
    }

    fn gen_changes(&mut self, total: usize) {
        let deployments: Vec<usize> =
            (0..self.cis.len()).filter(|&i| self.cis[i].ty == CiType::Deployment).collect();
        let live_cis: Vec<usize> = (0..self.cis.len()).filter(|&i| !self.cis[i].retired).collect();
        let mut names: Vec<String> = Vec::new();
        // The older 60% are from 2026 and mostly done; the rest are planned for 2027.
        let past = total * 6 / 10;
        for i in 0..total {
            let is_past = i < past;
            let (year, seq) = if is_past { (2026, i + 1) } else { (2027, i - past + 1) };
            let name = format!("chg-{year}-{seq:05}");
            let r = &mut self.rng;
            let ty = ["standard", "normal", "normal", "normal", "emergency"][r.below(5)];
            let state = if is_past {
                ["closed", "closed", "closed", "closed", "closed", "closed", "cancelled", "review"]
                    [r.below(8)]
            } else {
                ["new", "assess", "authorize", "scheduled", "scheduled", "implement"][r.below(6)]
            };
            let mut targets: Vec<String> = Vec::new();
            let (title, template, plan) = if ty == "standard" && !deployments.is_empty() {
                let d = &self.cis[*r.pick(&deployments)].name;
                targets.push(format!("ci:{d}"));
                if r.chance(60) {
                    let to = r.range(2, 16);
                    (
                        format!("Scale {d} to {to} replicas"),
                        Some("scale-replicas"),
                        format!("1. Set `spec.attributes.replicas` to {to}.\n2. Merge; the deploy pipeline applies it.\n"),
                    )
                } else {
                    (
                        format!("Roll out a new version of {d}"),
                        Some("bump-version"),
                        "1. Bump `spec.attributes.version` and the image tag.\n2. Merge; Argo CD rolls the deployment.\n"
                            .to_string(),
                    )
                }
            } else {
                let sv = &self.services[r.below(self.services.len())];
                targets.push(format!("service:{}", sv.name));
                for _ in 0..r.range(0, 2) {
                    let target = format!("ci:{}", self.cis[*r.pick(&live_cis)].name);
                    if !targets.contains(&target) {
                        targets.push(target);
                    }
                }
                let what = [
                    "Upgrade PostgreSQL minor version behind",
                    "Rotate TLS certificates of",
                    "Migrate the session store of",
                    "Enable connection pooling for",
                    "Move the batch jobs of",
                    "Patch the base image of",
                ][r.below(6)];
                (
                    format!("{what} {}", sv.name),
                    None,
                    "1. Announce the change in the service channel.\n\
                     2. Apply it to one replica and watch the error rate for 15 minutes.\n\
                     3. Roll out to the remaining replicas.\n\
                     4. Confirm the dashboards are green and close the change.\n"
                        .to_string(),
                )
            };
            let team = r.pick(&self.teams);
            let requester = team.logins[r.below(team.logins.len())].clone();
            let mut t = String::with_capacity(2000);
            let mut refs = targets.clone();
            w!(
                t,
                "apiVersion: cairn/v1\nkind: ChangeRequest\nmetadata:\n  name: {name}\n  title: {}",
                s(&title)
            );
            w!(t, "  labels:\n    source: pull-request\nspec:\n  type: {ty}");
            if let Some(template) = template {
                w!(t, "  template: {template}");
            }
            w!(t, "  state: {state}\n  requestedBy: {requester}");
            if targets.len() <= 2 {
                w!(t, "  targets: {}", flow_list(&targets));
            } else {
                w!(t, "  targets:");
                for target in &targets {
                    w!(t, "    - {target}");
                }
            }
            if ty != "emergency" || r.chance(30) {
                let (start, end) = change_window(r, is_past);
                w!(t, "  window:\n    start: {start}\n    end: {end}");
            }
            let why = [
                "Traffic grew 30% since the last capacity review and p99 latency is near the budget.",
                "The vendor published a security advisory that applies to our version.",
                "Follow-up of the last incident review: the current setting caused the outage.",
                "Cost review: the service is over-provisioned outside peak hours.",
            ][r.below(4)];
            w!(t, "  justification: {}", s(why));
            t.push_str("  implementationPlan: ");
            literal(&mut t, 4, &plan);
            w!(t, "  backoutPlan: Revert the pull request; the pipeline restores the previous state.");
            w!(
                t,
                "  testPlan: Synthetic checks stay green and the error rate stays under 0.1% for 30 minutes."
            );
            let risk = match ty {
                "standard" => "low",
                "emergency" => "high",
                _ => ["low", "moderate", "moderate", "high"][r.below(4)],
            };
            w!(t, "  risk: {risk}");
            if r.chance(30) {
                w!(
                    t,
                    "  outage:\n    expected: true\n    duration: {}",
                    ["5m", "15m", "30m", "1h"][r.below(4)]
                );
            } else {
                w!(t, "  outage:\n    expected: false");
            }
            if ty == "emergency" || r.chance(15) {
                w!(t, "  related:\n    incidents: [INC{:07}]", r.range(10_000, 999_999));
                if !names.is_empty() && r.chance(50) {
                    let other = r.pick(&names).clone();
                    w!(t, "    changes: [change:{other}]");
                    refs.push(format!("change:{other}"));
                }
            }
            if state == "closed" {
                let code =
                    ["successful", "successful", "successful", "successful-with-issues", "unsuccessful"]
                        [r.below(5)];
                let notes = match code {
                    "successful" => "Completed as planned; no customer impact.",
                    "successful-with-issues" => "Completed; one pod restarted twice during the roll-out.",
                    _ => "Backed out after elevated error rates; a follow-up change is planned.",
                };
                w!(t, "  closure:\n    code: {code}\n    notes: {}", s(notes));
            }
            names.push(name.clone());
            self.push("change", format!("changes/{year}"), name, t, refs);
        }
    }

    fn gen_kb(&mut self, total: usize) {
        let live: Vec<usize> =
            (0..self.services.len()).filter(|&i| self.services[i].lifecycle != "retired").collect();
        let mut kb_names = Names::default();
        for _ in 0..total {
            let r = &mut self.rng;
            let svc = *r.pick(&live);
            let sv = &self.services[svc];
            let (ty, title) = match r.below(5) {
                0 => ("runbook", format!("Restart {} safely", sv.name)),
                1 => ("howto", format!("How to rotate the credentials of {}", sv.name)),
                2 => ("known-error", format!("{}: requests time out after a deploy", sv.name)),
                3 => ("faq", format!("{} FAQ", sv.title)),
                _ => ("reference", format!("{} architecture", sv.title)),
            };
            let name = kb_names.take(&title);
            let mut refs = vec![format!("service:{}", sv.name)];
            let cis: Vec<String> =
                sv.components.iter().take(2).map(|&c| format!("ci:{}", self.cis[c].name)).collect();
            let cat: Vec<String> = self
                .catalog
                .iter()
                .filter(|c| c.1 == svc)
                .take(1)
                .map(|c| format!("catalog:{}", c.0))
                .collect();
            let state = ["published", "published", "published", "published", "draft"][r.below(5)];
            let owner = &self.teams[sv.owner].name;
            let (dslug, dtitle, _) = DOMAINS[self.domains[sv.domain]];
            let mut t = String::with_capacity(2500);
            w!(
                t,
                "---\napiVersion: cairn/v1\nkind: KnowledgeArticle\nmetadata:\n  name: {name}\n  title: {}",
                s(&title)
            );
            w!(t, "  tags: {}", flow_list(&[dslug, ty]));
            w!(
                t,
                "spec:\n  type: {ty}\n  owner: team:{owner}\n  state: {state}\n  services: [service:{}]",
                sv.name
            );
            refs.push(format!("team:{owner}"));
            if !cis.is_empty() {
                w!(t, "  cis: {}", flow_list(&cis));
                refs.extend(cis.iter().cloned());
            }
            if !cat.is_empty() {
                w!(t, "  catalogItems: {}", flow_list(&cat));
                refs.extend(cat);
            }
            w!(t, "  reviewBy: 2030-12-31\n  validTo: 2030-12-31\n---");
            w!(t, "# {title}\n");
            match ty {
                "runbook" | "howto" => {
                    w!(t, "Use this when {} needs attention and the steps below are the agreed first response.\n", sv.name);
                    w!(t, "## Before you start\n\n- Check the dashboard for a deploy in progress.");
                    w!(t, "- Announce what you do in `#{}`.\n\n## Steps\n", sv.name);
                    for (i, c) in cis.iter().enumerate() {
                        w!(t, "{}. Restart `{c}` one pod at a time:", i + 1);
                        w!(t, "   `kubectl rollout restart deployment/{}`", c.trim_start_matches("ci:"));
                    }
                    w!(t, "{}. Wait until all replicas report ready.\n", cis.len() + 1);
                    w!(t, "## Escalation\n\nPage {owner} if the error rate stays above 1% for 10 minutes.");
                }
                "known-error" => {
                    w!(t, "## Symptom\n\nFor about five minutes after a deploy, some requests to {} fail with 504.\n", sv.name);
                    w!(t, "## Cause\n\nNew pods receive traffic before their connection pools are warm.\n");
                    w!(t, "## Workaround\n\nDeploy outside peak hours and keep `maxSurge` at 1.\n");
                    w!(t, "## Fix\n\nA readiness probe that waits for the pool is in the team's backlog.");
                }
                "faq" => {
                    w!(
                        t,
                        "## Who owns {}?\n\nThe {owner} team; see the service page for contacts.\n",
                        sv.name
                    );
                    w!(t, "## How do I get access?\n\nThrough the service catalog; the owners approve requests.\n");
                    w!(
                        t,
                        "## Where are the logs?\n\nIn the central logging platform, index `{}-*`.",
                        sv.name
                    );
                }
                _ => {
                    w!(
                        t,
                        "{} is a tier {} service of the {dtitle} domain.\n\n## Components\n",
                        sv.title,
                        sv.tier
                    );
                    for c in &cis {
                        w!(t, "- `{c}`");
                    }
                    w!(t, "\n## Operations\n\n| what | where |\n|---|---|");
                    w!(t, "| dashboard | https://grafana.example.com/d/{} |", sv.name);
                    w!(t, "| runbook | https://runbooks.example.com/{} |", sv.name);
                }
            }
            self.docs.push(Doc {
                kind: "kb",
                dir: "kb".into(),
                stem: name.clone(),
                name,
                ext: "md",
                text: t,
                refs,
            });
        }
    }

    fn gen_policy_and_config(&mut self) {
        let policy = r#"apiVersion: cairn/v1
kind: Policy
metadata:
  name: change-policy
  title: Change policy
  description: Who must approve what, and when changes may merge.
spec:
  owners: [team:governance]
  coverage: required
  risk:
    - {if: {type: emergency}, then: high}
    - {if: {impactedTier: 1}, then: high}
    - {if: {impactedServices: {atLeast: 5}}, then: moderate}
    - {then: low}
  approvals:
    - name: owners-of-impacted-services
      if: {risk: [moderate, high, very-high]}
      require: {ownersOf: impacted, count: 1}
    - name: cab
      if: {risk: [high, very-high]}
      require: {team: team:cab, count: 2}
  standardChanges:
    - name: scale-replicas
      description: Change the replica count of a Kubernetes workload.
      allow: {kinds: [ConfigurationItem], classes: ["k8s/*"], fields: ["spec.attributes.replicas"]}
    - name: bump-version
      description: Roll out a new version of a Kubernetes workload.
      allow:
        kinds: [ConfigurationItem]
        classes: ["k8s/deployment"]
        fields: ["spec.attributes.version", "spec.attributes.image"]
  windows: enforce
  allowSelfApproval: false
  invalidateStaleApprovals: true
"#;
        let refs = vec!["team:governance".into(), "team:cab".into()];
        self.push("policy", String::new(), "change-policy".into(), policy.into(), refs);
        // The policy lives where `cairn.yaml` says.
        if let Some(doc) = self.docs.last_mut() {
            doc.stem = "policy".into();
        }
        let config = "# cairn configuration (see `cairn schema` for every setting).\n\
                      policy: policy.yaml\nchecks:\n  ciVerifiedWithinDays: 36500\n";
        self.push("cairn-config", String::new(), "cairn".into(), config.into(), Vec::new());
    }
}

/// A date uniformly between two dates, `YYYY-MM-DD`.
fn date_between(r: &mut Rng, from: (i32, u32, u32), to: (i32, u32, u32)) -> String {
    let a = NaiveDate::from_ymd_opt(from.0, from.1, from.2).expect("valid date");
    let b = NaiveDate::from_ymd_opt(to.0, to.1, to.2).expect("valid date");
    let days = (b - a).num_days().max(0) as usize;
    (a + ChronoDuration::days(r.range(0, days) as i64)).format("%Y-%m-%d").to_string()
}

/// A change window on a Saturday night in Europe/Berlin (inside the `weekend-eu` window),
/// RFC 3339 with the right offset, in 2026 (past) or 2027 (future), clear of the year-end freeze.
fn change_window(r: &mut Rng, past: bool) -> (String, String) {
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
fn self_check(docs: &[Doc]) -> Result<(), String> {
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

fn valid_name(n: &str) -> bool {
    let b = n.as_bytes();
    let end = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    !b.is_empty()
        && b.len() <= 63
        && end(b[0])
        && end(b[b.len() - 1])
        && b.iter().all(|&c| end(c) || c == b'-')
}

// ---------------------------------------------------------------------------------------------
// Writing files.

/// Files of the repository: (relative path, short kind, content).
fn layout(docs: Vec<Doc>, per_file: usize) -> Vec<(String, &'static str, String)> {
    let path = |dir: &str, name: &str, ext: &str| {
        if dir.is_empty() {
            format!("{name}.{ext}")
        } else {
            format!("{dir}/{name}.{ext}")
        }
    };
    let mut files = Vec::with_capacity(docs.len());
    let mut part = 0usize;
    let mut docs = docs;
    if per_file > 1 {
        // Documents of one folder together (a stable sort keeps the order within a folder).
        docs.sort_by(|a, b| a.dir.cmp(&b.dir));
    }
    let mut docs = docs.into_iter().peekable();
    while let Some(d) = docs.next() {
        if per_file <= 1 || d.ext != "yaml" || d.dir.is_empty() {
            files.push((path(&d.dir, &d.stem, d.ext), d.kind, d.text));
            continue;
        }
        // Pack consecutive YAML documents of one folder and kind.
        part += 1;
        let stem = format!("{}-{part:05}", d.dir.rsplit('/').next().unwrap_or("part"));
        let p = path(&d.dir, &stem, d.ext);
        let (kind, dir, mut text) = (d.kind, d.dir, d.text);
        for _ in 1..per_file {
            match docs.next_if(|next| next.ext == "yaml" && next.dir == dir && next.kind == kind) {
                Some(next) => {
                    text.push_str("---\n");
                    text.push_str(&next.text);
                }
                None => break,
            }
        }
        files.push((p, kind, text));
    }
    files
}

fn run_org(out: &Path, entities: usize, seed: u64, per_file: usize) -> Result<(), String> {
    if out.exists() {
        let mut entries = fs::read_dir(out).map_err(|e| format!("{}: {e}", out.display()))?;
        if entries.next().is_some() {
            return Err(format!("{} exists and is not empty", out.display()));
        }
    }
    let started = Instant::now();
    let docs = generate(entities, seed);
    self_check(&docs)?;
    let n_docs = docs.len();
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &docs {
        *by_kind.entry(d.kind).or_default() += 1;
    }
    let files = layout(docs, per_file);
    let dirs: BTreeSet<&str> =
        files.iter().filter_map(|(p, _, _)| p.rsplit_once('/').map(|(d, _)| d)).collect();
    fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    for d in &dirs {
        fs::create_dir_all(out.join(d)).map_err(|e| format!("{d}: {e}"))?;
    }
    let mut manifest = String::new();
    for (p, kind, _) in &files {
        w!(manifest, "{kind}\t{p}");
    }
    let bytes = AtomicU64::new(0);
    files.par_iter().try_for_each(|(p, _, text)| {
        bytes.fetch_add(text.len() as u64, Ordering::Relaxed);
        fs::write(out.join(p), text).map_err(|e| format!("{p}: {e}"))
    })?;
    let readme = format!(
        "# Example organisation\n\nA synthetic cairn repository written by \
         `cairn-gen org --entities {entities} --seed {seed}`.\nCheck it with `cairn validate .`.\n"
    );
    let write = |name: &str, text: &str| fs::write(out.join(name), text).map_err(|e| format!("{name}: {e}"));
    write("README.md", &readme)?;
    write(".gitignore", "/local/\n*.tmp\n")?;
    write("bench-manifest.txt", &manifest)?;
    let summary: Vec<String> = by_kind.iter().map(|(k, n)| format!("{k} {n}")).collect();
    eprintln!(
        "cairn-gen: {n_docs} entities in {} files, {:.1} MB, in {:.2} s ({})",
        files.len(),
        bytes.load(Ordering::Relaxed) as f64 / 1e6,
        started.elapsed().as_secs_f64(),
        summary.join(", ")
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Mutate.

fn run_mutate(dir: &Path, count: usize, seed: u64) -> Result<(), String> {
    let cmdb = dir.join("cmdb");
    let mut files: Vec<PathBuf> = walk(&cmdb)?.into_iter().filter(|p| has_ext(p, &["yaml", "yml"])).collect();
    if files.len() < count {
        return Err(format!("only {} configuration-item files under {}", files.len(), cmdb.display()));
    }
    let mut rng = Rng::new(seed.wrapping_mul(31).wrapping_add(7));
    // Partial Fisher-Yates: the first `count` are the chosen ones.
    for i in 0..count {
        let j = i + rng.below(files.len() - i);
        files.swap(i, j);
    }
    files.truncate(count);
    files.sort();
    for path in &files {
        let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let edited = mutate_text(&text, &mut rng);
        fs::write(path, edited).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("{}", path.strip_prefix(dir).unwrap_or(path).display());
    }
    eprintln!("cairn-gen: changed {count} files");
    Ok(())
}

/// One pull-request-like edit of the first document of a CI file.
fn mutate_text(text: &str, rng: &mut Rng) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let find = |lines: &[String], prefix: &str| lines.iter().position(|l| l.starts_with(prefix));
    let replicas = find(&lines, "    replicas: ");
    let version = find(&lines, "    version: \"");
    let description = find(&lines, "  description: ");
    let memory = find(&lines, "    memoryGb: ");
    // Kinds of edit, most specific first; a resize or a description edit where there is
    // nothing to scale or upgrade.
    let options: Vec<(u8, usize)> = [(0, replicas), (1, version), (3, memory), (2, description)]
        .into_iter()
        .filter_map(|(k, i)| Some((k, i?)))
        .collect();
    if options.is_empty() {
        lines.push("# touched by cairn-gen mutate".into());
    } else {
        let (what, i) = options[rng.below(options.len())];
        match what {
            3 => {
                let n: u64 = lines[i]["    memoryGb: ".len()..].trim().parse().unwrap_or(8);
                lines[i] = format!("    memoryGb: {}", n * 2);
            }
            0 => {
                let n: u64 = lines[i]["    replicas: ".len()..].trim().parse().unwrap_or(2);
                let next = if n > 2 && rng.chance(40) { n - 1 } else { n + 1 + rng.below(3) as u64 };
                lines[i] = format!("    replicas: {next}");
            }
            1 => {
                let old = lines[i]["    version: \"".len()..].trim_end_matches('"').to_owned();
                let mut parts: Vec<u64> = old.split('.').filter_map(|p| p.parse().ok()).collect();
                match parts.last_mut() {
                    Some(last) => *last += 1,
                    None => parts.push(1),
                }
                let new: Vec<String> = parts.iter().map(u64::to_string).collect();
                let new = new.join(".");
                lines[i] = format!("    version: \"{new}\"");
                // Keep an image tag in step with the version.
                if let Some(j) = find(&lines, "    image: ") {
                    if let Some(stripped) = lines[j].strip_suffix(&format!(":{old}")) {
                        lines[j] = format!("{stripped}:{new}");
                    }
                }
            }
            _ => {
                let note = [
                    "Reviewed during the quarterly CMDB audit.",
                    "Capacity re-checked after the traffic review.",
                    "Now covered by the new alerting rules.",
                ][rng.below(3)];
                let old =
                    lines[i]["  description: ".len()..].trim_matches('"').trim_end_matches('.').to_owned();
                lines[i] = format!("  description: {}", s(&format!("{old}. {note}")));
            }
        }
    }
    let mut joined = lines.join("\n");
    joined.push('\n');
    joined
}

// ---------------------------------------------------------------------------------------------
// Parse floor.

fn has_ext(p: &Path, exts: &[&str]) -> bool {
    p.extension().and_then(|e| e.to_str()).is_some_and(|e| exts.contains(&e))
}

/// Files under `dir` the way cairn walks: `.gitignore` respected, hidden files skipped,
/// `*.yaml`, `*.yml` and `*.md` only.
fn walk(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let found = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    ignore::WalkBuilder::new(dir).require_git(false).build_parallel().run(|| {
        Box::new(|entry| {
            match entry {
                Ok(e) => {
                    if e.file_type().is_some_and(|t| t.is_file()) && has_ext(e.path(), &["yaml", "yml", "md"])
                    {
                        found.lock().expect("lock").push(e.into_path());
                    }
                }
                Err(e) => errors.lock().expect("lock").push(e.to_string()),
            }
            ignore::WalkState::Continue
        })
    });
    if let Some(e) = errors.into_inner().expect("lock").first() {
        return Err(e.clone());
    }
    let mut found = found.into_inner().expect("lock");
    found.sort();
    Ok(found)
}

/// The front matter of a Markdown file: the text between an opening `---` line and the next
/// `---` (or `...`) line.
fn front_matter(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n"))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        let trimmed = line.trim_end_matches(['\n', '\r']);
        if trimmed == "---" || trimmed == "..." {
            return Some(&rest[..offset]);
        }
        offset += line.len();
    }
    None
}

/// Events of one YAML text, or the error.
fn count_events(text: &str) -> Result<u64, String> {
    let mut parser = saphyr_parser::Parser::new_from_str(text);
    let mut n = 0;
    while let Some(event) = parser.next_event() {
        event.map_err(|e| e.to_string())?;
        n += 1;
    }
    Ok(n)
}

fn run_parse_floor(dir: &Path) -> Result<(), String> {
    let started = Instant::now();
    let files = walk(dir)?;
    let results: Vec<(u64, u64, Option<String>)> = files
        .par_iter()
        .map(|p| {
            let bytes = match fs::read(p) {
                Ok(b) => b,
                Err(e) => return (0, 0, Some(format!("{}: {e}", p.display()))),
            };
            let len = bytes.len() as u64;
            let text = match std::str::from_utf8(&bytes) {
                Ok(t) => t,
                Err(e) => return (len, 0, Some(format!("{}: {e}", p.display()))),
            };
            let yaml = if has_ext(p, &["md"]) { front_matter(text) } else { Some(text) };
            match yaml.map(count_events) {
                None => (len, 0, None),
                Some(Ok(n)) => (len, n, None),
                Some(Err(e)) => (len, 0, Some(format!("{}: {e}", p.display()))),
            }
        })
        .collect();
    let elapsed = started.elapsed().as_secs_f64();
    let bytes: u64 = results.iter().map(|r| r.0).sum();
    let events: u64 = results.iter().map(|r| r.1).sum();
    let errors: Vec<&String> = results.iter().filter_map(|r| r.2.as_ref()).collect();
    for e in errors.iter().take(10) {
        eprintln!("cairn-gen: {e}");
    }
    println!("files: {}", files.len());
    println!("bytes: {bytes}");
    println!("events: {events}");
    println!("errors: {}", errors.len());
    println!("threads: {}", rayon::current_num_threads());
    println!("seconds: {elapsed:.3}");
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!("{} files did not parse", errors.len()))
    }
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    fn read_tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in fs::read_dir(&dir).unwrap() {
                let p = entry.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                    out.insert(rel, fs::read(&p).unwrap());
                }
            }
        }
        out
    }

    #[test]
    fn same_seed_gives_same_bytes() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        run_org(&a.path().join("org"), 600, 7, 1).unwrap();
        run_org(&b.path().join("org"), 600, 7, 1).unwrap();
        let ta = read_tree(&a.path().join("org"));
        let tb = read_tree(&b.path().join("org"));
        assert!(ta.len() > 500, "{} files", ta.len());
        assert_eq!(ta, tb);
        let c = tempfile::tempdir().unwrap();
        run_org(&c.path().join("org"), 600, 8, 1).unwrap();
        assert_ne!(ta, read_tree(&c.path().join("org")));
    }

    #[test]
    fn names_are_valid_and_unique_and_references_resolve() {
        for n in [150, 3000] {
            let docs = generate(n, 42);
            let total = docs.len();
            assert!(total.abs_diff(n) <= n / 10 + 30, "{total} entities for {n}");
            let mut seen: HashMap<&str, HashSet<&str>> = HashMap::new();
            for d in &docs {
                if d.kind == "cairn-config" {
                    continue;
                }
                assert!(valid_name(&d.name), "bad name {:?}", d.name);
                assert!(seen.entry(d.kind).or_default().insert(&d.name), "duplicate {} {}", d.kind, d.name);
                assert!(d.text.contains(&format!("\n  name: {}\n", d.name)), "{}", d.text);
            }
            for d in &docs {
                for r in &d.refs {
                    let (kind, name) = r.split_once(':').unwrap();
                    assert!(
                        seen.get(kind).is_some_and(|s| s.contains(name)),
                        "{} {} refers to {r}",
                        d.kind,
                        d.name
                    );
                }
            }
            self_check(&docs).unwrap();
            let ci = seen["ci"].len() as f64 / total as f64;
            assert!((0.6..0.85).contains(&ci), "CI share {ci}");
        }
    }

    #[test]
    fn packing_keeps_every_document() {
        let docs = generate(400, 3);
        let n = docs.len();
        let files = layout(docs, 10);
        let count: usize = files
            .iter()
            .map(|(p, _, t)| {
                if p.ends_with(".md") || p == "cairn.yaml" {
                    1
                } else {
                    t.matches("apiVersion: cairn/v1").count()
                }
            })
            .sum();
        assert_eq!(count, n);
        assert!(files.len() < n / 3, "{} files for {n} documents", files.len());
    }

    #[test]
    fn generated_yaml_parses() {
        for d in generate(300, 5) {
            let text =
                if d.ext == "md" { front_matter(&d.text).unwrap().to_string() } else { d.text.clone() };
            count_events(&text).unwrap_or_else(|e| panic!("{}: {e}\n{}", d.name, d.text));
        }
    }

    #[test]
    fn mutate_changes_one_thing() {
        let mut rng = Rng::new(1);
        let text = "metadata:\n  name: x\n  description: Old.\nspec:\n  attributes:\n    version: \"1.2.3\"\n    replicas: 3\n";
        for _ in 0..20 {
            let out = mutate_text(text, &mut rng);
            assert_ne!(out, text);
            let changed = text.lines().zip(out.lines()).filter(|(a, b)| a != b).count();
            assert_eq!(changed, 1, "{out}");
        }
    }

    #[test]
    fn scalars_quote_what_would_not_read_back() {
        assert_eq!(s("plain text, with comma"), "plain text, with comma");
        assert_eq!(f("plain text, with comma"), "\"plain text, with comma\"");
        assert_eq!(s("yes"), "\"yes\"");
        assert_eq!(s("1.2"), "\"1.2\"");
        assert_eq!(s("a: b"), "\"a: b\"");
        assert_eq!(s("#chan"), "\"#chan\"");
    }
}
