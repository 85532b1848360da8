//! Word lists the organisation is made of.

/// Business domains: slug, title, the services of the domain.
#[rustfmt::skip]
pub(crate) const DOMAINS: &[(&str, &str, &[&str])] = &[
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
pub(crate) const SERVICE_SUFFIXES: &[&str] = &[
    "api", "worker", "service", "gateway", "sync", "backend", "portal", "engine", "v2", "batch", "events",
    "admin", "importer", "exporter", "scheduler", "proxy", "cache", "store", "hub", "router",
];
#[rustfmt::skip]
pub(crate) const SERVICE_QUALIFIERS: &[&str] = &[
    "b2b", "b2c", "eu", "us", "apac", "partner", "internal", "legacy", "next", "edge", "bulk", "realtime",
    "mobile", "web", "marketplace", "wholesale",
];
#[rustfmt::skip]
pub(crate) const TEAM_FUNCTIONS: &[&str] = &[
    "core", "api", "web", "data", "ops", "growth", "integrations", "apps", "backend", "frontend",
    "reliability", "experience", "insights", "foundations", "automation",
];
#[rustfmt::skip]
pub(crate) const SQUADS: &[&str] = &[
    "falcon", "otter", "lynx", "heron", "badger", "puffin", "orca", "kestrel", "marten", "ibis", "bison",
    "wren", "gecko", "raven", "tapir", "koala", "manta", "osprey", "yak", "zebra",
];
/// Platform teams: slug, title.
pub(crate) const PLATFORM_TEAMS: &[(&str, &str)] = &[
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
pub(crate) const FIRST_NAMES: &[&str] = &[
    "Anna", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kara", "Liam", "Maya",
    "Nils", "Olga", "Pablo", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wei", "Ximena", "Yusuf", "Zoe",
    "Amir", "Bianca", "Chen", "Dara", "Emil", "Fatima", "Gustav", "Hana", "Igor", "Julia", "Kenji", "Lena",
    "Marco", "Nadia", "Oscar", "Priya", "Rafael", "Sofia", "Tomas", "Ursula", "Viktor", "Yara",
];
#[rustfmt::skip]
pub(crate) const LAST_NAMES: &[&str] = &[
    "Schmidt", "Okafor", "Rossi", "Novak", "Dubois", "Haddad", "Kowalski", "Lindqvist", "Moreau", "Nakamura",
    "Oliveira", "Petrov", "Quintero", "Richter", "Svensson", "Tanaka", "Umarov", "Varga", "Weber", "Xu", "Yilmaz",
    "Zimmermann", "Andersen", "Becker", "Costa", "Dimitrov", "Eriksson", "Fischer", "Garcia", "Hoffmann", "Ivanova",
    "Jansen", "Keller", "Larsen", "Meyer", "Nielsen", "Otto", "Popescu", "Reyes", "Santos", "Thomsen", "Vogel",
];
#[rustfmt::skip]
pub(crate) const TIMEZONES: &[&str] = &[
    "Europe/Berlin", "Europe/London", "Europe/Paris", "Europe/Amsterdam", "America/New_York", "America/Chicago",
    "America/Los_Angeles", "Asia/Singapore", "Asia/Kolkata", "Australia/Sydney",
];
/// Regions: cloud region, site code in host names.
#[rustfmt::skip]
pub(crate) const REGIONS: &[(&str, &str)] = &[
    ("eu-central-1", "fra"), ("eu-west-1", "dub"), ("us-east-1", "iad"), ("us-west-2", "pdx"), ("ap-southeast-1", "sin"),
];
/// Environments as written, short code, weight.
#[rustfmt::skip]
pub(crate) const ENVS: &[(&str, &str, u32)] = &[
    ("production", "prd", 60), ("staging", "stg", 20), ("test", "tst", 8), ("development", "dev", 7), ("dr", "dr", 5),
];
#[rustfmt::skip]
pub(crate) const DEPLOYMENT_PARTS: &[&str] = &["api", "worker", "web", "consumer", "scheduler", "grpc", "admin", "cron", "events"];

pub(crate) fn env_weights() -> Vec<u32> {
    ENVS.iter().map(|e| e.2).collect()
}
