//! `cairn-gen servicenow`: a synthetic ServiceNow CMDB export (Table API JSON with
//! `sysparm_display_value=all`, the shape `cairn import servicenow` reads best) for the import
//! benchmark: `cmdb_ci.json` (services first, then CIs), `cmdb_rel_ci.json` and
//! `sys_user_group.json`. Relations always go from an earlier record to a later one, so the
//! imported tree has no dependency cycle; no item is retired, so no live service depends on a
//! retired one: the import validates without errors.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use crate::rng::Rng;

const CLASSES: &[(&str, &str, &str)] = &[
    ("cmdb_ci_linux_server", "Linux Server", "srv"),
    ("cmdb_ci_win_server", "Windows Server", "win"),
    ("cmdb_ci_vmware_instance", "VMware Virtual Machine Instance", "vm"),
    ("cmdb_ci_db_postgresql_instance", "PostgreSQL Instance", "pg"),
    ("cmdb_ci_db_ora_instance", "Oracle Instance", "ora"),
    ("cmdb_ci_app_server_tomcat", "Tomcat", "tomcat"),
    ("cmdb_ci_kubernetes_cluster", "Kubernetes Cluster", "k8s"),
    ("cmdb_ci_lb_bigip", "F5 BIG-IP", "lb"),
    ("cmdb_ci_cluster", "Cluster", "cluster"),
    ("cmdb_ci_ip_switch", "IP Switch", "sw"),
];
const SERVICES: &[(&str, &str)] =
    &[("cmdb_ci_service_business", "Business Service"), ("cmdb_ci_service_auto", "Application Service")];
const RELATIONS: &[(&str, u32)] = &[
    ("Depends on::Used by", 60),
    ("Runs on::Runs", 25),
    ("Members::Member of", 10),
    ("Contains::Contained by", 5),
];
const ENVIRONMENTS: &[(&str, &str)] =
    &[("production", "Production"), ("staging", "Staging"), ("test", "Test")];
const INSTALL: &[(&str, &str)] =
    &[("1", "Installed"), ("1", "Installed"), ("1", "Installed"), ("3", "In Maintenance")];
const CRITICALITY: &[&str] =
    &["1 - most critical", "2 - somewhat critical", "3 - less critical", "4 - not critical"];
const HOST: &str = "https://example.service-now.com/api/now/table";

fn sys_id(kind: u8, n: usize) -> String {
    format!("{kind:02x}{n:030x}")
}

fn field(out: &mut String, key: &str, value: &str, display: &str) {
    let _ = write!(out, "\"{key}\":{{\"display_value\":{},\"value\":{}}}", json(display), json(value));
}

fn reference(out: &mut String, key: &str, table: &str, id: &str, display: &str) {
    let _ = write!(
        out,
        "\"{key}\":{{\"display_value\":{},\"link\":\"{HOST}/{table}/{id}\",\"value\":\"{id}\"}}",
        json(display)
    );
}

