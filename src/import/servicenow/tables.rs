//! The default ServiceNow → cairn tables (docs/import.md lists them with their sources), and
//! `--map FILE`, which overrides any entry.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use crate::diag::{Code, Diagnostic};
use crate::load::yaml::{self, Limits};

/// What a CMDB class becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Ci(String),
    /// A service, `business` or `technical`.
    Service(&'static str),
}

/// `sys_class_name` (table) and its label → cairn class. Services are marked `service:TYPE`.
/// Sources: the CMDB class tables of the Washington/Xanadu releases as the Table API names
/// them, and the labels the list view shows (CSV exports give labels).
pub const CLASSES: &[(&str, &str, &str)] = &[
    ("cmdb_ci", "Configuration Item", "ci"),
    ("cmdb_ci_hardware", "Hardware", "hardware"),
    ("cmdb_ci_computer", "Computer", "computer"),
    ("cmdb_ci_server", "Server", "server"),
    ("cmdb_ci_linux_server", "Linux Server", "server/linux"),
    ("cmdb_ci_win_server", "Windows Server", "server/windows"),
    ("cmdb_ci_unix_server", "Unix Server", "server/unix"),
    ("cmdb_ci_aix_server", "AIX Server", "server/aix"),
    ("cmdb_ci_solaris_server", "Solaris Server", "server/solaris"),
    ("cmdb_ci_hpux_server", "HP-UX Server", "server/hpux"),
    ("cmdb_ci_esx_server", "ESX Server", "server/esx"),
    ("cmdb_ci_mainframe", "Mainframe", "server/mainframe"),
    ("cmdb_ci_vm_instance", "Virtual Machine Instance", "vm"),
    ("cmdb_ci_vmware_instance", "VMware Virtual Machine Instance", "vm/vmware"),
    ("cmdb_ci_hyper_v_instance", "Hyper-V Virtual Machine", "vm/hyper-v"),
    ("cmdb_ci_ec2_instance", "EC2 Virtual Machine", "vm/aws-ec2"),
    ("cmdb_ci_azure_instance", "Azure Virtual Machine", "vm/azure"),
    ("cmdb_ci_db_instance", "Database Instance", "database"),
    ("cmdb_ci_db_ora_instance", "Oracle Instance", "database/oracle"),
    ("cmdb_ci_db_mssql_instance", "MSFT SQL Instance", "database/mssql"),
    ("cmdb_ci_db_mysql_instance", "MySQL Instance", "database/mysql"),
    ("cmdb_ci_db_postgresql_instance", "PostgreSQL Instance", "database/postgres"),
    ("cmdb_ci_db_mongodb_instance", "MongoDB Instance", "database/mongodb"),
    ("cmdb_ci_db_db2_instance", "DB2 Instance", "database/db2"),
    ("cmdb_ci_cloud_database", "Cloud DataBase", "database/cloud"),
    ("cmdb_ci_appl", "Application", "application"),
    ("cmdb_ci_app_server", "Application Server", "app-server"),
    ("cmdb_ci_app_server_tomcat", "Tomcat", "app-server/tomcat"),
    ("cmdb_ci_app_server_jboss", "JBoss", "app-server/jboss"),
    ("cmdb_ci_app_server_websphere", "WebSphere", "app-server/websphere"),
    ("cmdb_ci_web_server", "Web Server", "web-server"),
    ("cmdb_ci_apache_web_server", "Apache Web Server", "web-server/apache"),
    ("cmdb_ci_nginx_web_server", "Nginx Web Server", "web-server/nginx"),
    ("cmdb_ci_iis_web_server", "IIS Web Server", "web-server/iis"),
    ("cmdb_ci_lb", "Load Balancer", "load-balancer"),
    ("cmdb_ci_lb_bigip", "F5 BIG-IP", "load-balancer/f5"),
    ("cmdb_ci_lb_appl", "Load Balancer Application", "load-balancer/application"),
    ("cmdb_ci_cluster", "Cluster", "cluster"),
    ("cmdb_ci_cluster_node", "Cluster Node", "cluster/node"),
    ("cmdb_ci_win_cluster", "Windows Cluster", "cluster/windows"),
    ("cmdb_ci_vcenter_cluster", "VMware vCenter Cluster", "cluster/vcenter"),
    ("cmdb_ci_kubernetes_cluster", "Kubernetes Cluster", "k8s/cluster"),
    ("cmdb_ci_kubernetes_node", "Kubernetes Node", "k8s/node"),
    ("cmdb_ci_kubernetes_namespace", "Kubernetes Namespace", "k8s/namespace"),
    ("cmdb_ci_kubernetes_deployment", "Kubernetes Deployment", "k8s/deployment"),
    ("cmdb_ci_kubernetes_pod", "Kubernetes Pod", "k8s/pod"),
    ("cmdb_ci_docker_container", "Docker Container", "container/docker"),
    ("cmdb_ci_netgear", "Network Gear", "network"),
    ("cmdb_ci_ip_router", "IP Router", "network/router"),
    ("cmdb_ci_ip_switch", "IP Switch", "network/switch"),
    ("cmdb_ci_ip_firewall", "IP Firewall", "network/firewall"),
    ("cmdb_ci_storage_device", "Storage Device", "storage"),
    ("cmdb_ci_san", "Storage Area Network", "storage/san"),
    ("cmdb_ci_storage_server", "Storage Server", "storage/server"),
    ("cmdb_ci_nas_file_system", "NAS File System", "storage/nas"),
    ("cmdb_ci_msd", "Mass Storage Device", "storage/disk"),
    ("cmdb_ci_endpoint", "Endpoint", "endpoint"),
    ("cmdb_ci_dns_name", "DNS Name", "dns"),
    ("cmdb_ci_certificate", "Certificate", "certificate"),
    ("cmdb_ci_queue", "Queue", "queue"),
    ("cmdb_ci_kafka_cluster", "Kafka Cluster", "queue/kafka"),
    ("cmdb_ci_service", "Service", "service:business"),
    ("cmdb_ci_service_business", "Business Service", "service:business"),
    ("service_offering", "Service Offering", "service:business"),
    ("cmdb_ci_service_technical", "Technical Service", "service:technical"),
    ("cmdb_ci_service_auto", "Application Service", "service:technical"),
    ("cmdb_ci_service_discovered", "Mapped Application Service", "service:technical"),
    ("cmdb_ci_service_calculated", "Calculated Application Service", "service:technical"),
    ("cmdb_ci_query_based_service", "Dynamic CI Group", "service:technical"),
];

