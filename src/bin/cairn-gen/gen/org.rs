//! People, teams, windows and the plan of services.

use super::*;

impl Gen {
    pub(crate) fn gen_people(&mut self, n: usize) {
        let mut logins = Names::default();
        for _ in 0..n {
            let first = *self.rng.pick(FIRST_NAMES);
            let last = *self.rng.pick(LAST_NAMES);
            let login = logins.take(&format!("{}{}", &first[..1], last));
            self.people.push(Person { login, name: format!("{first} {last}") });
        }
    }

    pub(crate) fn gen_teams(&mut self, total: usize) {
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

    pub(crate) fn gen_windows(&mut self, n: usize) {
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

    pub(crate) fn plan_services(&mut self, total: usize) {
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
}
