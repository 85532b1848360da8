//! The CMDB: configuration items of every type, placed by environment and region.

use super::*;

impl Gen {
    pub(crate) fn gen_cis(&mut self, total: usize) {
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

    pub(crate) fn env(&mut self) -> usize {
        self.rng.weighted(&env_weights())
    }

    pub(crate) fn new_ci(
        &mut self,
        ty: CiType,
        env: usize,
        region: usize,
        role: &str,
        retired: bool,
    ) -> usize {
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

    pub(crate) fn new_ci_named(
        &mut self,
        ty: CiType,
        env: usize,
        region: usize,
        base: &str,
        retired: bool,
    ) -> usize {
        let name = self.ci_names.take(base);
        self.cis.push(Ci { name, ty, env, region, retired, service: None });
        self.cis.len() - 1
    }

    /// One item of `pool`, preferably of the same environment and region.
    pub(crate) fn pick_near(&mut self, pool: &[usize], env: usize, region: usize) -> Vec<usize> {
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

    pub(crate) fn render_ci(
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
}