/// `install_status` codes and labels → status (codes as the Ansible servicenow.itsm
/// collection documents them).
pub const INSTALL_STATUS: &[(&str, &str, &str)] = &[
    ("1", "Installed", "operational"),
    ("2", "On Order", "planned"),
    ("3", "In Maintenance", "maintenance"),
    ("4", "Pending Install", "planned"),
    ("5", "Pending Repair", "maintenance"),
    ("6", "In Stock", "installed"),
    ("7", "Retired", "retired"),
    ("8", "Stolen", "retired"),
    ("100", "Absent", "retired"),
];

/// `operational_status` codes and labels → status.
pub const OPERATIONAL_STATUS: &[(&str, &str, &str)] = &[
    ("1", "Operational", "operational"),
    ("2", "Non-Operational", "maintenance"),
    ("3", "Repair in Progress", "maintenance"),
    ("4", "DR Standby", "operational"),
    ("5", "Ready", "installed"),
    ("6", "Retired", "retired"),
    ("7", "Pipeline", "planned"),
    ("8", "Catalog", "planned"),
];

/// `environment` values and labels → environment.
pub const ENVIRONMENTS: &[(&str, &str)] = &[
    ("production", "production"),
    ("prod", "production"),
    ("staging", "staging"),
    ("stage", "staging"),
    ("pre-production", "staging"),
    ("preprod", "staging"),
    ("test", "test"),
    ("testing", "test"),
    ("qa", "test"),
    ("uat", "test"),
    ("development", "development"),
    ("dev", "development"),
    ("disaster recovery", "dr"),
    ("dr", "dr"),
];

/// `busines_criticality` values and labels → tier.
pub const CRITICALITY: &[(&str, u8)] = &[
    ("1 - most critical", 1),
    ("2 - somewhat critical", 2),
    ("3 - less critical", 3),
    ("4 - not critical", 4),
    ("1", 1),
    ("2", 2),
    ("3", 3),
    ("4", 4),
];

/// Which field of the parent an edge goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    DependsOn,
    RunsOn,
    Members,
    Components,
}

impl Edge {
    fn parse(text: &str) -> Option<Edge> {
        match text {
            "dependsOn" => Some(Edge::DependsOn),
            "runsOn" => Some(Edge::RunsOn),
            "members" => Some(Edge::Members),
            "components" => Some(Edge::Components),
            _ => None,
        }
    }
}