fn json(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

/// Writes the three exports under `out` (created; must be absent or empty).
pub(crate) fn run_servicenow(out: &Path, cis: usize, rels: usize, seed: u64) -> Result<(), String> {
    let started = std::time::Instant::now();
    fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut rng = Rng::new(seed);
    let groups = (cis / 500).clamp(5, 400);
    let group_name = |g: usize| format!("Team {g:03}");
    let mut text = String::from("{\"result\":[\n");
    for g in 0..groups {
        if g > 0 {
            text.push_str(",\n");
        }
        text.push('{');
        field(&mut text, "sys_id", &sys_id(0xa0, g), &sys_id(0xa0, g));
        text.push(',');
        field(&mut text, "name", &group_name(g), &group_name(g));
        text.push(',');
        field(&mut text, "email", &format!("team{g:03}@example.com"), &format!("team{g:03}@example.com"));
        if g > 0 {
            text.push(',');
            let parent = (g - 1) / 10;
            reference(&mut text, "parent", "sys_user_group", &sys_id(0xa0, parent), &group_name(parent));
        }
        text.push('}');
    }
    text.push_str("\n]}\n");
    fs::write(out.join("sys_user_group.json"), &text).map_err(|e| e.to_string())?;

    let services = (cis / 50).max(2);
    let mut names = Vec::with_capacity(cis);
    let mut text = String::with_capacity(cis * 700);
    text.push_str("{\"result\":[\n");
    for i in 0..cis {
        if i > 0 {
            text.push_str(",\n");
        }
        let id = sys_id(0x01, i);
        let (table, label, name) = if i < services {
            let (t, l) = SERVICES[usize::from(i >= services / 5)];
            (t, l, format!("Service {i:05}"))
        } else {
            let (t, l, prefix) = *rng.pick(CLASSES);
            (t, l, format!("{prefix}-{i:06}.example.com"))
        };
        let group = rng.below(groups);
        text.push('{');
        field(&mut text, "sys_id", &id, &id);
        text.push(',');
        field(&mut text, "name", &name, &name);
        text.push(',');
        field(&mut text, "sys_class_name", table, label);
        text.push(',');
        let (code, status) = *rng.pick(INSTALL);
        field(&mut text, "install_status", code, status);
        text.push(',');
        field(&mut text, "operational_status", "1", "Operational");
        text.push(',');
        reference(&mut text, "support_group", "sys_user_group", &sys_id(0xa0, group), &group_name(group));
        text.push(',');
        field(&mut text, "short_description", &format!("{label} {i}"), &format!("{label} {i}"));
        text.push(',');
        field(&mut text, "sys_updated_on", "2026-11-20 10:00:00", "2026-11-20 10:00:00");
        if i < services {
            text.push(',');
            let c = *rng.pick(CRITICALITY);
            field(&mut text, "busines_criticality", c, c);
        } else {
            let (value, env) = *rng.pick(ENVIRONMENTS);
            text.push(',');
            field(&mut text, "environment", value, env);
            text.push(',');
            let ip = format!("10.{}.{}.{}", i >> 16 & 255, i >> 8 & 255, i & 255);
            field(&mut text, "ip_address", &ip, &ip);
            text.push(',');
            let ram = (rng.range(1, 64) * 1024).to_string();
            field(&mut text, "ram", &ram, &ram);
        }
        text.push('}');
        names.push(name);
    }
    text.push_str("\n]}\n");
    fs::write(out.join("cmdb_ci.json"), &text).map_err(|e| e.to_string())?;
    let ci_bytes = text.len();

    let weights: Vec<u32> = RELATIONS.iter().map(|(_, w)| *w).collect();
    let mut text = String::with_capacity(rels * 600);
    text.push_str("{\"result\":[\n");
    let mut written = 0;
    while written < rels {
        // Parents anywhere but the last record; the child after the parent, mostly nearby.
        let parent = rng.below(cis - 1);
        let span = (cis - parent - 1).min(5_000);
        let child = parent + 1 + rng.below(span);
        let (kind, _) = RELATIONS[rng.weighted(&weights)];
        if written > 0 {
            text.push_str(",\n");
        }
        text.push('{');
        field(&mut text, "sys_id", &sys_id(0x02, written), &sys_id(0x02, written));
        text.push(',');
        reference(&mut text, "parent", "cmdb_ci", &sys_id(0x01, parent), &names[parent]);
        text.push(',');
        reference(&mut text, "child", "cmdb_ci", &sys_id(0x01, child), &names[child]);
        text.push(',');
        reference(&mut text, "type", "cmdb_rel_type", &format!("{:032x}", kind.len()), kind);
        text.push('}');
        written += 1;
    }
    text.push_str("\n]}\n");
    fs::write(out.join("cmdb_rel_ci.json"), &text).map_err(|e| e.to_string())?;
    eprintln!(
        "cairn-gen: {cis} CIs ({services} services), {rels} relations, {groups} groups; {:.1} MB of CIs and {:.1} MB of relations in {:.2} s",
        ci_bytes as f64 / 1e6,
        text.len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
