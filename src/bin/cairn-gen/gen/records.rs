//! Services, SLAs, catalog items, change requests, knowledge articles, the policy and the config.

use super::*;

impl Gen {
    pub(crate) fn gen_services(&mut self) {
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

    pub(crate) fn gen_slas(&mut self, total: usize) {
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

    pub(crate) fn gen_catalog(&mut self, total: usize) {
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

    pub(crate) fn gen_changes(&mut self, total: usize, open: Option<usize>) {
        let deployments: Vec<usize> =
            (0..self.cis.len()).filter(|&i| self.cis[i].ty == CiType::Deployment).collect();
        let live_cis: Vec<usize> = (0..self.cis.len()).filter(|&i| !self.cis[i].retired).collect();
        let mut names: Vec<String> = Vec::new();
        // The older 60% are from 2026 and mostly done; the rest are planned for 2027.
        let past = open.map_or(total * 6 / 10, |open| total.saturating_sub(open));
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

    pub(crate) fn gen_kb(&mut self, total: usize) {
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

    pub(crate) fn gen_policy_and_config(&mut self) {
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