/// `cmdb_rel_type` names (`Parent descriptor::Child descriptor`) → the parent's field that
/// names the child. With `reverse`, the child's field names the parent.
pub const RELATIONS: &[(&str, Edge, bool)] = &[
    ("Depends on::Used by", Edge::DependsOn, false),
    ("Uses::Used by", Edge::DependsOn, false),
    ("Consumes::Consumed by", Edge::DependsOn, false),
    ("Runs on::Runs", Edge::RunsOn, false),
    ("Hosted on::Hosts", Edge::RunsOn, false),
    ("Virtualized by::Virtualizes", Edge::RunsOn, false),
    ("Members::Member of", Edge::Members, false),
    ("Cluster of::Cluster", Edge::Members, false),
    ("Contains::Contained by", Edge::Components, false),
];

/// Fields that name an owner, in the order they are tried.
pub const OWNER_FIELDS: &[&str] =
    &["managed_by_group", "support_group", "assignment_group", "owned_by", "managed_by"];

/// Tier of a service without a business criticality.
pub const DEFAULT_TIER: u8 = 3;

/// The tables in use: the defaults with `--map`'s entries laid over them. Keys are lower case.
#[derive(Debug, Clone)]
pub struct Mapping {
    pub classes: HashMap<String, Target>,
    pub install: HashMap<String, String>,
    pub operational: HashMap<String, String>,
    pub environments: HashMap<String, String>,
    pub tiers: HashMap<String, u8>,
    pub relations: HashMap<String, (Edge, bool)>,
    /// `cmdb_rel_type` sys_id → name, for exports that give relation types as sys_ids.
    pub relation_ids: HashMap<String, String>,
    /// `sys_user_group` sys_id → name, beside what `--groups` gives.
    pub groups: HashMap<String, String>,
    pub owner_fields: Vec<String>,
    pub default_tier: u8,
}

fn target(class: &str) -> Target {
    match class.strip_prefix("service:") {
        Some("technical") => Target::Service("technical"),
        Some(_) => Target::Service("business"),
        None if class == "service" => Target::Service("business"),
        None => Target::Ci(class.to_owned()),
    }
}

impl Default for Mapping {
    fn default() -> Self {
        let mut classes = HashMap::new();
        for (table, label, class) in CLASSES {
            classes.insert(table.to_lowercase(), target(class));
            classes.entry(label.to_lowercase()).or_insert_with(|| target(class));
        }
        let pairs = |table: &[(&str, &str, &str)]| {
            let mut map = HashMap::new();
            for (code, label, status) in table {
                map.insert(code.to_lowercase(), (*status).to_owned());
                map.insert(label.to_lowercase(), (*status).to_owned());
            }
            map
        };
        Mapping {
            classes,
            install: pairs(INSTALL_STATUS),
            operational: pairs(OPERATIONAL_STATUS),
            environments: ENVIRONMENTS.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
            tiers: CRITICALITY.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect(),
            relations: RELATIONS.iter().map(|(k, e, r)| (k.to_lowercase(), (*e, *r))).collect(),
            relation_ids: HashMap::new(),
            groups: HashMap::new(),
            owner_fields: OWNER_FIELDS.iter().map(|f| (*f).to_owned()).collect(),
            default_tier: DEFAULT_TIER,
        }
    }
}

const STATUSES: &[&str] = &["planned", "installed", "operational", "maintenance", "retired"];
const ENVIRONMENT_NAMES: &[&str] = &["production", "staging", "test", "development", "dr"];
const CLASS_PATTERN_HELP: &str = "a class is lower-case words of letters, digits and `-` joined by `/`, or `service`, `service:business`, `service:technical`";

fn valid_class(class: &str) -> bool {
    class.split('/').all(|part| {
        !part.is_empty()
            && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !part.starts_with('-')
    })
}

impl Mapping {
    /// The defaults with the entries of a `--map` file (YAML) over them. A malformed entry is
    /// a finding located in the file, and is left out.
    pub fn with_overrides(file: &Arc<str>, text: &str, out: &mut Vec<Diagnostic>) -> Mapping {
        let mut mapping = Mapping::default();
        let parsed = yaml::parse(text, &Limits::default());
        for problem in &parsed.problems {
            out.push(Diagnostic::new(
                Code::YamlSyntax,
                problem.message.clone(),
                crate::diag::Location::at(file.clone(), problem.span),
            ));
        }
        let Some(doc) = parsed.documents.into_iter().next() else { return mapping };
        let bad = |out: &mut Vec<Diagnostic>, pointer: &str, message: String| {
            out.push(super::super::finding(Code::ImportInvalidSource, message, file, text, 0, pointer));
        };
        let Value::Object(top) = doc.value else {
            if !doc.value.is_null() {
                bad(out, "", "a --map file is a mapping of tables (classes, installStatus, …)".into());
            }
            return mapping;
        };
        for (section, value) in &top {
            let at = format!("/{}", escape(section));
            let entries: Vec<(String, &Value)> = match value {
                Value::Object(m) => m.iter().map(|(k, v)| (k.clone(), v)).collect(),
                Value::Array(_) if section == "ownerFields" => Vec::new(),
                Value::Number(_) if section == "defaultTier" => Vec::new(),
                _ => {
                    bad(out, &at, format!("`{section}` must be a mapping"));
                    continue;
                }
            };
            for (key, v) in entries {
                let here = format!("{at}/{}", escape(&key));
                let text = v.as_str().map(str::to_owned);
                let lower = key.trim().to_lowercase();
                match (section.as_str(), text) {
                    ("classes", Some(class)) if class.starts_with("service") || valid_class(&class) => {
                        mapping.classes.insert(lower, target(&class));
                    }
                    ("classes", _) => bad(out, &here, format!("`{key}`: {CLASS_PATTERN_HELP}")),
                    ("installStatus" | "operationalStatus", Some(s)) if STATUSES.contains(&s.as_str()) => {
                        let table = if section == "installStatus" { &mut mapping.install } else { &mut mapping.operational };
                        table.insert(lower, s);
                    }
                    ("environments", Some(e)) if ENVIRONMENT_NAMES.contains(&e.as_str()) => {
                        mapping.environments.insert(lower, e);
                    }
                    ("groups", Some(name)) => {
                        mapping.groups.insert(key.trim().to_owned(), name);
                    }
                    ("relationTypes", Some(name)) if name.contains("::") => {
                        mapping.relation_ids.insert(key.trim().to_owned(), name);
                    }
                    ("relations", Some(field)) if Edge::parse(field.trim_start_matches('~')).is_some() => {
                        let reverse = field.starts_with('~');
                        let edge = Edge::parse(field.trim_start_matches('~')).expect("checked");
                        mapping.relations.insert(lower, (edge, reverse));
                    }
                    ("tiers", _) => match v.as_u64().filter(|t| (1..=4).contains(t)) {
                        Some(t) => {
                            mapping.tiers.insert(lower, t as u8);
                        }
                        None => bad(out, &here, format!("`{key}`: a tier is 1, 2, 3 or 4")),
                    },
                    ("installStatus" | "operationalStatus", _) => {
                        bad(out, &here, format!("`{key}`: a status is one of {}", STATUSES.join(", ")))
                    }
                    ("environments", _) => {
                        bad(out, &here, format!("`{key}`: an environment is one of {}", ENVIRONMENT_NAMES.join(", ")))
                    }
                    ("relations", _) => bad(
                        out,
                        &here,
                        format!("`{key}`: a relation maps to dependsOn, runsOn, members or components (`~` first: the child's field names the parent)"),
                    ),
                    ("relationTypes", _) => bad(out, &here, format!("`{key}`: give the type's name, `Parent::Child`")),
                    ("groups", _) => bad(out, &here, format!("`{key}`: give the group's name")),
                    _ => {}
                }
            }
            match section.as_str() {
                "ownerFields" => match value.as_array().map(|a| a.iter().map(Value::as_str).collect::<Option<Vec<_>>>()) {
                    Some(Some(fields)) if fields.iter().all(|f| OWNER_FIELDS.contains(f)) => {
                        mapping.owner_fields = fields.into_iter().map(str::to_owned).collect();
                    }
                    _ => bad(out, &at, format!("`ownerFields` lists some of {}", OWNER_FIELDS.join(", "))),
                },
                "defaultTier" => match value.as_u64().filter(|t| (1..=4).contains(t)) {
                    Some(t) => mapping.default_tier = t as u8,
                    None => bad(out, &at, "`defaultTier` is 1, 2, 3 or 4".into()),
                },
                "classes" | "installStatus" | "operationalStatus" | "environments" | "tiers" | "relations"
                | "relationTypes" | "groups" => {}
                other => bad(
                    out,
                    &at,
                    format!("`{other}` is not a table of the --map file (classes, installStatus, operationalStatus, environments, tiers, relations, relationTypes, groups, ownerFields, defaultTier)"),
                ),
            }
        }
        mapping
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}
